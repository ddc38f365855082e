"""The Message class the parser builds: email.message.Message with parameter decoding that
cannot raise.

The standard library sorts a parameter's RFC 2231 pieces by number and fails with TypeError
when one name comes both unnumbered and numbered (``boundary*=...; boundary*0=...``). The
feed parser asks for the boundary while parsing, so one such header anywhere in a message
made parse_message raise; on Content-Disposition it broke every later parameter lookup.
"""

from __future__ import annotations

import re
from email import utils
from email.message import Message, _parseparam  # type: ignore[attr-defined]
from typing import Any

# The standard library's own pattern for "name*", "name*0" and "name*0*" (email.utils).
_CONTINUATION = re.compile(r"^(?P<name>\w+)\*((?P<num>[0-9]+)\*?)?$", re.ASCII)


class TolerantMessage(Message):
    def _get_params_preserve(self, failobj: Any, header: str) -> Any:
        try:
            return super()._get_params_preserve(failobj, header)  # type: ignore[misc]
        except (TypeError, ValueError, IndexError):
            return _decode_without_conflicts(str(self.get(header, "")))


def _decode_without_conflicts(value: str) -> list[tuple[str, Any]]:
    """Parameters as the standard library gives them, the unnumbered copy of a name dropped
    when numbered pieces of that name exist (the pieces are what RFC 2231 clients send)."""
    params = []
    for piece in _parseparam(value):
        name, _sep, val = piece.partition("=")
        params.append((name.strip(), val.strip()))
    if not params:
        return []
    numbered = set()
    for name, _val in params[1:]:
        match = _CONTINUATION.match(name)
        if match is not None and match.group("num") is not None:
            numbered.add(match.group("name"))
    kept = [params[0]]
    for name, val in params[1:]:
        match = _CONTINUATION.match(name)
        if match is None or match.group("num") is not None or match.group("name") not in numbered:
            kept.append((name, val))
    try:
        return utils.decode_params(kept)
    except (TypeError, ValueError, IndexError):
        return [kept[0]]
