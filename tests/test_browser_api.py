"""In a real browser: the /explore download of a view is byte for byte what the read API gives for
that view's URL query, in every format a script would compare (CSV), and /explore shows that API URL.
With no public address configured (as here) the one difference is figure_url: the page writes it
with the address the reader used, the API (whose answers proxies cache for everyone) the path alone.

The query is taken from the address bar after the page has run, so it is the URL exactly as
Streamlit writes it, including after the reader changes a widget.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.browser import CHROMIUM, CHROMIUM_ARGS, screenshot, streamlit_server, wait_idle
from tests.harness import fetch

pytestmark = pytest.mark.browser

WAIT = 30_000


@pytest.fixture(scope="module")
def base_url():
    with streamlit_server() as url:
        yield url


@pytest.fixture(scope="module")
def page(base_url):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
        context.set_default_timeout(WAIT)
        yield context.new_page()
        browser.close()


def download(page, label: re.Pattern, tmp_path) -> bytes:
    button = page.locator("[data-testid='stDownloadButton'] button", has_text=label)
    expect(button).to_have_count(1, timeout=WAIT)
    with page.expect_download() as info:
        button.click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    wait_idle(page)
    return saved.read_bytes()


def as_downloaded(served: bytes, base_url: str) -> bytes:
    """The API's CSV with figure_url as the page writes it: absolute, from the reader's address."""
    assert b",/figure?id=" in served
    return served.replace(b",/figure?id=", f",{base_url}/figure?id=".encode())


def shown_api_url(page) -> str:
    page.get_by_text("Use these figures in a script").click()
    wait_idle(page)
    code = page.locator("[data-testid='stCode']").last
    expect(code).to_be_visible(timeout=WAIT)
    return code.inner_text().strip()


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("regions-years", "/explore?region=Shanxi&region=Shandong&years=2012&years=2021&undated=false"),
        ("metric-status", "/explore?metric=Technology+contract+turnover&status=actual"),
        ("category", "/explore?category=Manufacturing+innovation+centres&qualifier=exact"),
    ],
)
def test_explore_download_is_the_api_answer_for_the_url_query(page, base_url, tmp_path, name, path):
    page.goto(base_url + path, wait_until="domcontentloaded")
    wait_idle(page)
    query = urlsplit(page.url).query
    assert query, "the page kept its filters in the URL"
    downloaded = download(page, re.compile(r"Download CSV \(\d+ rows\)"), tmp_path)
    status, _, served = fetch(f"{base_url}/api/figures.csv?{query}")
    assert status == 200 and as_downloaded(served, base_url) == downloaded
    url = shown_api_url(page)
    assert url.startswith(f"{base_url}/api/figures.csv?")
    assert as_downloaded(fetch(url)[2], base_url) == downloaded
    screenshot(page, f"explore-api-{name}")


def test_after_moving_the_year_slider_the_url_still_fetches_the_download(page, base_url, tmp_path):
    page.goto(base_url + "/explore?region=Shanxi", wait_until="domcontentloaded")
    wait_idle(page)
    handle = page.locator("[data-testid='stSlider'] input[type='range']").first
    handle.focus()
    for _ in range(3):
        handle.press("ArrowRight")  # the lower end moves up three years
    wait_idle(page)
    query = urlsplit(page.url).query
    assert "years=" in query
    downloaded = download(page, re.compile(r"Download CSV \(\d+ rows\)"), tmp_path)
    status, _, served = fetch(f"{base_url}/api/figures.csv?{query}")
    assert status == 200, served
    assert as_downloaded(served, base_url) == downloaded
    screenshot(page, "explore-api-slider")
