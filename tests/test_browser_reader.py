"""The reader's path in a real browser, at a desktop's 1440x900 and a phone's 390x844: nothing on a
page scrolls sideways or is cut (tables included; a phone gets cards instead of tables), a tap on a
bar opens its figure page, and a region whose figures are all targets is shown or said, with one
click to show them. Screenshots of each page go to SCREENSHOT_DIR."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from dashboard import metrics as mx
from dashboard.pages import MENU
from tests.browser import PHONE, TOUCH, base_url, browser, new_page, screenshot, wait_idle  # noqa: F401 - pytest fixtures, used as test arguments

pytestmark = pytest.mark.browser

WAIT = 30_000
DESKTOP = {"width": 1440, "height": 900}
EXCEPTION = "[data-testid='stException']"
DRAWN_CHART = "[data-testid='stPlotlyChart']:has(.main-svg)"

# What overflows its box, as the page draws it: the page itself; a table's own scroller (its
# columns past its right edge); a label whose text is cut with an ellipsis (a button, a page link).
OVERFLOWS = """() => {
  const wider = (e) => e.scrollWidth > e.clientWidth + 1;
  const shown = (e) => e.offsetParent !== null && e.getClientRects().length > 0 && !e.closest("details:not([open])");
  const found = [];
  const main = document.querySelector("[data-testid='stMain']");
  if (document.documentElement.scrollWidth > window.innerWidth + 1) found.push("the page scrolls sideways");
  if (main && wider(main)) found.push("the main area scrolls sideways");
  document.querySelectorAll("[data-testid='stDataFrame']").forEach((table) => {
    if (!shown(table)) return;
    table.querySelectorAll(".dvn-scroller").forEach((s) => {
      if (wider(s)) found.push(`a table scrolls sideways (${s.scrollWidth} px in ${s.clientWidth})`);
    });
  });
  document.querySelectorAll("[data-testid='stPageLink'] p, [data-testid='stBaseButton-secondary'] p, "
                            + "[data-testid='stDownloadButton'] p, [data-testid='stMarkdownContainer'] p").forEach((label) => {
    if (shown(label) && wider(label)) found.push(`cut: ${label.textContent.slice(0, 60)}`);
  });
  return found;
}"""
SHOWN_TABLES = ("() => [...document.querySelectorAll(\"[data-testid='stDataFrame']\")]"
                ".filter((t) => t.offsetParent !== null).length")


def open_page(page, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded", timeout=WAIT)
    wait_idle(page)
    expect(page.locator(EXCEPTION)).to_have_count(0, timeout=WAIT)


def first_figure(obs) -> str:
    return str(obs["figure_id"].iloc[0])


# Every page of the menu, a comparison with a region whose figures are all targets, and a figure page.
PAGES = [page.path.lstrip("/") for page in MENU] + ["compare?region=Shanxi&region=Jilin", "figure"]


@pytest.mark.parametrize("size", ["desktop", "phone"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_page_scrolls_sideways_or_cuts_a_table_or_label(new_page, base_url, obs, size, lang):
    page = new_page(DESKTOP, **{}) if size == "desktop" else new_page(PHONE, **TOUCH)
    problems = {}
    for path in PAGES:
        address = f"figure?id={first_figure(obs)}" if path == "figure" else path
        joiner = "&" if "?" in address else "?"
        open_page(page, f"{base_url}/{address}{joiner}lang={lang}")
        page.wait_for_timeout(800)  # charts and tables draw after the script has run
        found = page.evaluate(OVERFLOWS)
        if size == "phone":  # every table a card, so no column is hidden past an edge
            found += [f"{n} table(s) shown instead of cards" for n in [page.evaluate(SHOWN_TABLES)] if n]
        if found:
            problems[path or "overview"] = found
        screenshot(page, f"reader-{path.split('?')[0] or 'overview'}{'-jilin' if 'Jilin' in path else ''}-{lang}-{size}")
    assert problems == {}, "\n".join(f"{p}: {f}" for p, f in problems.items())


def test_a_tap_on_a_bar_opens_its_figure_page(new_page, base_url):
    page = new_page(PHONE, **TOUCH)
    open_page(page, f"{base_url}/compare")
    bar = page.locator(f"{DRAWN_CHART} .bars path").first
    expect(bar).to_be_visible(timeout=WAIT)
    bar.scroll_into_view_if_needed()
    tapped = page.evaluate(
        "() => document.querySelector(\"[data-testid='stPlotlyChart'] .js-plotly-plot\").data[0].customdata[0].at(-1)")
    box = bar.bounding_box()
    page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url("**/figure?**", timeout=WAIT)
    assert parse_qs(urlparse(page.url).query)["id"] == [tapped]
    wait_idle(page)
    expect(page.locator("[data-testid='stMain'] h1")).to_be_visible(timeout=WAIT)
    # The hints a phone reader gets do not ask for a mouse.
    open_page(page, f"{base_url}/")
    expect(page.locator("[data-testid='stMain']")).not_to_contain_text("Hover", timeout=WAIT)


def test_a_region_with_only_targets_is_shown_or_said_with_one_click_to_show_it(new_page, base_url, obs):
    jilin = obs[obs["region"] == "Jilin"]
    assert set(jilin["status"]) == {"target"}, "the data no longer has a region with targets only"
    page = new_page(PHONE, **TOUCH)  # a phone's cards are text the test can read
    main = page.locator("[data-testid='stMain']")
    # By default its targets are listed beside Shanxi's results, marked as targets.
    open_page(page, f"{base_url}/compare?region=Shanxi&region=Jilin")
    expect(main.get_by_text("Jilin's figures are all targets")).to_be_visible(timeout=WAIT)
    for value in jilin[mx.DISPLAY]:
        expect(main.get_by_text(value.split(" (")[0], exact=False).first).to_be_visible(timeout=WAIT)
    # With actual results only, the page says why Jilin has nothing, and one click shows its targets.
    open_page(page, f"{base_url}/compare?region=Shanxi&region=Jilin&status=actual")
    note = main.get_by_text("Jilin's figures are all targets (plans), hidden while only actual results are shown.")
    expect(note).to_be_visible(timeout=WAIT)
    label = jilin[mx.LABEL].iloc[0]
    expect(main.get_by_text(label, exact=True)).to_have_count(0, timeout=WAIT)
    main.get_by_role("button", name="Show actual results and targets").click()
    wait_idle(page)
    expect(note).to_have_count(0, timeout=WAIT)
    expect(main.get_by_text(label, exact=True).first).to_be_visible(timeout=WAIT)
    assert "status=actual" not in page.url or "status=target" in page.url


def test_a_hover_label_stays_on_a_phones_screen(new_page, base_url):
    page = new_page(PHONE)
    open_page(page, f"{base_url}/")
    chart = page.locator(DRAWN_CHART).first
    expect(chart).to_be_visible(timeout=WAIT)
    chart.scroll_into_view_if_needed()
    # The rightmost bar drawn (a legend entry's bar has no size): its label has the least room.
    box = page.evaluate("""() => [...document.querySelectorAll(".js-plotly-plot .bars .point path")]
        .map((p) => p.getBoundingClientRect()).filter((r) => r.width > 0 && r.height > 0)
        .sort((a, b) => b.right - a.right).map((r) => ({x: r.x, y: r.y, width: r.width, height: r.height}))[0]""")
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    label = page.locator(".hoverlayer .hovertext").first
    expect(label).to_be_visible(timeout=WAIT)
    shown = label.bounding_box()
    assert shown["x"] >= 0 and shown["x"] + shown["width"] <= PHONE["width"], shown
