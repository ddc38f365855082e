"""Bounds on HTML structure before it reaches the sanitiser.

html5ever (inside nh3) and libxml2 do work proportional to the depth of open elements for each
new element, and to the number of attributes already seen for each attribute: 100,000 nested
``<div>`` took a minute, 100,000 attributes on one tag twelve seconds. Real mail nests a few
dozen levels (a long Outlook thread a few hundred) and has a handful of attributes per tag, so
markup beyond these bounds is dropped here, tags only: every word of text stays.
"""

from __future__ import annotations

import re
from collections import Counter

MAX_DEPTH = 256
MAX_ATTRIBUTES = 64
_LONG_TAG = 4096  # attribute lists shorter than this cannot hold enough attributes to matter

_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9:-]{0,40})([^<>]*)>")
_ATTRIBUTE = re.compile(r"""\s*[^\s=/>]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?""")
# Tags that never nest: void elements, and those the HTML parser closes implicitly when the
# next one opens (so they do not deepen the tree however often they repeat).
_FLAT = frozenset(
    "area base br col embed hr img input link meta param source track wbr "
    "p li dt dd td th tr option tbody thead tfoot".split()
)


def bound_markup(source: str) -> str:
    """``source`` with tags nested deeper than MAX_DEPTH removed (with their closing tags) and
    attribute lists cut to MAX_ATTRIBUTES. Ordinary HTML comes back unchanged (same object)."""
    if source.count("<") <= MAX_DEPTH and len(source) < _LONG_TAG:
        return source
    out: list[str] = []
    pos = 0
    depth = 0
    dropped: Counter[str] = Counter()
    changed = False
    for match in _TAG.finditer(source):
        closing, name, rest = match.group(1), match.group(2).lower(), match.group(3)
        keep = True
        if closing:
            if dropped[name]:
                dropped[name] -= 1
                keep = False
            elif name not in _FLAT and depth:
                depth -= 1
        elif name not in _FLAT and not rest.rstrip().endswith("/"):
            if depth >= MAX_DEPTH:
                dropped[name] += 1
                keep = False
            else:
                depth += 1
        if keep and len(rest) <= _LONG_TAG:
            continue
        out.append(source[pos : match.start()])
        if keep:
            out.append(f"<{closing}{match.group(2)}{_first_attributes(rest)}>")
        pos = match.end()
        changed = True
    if not changed:
        return source
    out.append(source[pos:])
    return "".join(out)


def _first_attributes(rest: str) -> str:
    kept = []
    for count, match in enumerate(_ATTRIBUTE.finditer(rest)):
        if count >= MAX_ATTRIBUTES:
            break
        kept.append(match.group(0))
    return "".join(kept)
