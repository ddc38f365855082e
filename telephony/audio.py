"""Voicemail recordings: what the bytes really are, not what the file name says.

The first bytes decide the format (RIFF/WAVE, or MP3 with an ID3 tag or an MPEG audio frame); then
mutagen parses the file, which refuses a header glued onto something else and gives the length.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

from mutagen import MutagenError
from mutagen.mp3 import MP3
from mutagen.wave import WAVE

CANONICAL_TYPES = {"wav": "audio/wav", "mp3": "audio/mpeg"}
# Content types PBXs and HTTP clients send for each format; anything else is replaced.
ACCEPTED_TYPES = {
    "wav": {"audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave"},
    "mp3": {"audio/mpeg", "audio/mp3", "audio/x-mp3", "audio/mpeg3", "audio/x-mpeg-3"},
}


class BadAudio(ValueError):
    """The upload is not a WAV or MP3 recording."""


@dataclass(frozen=True)
class AudioInfo:
    format: str
    seconds: float | None
    content_type: str


def sniff(head: bytes) -> str | None:
    """ "wav", "mp3" or None from the first bytes."""
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head[:3] == b"ID3":
        return "mp3"
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0 and head[1] & 0x06:
        return "mp3"  # an MPEG audio frame sync with a layer set
    return None


def inspect(file: IO[bytes], claimed_type: str = "") -> AudioInfo:
    """Format, length and the content type to keep (the sent one when it names this format)."""
    file.seek(0)
    kind = sniff(file.read(16))
    if kind is None:
        raise BadAudio("not a WAV or MP3 recording")
    file.seek(0)
    try:
        parsed = WAVE(file) if kind == "wav" else MP3(file)
    except (MutagenError, ValueError, EOFError) as error:
        raise BadAudio(f"damaged {kind.upper()} recording: {error}") from error
    finally:
        file.seek(0)
    length = getattr(parsed.info, "length", None)
    claimed = (claimed_type or "").split(";")[0].strip().lower()
    content_type = claimed if claimed in ACCEPTED_TYPES[kind] else CANONICAL_TYPES[kind]
    return AudioInfo(kind, float(length) if length else None, content_type)
