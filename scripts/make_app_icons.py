"""Render the installable app's PNG icons from static/img/favicon.svg with Debian's Chromium.

    .venv/bin/python scripts/make_app_icons.py

The web app manifest needs 192 and 512 pixel PNGs (and a "maskable" one with a full-bleed
background, which phones crop to their own shape); drawing them from the favicon keeps one source.
"""

from __future__ import annotations

from playwright.sync_api import sync_playwright

svg = open("static/img/favicon.svg", encoding="utf-8").read()
inner = svg[svg.index(">") + 1 : svg.rindex("</svg>")]
symbol = inner[inner.index("/>") + 2 :]
variants = {
    "app-icon-192.png": (
        192,
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" width="192" height="192">{inner}</svg>',
    ),
    "app-icon-512.png": (
        512,
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" width="512" height="512">{inner}</svg>',
    ),
    # maskable: full-bleed background, the symbol inside the central safe zone (80 %)
    "app-icon-maskable-512.png": (
        512,
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" width="512" height="512"><rect width="32" height="32" fill="#2F5BEA"/><g transform="translate(4.8 4.8) scale(0.7)">{symbol}</g></svg>',
    ),
}
with sync_playwright() as p:
    b = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
    for name, (size, markup) in variants.items():
        page = b.new_page(viewport={"width": size, "height": size})
        page.set_content(f'<html><body style="margin:0;background:transparent">{markup}</body></html>')
        page.screenshot(
            path=f"static/img/{name}", omit_background=True, clip={"x": 0, "y": 0, "width": size, "height": size}
        )
    b.close()
