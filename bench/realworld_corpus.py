"""Crash and time sweep of mailconf.parsing.parse_message over folders of real-world mail.

    .venv/bin/python bench/realworld_corpus.py FOLDER [FOLDER ...] [--slow 0.5] [--details]

Each immediate subfolder of FOLDER is one collection (a folder holding mail files directly is
a collection of its own). Every regular file in it, at any depth, is taken as one message,
except files that are plainly not mail (images, sounds, code, JSON); files whose first line
is an mbox ``From `` line are split with :class:`mailbox.mbox` and each message is swept.

For each collection the script prints how many messages parsed, how many raised
:class:`ParseError` (allowed: the parser's documented refusal), how many raised anything else
(a bug), how many took longer than ``--slow`` seconds, and the slowest time. ``--details``
lists every ParseError, crash and slow message with its reason. The exit status is 1 when any
message crashed, so the sweep can gate a change.
"""

from __future__ import annotations

import argparse
import mailbox
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mailconf.parsing import ParseError, parse_message  # noqa: E402

_NOT_MAIL = set(
    ".py .pyc .json .png .gif .jpg .jpeg .bmp .tiff .webp .au .wav .aif .aifc .aiff .exr .xbm .pbm .pgm .ppm "
    ".ras .sgi .js .ts .md .rst .cfg .toml .yml .yaml .html .npy .data .gitignore".split()
)
_NOT_MAIL_PREFIXES = ("LICENSE", "NOTICE", "README", "__init__")


@dataclass
class Tally:
    parsed: int = 0
    refused: int = 0
    crashed: int = 0
    slow: int = 0
    slowest: float = 0.0
    notes: list[str] = field(default_factory=list)


def messages_in(path: Path) -> list[tuple[str, bytes]]:
    """(label, raw bytes) of each message a file holds: one, or every message of an mbox."""
    data = path.read_bytes()
    if not data.startswith(b"From "):
        return [(str(path), data)]
    box = mailbox.mbox(str(path), create=False)
    try:
        return [(f"{path}#{i}", box.get_bytes(key)) for i, key in enumerate(box.keys())]
    finally:
        box.close()


def mail_files(folder: Path) -> list[Path]:
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and p.suffix.lower() not in _NOT_MAIL
        and not p.name.startswith(_NOT_MAIL_PREFIXES)
        and not p.name.endswith("_reply_text")  # talon's expected replies
    )


def sweep(folder: Path, slow: float) -> Tally:
    tally = Tally()
    for path in mail_files(folder):
        for label, raw in messages_in(path):
            _sweep_one(label, raw, slow, tally)
    return tally


def _sweep_one(label: str, raw: bytes, slow: float, tally: Tally) -> None:
    started = time.perf_counter()
    try:
        parse_message(raw)
    except ParseError as exc:
        tally.refused += 1
        tally.notes.append(f"ParseError {label}: {exc.reason}")
    except Exception:  # noqa: BLE001 - the sweep exists to count exactly these
        tally.crashed += 1
        tally.notes.append(f"CRASH {label}:\n{traceback.format_exc()}")
    else:
        tally.parsed += 1
    elapsed = time.perf_counter() - started
    tally.slowest = max(tally.slowest, elapsed)
    if elapsed > slow:
        tally.slow += 1
        tally.notes.append(f"SLOW {label}: {elapsed:.3f} s")


def collections(roots: list[Path]) -> list[tuple[str, Path]]:
    found: list[tuple[str, Path]] = []
    for root in roots:
        subfolders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "__")))
        loose = [p for p in root.iterdir() if p.is_file() and p in mail_files(root)]
        if loose or not subfolders:
            found.append((root.name, root))
            found.extend((f"{root.name}/{p.name}", p) for p in subfolders if not loose)
        else:
            found.extend((p.name, p) for p in subfolders)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--slow", type=float, default=0.5, help="seconds above which a message counts as slow")
    parser.add_argument("--details", action="store_true", help="list every ParseError, crash and slow message")
    args = parser.parse_args()
    rows = [(name, sweep(path, args.slow)) for name, path in collections(args.folders)]
    width = max([len(name) for name, _ in rows] + [10])
    print(f"{'collection':<{width}}  {'parsed':>6}  {'ParseError':>10}  {'crashed':>7}  {'slow':>4}  {'slowest s':>9}")
    for name, t in rows:
        print(f"{name:<{width}}  {t.parsed:>6}  {t.refused:>10}  {t.crashed:>7}  {t.slow:>4}  {t.slowest:>9.3f}")
    total = Tally()
    for _, t in rows:
        total.parsed += t.parsed
        total.refused += t.refused
        total.crashed += t.crashed
        total.slow += t.slow
        total.slowest = max(total.slowest, t.slowest)
    print(
        f"{'total':<{width}}  {total.parsed:>6}  {total.refused:>10}  {total.crashed:>7}  {total.slow:>4}  "
        f"{total.slowest:>9.3f}"
    )
    if args.details:
        for name, t in rows:
            for note in t.notes:
                print(f"[{name}] {note}")
    return 1 if total.crashed else 0


if __name__ == "__main__":
    sys.exit(main())
