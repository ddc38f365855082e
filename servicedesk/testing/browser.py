"""Browser tests: Chromium through Playwright, and checks of what a person actually SEES.

A DOM assertion passes on white text on a white box; these helpers look at the rendered page:
computed colours with the WCAG contrast ratio, the element's box against the viewport, the page
against horizontal overflow, and a pixel comparison proving the text is drawn at all.

Fixtures (registered in the root conftest): `chromium` (a browser for the test),
`browser_session` (a logged-in page factory) and `asgi_server_factory` (uvicorn against the test
database, for pages that stream). Screenshots land in `SHOTS` for people to look at.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SHOTS = Path(os.environ.get("UI_SHOTS_DIR", "/tmp/ui-shots"))
# WCAG 2.1 AA: normal text needs 4.5:1.
READABLE = 4.5

# The colour the text is drawn in and the colour behind it: the first opaque background up the
# tree, with translucent layers on the way composited over it (white at the root).
_COLOURS_JS = """
el => {
  const parse = s => { const m = s.match(/rgba?\\(([^)]+)\\)/); if (!m) return [0, 0, 0, 0];
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const layers = [];
  for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
    const style = getComputedStyle(node);
    const bg = parse(style.backgroundColor);
    if (bg[3] > 0) layers.push(bg);
    if (bg[3] >= 1) break;
  }
  let base = [255, 255, 255];
  for (const [r, g, b, a] of layers.reverse()) {
    base = [r * a + base[0] * (1 - a), g * a + base[1] * (1 - a), b * a + base[2] * (1 - a)];
  }
  const style = getComputedStyle(el);
  const fg = parse(style.color);
  const opacity = [...function* () { for (let n = el; n && n.nodeType === 1; n = n.parentElement)
    yield Number(getComputedStyle(n).opacity); }()].reduce((a, b) => a * b, 1);
  const alpha = fg[3] * opacity;
  const drawn = [0, 1, 2].map(i => fg[i] * alpha + base[i] * (1 - alpha));
  return {fg: drawn, bg: base};
}
"""


def _luminance(rgb: list[float]) -> float:
    def channel(value: float) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(locator: Any) -> float:
    """WCAG contrast ratio (1–21) between the element's drawn text colour and its background."""
    colours = locator.evaluate(_COLOURS_JS)
    light, dark = sorted((_luminance(colours["fg"]), _luminance(colours["bg"])), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def assert_readable(locator: Any, minimum: float = READABLE) -> None:
    ratio = contrast_ratio(locator)
    assert ratio >= minimum, f"text contrast {ratio:.2f}:1 is below {minimum}:1"


def box_in_viewport(locator: Any) -> bool:
    """The whole border box is inside the visible part of the window."""
    return bool(
        locator.evaluate(
            "el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0 &&"
            " r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth; }"
        )
    )


def box_across_viewport(locator: Any) -> bool:
    """The element starts on screen and is as wide as the window lets it be (a tall panel may run on below)."""
    return bool(
        locator.evaluate(
            "el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0 &&"
            " r.top >= 0 && r.top < innerHeight && r.left >= 0 && r.right <= innerWidth; }"
        )
    )


def assert_across_viewport(locator: Any) -> None:
    assert box_across_viewport(locator), f"element is not across the viewport: {locator.bounding_box()}"


def assert_in_viewport(locator: Any) -> None:
    assert box_in_viewport(locator), f"element is outside the viewport: {locator.bounding_box()}"


def assert_no_horizontal_overflow(page: Any) -> None:
    """Nothing pushes the page wider than the window (a horizontal scrollbar hides columns)."""
    widths = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
    assert widths[0] <= widths[1], f"page is {widths[0]}px wide in a {widths[1]}px window"


def assert_fits(locator: Any, container: Any) -> None:
    """The element's box does not stick out of the container's box."""
    inner, outer = locator.bounding_box(), container.bounding_box()
    assert inner and outer
    assert inner["x"] >= outer["x"] - 1 and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 1, (
        inner,
        outer,
    )


def assert_text_drawn(locator: Any) -> None:
    """Pixels prove the text is there: the element looks different once its text is made transparent."""
    with_text = locator.screenshot(animations="disabled")
    locator.evaluate(
        "el => { el.dataset.savedColor = el.style.color; el.style.setProperty('color', 'transparent', 'important');"
        " el.querySelectorAll('*').forEach(c => c.style.setProperty('color', 'transparent', 'important')); }"
    )
    without_text = locator.screenshot(animations="disabled")
    locator.evaluate(
        "el => { el.style.color = el.dataset.savedColor; el.querySelectorAll('*').forEach(c => c.style.removeProperty('color')); }"
    )
    assert with_text != without_text, "the element's text is not drawn (it looks the same without it)"


def shot(page: Any, name: str, *, full_page: bool = True) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


@pytest.fixture
def asgi_server_factory(transactional_db: None, django_db_setup: None) -> Iterator[Callable[..., Any]]:
    """Start uvicorn against the test database: `factory(redis=True)`; stopped after the test."""
    from django.conf import settings
    from django.db import connection

    from notifications.testing import AsgiServer, database_url_for

    servers: list[AsgiServer] = []

    def start(redis: bool = True, **extra_env: str) -> AsgiServer:
        server = AsgiServer(
            database_url_for(connection.settings_dict), settings.REDIS_URL if redis else "", extra_env=extra_env
        )
        servers.append(server.start())
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def chromium(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API keeps an event loop running in this thread, which makes Django refuse
    # ORM calls; the test's own queries are plain synchronous ones, so allow them.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from django.db import connections

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    # The test body's greenlet has its own database connection; close it so the test database can be dropped.
    connections.close_all()


def session_for(username: str) -> str:
    """A fresh session cookie value of `username` (password from the cast)."""
    from django.test import Client

    from servicedesk.testing.cast import PASSWORD

    client = Client()
    assert client.login(username=username, password=PASSWORD), username
    return client.cookies["sessionid"].value


@pytest.fixture
def browser_session(chromium: Any) -> Callable[..., Any]:
    """`open_as(base_url, username, language="en", width=1440, height=900, timezone_id=None)` → a page."""

    def open_as(
        base_url: str,
        username: str,
        language: str = "en",
        width: int = 1440,
        height: int = 900,
        timezone_id: str | None = None,
    ) -> Any:
        options: dict[str, Any] = {"base_url": base_url, "locale": "ru-RU" if language == "ru" else "en-US"}
        options["viewport"] = {"width": width, "height": height}
        if timezone_id:
            options["timezone_id"] = timezone_id
        context = chromium.new_context(**options)
        context.add_cookies(
            [
                {"name": "sessionid", "value": session_for(username), "url": base_url},
                {"name": "django_language", "value": language, "url": base_url},
            ]
        )
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    return open_as
