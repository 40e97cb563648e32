"""The Chinese interface in a real browser: switching language keeps the page and its filters, a
lang=zh address reproduces the view, the language follows the reader to other pages, and every
page is screenshotted in Chinese on a desktop and a phone (SCREENSHOT_DIR) for a person to look at."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from tests.browser import DESKTOP, base_url, browser, new_page, screenshot, wait_idle  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser

WAIT = 30_000
PHONE = {"width": 390, "height": 844}
CHIPS = "[data-testid='stMultiSelect'] [data-testid='stMultiSelectTagsContainer'] [data-tag]"
CHINESE_TITLES = {"/": "区域创新指标", "/compare": "地区比较", "/map": "省级地图", "/trends": "趋势",
                  "/explore": "浏览与下载", "/sources": "来源"}


def open_page(page, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded", timeout=WAIT)
    wait_idle(page)


def chips(page) -> list[str]:
    return [c.inner_text().strip() for c in page.locator(CHIPS).all()]


def switch_language(page, control: str, title: str, regions: list[str]) -> None:
    """Click English or 中文 and check the page stayed, retitled, with the same regions chosen."""
    page.get_by_role("radio", name=control, exact=True).click()
    wait_idle(page)
    expect(page.locator("h1")).to_have_text(title)
    assert chips(page) == regions


def test_switching_language_on_compare_keeps_the_selection_and_the_url_reproduces_it(new_page, base_url):
    page = new_page(locale="en-US")
    open_page(page, f"{base_url}/compare?region=Shanxi&region=Jilin&status=target")
    expect(page.locator("h1")).to_have_text("Compare regions")
    assert chips(page) == ["Shanxi", "Jilin"]

    switch_language(page, "中文", "地区比较", ["山西省", "吉林省"])
    # Status takes several values now (actual and target shown together): a toggle button each.
    expect(page.get_by_role("button", name="目标", exact=True)).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("button", name="实际", exact=True)).not_to_have_attribute("aria-pressed", "true")
    query = parse_qs(urlparse(page.url).query)
    assert query["lang"] == ["zh"] and query["region"] == ["山西省", "吉林省"]
    screenshot(page, "zh-compare-switched")

    shared = new_page()  # a reader who gets the address
    open_page(shared, page.url)
    expect(shared.locator("h1")).to_have_text("地区比较")
    assert chips(shared) == ["山西省", "吉林省"]

    switch_language(page, "English", "Compare regions", ["Shanxi", "Jilin"])


def test_the_language_follows_the_reader_to_another_page_and_a_zh_browser_gets_chinese(new_page, base_url):
    page = new_page()
    open_page(page, f"{base_url}/compare?lang=zh")
    page.get_by_role("link", name="趋势").first.click()
    wait_idle(page)
    expect(page.locator("h1")).to_have_text("趋势")
    assert parse_qs(urlparse(page.url).query).get("lang") == ["zh"]

    chinese_browser = new_page(locale="zh-CN")
    open_page(chinese_browser, f"{base_url}/map")
    expect(chinese_browser.locator("h1")).to_have_text("省级地图")


@pytest.mark.parametrize(("viewport", "device"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_every_page_in_chinese_for_a_person_to_look_at(new_page, base_url, viewport, device):
    page = new_page(viewport=viewport)
    for path, title in CHINESE_TITLES.items():
        open_page(page, f"{base_url}{path}?lang=zh")
        expect(page.locator("h1")).to_have_text(title)
        expect(page.locator("[data-testid='stException']")).to_have_count(0)
        page.wait_for_timeout(800)  # charts draw after the script finishes
        screenshot(page, f"zh-{device}-{path.strip('/') or 'overview'}")
