"""Builders for telephony tests and the benchmark: recordings made on the spot and a PBX token."""

from __future__ import annotations

import io
import math
import struct
import wave

# MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, no CRC, no padding: 417-byte frames. A frame whose side
# information is all zero decodes as silence, which makes a valid MP3 without an encoder.
_MP3_HEADER = bytes([0xFF, 0xFB, 0x90, 0x64])
_MP3_FRAME = _MP3_HEADER + bytes(417 - len(_MP3_HEADER))


def wav_bytes(seconds: float = 1.0, rate: int = 8000, tone: float = 440.0) -> bytes:
    """A mono 16-bit PCM WAV with a tone, the way Asterisk stores a voicemail as `.wav`."""
    frames = int(seconds * rate)
    samples = b"".join(struct.pack("<h", int(12000 * math.sin(2 * math.pi * tone * n / rate))) for n in range(frames))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples)
    return buffer.getvalue()


def mp3_bytes(seconds: float = 1.0) -> bytes:
    """Silent MP3 frames with an ID3v2 tag in front, as PBXs that convert to MP3 send them."""
    id3 = b"ID3\x04\x00\x00\x00\x00\x00\x00"
    return id3 + _MP3_FRAME * max(1, round(seconds * 44100 / 1152))


def pbx_token(name: str = "MikoPBX office") -> str:
    from .services.tokens import create_token  # lazily: the recordings above need no Django

    return create_token(pbx_name=name)[1]
