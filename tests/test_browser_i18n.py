"""The Chinese interface in a real browser: switching language keeps the page and its filters, a
lang=zh address reproduces the view, the language follows the reader to other pages, and every
page is screenshotted in Chinese on a desktop and a phone (SCREENSHOT_DIR) for a person to look at."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from dashboard import i18n
from tests.browser import DESKTOP, PHONE, base_url, browser, new_page, screenshot, wait_idle  # noqa: F401 - pytest fixtures, used as test arguments

pytestmark = pytest.mark.browser

WAIT = 30_000
CHIPS = "[data-testid='stMultiSelect'] [data-testid='stMultiSelectTagsContainer'] [data-tag]"
ZH = i18n.translations("zh").gettext  # expectations follow the catalogue
CHINESE_TITLES = {"/": ZH("Regional innovation metrics"), "/compare": ZH("Compare regions"), "/map": ZH("Province map"),
                  "/trends": ZH("Trends"), "/explore": ZH("Explore and download"), "/sources": ZH("Sources")}


def open_page(page, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded", timeout=WAIT)
    wait_idle(page)


def expect_chips(page, names: list[str]) -> None:
    """The regions chosen, waited for: a fresh page draws its widgets after its title (a busy
    machine once read the chips in between, and saw none)."""
    expect(page.locator(CHIPS)).to_have_text(names, timeout=WAIT)


def switch_language(page, control: str, title: str, regions: list[str]) -> None:
    """Click English or 中文 and check the page stayed, retitled, with the same regions chosen."""
    page.get_by_role("radio", name=control, exact=True).click()
    wait_idle(page)
    expect(page.locator("h1")).to_have_text(title)
    expect_chips(page, regions)


def test_switching_language_on_compare_keeps_the_selection_and_the_url_reproduces_it(new_page, base_url):
    page = new_page(locale="en-US")
    open_page(page, f"{base_url}/compare?region=Shanxi&region=Jilin&status=target")
    expect(page.locator("h1")).to_have_text("Compare regions")
    expect_chips(page, ["Shanxi", "Jilin"])

    switch_language(page, "中文", ZH("Compare regions"), ["山西省", "吉林省"])
    # Status takes several values now (actual and target shown together): a toggle button each.
    expect(page.get_by_role("button", name=ZH("target"), exact=True)).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("button", name=ZH("actual"), exact=True)).not_to_have_attribute("aria-pressed", "true")
    query = parse_qs(urlparse(page.url).query)
    assert query["lang"] == ["zh"] and query["region"] == ["山西省", "吉林省"]
    screenshot(page, "zh-compare-switched")

    shared = new_page()  # a reader who gets the address
    open_page(shared, page.url)
    expect(shared.locator("h1")).to_have_text(ZH("Compare regions"))
    expect_chips(shared, ["山西省", "吉林省"])

    switch_language(page, "English", "Compare regions", ["Shanxi", "Jilin"])


@pytest.mark.parametrize(("query", "regions", "in_address"), [
    ("region=吉林省", ["Jilin"], ["Jilin"]),  # a Chinese name on an English page
    ("region=Shanxi&lang=zh", ["山西省"], ["山西省"]),  # an English name on a Chinese page
    ("region=Jilin&region=山西省", ["Jilin", "Shanxi"], ["Jilin", "Shanxi"]),
])
def test_a_region_named_in_the_other_language_stays_in_the_address(new_page, base_url, query, regions, in_address):
    """The page selected such a region but dropped it from the address, so a reload or a shared
    link showed the defaults (issue 20, point 8)."""
    page = new_page(locale="en-US")
    open_page(page, f"{base_url}/compare?{query}")
    page.wait_for_timeout(500)
    wait_idle(page)
    expect_chips(page, regions)
    assert parse_qs(urlparse(page.url).query)["region"] == in_address
    open_page(page, page.url)  # a reload
    expect_chips(page, regions)


def test_the_language_follows_the_reader_to_another_page_and_a_zh_browser_gets_chinese(new_page, base_url):
    page = new_page()
    open_page(page, f"{base_url}/compare?lang=zh")
    page.get_by_role("link", name=ZH("Trends")).first.click()
    wait_idle(page)
    expect(page.locator("h1")).to_have_text(ZH("Trends"))
    assert parse_qs(urlparse(page.url).query).get("lang") == ["zh"]

    chinese_browser = new_page(locale="zh-CN")
    open_page(chinese_browser, f"{base_url}/map")
    expect(chinese_browser.locator("h1")).to_have_text(ZH("Province map"))


@pytest.mark.parametrize(("viewport", "device"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_every_page_in_chinese_for_a_person_to_look_at(new_page, base_url, viewport, device):
    page = new_page(viewport=viewport)
    for path, title in CHINESE_TITLES.items():
        open_page(page, f"{base_url}{path}?lang=zh")
        expect(page.locator("h1")).to_have_text(title)
        expect(page.locator("[data-testid='stException']")).to_have_count(0)
        page.wait_for_timeout(800)  # charts draw after the script finishes
        screenshot(page, f"zh-{device}-{path.strip('/') or 'overview'}")
