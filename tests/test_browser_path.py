"""The reader's path in a real browser: every page and every figure has its own tab title, a figure
page's citation carries an absolute address (the one the reader used, as no public address is
configured here), and each link from a figure page and from the overview's growth cards lands on
the view it names. Expectations come from data/ and the page registry in app.py."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from dashboard import citation, i18n
from dashboard import metrics as mx
from dashboard.pages import MENU
from dashboard.views import chart_block, near, tables
from tests.browser import PHONE, TOUCH, WAITING, base_url, browser, first_screen_drawn, new_page, read_to_end, wait_idle  # noqa: F401 - pytest fixtures, used as test arguments

pytestmark = pytest.mark.browser

WAIT = 30_000
DESKTOP = {"width": 1440, "height": 900}
EXCEPTION = "[data-testid='stException']"
# The menu's pages (dashboard/pages.py) by path, with the title the menu gives each.
PAGES = {page.path.lstrip("/"): page.title for page in MENU}
ZH = i18n.translations("zh").gettext
# /compare's drawn chart of a metric every region has (not the coverage heatmap under it).
COMPARE_CHART = "[data-testid='stMain'] [data-testid='stPlotlyChart']:has(.main-svg):not(.st-key-wide-coverage *)"
# /compare's side-by-side table (tables.responsive_table(lazy=True)), and the box it waits in.
COMPARE_TABLE = f".st-key-{tables.TABLE_KEY.format('compare')} [data-testid='stDataFrame']"
COMPARE_TABLE_BOX = f".st-key-{tables.TABLE_KEY.format('compare')}{near.FLAG}{near.WATCH}"
COMPARE_CARDS_BOX = f".st-key-{tables.CARDS_KEY.format('compare')}{near.FLAG}{near.WATCH}"  # on a phone
# The box what is under /compare's charts waits in (chart_block's lazy_extras).
COMPARE_EXTRAS_BOX = f"[class*='{chart_block.EXTRAS_KEY.format('')}{near.FLAG}{near.WATCH}']"


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(WAIT)
    yield context.new_page()
    context.close()


def open_page(page, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded", timeout=WAIT)
    wait_idle(page)


def title_of(page) -> str:
    page.wait_for_function("() => !document.title.startsWith('Streamlit')", timeout=WAIT)
    return page.title()


def widely_shared_figure(obs):
    """A figure whose metric (and status) several regions have: its compare view has bars to compare."""
    counts = obs.groupby(["metric", "status"])["region"].nunique()
    metric, status = counts.idxmax()
    return obs[(obs["metric"] == metric) & (obs["status"] == status)].iloc[0]


def test_every_page_and_every_figure_has_its_own_tab_title(page, base_url, obs):
    titles = {}
    for path, title in PAGES.items():
        open_page(page, f"{base_url}/{path}")
        titles[path] = title_of(page)
        assert titles[path] == f"{title} · Regional innovation metrics", titles[path]
    for figure in obs.drop_duplicates("region").head(3).itertuples():
        open_page(page, f"{base_url}{citation.figure_path(figure.figure_id)}")
        titles[figure.figure_id] = title_of(page)
        assert titles[figure.figure_id].startswith(f"{figure.region}: "), titles[figure.figure_id]
        assert figure.label in titles[figure.figure_id]
    assert len(set(titles.values())) == len(titles), titles


def test_the_figure_pages_citation_carries_the_address_the_reader_used(page, base_url, obs):
    figure_id = obs["figure_id"].iloc[0]
    open_page(page, f"{base_url}{citation.figure_path(figure_id)}")
    read_to_end(page)  # to the citations
    blocks = page.locator("[data-testid='stMain'] [data-testid='stCode']")
    expect(blocks.first).to_contain_text(f" {base_url}{citation.figure_path(figure_id)}. ", timeout=WAIT)
    expect(blocks.nth(1)).to_contain_text(f"url = {{{base_url}/figure?id=", timeout=WAIT)  # BibTeX
    expect(blocks.nth(2)).to_contain_text(f'"URL": "{base_url}{citation.figure_path(figure_id)}"', timeout=WAIT)


def test_compare_regions_from_a_figure_shows_its_metric_in_the_regions_that_have_it(page, base_url, obs):
    figure = widely_shared_figure(obs)
    open_page(page, f"{base_url}{citation.figure_path(figure['figure_id'])}")
    page.get_by_role("link", name="Compare regions").click()
    wait_idle(page)
    query = parse_qs(urlparse(page.url).query)
    assert query["region"][0] == figure["region"] and len(query["region"]) > 1
    assert query["metric"] == [figure[mx.LABEL]]
    main = page.locator("[data-testid='stMain']")
    expect(main.get_by_role("heading", name="Metrics every selected region has (1)")).to_be_visible(timeout=WAIT)
    # One chart of the metric (the coverage heatmap below it is not a metric's chart).
    chart = main.locator("[data-testid='stPlotlyChart']:has(.main-svg):not(.st-key-wide-coverage *)")
    expect(chart).to_have_count(1, timeout=WAIT)
    drawn = page.evaluate("() => document.querySelector(\"[data-testid='stPlotlyChart'] .js-plotly-plot\")"
                          ".data.flatMap(trace => (trace.customdata || []).map(point => point.at(-1)))")  # legend keys have none
    assert figure["figure_id"] in drawn
    assert set(obs.loc[obs["figure_id"].isin(drawn), "metric"]) == {figure["metric"]}
    expect(page.locator(EXCEPTION)).to_have_count(0)


def test_read_the_whole_document_opens_sources_at_that_document(page, base_url, obs, dataset):
    # The figure of the last document: at the top of /sources only if the link brings it there.
    last = [s for s in dataset.sources["source_id"] if s in set(obs["source_id"])][-1]
    assert last != dataset.sources["source_id"].iloc[0]
    figure = obs[obs["source_id"] == last].iloc[0]
    open_page(page, f"{base_url}{citation.figure_path(figure['figure_id'])}")
    page.get_by_role("link", name="Read the whole document on Sources").click()
    wait_idle(page)
    assert parse_qs(urlparse(page.url).query)["source"] == [last]
    main = page.locator("[data-testid='stMain']")
    expect(main.locator("h2").first).to_have_text(figure[mx.SOURCE_TITLE], timeout=WAIT)
    first_text = main.locator("[data-testid='stExpander']").first
    expect(first_text.locator("[data-testid='stExpanderDetails']")).to_be_visible(timeout=WAIT)
    expect(first_text).to_contain_text(figure["quote"][:40], timeout=WAIT)


def test_explore_and_trends_from_a_figure_show_its_region(page, base_url, obs):
    figure = widely_shared_figure(obs)
    open_page(page, f"{base_url}{citation.figure_path(figure['figure_id'])}")
    page.get_by_role("link", name="This metric and region on Explore").click()
    wait_idle(page)
    expected = obs[(obs["region"] == figure["region"]) & (obs["metric"] == figure["metric"])]
    expect(page.locator("[data-testid='stMain']")).to_contain_text(f"{len(expected)} of {len(obs)} figures match",
                                                                   timeout=WAIT)
    page.go_back()
    wait_idle(page)
    page.get_by_role("link", name="Trends of this region").click()
    wait_idle(page)
    assert parse_qs(urlparse(page.url).query)["region"] == [figure["region"]]


def test_a_growth_card_on_the_overview_opens_its_series_on_trends(page, base_url, obs):
    growth = mx.growth_summary(mx.time_series(obs))
    row = growth.assign(span=growth["last_year"] - growth["first_year"]).sort_values("span", ascending=False,
                                                                                    kind="stable").iloc[0]
    open_page(page, base_url + "/")
    with page.expect_popup() as opened:  # a link in text opens a new tab, as the figures' links on Sources
        page.get_by_role("link", name=f"{row[mx.REGION_NAME]}: {row['label']}").first.click()
    page = opened.value
    wait_idle(page)
    assert urlparse(page.url).path.endswith("/trends")
    assert parse_qs(urlparse(page.url).query)["region"] == [row["region"]]
    expect(page.locator("[data-testid='stMain']")).to_contain_text(row["label"], timeout=WAIT)


def test_compare_from_a_chinese_figure_page_keeps_its_regions_and_metric_in_the_address(page, base_url, obs, dataset):
    figure = widely_shared_figure(obs)
    open_page(page, f"{base_url}{citation.figure_path(figure['figure_id'])}&lang=zh")
    page.get_by_role("link", name="地区比较").click()
    wait_idle(page)
    query = parse_qs(urlparse(page.url).query)
    chinese = dict(zip(dataset.regions["region"], dataset.regions["name_zh"], strict=True))
    label_zh = dataset.catalogue.set_index("metric").at[figure["metric"], "label_zh"]
    assert query["region"][0] == chinese[figure["region"]] and len(query["region"]) > 1
    assert query["metric"] == [label_zh] and query["lang"] == ["zh"]
    chart = page.locator(COMPARE_CHART)
    expect(chart).to_have_count(1, timeout=WAIT)




class HeldStream:
    """The page's websocket to its server, through Playwright: every message the page sends is
    kept (decoded), and the server's messages can be held back for a while, as a slow network or a
    busy server holds them."""

    def __init__(self, page):
        self.sent, self.received, self.held, self.holding = [], [], [], False
        self.hold_at_finish = False  # hold from the end of the next run on (its elements are drawn, the run is on)
        # Hold once a run that ended for another (st.switch_page) has told the app it is over: the
        # app shows no run until the next run's first message.
        self.hold_between_runs, self.ended_for_rerun = False, False
        page.route_web_socket(re.compile(r"/_stcore/stream"), self.route)

    def route(self, ws) -> None:
        from streamlit.proto.BackMsg_pb2 import BackMsg

        server = ws.connect_to_server()
        ws.on_message(lambda message: (self.sent.append(BackMsg.FromString(message)), server.send(message)))
        server.on_message(self.from_server(ws))

    def from_server(self, ws):
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        def passed_on(message) -> None:
            decoded = ForwardMsg.FromString(message) if isinstance(message, bytes) else None
            self.received.append(decoded)
            if self.hold_at_finish and decoded is not None and decoded.WhichOneof("type") == "script_finished":
                self.holding, self.hold_at_finish = True, False
            if self.holding:
                self.held.append((ws, message))
            else:
                ws.send(message)
            if self.hold_between_runs and decoded is not None:
                kind = decoded.WhichOneof("type")
                if kind == "script_finished" and decoded.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    self.ended_for_rerun = True
                elif kind == "session_status_changed" and self.ended_for_rerun and not decoded.session_status_changed.script_is_running:
                    self.holding, self.hold_between_runs = True, False
        return passed_on

    def release(self) -> None:
        while self.held:  # a message may arrive while these are passed on
            ws, message = self.held.pop(0)
            ws.send(message)
        self.holding = False

    def rerun_requests(self, since: int = 0) -> list:
        """The reruns the page asked for from the `since`th message on (ClientState: page, fragment)."""
        return [m.rerun_script for m in self.sent[since:] if m.WhichOneof("type") == "rerun_script"]

    def reruns(self, since: int = 0) -> list[str]:
        """The page each rerun asked for from the `since`th message on names (its script's hash)."""
        return [request.page_script_hash for request in self.rerun_requests(since)]


def test_a_link_clicked_as_a_waiting_chart_comes_near_lands_on_its_page(page, base_url, obs):
    """The figure page's chart waits in a box (views/near.py) that reruns the page once the reader
    comes near it. Its rerun names the page shown: sent after a click on "Compare regions" and
    before the app started /compare, it replaced the switch (seen in a full run and reproduced: the
    address kept /figure with /compare's query, and no chart). Here the chart comes near just as
    the reader clicks, and the server's answer takes a moment: the only rerun sent after the click
    is the switch's, and the reader lands on /compare."""
    figure = widely_shared_figure(obs)
    stream = HeldStream(page)
    open_page(page, base_url + citation.figure_path(figure["figure_id"]))
    expect(page.locator(WAITING).first).to_be_attached()  # the chart waits (the first screen ends above it)
    page.wait_for_timeout(near.SETTLE_MS)  # past the page's first moments: a box comes near at once
    before, stream.holding = len(stream.sent), True
    page.get_by_role("link", name="Compare regions").evaluate(
        f"(link) => {{ document.querySelector(\"{WAITING}\").scrollIntoView(); link.click(); }}")
    page.wait_for_timeout(500)  # the box came near, and the server's answer has not arrived
    stream.release()
    expect(page).to_have_url(re.compile(r"/compare\?"), timeout=WAIT)
    wait_idle(page)
    chart = page.locator(COMPARE_CHART)
    expect(chart).to_have_count(1, timeout=WAIT)
    switch, *after = stream.reruns(before)
    assert after == [switch] * len(after)


# In the page: when each message to the server was sent, and when the app last showed no run.
TIMED = """
window.__sentAt = [];
const send = WebSocket.prototype.send;
WebSocket.prototype.send = function (data) { window.__sentAt.push(performance.now()); return send.call(this, data); };
const watch = () => {
  const app = document.querySelector("[data-testid='stApp']");
  if (!app) { setTimeout(watch, 20); return; }
  new MutationObserver(() => {
    if (app.getAttribute("data-test-script-state") === "notRunning") window.__idleAt = performance.now();
  }).observe(app, { attributes: true, attributeFilter: ["data-test-script-state"] });
};
watch();
"""


def test_a_box_near_as_a_bar_click_switches_the_page_waits_for_the_next_pages_run(page, base_url, obs):
    """What is under /compare's chart (its source line, share control and table) waits in a box
    that reruns its block once the reader comes near it (chart_block's lazy_extras). A click on a
    bar runs the page, which switches to the bar's figure page (st.switch_page): that run ends, and
    the figure page's starts a moment later. In between the app shows no run, and a box that asked
    then named the page being left (a full run landed on the figure page's address with none of its
    content). Here the server's messages are held in that moment, and the box comes near in it: it
    asks only once the app has shown no run for near.IDLE_MS (by then, without the hold, the next
    run is on), and the reader lands on the bar's figure page."""
    page.add_init_script(TIMED)
    stream = HeldStream(page)
    page.set_viewport_size({"width": DESKTOP["width"], "height": 600})  # the box below the screen and its margin
    open_page(page, base_url + "/compare")
    chart = page.locator(COMPARE_CHART).first
    expect(chart).to_be_attached(timeout=WAIT)
    box = page.locator(COMPARE_EXTRAS_BOX).first
    box.evaluate("(box) => { box.style.display = 'none'; }")  # out of reach (no height) until the click's run is over
    bar = chart.locator(".barlayer .trace").first.locator(".point path").first
    bar.scroll_into_view_if_needed()
    page.wait_for_timeout(near.SETTLE_MS)  # past the page's first moments: a box comes near at once
    clicked_id = chart.locator(".js-plotly-plot").evaluate("(plot) => plot.data[0].customdata[0].at(-1)")
    before, stream.hold_between_runs = len(stream.sent), True
    for _ in range(3):  # plotly may miss a first click that lands before its drag layer is ready
        bar.click(force=True)  # through plotly's drag layer, which lies over the bars
        for _ in range(150):
            if stream.holding:
                break
            page.wait_for_timeout(20)
        if stream.holding:
            break
    assert stream.holding, "the click's run did not end for another run (st.switch_page)"
    page.wait_for_function("() => document.querySelector(\"[data-testid='stApp']\")"
                           ".getAttribute('data-test-script-state') === 'notRunning'", timeout=WAIT)
    box.evaluate("(box) => { box.style.display = ''; box.scrollIntoView(); }")  # the box comes near between the runs
    for _ in range(100):
        asked = [i for i, m in enumerate(stream.sent) if i >= before and m.WhichOneof("type") == "rerun_script"
                 and m.rerun_script.fragment_id]
        if asked:
            break
        page.wait_for_timeout(20)
    assert asked, "the box never asked"
    idle_at, asked_at = page.evaluate("(i) => [window.__idleAt, window.__sentAt[i]]", asked[0])
    assert asked_at - idle_at >= near.IDLE_MS - 20, (asked_at, idle_at)  # 20 ms: when each observer saw the change
    stream.release()
    page.wait_for_url("**/figure?id=*", timeout=WAIT)
    assert parse_qs(urlparse(page.url).query)["id"] == [clicked_id]
    figure = obs[obs["figure_id"] == clicked_id].iloc[0]
    expect(page.locator("[data-testid='stMain'] h1")).to_contain_text(f"{figure['region']}: {figure[mx.LABEL]}", timeout=WAIT)


def test_a_widget_changed_as_a_waiting_table_comes_near_keeps_its_change(page, base_url):
    """The same for a widget: /compare's table waits in a box (tables.responsive_table(lazy=True));
    a reader who switches to 中文 as it comes near gets the Chinese page, and the box's rerun waits
    until the app has started the reader's (one rerun while the server's answer is held: the
    switch's; a full run once showed the English title after the switch)."""
    stream = HeldStream(page)
    open_page(page, base_url + "/compare")
    first_screen_drawn(page)  # what waits within reach of the first screen (under the chart) is drawn first
    expect(page.locator(COMPARE_TABLE_BOX)).to_be_attached()  # the table waits below the first screen
    page.wait_for_timeout(near.SETTLE_MS)
    before, stream.holding = len(stream.sent), True
    page.get_by_role("radio", name="中文", exact=True).click()
    page.locator(COMPARE_TABLE_BOX).evaluate("(box) => box.scrollIntoView()")
    page.wait_for_timeout(500)  # the box came near, and the server's answer has not arrived
    assert len(stream.reruns(before)) == 1, "a rerun was sent beside the reader's"
    stream.release()
    wait_idle(page)
    expect(page.locator("h1")).to_have_text(ZH("Compare regions"), timeout=WAIT)
    expect(page.locator(COMPARE_TABLE)).to_have_count(1, timeout=WAIT)  # and then the box drew the table


def test_waiting_blocks_are_drawn_by_runs_of_their_own_not_of_the_whole_page(page, base_url):
    """A waiting block's box and the block are one fragment (near.drawn_near): the rerun that draws
    /compare's table runs only it, so the page's other elements are neither sent nor drawn again
    (a second run of the whole page doubled the time of a region added on /compare, which brings
    the table into the first screen). Scrolled to the table, the coverage heatmap under it comes
    near too: each box asks in turn (one rerun runs one fragment; asked together, neither was drawn)."""
    stream = HeldStream(page)
    open_page(page, base_url + "/compare")
    first_screen_drawn(page)  # what waits within reach of the first screen (under the chart) is drawn first
    expect(page.locator(COMPARE_TABLE_BOX)).to_be_attached()  # the table waits below the first screen
    page.wait_for_timeout(near.SETTLE_MS)
    sent, received = len(stream.sent), len(stream.received)
    page.locator(COMPARE_TABLE_BOX).evaluate("(box) => box.scrollIntoView()")
    expect(page.locator(COMPARE_TABLE)).to_have_count(1, timeout=WAIT)
    expect(page.locator(".st-key-coverage-chart .main-svg").first).to_be_attached(timeout=WAIT)
    wait_idle(page)
    reruns = stream.rerun_requests(sent)
    assert len(reruns) == 2 and all(r.fragment_id for r in reruns), reruns
    assert reruns[0].fragment_id != reruns[1].fragment_id
    drawn = [m.delta for m in stream.received[received:] if m is not None and m.WhichOneof("type") == "delta"]
    kinds = sorted(d.new_element.WhichOneof("type") for d in drawn if d.WhichOneof("type") == "new_element")
    assert kinds == ["dataframe", "plotly_chart"], kinds  # the table and the heatmap, nothing else of the page


def test_a_waiting_block_redrawn_by_the_readers_run_is_drawn_after_it(base_url, new_page, obs):
    """Streamlit calls a box's script again when a run changes its data or moves it (its fragment
    gets a new id), and does not stop the earlier call. Both then asked as the run ended, in one
    batch named by the earlier call's fragment, which the run had replaced: the server dropped the
    rerun, and the block was never drawn (a full run: /compare on a phone, "Show actual results
    and targets" tapped as the cards came near). Here the tap comes before the cards' box asks, and
    the end of its run is held until the box has been drawn again."""
    statuses = obs.groupby("region")["status"].agg(set)
    targets_only = [region for region, have in statuses.items() if have == {"target"}]
    assert targets_only, "the data no longer has a region with targets only"
    hidden = obs[obs["region"] == targets_only[0]]
    other = next(region for region, have in statuses.items() if "actual" in have)
    page = new_page(PHONE, **TOUCH)
    stream = HeldStream(page)
    # Only actual results: the targets-only region is hidden, so no metric is in common and the
    # cards' box is in the first screen (it asks once the page settles).
    page.goto(f"{base_url}/compare?region={other}&region={targets_only[0]}&status=actual", wait_until="domcontentloaded")
    show = page.get_by_role("button", name="Show actual results and targets")
    expect(show).to_be_visible(timeout=WAIT)
    expect(page.locator(COMPARE_CARDS_BOX)).to_be_attached(timeout=WAIT)
    stream.hold_at_finish = True
    sent, received = len(stream.sent), len(stream.received)
    show.tap()
    page.wait_for_function("() => document.querySelector(\"[data-testid='stApp']\")"
                           ".getAttribute('data-test-script-state') === 'running'", timeout=WAIT)
    page.wait_for_timeout(near.SETTLE_MS)  # the run's elements drawn, the box's script called again
    stream.release()
    expect(page.locator("[data-testid='stMain']").get_by_text(hidden[mx.LABEL].iloc[0], exact=True).first) \
        .to_be_visible(timeout=WAIT)
    wait_idle(page)
    fragments = {m.delta.fragment_id for m in stream.received[received:]
                 if m is not None and m.WhichOneof("type") == "delta" and m.delta.fragment_id}
    early = [m for m in stream.sent[:sent] if m.WhichOneof("type") == "rerun_script" and m.rerun_script.fragment_id]
    assert not early, "the cards' box asked before the tap: this no longer tests a box drawn again by the tap's run"
    asked = [r.fragment_id for r in stream.rerun_requests(sent) if r.fragment_id]
    assert asked and set(asked) <= fragments, (asked, fragments)  # no rerun named a fragment the run replaced
