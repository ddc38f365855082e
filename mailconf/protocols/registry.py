"""One registry shape for both directions: `kind -> class`, filled by the protocol modules themselves.

Each protocol module decorates its class with its direction's `register`; the direction module
(`outgoing`, `incoming`) names its built-in protocol module per kind in `modules`, imported on
first use so that importing a base class does not pull in exchangelib. Asking for one kind imports
only its module, so a worker reading IMAP does not import exchangelib (about 0.1 s of every
`mail_fetch` start); listing the kinds imports them all. This is the one place where a base
module imports the modules built on it (they import the base for their base class).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from typing import ClassVar, Generic, Protocol, TypeVar

from .errors import TransportError


class Kinded(Protocol):
    kind: ClassVar[str]


K = TypeVar("K", bound=Kinded)


class Registry(Mapping[str, type[K]], Generic[K]):
    """A read-only mapping `kind -> class` with a `register` decorator; unknown kinds are refused
    with a permanent TransportError by `class_for`."""

    def __init__(self, label: str, modules: Mapping[str, str]) -> None:
        self.label = label
        self._modules = dict(modules)
        self._loaded = False
        self._classes: dict[str, type[K]] = {}

    def register(self, cls: type[K]) -> type[K]:
        """Class decorator: make `cls` available under `cls.kind`."""
        self._classes[cls.kind] = cls
        return cls

    def class_for(self, kind: str) -> type[K]:
        try:
            return self[kind]
        except KeyError:
            raise TransportError(f"unknown {self.label} {kind!r}", permanent=True) from None

    def _all(self) -> dict[str, type[K]]:
        if not self._loaded:
            for module in self._modules.values():
                importlib.import_module(module)  # each registers its class
            self._loaded = True
        return self._classes

    def __getitem__(self, kind: str) -> type[K]:
        if kind not in self._classes and kind in self._modules:
            importlib.import_module(self._modules[kind])  # registers its class
        if kind in self._classes:
            return self._classes[kind]
        return self._all()[kind]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())
