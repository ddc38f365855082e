"""Demo data for `manage.py load_demo` (org structure, clients, catalogue, agreements, tickets)."""

from __future__ import annotations

from .loader import DemoResult, load_demo, register_demo_part

__all__ = ["DemoResult", "load_demo", "register_demo_part"]
