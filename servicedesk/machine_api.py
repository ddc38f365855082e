"""A lean ASGI handler for machine APIs (the PBX API): one thread hop per request, no page middleware.

Django's ASGI handler serves a synchronous view by starting a fresh thread per request
(`ThreadSensitiveContext`) and hopping into it once for every middleware method — about twenty
hand-overs between the event loop and that thread for one API call, plus the thread start, which on
a loaded two-core machine cost more than the view itself. A PBX sends no cookies, has no session,
no CSRF token, no language preference and never sees a page, so the operator interface's middleware
(sessions, authentication, locale, messages, axes, labels) has nothing to do for it.

`MachineApiHandler` runs the whole request — `SecurityMiddleware` (the same headers and HTTPS
redirect as every page), URL resolution, the view — in one call on the event loop's thread pool,
whose threads live on, so their database connections are kept per CONN_MAX_AGE (or handed back to
the pool) exactly as in Django's request cycle (`request_started` / `request_finished`). A module
switched off by a label answers 404 here, as `LabelMiddleware` does for pages.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.core.handlers.exception import convert_exception_to_response
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.middleware.security import SecurityMiddleware
from django.urls import set_script_prefix

from . import labels

# How old the labels' state may be on this path (seconds): see `labels.disabled_modules`.
LABELS_MAX_AGE = 10.0


class MachineApiHandler(ASGIHandler):
    """Serves the URLs of one module's machine API; `module` is its label code."""

    def __init__(self, *, module: str) -> None:
        self.module = module
        super().__init__()

    def load_middleware(self, is_async: bool = False) -> None:
        self._view_middleware: list[Any] = []
        self._template_response_middleware: list[Any] = []
        self._exception_middleware: list[Any] = []
        inner = convert_exception_to_response(self._get_response)  # type: ignore[attr-defined]
        self._middleware_chain = convert_exception_to_response(SecurityMiddleware(inner))

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        try:
            set_script_prefix(get_script_prefix(scope))
            request, error_response = self.create_request(scope, body_file)
            if request is None:
                response: HttpResponseBase | None = error_response
            else:
                response = await sync_to_async(self._respond, thread_sensitive=False)(request)
            assert response is not None  # create_request returns a request or an error response
            await self.send_response(response, send)
        finally:
            body_file.close()

    def _respond(self, request: HttpRequest) -> HttpResponseBase:
        """The request cycle in one worker thread; its signals close or keep this thread's
        database connection as Django's handlers do."""
        signals.request_started.send(sender=self.__class__, environ=request.META)
        try:
            switched_off = not labels.is_enabled(self.module, max_age=LABELS_MAX_AGE)
        except BaseException:
            signals.request_finished.send(sender=self.__class__)
            raise
        if switched_off:
            response: HttpResponseBase = JsonResponse({"detail": "Not Found"}, status=404)
        else:
            # A synchronous chain (load_middleware), so never an awaitable.
            response = self._middleware_chain(request)  # type: ignore[assignment]
        response._handler_class = self.__class__  # type: ignore[attr-defined]
        # The answers are JSON held in memory (nothing streamed), so they are closed here, in the
        # thread that made them: close() sends request_finished.
        assert not response.streaming, "a machine API answers with complete bodies"
        response.close()
        return response
