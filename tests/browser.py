"""Shared pieces of the browser tests: a `streamlit run` server on a free port and Debian's Chromium.

Playwright cannot download its own browser here, so it drives /usr/bin/chromium. A test module
imports the `base_url` and `browser` fixtures to get one server and one browser for the module. Screenshots go
to SCREENSHOT_DIR (default: a temp folder) so a person can look at every page after a run.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.harness import CHROMIUM, CHROMIUM_ARGS, ROOT
from tests.harness import streamlit_server as harness_server

IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
# A block waiting for the reader to scroll near it (views/near.py): its element container carries its key.
WAITING = "[data-testid='stElementContainer'][class*='-near-watch']"
SCREENSHOT_DIR = Path(os.environ.get("SCREENSHOT_DIR", Path(tempfile.gettempdir()) / "dashboard-screenshots"))


@contextmanager
def streamlit_server(app: Path | None = None, env: dict | None = None, timeout: float = 60):
    """Run `python -m streamlit run` on a free port; yield its base URL; stop it afterwards.

    tests/harness.py's launcher, which logs to a file (a pipe nobody reads can block the server)."""
    with harness_server(app or ROOT / "dashboard" / "app.py", env=env, timeout=timeout) as server:
        yield server.url


def wait_idle(page, timeout: float = 30_000) -> None:
    """Wait until the script has run and the app is idle (charts are drawn client-side after)."""
    page.wait_for_selector(IDLE, timeout=timeout)
    page.wait_for_timeout(300)  # a rerun may start right after the first idle (bound widgets)
    page.wait_for_selector(IDLE, timeout=timeout)


def still_waiting(within_px: float = float("inf")) -> str:
    """A script saying whether a block the reader can reach still waits, its box's top less than
    `within_px` below the screen's bottom (one on a part of the page hidden at this width, such as
    /compare's coverage heatmap on a phone, never comes near and is never drawn)."""
    below = "" if within_px == float("inf") else f" && r.top < innerHeight + {within_px:g}"
    return (f"() => [...document.querySelectorAll(\"{WAITING}\")].some((e) => {{"
            f" const r = e.getBoundingClientRect(); return r.height > 0{below}; }})")


def first_screen_drawn(page, timeout: float = 30_000) -> None:
    """Wait until every block that waits within its margin of the first screen is drawn (as it
    is, without a scroll, once it has stayed near for near.SETTLE_MS), and the app is idle: for
    example /compare's source line, share control and table under its first chart."""
    from dashboard.views import near

    wait_idle(page, timeout)  # the page's run has drawn its boxes
    page.wait_for_function(f"() => !({still_waiting(near.MARGIN_PX)})()", timeout=timeout)
    wait_idle(page, timeout)


def drawn_in_full(page, timeout: float = 30_000) -> None:
    """Wait until no block the reader can reach waits any more (each drawn as it came near) and
    the app is idle."""
    page.wait_for_function(f"() => !({still_waiting()})()", timeout=timeout)
    wait_idle(page, timeout)


def read_to_end(page) -> None:
    """Scroll the main container down, most of a screen at a time as a reader reads, to the end of
    the page: every block below the first screen is drawn as it comes near (views/near.py)."""
    from dashboard.views import near

    if not page.evaluate(still_waiting()):  # nothing on the page waits: no need to read it through
        return
    page.mouse.move(page.viewport_size["width"] // 2, page.viewport_size["height"] // 2)
    for _ in range(60):
        page.mouse.wheel(0, page.viewport_size["height"] * 0.6)
        page.wait_for_timeout(near.SETTLE_MS + 300)
        at_end = page.evaluate("() => { const m = document.querySelector('[data-testid=stMain]');"
                               " return m.scrollTop + m.clientHeight >= m.scrollHeight - 2; }")
        if at_end and not page.evaluate(still_waiting()):
            break
    drawn_in_full(page)


def screenshot(page, name: str) -> Path:
    """The whole page: Streamlit scrolls an inner container, so grow the viewport to its height
    (which brings every block below the first screen near, so it is drawn first)."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    size = page.viewport_size
    height = page.evaluate("() => document.querySelector('[data-testid=stMain]')?.scrollHeight || 0")
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], min(height + 50, 12000))})
    page.wait_for_timeout(500)
    if page.evaluate(still_waiting()):
        drawn_in_full(page)
        page.wait_for_timeout(500)
    page.screenshot(path=str(path))
    page.set_viewport_size(size)
    return path


DESKTOP = {"width": 1400, "height": 900}
PHONE = {"width": 390, "height": 844}
TOUCH = dict(has_touch=True, is_mobile=True)  # with PHONE: a phone's touch screen
PAGE_TIMEOUT = 30_000  # ms; generous because the test machine may be busy with other work


# Module fixtures: one server and one browser per test module that imports them.
@pytest.fixture(scope="module")
def base_url():
    with streamlit_server() as url:
        yield url


@pytest.fixture
def new_page(browser):
    """A factory of fresh pages, each in its own context (a viewport, a browser locale, ...); all
    closed after the test."""
    contexts = []

    def make(viewport=DESKTOP, **options):
        context = browser.new_context(viewport=viewport, accept_downloads=True, **options)
        context.set_default_timeout(PAGE_TIMEOUT)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()
