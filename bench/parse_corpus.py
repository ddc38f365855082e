"""Throughput and memory of mailconf.parsing.parse_message.

    .venv/bin/python bench/parse_corpus.py [--count 5000]

Parses an in-memory mix of messages (plain, 8-bit windows-1251 without charset, koi8-r
quoted-printable, HTML with an inline image, 60 KB attachments, quoted replies) and prints
messages per second and peak RSS; then, in a fresh process so the figure is its own, the time
and peak memory for one 25 MB message.
"""

from __future__ import annotations

import argparse
import base64
import os
import quopri
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mailconf.parsing import ParseError, parse_message  # noqa: E402

HEAD = (
    "From: Ivan Petrov <ivan{n}@example.ru>\nTo: support@servicedesk.example\nSubject: {subject}\n"
    "Date: Sun, 22 Nov 2026 10:15:00 +0300\nMessage-ID: <{n}.bench@example.ru>\nMIME-Version: 1.0\n"
)
TEXT_RU = "Добрый день! Не работает принтер в кабинете {n}, пишет 'замятие бумаги'. Помогите, пожалуйста.\n" * 8
REPLY = (
    "Спасибо, всё заработало ({n}).\n\nС уважением,\nИван\n\n22.11.2026 10:00, Служба поддержки пишет:\n"
    + "> Перезагрузите компьютер.\n" * 30
)


def _plain(n: int) -> bytes:
    return (
        HEAD.format(n=n, subject=f"Request {n}") + "Content-Type: text/plain; charset=utf-8\n"
        "Content-Transfer-Encoding: 8bit\n\n" + TEXT_RU.format(n=n)
    ).encode()


def _cp1251(n: int) -> bytes:
    head = HEAD.format(n=n, subject="Принтер").encode("cp1251")
    return head + b"Content-Type: text/plain\n\n" + TEXT_RU.format(n=n).encode("cp1251")


def _koi8(n: int) -> bytes:
    return (
        HEAD.format(n=n, subject=f"=?koi8-r?B?{base64.b64encode('Сбой'.encode('koi8_r')).decode()}?=").encode()
        + b"Content-Type: text/plain; charset=koi8-r\nContent-Transfer-Encoding: quoted-printable\n\n"
        + quopri.encodestring(TEXT_RU.format(n=n).encode("koi8_r"))
    )


def _html_inline(n: int) -> bytes:
    html = (
        f'<html><body><p>Ошибка на экране {n}:</p><img src="cid:img{n}@x"><p>'
        + "Подробности <b>ниже</b>.</p>" * 20
        + "</body></html>"
    ).encode()
    image = base64.encodebytes(os.urandom(8000))
    return HEAD.format(n=n, subject="Screenshot").encode() + (
        b'Content-Type: multipart/related; boundary="r"\n\n--r\nContent-Type: text/html; charset=utf-8\n\n'
        + html
        + b"\n--r\nContent-Type: image/png\nContent-Transfer-Encoding: base64\nContent-ID: <img%d@x>\n\n" % n
        + image
        + b"--r--\n"
    )


def _attachment(n: int) -> bytes:
    data = base64.encodebytes(os.urandom(60 * 1024))
    return HEAD.format(n=n, subject=f"RE: [#{n}] Report").encode() + (
        b'Content-Type: multipart/mixed; boundary="m"\n\n--m\nContent-Type: text/plain; charset=utf-8\n\n'
        + TEXT_RU.format(n=n).encode()
        + b'\n--m\nContent-Type: application/pdf; name="report.pdf"\n'
        b'Content-Transfer-Encoding: base64\nContent-Disposition: attachment; filename="report.pdf"\n\n'
        + data
        + b"--m--\n"
    )


def _reply(n: int) -> bytes:
    return (
        HEAD.format(n=n, subject=f"Re: [#{n}] Принтер")
        + "Content-Type: text/plain; charset=utf-8\n\n"
        + REPLY.format(n=n)
    ).encode()


KINDS = (_plain, _cp1251, _koi8, _html_inline, _attachment, _reply)


def throughput(count: int) -> None:
    messages = [KINDS[i % len(KINDS)](i) for i in range(count)]
    total_bytes = sum(len(m) for m in messages)
    for raw in messages[:60]:  # warm caches (codecs, regexes) before timing
        parse_message(raw)
    start, cpu_start = time.perf_counter(), time.process_time()
    for raw in messages:
        parse_message(raw)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # CPU-time rate too: on a shared machine wall-clock time includes waiting for a core.
    print(
        f"mix: {count} messages, {total_bytes / 1e6:.1f} MB: {count / elapsed:.0f} msg/s wall-clock, "
        f"{count / cpu:.0f} msg/s per CPU-second; peak RSS {rss:.0f} MB"
    )
    for kind in KINDS:
        sample = [kind(i) for i in range(300)]
        start = time.process_time()
        for raw in sample:
            parse_message(raw)
        print(f"  {kind.__name__[1:]:<12} {len(sample) / (time.process_time() - start):7.0f} msg/s per CPU-second")


def single_large() -> None:
    body = base64.encodebytes(os.urandom(int(24.5 * 1024 * 1024 / 4 * 3) - 2000))
    raw = HEAD.format(n=1, subject="Big").encode() + (
        b'Content-Type: multipart/mixed; boundary="m"\n\n--m\nContent-Type: text/plain\n\nSee attached.\n'
        b"--m\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n"
        b"Content-Disposition: attachment; filename=big.bin\n\n" + body + b"--m--\n"
    )
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tracemalloc.start()
    start = time.perf_counter()
    try:
        parsed = parse_message(raw)
        outcome = f"{len(parsed.attachments)} attachment(s)"
    except ParseError as exc:
        outcome = f"ParseError: {exc.reason}"
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"single {len(raw) / 1024 / 1024:.1f} MB message: {elapsed:.2f} s ({outcome}); "
        f"Python allocations peak {peak:.0f} MB; process RSS {rss_before:.0f} -> {rss:.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--single-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.single_only:
        single_large()
        return
    throughput(args.count)
    subprocess.run([sys.executable, __file__, "--single-only"], check=True)


if __name__ == "__main__":
    main()
