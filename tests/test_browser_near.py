"""The figure page's chart and citations, and /compare's table and its phone cards, in a real
Chromium: drawn when the reader scrolls near them (views/near.py), in a box of their own height
until then, so nothing moves when they arrive; on a desktop and a phone, in English and Chinese."""

from __future__ import annotations

import pytest

from dashboard import i18n
from dashboard.views import near, tables
from tests.browser import (  # noqa: F401 - pytest fixtures, used as test arguments
    DESKTOP,
    PHONE,
    WAITING,
    base_url,
    browser,
    new_page,
    read_to_end,
    screenshot,
    wait_idle,
)

pytestmark = pytest.mark.browser

DRAWN_CHART = "[data-testid='stPlotlyChart']:has(.main-svg)"

# Layout shifts the reader did not cause by a click or a key, and the heights of element
# containers by key (a waiting box's key is its block's key + near.FLAG + near.WATCH).
WATCH_SHIFTS = """() => { window.__shifts = [];
  new PerformanceObserver((list) => { for (const e of list.getEntries()) if (!e.hadRecentInput) window.__shifts.push(e.value); })
    .observe({type: 'layout-shift'}); }"""
HEIGHTS = """(selector) => Object.fromEntries([...document.querySelectorAll(selector)].map((e) =>
  [[...e.classList].find((c) => c.startsWith('st-key-')).slice(7), Math.round(e.getBoundingClientRect().height)]))"""


@pytest.fixture(scope="module")
def figure_path(dataset, obs) -> str:
    """A shipped figure whose page draws the chart of its metric in other regions (as figure.py
    decides), read from data/: the one with the longest quote, so its chart and citations start
    furthest below the first screen."""
    from dashboard import metrics as mx

    charted = [row for row in obs.to_dict("records")
               if len(mx.same_metric_by_region(obs, row, dataset.regions["region"])) > 1]
    assert charted, "no shipped figure's page draws a chart"
    return "/figure?id=" + max(charted, key=lambda row: len(row["quote"]))["figure_id"]


def open_settled(page, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    wait_idle(page)
    page.wait_for_timeout(1_500)  # longer than a waiting box takes to decide it is near (near.SETTLE_MS)
    wait_idle(page)


def test_on_a_phone_the_figure_pages_chart_arrives_in_its_box_and_the_box_says_so_in_chinese(base_url, new_page,
                                                                                             figure_path):
    page = new_page(PHONE)
    open_settled(page, base_url + figure_path + "&lang=zh")
    waiting = page.locator(WAITING)
    assert page.locator(DRAWN_CHART).count() == 0 and waiting.count() == 2  # the chart and the citations
    # The box's words, in the page's language (set as text in its shadow root: Playwright pierces it).
    assert waiting.first.locator(".near span").text_content() == i18n.translations("zh").gettext(near.CHART_LABEL)
    boxes = page.evaluate(HEIGHTS, WAITING)
    page.evaluate(WATCH_SHIFTS)
    read_to_end(page)
    assert page.locator(DRAWN_CHART).count() == 1 and page.locator("[data-testid='stCode']").count() == 3
    charts = page.evaluate(HEIGHTS, "[data-testid='stElementContainer']:has([data-testid='stPlotlyChart'])")
    drawn, box = charts["figure-same-metric"], boxes["figure-same-metric-near-watch"]
    assert abs(drawn - box) <= 2, f"the chart drawn {drawn} px tall in a {box} px box"
    assert sum(page.evaluate("window.__shifts")) < 0.005  # nothing the reader reads moved as they arrived
    screenshot(page, "near-figure-phone-zh")


def test_the_figure_pages_citations_arrive_in_a_box_about_their_height(base_url, new_page, figure_path):
    page = new_page(DESKTOP)
    open_settled(page, base_url + figure_path)
    assert page.locator("[data-testid='stCode']").count() == 0  # the highlighter is not loaded for a first screen
    box = page.evaluate(HEIGHTS, WAITING)["cite-near-watch"]
    page.evaluate(WATCH_SHIFTS)
    read_to_end(page)
    assert page.locator("[data-testid='stCode']").count() == 3
    # From the first label above a block to the end of the last block: what took the box's place.
    drawn = page.evaluate("""() => { const codes = [...document.querySelectorAll('[data-testid=stCode]')];
        const label = codes[0].closest('[data-testid=stElementContainer]').previousElementSibling;
        return codes.at(-1).getBoundingClientRect().bottom - label.getBoundingClientRect().top; }""")
    assert 0.8 * drawn <= box <= 1.25 * drawn, f"a {box} px box for {drawn:.0f} px of citations"
    assert sum(page.evaluate("window.__shifts")) < 0.005
    screenshot(page, "near-figure-desktop")


BLOCK_HEIGHT = "(key) => Math.round(document.querySelector(`.st-key-${key}`).getBoundingClientRect().height)"


@pytest.mark.parametrize(("viewport", "shown", "hidden", "drawn", "query"), [
    (DESKTOP, tables.TABLE_KEY, tables.CARDS_KEY, "[data-testid='stDataFrame']", ""),
    (PHONE, tables.CARDS_KEY, tables.TABLE_KEY, "[data-testid='stMarkdown']", ""),
    (PHONE, tables.CARDS_KEY, tables.TABLE_KEY, "[data-testid='stMarkdown']", "?lang=zh"),
], ids=["desktop-table", "phone-cards", "phone-cards-zh"])
def test_compares_table_arrives_in_its_box_and_the_form_hidden_at_that_width_never_does(base_url, new_page, viewport,
                                                                                        shown, hidden, drawn, query):
    """A wide screen gets the table where its box stood (the box is the table's own stated height),
    a phone the cards (their box's height estimated from their lines); the other form waits, hidden,
    and is never sent. Nothing the reader reads moves as they arrive."""
    page = new_page(viewport)
    open_settled(page, base_url + "/compare" + query)
    shown, hidden = shown.format("compare"), hidden.format("compare")
    assert page.locator(f".st-key-{shown} {drawn}").count() == 0
    box = page.evaluate(BLOCK_HEIGHT, shown)
    page.evaluate(WATCH_SHIFTS)
    read_to_end(page)
    assert page.locator(f".st-key-{shown} {drawn}").count() == 1
    assert page.locator(f".st-key-{hidden} :is([data-testid='stDataFrame'], [data-testid='stMarkdown'])").count() == 0
    arrived = page.evaluate(BLOCK_HEIGHT, shown)
    if shown.startswith(tables.TABLE_KEY.format("")):
        assert abs(arrived - box) <= 2, f"the table drawn {arrived} px tall in a {box} px box"
    else:
        assert 0.8 * arrived <= box <= 1.25 * arrived, f"a {box} px box for {arrived} px of cards"
    assert sum(page.evaluate("window.__shifts")) < 0.005
