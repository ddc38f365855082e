from __future__ import annotations

from . import gctune

gctune.tune()  # first, so that start-up itself runs with it

from .celery import app as celery_app  # noqa: E402

__all__ = ["celery_app"]
