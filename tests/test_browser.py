"""Real-browser tests: `streamlit run` driven by Debian's Chromium through Playwright.

Every expected number comes from the data (through the dashboard's own transforms or by reading
data/metrics.csv), never from a literal, so the tests keep meaning something when the data grows.
One server and one browser serve the whole module; each test gets a fresh page.
"""

from __future__ import annotations

import csv
import re
import textwrap
from collections import Counter
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from dashboard import metrics as mx
from dashboard.pages import MENU, VIEWS
from tests.browser import ROOT, base_url, browser, new_page, read_to_end, screenshot, wait_idle  # noqa: F401 - pytest fixtures, used as test arguments

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 1400, "height": 900}
WAIT = 30_000  # ms; generous because the test machine may be busy with other work
CHART = "[data-testid='stPlotlyChart']"
DRAWN_CHART = f"{CHART}:has(.main-svg)"
EXCEPTION = "[data-testid='stException']"
CHIPS = "[data-testid='stMultiSelectTagsContainer'] [data-tag]"
DEFAULT_REGIONS = ["Shanxi", "Shandong"]
EXPORT_COLUMNS = [
    "region", "iso_code", "metric_label", "value", "unit", "qualifier", "status", "year", "as_of",
    "source_title", "source_published", "source_file", "quote",
]


# --- fixtures (base_url and browser come from tests.browser) ----------------------------


@pytest.fixture
def page(new_page):
    return new_page()


# --- helpers --------------------------------------------------------------------------------


def open_page(page, base_url: str, path: str) -> None:
    page.goto(base_url + path, wait_until="domcontentloaded", timeout=WAIT)
    wait_idle(page)


def chips(page, label: str | None = None) -> list[str]:
    """The selected values of every multiselect on the page, or of the one with this label."""
    scope = page
    if label is not None:
        scope = page.locator("[data-testid='stMultiSelect']").filter(
            has=page.locator("[data-testid='stWidgetLabel']", has_text=re.compile(f"^{re.escape(label)}$"))
        )
        expect(scope).to_have_count(1, timeout=WAIT)
    return [chip.get_attribute("aria-label") for chip in scope.locator(CHIPS).all()]


def match_text(count: int, total: int) -> str:
    return f"{count} of {total} figures match."


def expect_charts_drawn(page, count: int) -> None:
    """`count` plotly charts on the page once the reader has scrolled to its end (the charts below
    the first screen are drawn as they come near), each drawn (its SVG present), and no other chart
    element."""
    read_to_end(page)
    expect(page.locator(DRAWN_CHART)).to_have_count(count, timeout=WAIT)
    expect(page.locator(CHART)).to_have_count(count, timeout=WAIT)
    expect(page.locator(EXCEPTION)).to_have_count(0, timeout=WAIT)


def hover_label(page, chart, point, fragment: str):
    """Hover `point` until the chart's hover label shows `fragment`; return the label's locator."""
    hover = chart.locator(".hoverlayer")
    for _ in range(3):  # plotly may miss a first move that lands before its drag layer is ready
        page.mouse.move(0, 0)
        point.hover(force=True)
        try:
            expect(hover).to_contain_text(fragment, timeout=3_000)
            break
        except AssertionError:
            continue
    expect(hover).to_contain_text(fragment, timeout=5_000)
    return hover


def metrics_csv_rows() -> list[dict[str, str]]:
    with (ROOT / "data" / "metrics.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def row_key(row: dict[str, str]) -> tuple[str, str, int | None, float]:
    """(region, metric, year, value) with the number formats of the data file and the export aligned."""
    year = row["year"].strip()
    return row["region"], row["metric"], int(float(year)) if year else None, float(row["value"])


# --- expectations from the data ---------------------------------------------------------------


def expected_chart_counts(dataset, obs) -> dict[str, int]:
    centres = obs[(obs[mx.CATEGORY] == mx.CENTRES_CATEGORY) & (obs["unit"] == "centres")]
    pair = obs[obs["region"].isin(DEFAULT_REGIONS)]  # actual results and targets: both are shown
    shared = pair.groupby("metric")["region"].nunique() == len(DEFAULT_REGIONS)
    placed, _ = mx.events_on_timeline(mx.enrich_events(dataset))
    return {
        "/": (1 if len(centres) else 0) + 1,  # plus the coverage map
        "/compare": int(shared.sum()) + 1,  # plus the coverage heatmap
        "/map": 1,
        "/trends": mx.time_series(obs)["metric"].nunique() + (1 if len(placed) else 0),
        "/explore": 0,
        "/sources": 0,
    }


# --- tests ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "name"),
    [(page.path, page.name) for page in MENU],
)
def test_each_page_draws_the_charts_its_data_implies(page, base_url, dataset, obs, path, name):
    expected = expected_chart_counts(dataset, obs)[path]
    open_page(page, base_url, path)
    expect_charts_drawn(page, expected)
    # Each drawn chart holds at least one trace with data.
    traces = page.evaluate(
        "() => [...document.querySelectorAll(\"[data-testid='stPlotlyChart'] .js-plotly-plot\")]"
        ".map(p => (p.data || []).length)"
    )
    assert len(traces) == expected and all(n > 0 for n in traces), traces
    screenshot(page, name)
    expect(page.locator(EXCEPTION)).to_have_count(0, timeout=WAIT)


def test_compare_defaults_to_shanxi_and_shandong_with_difference_and_caveats(page, base_url, obs):
    table = mx.compare_regions(obs, DEFAULT_REGIONS, status="actual")
    shared = table[table["shared"]]
    assert len(shared), "the data no longer has a metric both default regions share"
    caveats = [c for c in shared["caveats"] if c]
    assert any("different reference dates" in c for c in caveats), caveats

    open_page(page, base_url, "/compare")
    assert chips(page, "Regions") == DEFAULT_REGIONS

    main = page.locator("[data-testid='stMain']")
    expect(main.get_by_text("Shanxi − Shandong").first).to_be_visible(timeout=WAIT)
    for row in shared.itertuples():
        if row.difference:
            line = f"Shanxi − Shandong: {row.difference} {row.unit}"
            expect(main.locator("[data-testid='stMarkdownContainer']", has_text=line).first).to_be_visible(timeout=WAIT)
    alerts = page.locator("[data-testid='stAlert']")
    for caveat in caveats:
        expect(alerts.filter(has_text=caveat)).to_have_count(1, timeout=WAIT)
    expect(page.locator(EXCEPTION)).to_have_count(0, timeout=WAIT)


def test_download_csv_holds_exactly_the_filtered_rows(page, base_url, tmp_path):
    regions = ["Shanxi", "Shandong"]
    expected = Counter(row_key(r) for r in metrics_csv_rows() if r["region"] in regions)
    assert expected, "the data has no row for the two regions"

    open_page(page, base_url, "/explore?region=Shanxi&region=Shandong")
    assert chips(page, "Region") == regions
    button = page.locator("[data-testid='stDownloadButton'] button", has_text=re.compile(r"Download CSV"))
    expect(button).to_have_count(1, timeout=WAIT)
    expect(button).to_contain_text(f"Download CSV ({sum(expected.values())} rows)", timeout=WAIT)
    with page.expect_download() as info:
        button.click()
    download = info.value
    wait_idle(page)
    assert "Shanxi-Shandong" in download.suggested_filename
    assert download.suggested_filename.endswith(".csv")

    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    with saved.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        columns = reader.fieldnames or []
    missing = [c for c in EXPORT_COLUMNS if c not in columns]
    assert not missing, f"export lacks columns {missing}; has {columns}"
    assert "metric" in columns
    assert Counter(row_key(r) for r in rows) == expected
    assert all(r["quote"] and r["source_title"] and r["metric_label"] for r in rows)


def test_a_shared_url_reproduces_the_filtered_view(new_page, base_url, obs):
    labels = obs.drop_duplicates("metric").set_index("metric")[mx.LABEL]
    region = "Shanxi"
    metric = sorted(obs.loc[obs["region"] == region, "metric"].unique(), key=labels.get)[0]
    label = labels[metric]
    count = len(mx.filter_observations(obs, mx.Filters(regions=(region,), metrics=(metric,))))
    assert 0 < count < len(obs)

    page = new_page()
    open_page(page, base_url, "/explore")
    expect(page.get_by_text(match_text(len(obs), len(obs)))).to_be_visible(timeout=WAIT)
    for name, value in (("Region", region), ("Metric", label)):
        box = page.get_by_role("combobox", name=name, exact=True)
        box.click()
        box.fill(value)
        page.get_by_role("option", name=value, exact=True).click()
        wait_idle(page)
        page.keyboard.press("Escape")
        wait_idle(page)
    assert chips(page, "Region") == [region]
    assert chips(page, "Metric") == [label]
    expect(page.get_by_text(match_text(count, len(obs)))).to_be_visible(timeout=WAIT)

    shared_url = page.url
    query = parse_qs(urlparse(shared_url).query)
    assert query.get("region") == [region], shared_url
    assert query.get("metric"), shared_url

    fresh = new_page()
    fresh.goto(shared_url, wait_until="domcontentloaded", timeout=WAIT)
    wait_idle(fresh)
    assert chips(fresh, "Region") == [region]
    assert chips(fresh, "Metric") == [label]
    expect(fresh.get_by_text(match_text(count, len(obs)))).to_be_visible(timeout=WAIT)
    expect(fresh.locator(EXCEPTION)).to_have_count(0, timeout=WAIT)


def test_malformed_query_params_fall_back_to_defaults(page, base_url, dataset, obs):
    open_page(page, base_url, "/explore?region=Atlantis&years=abc&status=nonsense&undated=maybe")
    expect(page.get_by_text(match_text(len(obs), len(obs)))).to_be_visible(timeout=WAIT)
    assert chips(page) == []
    expect(page.locator(EXCEPTION)).to_have_count(0, timeout=WAIT)

    open_page(page, base_url, "/compare?region=Atlantis&status=nonsense")
    assert chips(page, "Regions") == DEFAULT_REGIONS
    expect_charts_drawn(page, expected_chart_counts(dataset, obs)["/compare"])

    open_page(page, base_url, "/trends?region=Atlantis")
    expect(page.locator(EXCEPTION)).to_have_count(0, timeout=WAIT)


def test_hovering_a_trend_point_shows_its_quote(page, base_url, obs):
    series = mx.time_series(obs)
    assert len(series), "no metric has two or more years"
    _, first_metric = next(iter(series.groupby("metric", sort=False)))
    _, first_trace = next(iter(first_metric.groupby(["region", "status"], sort=False)))
    quote = first_trace.sort_values("year")["quote"].iloc[0]
    fragment = textwrap.wrap(quote, 70)[0][:20]

    open_page(page, base_url, "/trends")
    chart = page.locator(DRAWN_CHART).first
    expect(chart).to_be_visible(timeout=WAIT)
    chart.scroll_into_view_if_needed()
    point = chart.locator(".scatterlayer .trace").first.locator("path.point").first
    expect(point).to_have_count(1, timeout=WAIT)
    hover = hover_label(page, chart, point, fragment)
    expect(hover).to_contain_text(first_trace["region"].iloc[0], timeout=5_000)


def test_the_map_draws_a_tile_per_division_and_hovering_one_shows_its_quote(page, base_url, dataset, obs):
    tiled = mx.tile_layout(dataset)["region"].tolist()
    metric = mx.default_map_metric(obs, tiled)
    figures = mx.map_figures(obs[obs["region"].isin(tiled)], metric, "actual")
    first = mx.tile_figures(figures).iloc[0]  # the figures trace's first point
    fragment = textwrap.wrap(first["quote"], 70)[0][:20]

    open_page(page, base_url, "/map")
    chart = page.locator(DRAWN_CHART).first
    expect(chart).to_be_visible(timeout=WAIT)
    drawn = chart.evaluate(
        "c => { const p = c.querySelector('.js-plotly-plot'); return [p.layout.shapes.length,"
        " c.querySelectorAll('.scatterlayer .trace path.point').length,"
        " c.querySelectorAll('.shapelayer path').length]; }"
    )
    assert drawn == [34, 34, 34], drawn  # 34 tiles in the layout, 34 hover/click points, 34 drawn squares
    chart.scroll_into_view_if_needed()
    point = chart.locator(".scatterlayer .trace").first.locator("path.point").first
    hover = hover_label(page, chart, point, fragment)
    expect(hover).to_contain_text(first["region"], timeout=5_000)
    page.set_viewport_size({"width": 390, "height": 844})  # a phone: the tiles shrink with the chart
    wait_idle(page)
    screenshot(page, "map-phone")
    width = chart.evaluate("c => c.querySelector('.shapelayer path').getBoundingClientRect().width")
    assert 30 < width < 60, width  # a tile at phone width: small, yet room for a short name


GEOMETRY = """(styles) => {
  for (const s of document.querySelectorAll('body > style')) s.disabled = !styles;
  const block = document.querySelector('[data-testid=stMainBlockContainer]');
  const box = block.getBoundingClientRect(), style = getComputedStyle(block);
  return [Math.round(box.x), Math.round(box.width), style.paddingLeft, style.paddingRight];
}"""


def test_a_reader_who_read_compare_to_its_end_opens_the_map_at_a_clean_address(page, base_url):
    """Reading /compare to its end draws its waiting blocks, each in a run of its own fragment;
    /compare's "every metric" ("") then reached /map's metric (same key), and the menu's Map
    opened at /map?metric=, an address a reader would share."""
    open_page(page, base_url, "/compare")
    read_to_end(page)
    page.locator('header [data-testid="stTopNavLink"][href$="/map"]').click()
    expect(page).to_have_url(re.compile("/map$"), timeout=WAIT)
    wait_idle(page)
    page.wait_for_timeout(1000)  # the address is written after the run
    expect(page).to_have_url(re.compile("/map$"))
    expect(page.locator("[data-testid='stException']")).to_have_count(0)


def test_a_wide_page_is_wide_from_the_first_paint_that_has_a_menu(page, base_url):
    """previews.wide_rules: while the menu marks a wide page current, the main block has Streamlit's
    wide geometry whatever layout Streamlit has applied yet (a slow CPU drew /compare's first elements
    centered and then widened them); the rule is Streamlit's own wide layout at every width, and it
    leaves with the menu's mark when the reader moves to a centered page without a reload."""
    from dashboard.pages import PAGES

    wide = [p for p in PAGES if p.layout == "wide" and p.menu]
    centered = next(p for p in PAGES if p.layout == "centered" and p.menu and not p.default)
    assert wide, "no wide page in the registry to test"
    open_page(page, base_url, wide[0].path)
    for width in (1400, 1000, 870, 860, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(200)
        assert page.evaluate(GEOMETRY, True) == page.evaluate(GEOMETRY, False), f"{wide[0].path} at {width} px"
    page.evaluate(GEOMETRY, True)
    page.set_viewport_size(VIEWPORT)
    page.locator(f'header [data-testid="stTopNavLink"][href$="/{centered.name}"]').click()
    expect(page).to_have_url(re.compile(f"/{centered.name}$"), timeout=WAIT)
    wait_idle(page)
    x, width, _, _ = page.evaluate(GEOMETRY, True)
    assert x > 0 and x + width < VIEWPORT["width"], f"{centered.path} after {wide[0].path}: {width} px wide at x={x}"
    # A centered page whose menu marks a wide page current (the moment a slow CPU showed): wide.
    for page_entry in wide:
        page.evaluate("""(name) => {
          for (const a of document.querySelectorAll('header [data-testid="stTopNavLink"]'))
            if (a.href.endsWith('/' + name)) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
        }""", page_entry.name)
        assert page.evaluate(GEOMETRY, True)[:2] == [0, VIEWPORT["width"]], page_entry.name


FIRST_PAINT_BLOCK = """(inner) => {
  const block = document.querySelector('[data-testid=stMainBlockContainer]');
  block.firstElementChild.innerHTML = inner;
  return getComputedStyle(block).paddingTop;
}"""


@pytest.mark.parametrize("inner, padded", [
    ("", False),  # nothing arrived yet
    # the empty element container Streamlit's front end draws before the first element: still nothing
    ('<div data-testid="stElementContainer"></div>', False),
    ('<div data-testid="stElementContainer"><p>Figures</p></div>', True),  # an element
    # a container (an embed's first arrival is its 1 px one): the padding comes with it, not after it
    ('<div data-testid="stLayoutWrapper"><div data-testid="stVerticalBlock"></div></div>', True),
])
def test_the_main_block_takes_its_padding_with_the_first_thing_drawn_in_it(page, inner, padded):
    """first_paint.css: the main block is unpadded until something that can be seen arrives in it, and
    padded from then on, so nothing drawn in it is moved by the padding's arrival. Streamlit's own
    padding (6rem on top) stands in for the block's padding as its style draws it."""
    css = (VIEWS / "first_paint.css").read_text(encoding="utf-8")
    page.set_content(f"""<style>[data-testid=stMainBlockContainer] {{ padding: 96px 16px 160px; }}</style>
      <style>{css}</style><div data-testid="stMainBlockContainer"><div data-testid="stVerticalBlock"></div></div>""")
    assert page.evaluate(FIRST_PAINT_BLOCK, inner) == ("96px" if padded else "0px"), inner


STYLES_IN_PAGE = """() => [...document.querySelectorAll('[data-testid=stHtml] style')].length"""
STYLE_TEXT = """() => [...document.querySelectorAll('[data-testid=stHtml] style')].map((s) => s.textContent).join('\\n')"""
CARDS_SHOWN = """() => [...document.querySelectorAll('[class*="st-key-cards-"]')].some(e => getComputedStyle(e).display !== 'none')"""


def test_the_stylesheets_are_drawn_as_elements_only_where_the_page_lacks_them(page, base_url):
    """A registry address has the stylesheets in its index.html (previews.py), so the page does not
    draw them again as elements (pages.served_styled), nor the tap script (app.SCRIPTS); an address
    the registry does not serve gets Streamlit's own index.html and the copies, so the rules still
    apply there (a phone's cards of a table stay hidden on a wide screen) — also after moving to a
    registry page in the same session."""
    for address in ("/compare", "/"):  # the root too: a session there sees the root, not another address
        open_page(page, base_url, address)
        expect(page.locator(DRAWN_CHART).first).to_be_visible(timeout=WAIT)
        wait_idle(page)
        assert page.evaluate(STYLES_IN_PAGE) == 0, address
        assert page.locator("[data-testid='stHtml']").count() == 0, f"{address} draws a static file as an element"
        assert page.evaluate("window.__dashboardTapSelects") is True, f"{address} lacks the tap script"
        assert not page.evaluate(CARDS_SHOWN), address
    open_page(page, base_url, "/no-such-page")
    expect(page.locator("[data-testid='stHtml'] style").first).to_be_attached(timeout=WAIT)
    assert page.evaluate("window.__dashboardTapSelects") is True, "the tap script's copy did not run"
    page.keyboard.press("Escape")  # Streamlit's "page not found" dialog
    page.locator('header [data-testid="stTopNavLink"][href$="/compare"]').click()
    expect(page).to_have_url(re.compile("/compare$"), timeout=WAIT)
    wait_idle(page)
    expect(page.locator(DRAWN_CHART).first).to_be_visible(timeout=WAIT)
    # One element carrying every stylesheet's rules (app.STYLESHEETS), each whole.
    from dashboard.app import STYLESHEETS

    drawn = " ".join(page.evaluate(STYLE_TEXT).split())
    assert page.evaluate(STYLES_IN_PAGE) == 1
    for name in STYLESHEETS:
        assert " ".join((VIEWS / name).read_text(encoding="utf-8").split()) in drawn, name
    assert not page.evaluate(CARDS_SHOWN), "the phone's cards show on a wide screen"


def test_a_page_at_its_own_address_connects_to_the_app_at_once(page, base_url, obs):
    """At /compare Streamlit's front end first asked /compare/_stcore/health (a 404), and 100 ms
    later the app's root: every page but the root painted late. The page's index.html tells it where
    the root is (views/connect.html), so it asks there first."""
    asked = []
    page.on("request", lambda request: asked.append(urlparse(request.url).path))
    sockets = []
    page.on("websocket", lambda socket: sockets.append(socket.url))
    figure = f"/figure?id={obs['figure_id'].iloc[0]}"
    for address in ("/compare", "/compare/", figure, "/"):
        asked.clear()
        sockets.clear()
        open_page(page, base_url, address)
        expect(page.locator("h1").first).to_be_visible(timeout=WAIT)
        stcore = [path for path in asked if "/_stcore/" in path]
        assert "/_stcore/health" in stcore and all(path.startswith("/_stcore/") for path in stcore), (address, stcore)
        assert [urlparse(url).path for url in sockets] == ["/_stcore/stream"], (address, sockets)


CONNECT = """([body, pathname, configured]) => {
  const window = configured ? { __streamlit: configured } : {};
  new Function("window", "location", body)(window, { pathname, origin: "https://example.org" });
  return window.__streamlit ? window.__streamlit.BACKEND_BASE_URL ?? null : null;
}"""


@pytest.mark.parametrize(("pathname", "base"), [
    ("/compare", "https://example.org/"), ("/compare/", "https://example.org/"), ("/figure", "https://example.org/"),
    # a path prefix (server.baseUrlPath, or a proxy's): the app's root is the page's folder
    ("/dash/compare", "https://example.org/dash/"), ("/a/b/trends//", "https://example.org/a/b/"),
    ("/", None), ("", None)])  # at the root Streamlit asks the root first: nothing to tell it
def test_the_app_root_a_page_names_is_its_folder(page, pathname, base):
    body = re.fullmatch(r"\s*<script>(.*)</script>\s*", (VIEWS / "connect.html").read_text(encoding="utf-8"), re.S)[1]
    assert page.evaluate(CONNECT, [body, pathname, None]) == base
    # A host that sets Streamlit's settings itself keeps them.
    assert page.evaluate(CONNECT, [body, pathname, {"BACKEND_BASE_URL": "https://elsewhere.example/"}]) == (
        "https://elsewhere.example/")
