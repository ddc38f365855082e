"""ASGI entry point (uvicorn in development and production).

The PBX API goes to a lean handler of its own (`servicedesk/machine_api.py`): a PBX posting
hundreds of calls a second needs none of the operator interface's middleware.
"""

from __future__ import annotations

import os
from typing import Any

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")
django_application = get_asgi_application()

from .machine_api import MachineApiHandler  # noqa: E402  (needs the apps loaded above)

# URL prefix -> the label (module) that owns it.
MACHINE_APIS = (("/api/pbx/", MachineApiHandler(module="telephony")),)


async def application(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "http":
        for prefix, handler in MACHINE_APIS:
            if scope["path"].startswith(prefix):
                return await handler(scope, receive, send)
    return await django_application(scope, receive, send)
