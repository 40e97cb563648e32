"""Real-browser tests of the figure pages: a click on a chart's bar, and a table's link, land on
the page of that very figure. Screenshots of the figure page at desktop and phone widths."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from dashboard import metrics as mx
from dashboard.views import tables
from tests.browser import DESKTOP, PHONE, base_url, browser, read_to_end, screenshot, wait_idle  # noqa: F401 - pytest fixtures, used as test arguments

pytestmark = pytest.mark.browser

WAIT = 30_000
DRAWN_CHART = "[data-testid='stPlotlyChart']:has(.main-svg)"
EXCEPTION = "[data-testid='stException']"


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(WAIT)
    yield context
    context.close()


def open_page(page, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded", timeout=WAIT)
    wait_idle(page)


def figure_id_in(url: str) -> list[str]:
    parsed = urlparse(url)
    assert parsed.path.endswith("/figure"), url
    return parse_qs(parsed.query)["id"]


def expect_figure_page(page, obs, figure_id: str) -> None:
    figure = obs[obs["figure_id"] == figure_id].iloc[0]
    main = page.locator("[data-testid='stMain']")
    expect(main.locator("h1")).to_contain_text(f"{figure['region']}: {figure[mx.LABEL]}", timeout=WAIT)
    expect(main).to_contain_text(figure[mx.SOURCE_TITLE], timeout=WAIT)
    read_to_end(page)  # the citations are drawn as the reader comes near them
    expect(main.locator("[data-testid='stCode']").first).to_contain_text(f"figure {figure_id} ", timeout=WAIT)
    expect(page.locator(EXCEPTION)).to_have_count(0, timeout=WAIT)


def test_clicking_a_bar_on_compare_opens_that_bars_figure_page(context, base_url, obs):
    page = context.new_page()
    open_page(page, base_url + "/compare")
    chart = page.locator(DRAWN_CHART).first
    expect(chart).to_be_visible(timeout=WAIT)
    chart.scroll_into_view_if_needed()
    # The bar's own figure id, as drawn: the last element of its customdata.
    clicked_id = page.evaluate(
        "() => document.querySelector(\"[data-testid='stPlotlyChart'] .js-plotly-plot\").data[0].customdata[0].at(-1)")
    table = mx.compare_regions(obs, ["Shanxi", "Shandong"], status="actual")
    first_shared = table[table["shared"]].iloc[0]
    assert clicked_id in {first_shared[mx.figure_id_column(r)] for r in ("Shanxi", "Shandong")}
    bar = chart.locator(".barlayer .trace").first.locator(".point path").first
    expect(bar).to_have_count(1, timeout=WAIT)
    for _ in range(3):  # plotly may miss a first click that lands before its drag layer is ready
        bar.click(force=True)
        try:
            page.wait_for_url("**/figure?id=*", timeout=5_000)
            break
        except Exception:
            continue
    wait_idle(page)
    assert figure_id_in(page.url) == [clicked_id]
    expect_figure_page(page, obs, clicked_id)


def test_the_explore_tables_link_opens_the_rows_figure_page(context, base_url, obs):
    region, label = "Shanxi", "Technology contract turnover"
    rows = obs[(obs["region"] == region) & (obs[mx.LABEL] == label)]
    assert len(rows) >= 1
    page = context.new_page()
    open_page(page, f"{base_url}/explore?region={region}&metric={label.replace(' ', '+')}")
    grid = page.locator("[data-testid='stDataFrame']").first
    expect(grid).to_be_visible(timeout=WAIT)
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    # The first column is the link ("Open"); rows of tables.WRAPPED_ROW_PX (long cells wrap) under a
    # 35 px header. The grid acts on a link once the pointer has hovered it, as a reader's does.
    link = (box["x"] + 22, box["y"] + 35 + tables.WRAPPED_ROW_PX // 2)
    page.mouse.move(*link)
    page.wait_for_timeout(300)
    with context.expect_page(timeout=WAIT) as opened:
        page.mouse.click(*link)
    figure_page = opened.value
    figure_page.wait_for_load_state("domcontentloaded")
    wait_idle(figure_page)
    assert figure_id_in(figure_page.url) == [rows["figure_id"].iloc[0]]
    expect_figure_page(figure_page, obs, rows["figure_id"].iloc[0])


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_figure_page_screenshots(browser, base_url, obs, viewport):
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(WAIT)
    page = context.new_page()
    name = "desktop" if viewport == DESKTOP else "phone"
    figure_id = "shandong-national-manufacturing-innovation-centres-2022"
    open_page(page, f"{base_url}/figure?id={figure_id}")
    read_to_end(page)
    expect(page.locator(DRAWN_CHART)).to_have_count(1, timeout=WAIT)
    expect_figure_page(page, obs, figure_id)
    screenshot(page, f"figure-{name}")
    open_page(page, f"{base_url}/figure?id=<b>nope</b>")
    expect(page.locator("[data-testid='stAlert']")).to_contain_text("No figure with id '<b>nope</b>'.", timeout=WAIT)
    screenshot(page, f"figure-missing-{name}")
    for path in ("compare", "explore", "trends", "sources"):
        open_page(page, f"{base_url}/{path}")
        screenshot(page, f"{path}-{name}")
    context.close()
