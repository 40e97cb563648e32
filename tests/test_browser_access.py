"""Accessibility in a real browser: axe-core on every page, a phone's width, the keyboard, the dark theme.

Every page is opened in each way a reader may see it: desktop light (axe), desktop dark (axe, and
the charts drawn on the dark page with light text and a palette that stands out), phone 390x844
in both themes (nothing scrolls sideways, charts keep their legend and labels apart, every control
within reach), and by keyboard (every control reached with Tab, each showing where the focus is).
Each load saves a screenshot (tests/browser.py SCREENSHOT_DIR) for a person to look at.

Layout shift is not asserted here (it is timing): bench/lighthouse.py measures it.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from dashboard import charts
from dashboard.pages import MENU
from tests.browser import DESKTOP, PHONE, base_url, browser, screenshot, wait_idle  # noqa: F401 - pytest fixtures, used as test arguments

pytestmark = pytest.mark.browser

WAIT = 30_000
FIGURE = "{figure}"  # a shipped figure whose metric other regions have too (its page draws a chart)
PAGES = {page.name: page.path for page in MENU} | {
    "figure": f"/figure?id={FIGURE}", "no-figure": "/figure?id=no-such-figure",
    "embed": "/compare?embed=true",  # what an <iframe> snippet shows: the page's first chart alone
}
KEYBOARD_PAGES = ["compare", "map", "trends", "explore", "figure"]
# The interface languages axe checks: each opens every page with ?lang=<language> (none for English).
LANGUAGES = ["en", "zh"]
# Streamlit's own colours that no theme setting can fix, by the exact rule and element. On the dark
# page its accent (#cf4250) is white-on-accent in multiselect chips (4.6:1) and accent-on-dark in
# slider values (3.9:1) and the chosen segment of a segmented control (3.6:1 on its tint): one
# accent cannot serve both (see .streamlit/config.toml), and the chips are what readers read most.
DARK_EXCEPTIONS = {
    "color-contrast": "[data-testid='stSliderThumbValue'], [data-testid='stButtonGroup'] button[data-selected='true']",
}
EVERY_RULE: dict = {}  # heading-order included: the pages go h1 (title) then h2
CONTROLS = ("a[href], button, input:not([type='hidden']), textarea, select, summary, [role='combobox'], "
            "[role='slider'], [role='checkbox'], [role='switch'], [role='radio'], [tabindex]:not(main)")
AXE = Axe()


@pytest.fixture(scope="module")
def figure_id(obs) -> str:
    """A shipped figure whose metric another region also has."""
    regions = obs.groupby("metric")["region"].nunique()
    return str(obs[obs["metric"].isin(regions[regions > 1].index)]["figure_id"].iloc[0])


@pytest.fixture
def open_as(browser, base_url, figure_id):
    """Open a page (by its PAGES name) at a size, in a colour scheme and a language."""
    contexts = []

    def open_page(name: str, viewport: dict, scheme: str = "light", language: str = "en"):
        context = browser.new_context(viewport=viewport, color_scheme=scheme, is_mobile=viewport == PHONE,
                                      has_touch=viewport == PHONE)
        context.set_default_timeout(WAIT)
        contexts.append(context)
        page = context.new_page()
        path = PAGES[name].replace(FIGURE, figure_id)
        if language != "en":
            path += ("&" if "?" in path else "?") + f"lang={language}"
        page.goto(base_url + path, wait_until="domcontentloaded")
        wait_idle(page)
        page.wait_for_function("() => [...document.querySelectorAll('[data-testid=stPlotlyChart]')]"
                               ".every(c => c.querySelector('.main-svg'))")
        return page

    yield open_page
    for context in contexts:
        context.close()


def violations(page, options: dict, exceptions: dict[str, str] | None = None) -> list[str]:
    """Axe's violations as 'rule: element' lines, less the named exceptions (rule -> CSS selector
    of the elements it may fail on)."""
    found = []
    for violation in AXE.run(page, options=options).response["violations"]:
        for node in violation["nodes"]:
            target = node["target"][-1]
            allowed = (exceptions or {}).get(violation["id"])
            if allowed and page.evaluate("([t, a]) => !!document.querySelector(t)?.closest(a)", [target, allowed]):
                continue
            found.append(f"{violation['id']}: {target} ({node['failureSummary'].splitlines()[-1].strip()})")
    return found


# --- axe -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_violation_on_the_light_page(open_as, name, language):
    page = open_as(name, DESKTOP, "light", language)
    screenshot(page, f"access-{name}-{language}-desktop-light")
    assert violations(page, EVERY_RULE) == []


@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_violation_on_the_dark_page_and_charts_are_drawn_for_it(open_as, name):
    page = open_as(name, DESKTOP, "dark")
    screenshot(page, f"access-{name}-en-desktop-dark")
    assert violations(page, EVERY_RULE, DARK_EXCEPTIONS) == []
    for chart in page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')].map(p => ({
            paper: p._fullLayout.paper_bgcolor, plot: p._fullLayout.plot_bgcolor, text: p._fullLayout.font.color,
            marks: p._fullData.filter(t => t.visible !== false && t.type !== 'heatmap' && t.name !== 'figures'
                                        && t.name !== 'no figure' && t.marker && typeof t.marker.color === 'string')
                              // a legend key drawn as an outline on the background: its outline is the mark
                              .map(t => [t.name, t.marker.color === p._fullLayout.plot_bgcolor && t.marker.line
                                                 ? t.marker.line.color : t.marker.color])}))"""):
        assert charts.relative_luminance(chart["paper"]) < 0.05 and chart["plot"] == chart["paper"], chart
        assert charts.contrast_ratio(chart["text"], chart["plot"]) >= 4.5, chart
        for name_, colour in chart["marks"]:
            assert charts.contrast_ratio(colour, chart["plot"]) >= 3, (name_, colour, chart["plot"])


# --- phone -----------------------------------------------------------------------------------------

BOXES = """() => {
  const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const all = (root, s) => [...root.querySelectorAll(s)].map(box).filter(b => b[2] > b[0] && b[3] > b[1]);
  return [...document.querySelectorAll('.js-plotly-plot')].map(p => ({
    chart: box(p), plot: all(p, '.nsewdrag')[0] || null, legend: all(p, 'g.legend > .bg')[0] || null,
    title: all(p, '.gtitle')[0] || null, xticks: all(p, '.xtick text'), yticks: all(p, '.ytick text'),
    tiles: all(p, '.shapelayer path'), name: (p.querySelector('.gtitle') || {}).textContent || ''}));
}"""


def overlap(a, b, slack: float = 1) -> bool:
    return bool(a and b) and a[0] < b[2] - slack and b[0] < a[2] - slack and a[1] < b[3] - slack and b[1] < a[3] - slack


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", PAGES)
def test_on_a_phone_nothing_scrolls_sideways_charts_stay_legible_and_controls_are_in_reach(open_as, name, scheme):
    page = open_as(name, PHONE, scheme)
    screenshot(page, f"access-{name}-en-phone-{scheme}")
    widths = page.evaluate("() => [document.scrollingElement.scrollWidth, innerWidth,"
                           " document.querySelector('[data-testid=stMain]').scrollWidth]")
    assert widths[0] <= widths[1] and widths[2] <= widths[1], widths
    for chart in page.evaluate(BOXES):
        label = chart["name"]
        assert chart["chart"][2] <= PHONE["width"], label
        if chart["title"]:
            assert chart["title"][2] <= chart["chart"][2] + 1, f"{label}: the title runs past the chart"
            assert not overlap(chart["legend"], chart["title"]), f"{label}: legend over the title"
        if chart["xticks"]:  # a chart with axes: the legend stays outside the plot area
            assert not overlap(chart["legend"], chart["plot"]), f"{label}: legend over the plot"
        else:  # a tile map: the legend sits in the grid's empty corner, on no tile
            assert not any(overlap(chart["legend"], tile) for tile in chart["tiles"]), f"{label}: legend over a tile"
        for ticks in (chart["xticks"], chart["yticks"]):
            clashes = [(a, b) for i, a in enumerate(ticks) for b in ticks[i + 1:] if overlap(a, b)]
            assert not clashes, f"{label}: axis labels overlap"
    out_of_reach = page.evaluate(f"""() => [...document.querySelectorAll("{CONTROLS}")]
        .filter(e => e.closest('[data-testid=stMain], header') && e.getClientRects().length && e.tabIndex >= 0
                    && getComputedStyle(e).visibility !== 'hidden')
        // a visually hidden input (a slider thumb's) is where the 1 px box that clips it is
        .map(e => [e.outerHTML.slice(0, 80), (getComputedStyle(e.parentElement).overflow === 'hidden'
                   && e.parentElement.getBoundingClientRect().width < 2 ? e.parentElement : e).getBoundingClientRect()])
        .filter(([, r]) => r.left < -1 || r.right > innerWidth + 1).map(([h]) => h)""")
    assert out_of_reach == []
    expand = page.locator("[data-testid='stExpandSidebarButton']")  # the page menu, folded on a phone
    if name == "embed":  # an embed has no menu at all
        assert expand.count() == 0
    else:
        assert expand.count() == 1 and expand.bounding_box()["x"] >= 0


# --- keyboard ----------------------------------------------------------------------------------------

# Streamlit redraws some controls while focus moves (a table's toolbar, a slider's thumbs), so a
# control is known by what it is (tag, label, link, test id) and its place among its namesakes.
KEYBOARD_JS = """() => {
  const style = e => { const parts = [];
    for (let n = e, i = 0; n && i < 4; n = n.parentElement, i++) { const s = getComputedStyle(n);
      parts.push([s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow, s.borderColor, s.backgroundColor].join(' ')); }
    return parts.join(' | '); };
  const controls = () => {
    const seen = new Map(), out = new Map();
    for (const e of document.querySelectorAll(CONTROLS)) {
      if (!e.closest('[data-testid=stMain], header') || !e.getClientRects().length || e.tabIndex < 0 || e.disabled
          || e.closest('[aria-hidden=true], [inert]') || getComputedStyle(e).visibility === 'hidden') continue;
      // a radio group or segmented control is one stop on the Tab key (arrows move within it)
      const group = e.closest('[role=radiogroup], [data-testid=stButtonGroup]');
      const name = group ? 'group ' + [...document.querySelectorAll('[role=radiogroup], [data-testid=stButtonGroup]')].indexOf(group)
        : [e.tagName, e.getAttribute('aria-label') || e.dataset.testid || e.getAttribute('href')
           || e.textContent.trim().slice(0, 40)].join(' ');
      if (group) { if (!out.has(name)) out.set(name, e); continue; }
      const n = (seen.get(name) || 0) + 1; seen.set(name, n); out.set(name + ' #' + n, e); }
    return out; };
  window.__controls = controls; window.__style = style;
  window.__unfocused = new Map([...controls()].map(([k, e]) => [k, style(e)]));
  return window.__unfocused.size; }"""
FOCUSED_JS = """() => { const e = document.activeElement;
  const entry = [...window.__controls()].find(([k, c]) => c === e || (k.startsWith('group ')
    && c.closest('[role=radiogroup], [data-testid=stButtonGroup]') === e.closest('[role=radiogroup], [data-testid=stButtonGroup]')));
  if (!entry) return null;
  return [entry[0], window.__style(e) !== window.__unfocused.get(entry[0])]; }"""


@pytest.mark.parametrize("name", KEYBOARD_PAGES)
def test_every_control_is_reached_with_tab_and_shows_its_focus(open_as, name):
    page = open_as(name, DESKTOP)
    count = page.evaluate(KEYBOARD_JS.replace("CONTROLS", repr(CONTROLS)))
    assert count > 0
    reached, invisible = set(), []
    for _ in range(count * 3 + 20):  # a table takes a few presses to leave
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED_JS)
        if focused:
            reached.add(focused[0])
            # A table draws its focus on its canvas (an outlined cell), out of reach of computed styles.
            if not focused[1] and not focused[0].startswith("CANVAS data-grid-canvas"):
                invisible.append(focused[0])
        if reached >= set(page.evaluate("() => [...window.__unfocused.keys()]")):
            break
    assert sorted(set(page.evaluate("() => [...window.__unfocused.keys()]")) - reached) == [], "not reached with Tab"
    assert sorted(set(invisible)) == [], "focused without a visible change"
