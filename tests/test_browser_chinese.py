"""A Chinese-sourced figure in a real browser (issue 19): /figure shows its Chinese quote highlighted
in its paragraph, the stated 1025.3亿元 and the converted 102.53 billion yuan, in English and in
Chinese, at desktop and phone widths (screenshots in $SCREENSHOT_DIR). The app serves a copy of the
project with tests/documents/anhui_figures_zh.txt added (tests/test_chinese_document.py)."""

from __future__ import annotations

import os
import shutil

import pytest
from playwright.sync_api import expect

from tests.browser import ROOT, browser, screenshot, streamlit_server, wait_idle  # noqa: F401 - pytest fixtures, used as test arguments
from tests.test_chinese_document import TURNOVER, add_chinese_document

pytestmark = pytest.mark.browser

WAIT = 30_000
QUOTE = "2022年，全省技术合同成交额达到1025.3亿元"


@pytest.fixture(scope="module")
def chinese_url(tmp_path_factory):
    root = tmp_path_factory.mktemp("chinese")
    for folder in ("data", "seeds"):
        shutil.copytree(ROOT / folder, root / folder)
    add_chinese_document(root)
    with streamlit_server(env={**os.environ, "DASHBOARD_ROOT": str(root)}) as url:
        yield url


@pytest.mark.parametrize(("language", "value", "stated"), [
    ("en", "102.53 billion yuan", "As the document states it: 1025.3亿元"),
    ("zh", "1,025.3亿元", "文档原文表述： 1025.3亿元"),
])
@pytest.mark.parametrize(("size", "viewport"), [("desktop", {"width": 1440, "height": 900}),
                                                ("phone", {"width": 390, "height": 844})])
def test_the_figure_page_shows_the_chinese_quote_stated_and_converted(browser, chinese_url, language, value, stated,
                                                                      size, viewport):
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(WAIT)
    page = context.new_page()
    try:
        page.goto(f"{chinese_url}/figure?id={TURNOVER}&lang={language}", wait_until="domcontentloaded")
        wait_idle(page)
        main = page.locator("[data-testid='stMain']")
        expect(main.locator("h2").first).to_contain_text(value)
        expect(main).to_contain_text(stated)
        highlighted = main.locator("span.stMarkdownColoredBackground")  # :orange-background[...]
        expect(highlighted).to_have_text([QUOTE])  # the quote alone, inside its paragraph:
        expect(main.locator("p", has=page.locator("span.stMarkdownColoredBackground"))).to_contain_text("国家制造业创新中心数量居全国第五")
        expect(page.locator("[data-testid='stException']")).to_have_count(0)
        screenshot(page, f"figure-chinese-{language}-{size}")
    finally:
        context.close()
