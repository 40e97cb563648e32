"""Every page under streamlit's AppTest: it runs, its widgets change what is shown, it follows the data."""

from __future__ import annotations

import gc
import json
import os
import re
from pathlib import Path

import pandas as pd
import plotly
import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import charts, citation, i18n, store
from dashboard import metrics as mx
from dashboard.data import load_dataset
from dashboard.pages import MENU
from dashboard.views import chart_block, near, safe_text, share, tables
from dashboard.views.session_data import DATA_VERSION
from tests.conftest import FOLDER_FAULTS, ROOT, body, headings, link_text, read_rows, scrolled, texts, write_rows

VIEWS = ROOT / "dashboard" / "views"
PAGES = [page.name for page in MENU]
# The default map (national centres, actual), as the shipped rows give it: '2', or '&gt;2' for a bound.
CENTRE_TILES = {row["region"]: ("&gt;" if row["qualifier"] == "more_than" else "") + row["value"]
                for row in read_rows(ROOT / "data" / "metrics.csv")
                if row["metric"] == "national_manufacturing_innovation_centres" and row["status"] == "actual"}


def latest_tiles(metric: str, year: str | None = None) -> dict[str, str]:
    """Region -> value of the metric's actual figures on the map (the latest per province, or
    those of `year`), from data/: a curator's new document changes the expectation, not the test."""
    latest: dict[str, dict[str, str]] = {}
    for row in read_rows(ROOT / "data" / "metrics.csv"):
        if row["metric"] != metric or row["status"] != "actual" or row["region"] == "China" or row["year"] == "":
            continue
        if (year is None or row["year"] == year) and row["year"] >= latest.get(row["region"], {}).get("year", ""):
            latest[row["region"]] = row
    return {region: ("&gt;" if row["qualifier"] == "more_than" else "") + row["value"] for region, row in latest.items()}


TURNOVER = "technology_contract_turnover"


def run_page(name: str, read_to_end: bool = True, **query) -> AppTest:
    """The page as a reader sees it: scrolled to its end, so every chart below the first screen is
    drawn (views/near.py), unless `read_to_end` is False."""
    at = AppTest.from_file(str(VIEWS / f"{name}.py"), default_timeout=60)
    for key, values in query.items():
        at.query_params[key] = values
    return scrolled(at.run()) if read_to_end else at.run()


def chart_traces(at: AppTest) -> list[list[str]]:
    """Trace names of each plotly chart on the page, in order (not the legend entries that explain an encoding)."""
    return [[t.get("name", "") for t in json.loads(c.proto.spec)["data"] if t.get("legendgroup") != charts.ENCODING_KEY]
            for c in at.get("plotly_chart")]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_without_exception_or_error(page):
    at = run_page(page)
    assert not at.exception and not at.error
    assert headings(at, 1)[0]


@pytest.mark.parametrize("page", PAGES)
def test_every_filter_has_its_height_before_its_code_loads(page):
    """first_paint.css gives the skeleton of each select box, multiselect and slider the height of
    the widget with its label (Streamlit loads their code on first use and holds a 40 px skeleton
    until then): a filter it does not name moves everything under it down as its code arrives."""
    reserved = set(re.findall(r"\.st-key-([\w-]+)", (VIEWS / "first_paint.css").read_text(encoding="utf-8")))
    at = run_page(page)
    keys = {widget.key for kind in ("selectbox", "multiselect", "slider") for widget in at.get(kind) if widget.key}
    assert keys <= reserved, f"{page}: no first-paint height for {sorted(keys - reserved)} in views/first_paint.css"
    assert keys or page not in ("compare", "explore", "map", "trends")  # the pages with filters have them


def watching_boxes(at: AppTest, tables_too: bool = False) -> list:
    """The boxes waiting for the reader (views/near.py): a chart's, or with `tables_too` a table's
    and a chart's source line, share control and table's too (chart_block's lazy_extras)."""
    return [element for element in at.get("bidi_component") if element.proto.component_name == near.NAME
            and (tables_too or not (element.key.startswith(TABLE_BOXES) or element.key.removesuffix(
                near.FLAG + near.WATCH).endswith(chart_block.EXTRAS_KEY.format(""))))]


def waiting_keys(at: AppTest) -> list[str]:
    """The keys of the blocks that wait, charts and tables."""
    return [box.key.removesuffix(near.FLAG + near.WATCH) for box in watching_boxes(at, tables_too=True)]


# The menu pages' charts that wait to be scrolled near (views/near.py), by page: only where an A/B
# of the page with and without the box measured it faster (README, Web vitals). The figure page's
# chart and citations wait too (test_figure).
WAITING_CHARTS = {"overview": ["coverage-map"], "compare": ["coverage-chart"], "trends": ["events"]}
# The same for tables (tables.responsive_table(lazy=True)): /compare measured 66.5 against 61.
WAITING_TABLES = {"compare": ["compare"]}
TABLE_BOXES = (tables.TABLE_KEY.format(""), tables.CARDS_KEY.format(""))


def waiting_charts(page: str, obs: pd.DataFrame) -> list[str]:
    """The keys of the charts that wait on this page, in page order: /trends' series after the first
    (every region's, as the page shows them all when there are few; blocking time 786 against 964
    ms), then those of WAITING_CHARTS."""
    later = list(dict.fromkeys(mx.time_series(obs)["metric"]))[1:] if page == "trends" else []
    return [f"series-{metric}" for metric in later] + WAITING_CHARTS.get(page, [])


@pytest.mark.parametrize("page", PAGES)
def test_a_menu_page_draws_its_charts_with_the_page_but_those_measured_faster_waiting(page, obs):
    """The charts at the end of /, /compare and /trends and /trends' series after the first, below
    the first screen, wait in a box of their own height (Lighthouse, with and without the box
    alternating: README, Web vitals); every other chart is drawn with the page."""
    at = run_page(page, read_to_end=False)
    waiting = watching_boxes(at)
    assert [box.key.removesuffix(near.FLAG + near.WATCH) for box in waiting] == waiting_charts(page, obs)
    at_load = len(at.get("plotly_chart"))
    read = scrolled(at)
    assert not read.exception and not watching_boxes(read)
    drawn = {chart.key: chart for chart in read.get("plotly_chart")}
    assert len(drawn) == at_load + len(waiting)
    # Each box is as tall as the chart that takes its place, so nothing moves when it arrives.
    assert [json.loads(box.proto.json)["height"] for box in waiting] == [
        json.loads(drawn[key].proto.spec)["layout"]["height"] for key in waiting_charts(page, obs)]


def test_compare_draws_its_charts_with_the_page_and_what_is_under_them_when_the_reader_comes_near(obs):
    """/compare's charts are in the first screen, their source line, share control and table
    expander under it: those wait in one box per chart (chart_block's lazy_extras; Lighthouse 73
    against 71), and arrive with the source line of the chart's own rows."""
    at = run_page("compare", read_to_end=False)
    charts = [chart.key for chart in at.get("plotly_chart")]
    assert charts and all(key.startswith("compare-") for key in charts)
    extras = [key for key in waiting_keys(at) if key.endswith(chart_block.EXTRAS_KEY.format(""))]
    assert extras == [chart_block.EXTRAS_KEY.format(key) for key in charts]

    def under_charts(at):  # the share controls and table expanders on the page (the coverage heatmap's too)
        return ([p.proto.popover.label for p in at.get("popover")].count(share.SHARE_LABEL),
                [e.label for e in at.expander].count(chart_block.TABLE_LABEL))

    at_load = under_charts(at)
    read = scrolled(at)
    assert not read.exception
    assert under_charts(read) == (at_load[0] + len(charts), at_load[1] + len(charts))
    shown = obs[obs["region"].isin(mx.DEFAULT_REGIONS)]  # the regions /compare opens with
    first = shown[shown["metric"] == charts[0].removeprefix("compare-")]
    source = citation.cite_chart(mx.cite_sources(mx.latest_observations(first)), read.session_state[DATA_VERSION])
    assert safe_text.md(source) in [caption.value for caption in read.caption]


@pytest.mark.parametrize("page", PAGES)
def test_a_menu_page_sends_its_tables_with_the_page_but_those_measured_faster_waiting(page):
    """/compare's side-by-side table and its phone cards each wait in a box until the reader comes
    near (the one hidden at the reader's width never does): the table's code is not loaded, nor
    the cards parsed on a wide screen, for a first screen that shows neither."""
    at = run_page(page, read_to_end=False)
    keys = WAITING_TABLES.get(page, [])
    assert sorted(k for k in waiting_keys(at) if k.startswith(TABLE_BOXES)) == sorted(
        form.format(key) for key in keys for form in (tables.TABLE_KEY, tables.CARDS_KEY))
    cards = [m.value for m in at.markdown]
    at_load = len(at.dataframe)
    read = scrolled(at)
    assert not read.exception and len(read.dataframe) == at_load + len(keys)
    assert len([m for m in read.markdown if m.value not in cards]) >= len(keys)  # each table's cards


def test_main_router_lists_every_page():
    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert headings(at, 1)[0] == "Regional innovation metrics"  # the default page is the overview


def test_overview_shows_growth_computed_from_data_and_centres_by_region(obs):
    at = run_page("overview")
    growth = mx.growth_summary(mx.time_series(obs))
    page = texts(at)
    for _, row in growth.iterrows():
        assert f"**{row['region']}: {safe_text.md(row['label'])}**" in page
        assert safe_text.md(mx.describe_growth(row)) in page
    assert "4\\.20×" in page  # Shanxi's turnover multiple 52.18 / 12.42, escaped for markdown
    centres = obs[(obs[mx.CATEGORY] == mx.CENTRES_CATEGORY) & (obs["unit"] == "centres")]
    names, coverage = chart_traces(at)
    assert sorted(set(names)) == sorted(set(centres["region"]))
    assert coverage[0] == "figures"  # the coverage map's tiles


def test_overview_coverage_map_counts_figures_per_province(dataset, obs):
    at = run_page("overview")
    spec = json.loads(at.get("plotly_chart")[1].proto.spec)
    tiles = spec["data"][0]
    counts = obs["region"].value_counts()
    assert len(tiles["customdata"]) == len(dataset.tile_grid) == 34
    assert {row[0]: row[1] for row in tiles["customdata"]}["Shanxi"] == f"{counts['Shanxi']} figures"
    with_figures = obs.loc[obs["region"].isin(mx.tile_layout(dataset)["region"]), "region"].nunique()
    assert any(m.value.startswith(f"**{with_figures}** of 34 provincial-level divisions have at least one figure") for m in at.markdown)


def shared_metrics(obs, regions, statuses=("actual", "target")) -> set[str]:
    chosen = obs[obs["region"].isin(regions) & obs["status"].isin(statuses)]
    every = chosen.groupby("metric")["region"].nunique()
    return set(every[every == len(regions)].index)


def test_compare_defaults_to_shanxi_and_shandong_and_reacts_to_selection(obs):
    at = run_page("compare")
    assert at.multiselect(key="region").value == ["Shanxi", "Shandong"]
    assert at.segmented_control(key="status").value == ["actual", "target"]  # targets beside actual results
    shared = len(shared_metrics(obs, ["Shanxi", "Shandong"]))
    assert headings(at)[0] == f"Metrics every selected region has ({shared})"
    assert any("Shanxi − Shandong" in m.value for m in at.markdown)
    assert any("different reference dates" in w.value for w in at.warning)
    assert len(at.get("plotly_chart")) == shared + 1  # one per shared metric, and the coverage heatmap: no toggle
    matrix = mx.coverage_matrix(obs[obs["region"].isin(["Shanxi", "Shandong"])], ["Shanxi", "Shandong"])
    assert any(safe_text.md(mx.describe_coverage(matrix)) in m.value for m in at.markdown)

    at.multiselect(key="region").set_value(["Shanxi", "Jilin"]).run()
    assert headings(at)[0] == f"Metrics every selected region has ({len(shared_metrics(obs, ['Shanxi', 'Jilin']))})"
    (side_by_side,) = [d.value for d in at.dataframe]
    jilin = obs[obs["region"] == "Jilin"]
    # Every metric either region has, Jilin's targets included and marked as such.
    assert set(side_by_side["Metric"]) == set(obs.loc[obs["region"].isin(["Shanxi", "Jilin"]), mx.LABEL])
    targets = side_by_side[side_by_side["Metric"].isin(jilin[mx.LABEL])]
    assert set(targets["Status"]) == set(jilin["status"]) == {"target"}
    assert any(c.value.startswith("Jilin's figures are all targets") for c in at.caption)


def test_compare_says_when_a_region_has_only_hidden_targets_and_shows_them_in_one_click(obs):
    at = run_page("compare", region=["Shanxi", "Jilin"], status=["actual"])
    jilin = obs[obs["region"] == "Jilin"]
    assert set(jilin["status"]) == {"target"}, "the data no longer has a region with targets only"
    (side_by_side,) = [d.value for d in at.dataframe]
    assert not set(side_by_side["Metric"]) & set(jilin[mx.LABEL])
    assert [i.value for i in at.info][0] == "Jilin's figures are all targets (plans), hidden while only actual results are shown."
    at.button(key="show-all-Jilin").click().run()
    assert at.segmented_control(key="status").value == ["actual", "target"]
    (side_by_side,) = [d.value for d in at.dataframe]
    assert set(jilin[mx.LABEL]) <= set(side_by_side["Metric"])
    assert not [i for i in at.info if "hidden" in i.value]


def test_compare_targets_view_lists_target_figures(obs):
    at = run_page("compare", region=["Jilin"], status=["target"])
    targets = obs[(obs["region"] == "Jilin") & (obs["status"] == "target")]
    (side_by_side,) = [d.value for d in at.dataframe]  # the chart tables stay unsent until opened
    assert set(side_by_side["Metric"]) == set(targets[mx.LABEL])
    assert all(value.endswith("(2025)") for value in side_by_side["Jilin"])


def test_chart_tables_are_sent_only_once_opened_and_hold_the_charts_rows(obs):
    at = run_page("compare")
    charts_shown = len(at.get("plotly_chart"))
    assert [e.label for e in at.expander] == [chart_block.TABLE_LABEL] * charts_shown
    assert len(at.dataframe) == 1  # only the side-by-side table
    at.session_state["coverage-chart-table"] = True
    at.run()
    expected = mx.coverage_matrix(obs[obs["region"].isin(["Shanxi", "Shandong"])], ["Shanxi", "Shandong"]).reset_index()
    pd.testing.assert_frame_equal(at.dataframe[-1].value.reset_index(drop=True), expected, check_dtype=False)
    assert len(at.dataframe) == 2  # one opened table, the others still unsent

    overview = run_page("overview")
    assert len(overview.dataframe) == 0
    overview.session_state["centres-table"] = True
    overview.run()
    centres = obs[(obs[mx.CATEGORY] == mx.CENTRES_CATEGORY) & (obs["unit"] == "centres")]
    (table,) = [d.value for d in overview.dataframe]
    assert len(table) == len(centres) and set(table["Quote"]) == set(centres["quote"])


def map_tiles(at: AppTest, divisions: int = 34) -> dict[str, str]:
    """Region -> the mark on its tile, for the tiles of the map that show a figure."""
    (spec,) = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    tiles = spec["data"][0]
    assert len(spec["layout"]["shapes"]) == divisions
    return {row[0]: re.search("<b>(.*)</b>", text).group(1) for row, text in zip(tiles["customdata"], tiles["text"], strict=True)}


def national(at: AppTest) -> list[tuple[str, str]]:
    return [(m.label, m.value.replace("\\", "")) for m in at.metric]


@pytest.mark.parametrize(
    ("query", "metric", "tiles", "beside"),
    [
        ({}, "national_manufacturing_innovation_centres", CENTRE_TILES, []),
        ({"metric": ["Technology contract turnover"]}, TURNOVER, latest_tiles(TURNOVER), []),
        ({"metric": ["Technology contract turnover"], "year": ["2012"]}, TURNOVER, latest_tiles(TURNOVER, "2012"), []),
        ({"metric": ["Space-bearing platforms per industrial chain"], "status": ["target"]},
         "industrial_chain_platforms_per_chain", {"Hubei": "2–3"}, []),
        ({"metric": ["Global Innovation Index rank"], "year": ["2012"]}, "global_innovation_index_rank", {}, [("China", "rank 34")]),
        ({"metric": ["Global Innovation Index rank"]}, "global_innovation_index_rank", {}, [("China", "rank 11")]),
    ],
)
def test_map_opens_with_the_url_state(obs, query, metric, tiles, beside):
    at = run_page("map", **query)
    assert not at.exception and at.selectbox(key="metric").value == metric
    assert map_tiles(at) == tiles
    assert national(at) == beside  # national figures beside the map, never on a tile
    assert body(at)[0].value == f"**{len(tiles)}** of 34 provincial-level divisions have a figure."


@pytest.mark.parametrize(
    "query",
    [
        {"metric": ["<script>alert(1)</script>"]},
        {"metric": ["Atlantis"], "status": ["nonsense"]},
        {"year": ["abc"]},
        {"metric": ["Technology contract turnover"], "year": ["1800"]},
        {"metric": ["Technology contract turnover"], "year": ["2099"]},
        {"status": ["ACTUAL"], "year": [""]},
    ],
)
def test_map_falls_back_to_defaults_on_unknown_url_values(obs, query):
    at = run_page("map", **query)
    assert not at.exception and not at.error
    if query.get("metric") == ["Technology contract turnover"]:
        assert at.selectbox(key="year").value == "latest" and map_tiles(at) == latest_tiles(TURNOVER)
    else:
        assert at.selectbox(key="metric").value == "national_manufacturing_innovation_centres"
        assert map_tiles(at) == CENTRE_TILES


def test_map_widgets_change_the_map_and_the_table_lists_every_tile(dataset, obs):
    at = run_page("map")
    assert not [s for s in at.selectbox if s.key == "year"]  # one year only: no year choice
    at.selectbox(key="metric").set_value("technology_contract_turnover").run()
    years = sorted({row["year"] for row in read_rows(ROOT / "data" / "metrics.csv")
                    if row["metric"] == TURNOVER and row["status"] == "actual" and row["year"]})
    assert at.selectbox(key="year").options == ["Latest per region", *years]
    at.selectbox(key="year").set_value("2012").run()
    assert map_tiles(at) == latest_tiles(TURNOVER, "2012")
    at.selectbox(key="metric").set_value("digital_transformation_demo_projects").run()
    assert map_tiles(at) == {}  # Jilin's figure is a target
    at.segmented_control(key="status").set_value("target").run()
    assert map_tiles(at) == {"Jilin": "&gt;300"}
    at.session_state["map-table"] = True
    at.run()
    (table,) = [d.value for d in at.dataframe]
    # Every division a row; those without a tile figure say so (counted from the map, not pinned).
    assert len(table) == len(dataset.tile_grid) and (table["Value"] == "no figure").sum() == len(table) - len(map_tiles(at))
    assert table.set_index("Region").loc["Jilin", "Quote"] == obs.loc[obs["metric"] == "digital_transformation_demo_projects", "quote"].iloc[0]


def test_map_flags_different_reference_dates(obs):
    at = run_page("map", metric=["Provincial manufacturing innovation centres"])
    (warning,) = [w.value.replace("\\", "") for w in at.warning]
    assert warning.startswith("The figures refer to different dates: as of 2021-03-10 (Shanxi); as of 2022-02-28 (Shandong)")
    dated = {(row["as_of"], row["region"]) for row in read_rows(ROOT / "data" / "metrics.csv")
             if row["metric"] == "provincial_manufacturing_innovation_centres" and row["as_of"]}
    assert all(f"as of {as_of} ({region})" in warning for as_of, region in dated)


def test_trends_charts_every_series_and_follows_region_filter(obs):
    series = mx.time_series(obs)
    at = run_page("trends")
    traces = chart_traces(at)
    assert len(traces) == series["metric"].nunique() + 1  # plus the events timeline
    at.multiselect(key="region").set_value(["Shanxi"]).run()
    traces = chart_traces(at)
    assert len(traces) == series[series["region"] == "Shanxi"]["metric"].nunique() + 1
    assert traces[0] == ["Shanxi"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, mx.Filters()),
        ({"region": ["Shanxi", "Shandong"]}, mx.Filters(regions=("Shanxi", "Shandong"))),
        ({"status": ["target"]}, mx.Filters(statuses=("target",))),
        # A metric travels in the URL as its label (what the widget shows).
        ({"metric": ["Technology contract turnover"]}, mx.Filters(metrics=("technology_contract_turnover",))),
        ({"years": ["2012", "2021"], "undated": ["false"]}, mx.Filters(years=(2012, 2021), include_undated=False)),
    ],
)
def test_explore_opens_with_the_url_state_and_counts_exactly_the_filtered_rows(obs, query, expected):
    at = run_page("explore", **query)
    n = len(mx.filter_observations(obs, expected))
    assert body(at)[0].value == f"**{n}** of {len(obs)} figures match."
    assert len(at.dataframe[0].value) == n
    assert at.get("download_button")[0].proto.label == f"Download CSV ({n} rows)"


def test_explore_widget_change_narrows_the_table(obs):
    at = run_page("explore")
    at.multiselect(key="region").set_value(["Shandong"]).run()
    n = int((obs["region"] == "Shandong").sum())
    assert body(at)[0].value == f"**{n}** of {len(obs)} figures match."
    assert set(at.dataframe[0].value["Region"]) == {"Shandong"}


@pytest.mark.parametrize(
    "query",
    [
        {"region": ["Atlantis"]},
        {"years": ["abc"]},
        {"years": ["1800", "3000"]},
        {"status": ["nonsense"], "qualifier": ["<script>"]},
        {"undated": ["maybe"]},
    ],
)
def test_malformed_url_parameters_fall_back_to_defaults(obs, query):
    at = run_page("explore", **query)
    assert not at.exception
    assert body(at)[0].value == f"**{len(obs)}** of {len(obs)} figures match."


def test_sources_page_shows_each_document_with_highlighted_quotes():
    dataset = load_dataset(ROOT)
    at = run_page("sources")
    titles = headings(at)
    assert len(titles) == len(dataset.sources)
    highlighted = [m.value for m in at.markdown if ":orange-background[" in m.value]
    assert len(highlighted) == len(dataset.sources)
    assert ("Shanxi won [**40**](/figure?id=shanxi-national-st-awards-2022) national science and technology awards"
            in highlighted[2].replace("\\", ""))


def test_a_third_region_appears_on_every_page(third_region_project: Path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_ROOT", str(third_region_project))
    overview = run_page("overview")
    assert "Zhejiang" in chart_traces(overview)[0]
    compare = run_page("compare", region=["Shanxi", "Zhejiang"])
    assert compare.multiselect(key="region").value == ["Shanxi", "Zhejiang"]
    assert "Zhejiang" in compare.multiselect(key="region").options
    assert headings(compare)[0].startswith("Metrics every selected region has (2)")  # centres and turnover
    trends = run_page("trends")
    assert any("Zhejiang" in names for names in chart_traces(trends))
    explore = run_page("explore", region=["Zhejiang"])
    assert body(explore)[0].value.startswith("**3** of ")
    sources = run_page("sources")
    assert "Zhejiang builds more innovation centres" in headings(sources)


def test_invalid_curated_data_shows_a_clear_error_on_every_page(project_copy: Path, monkeypatch):
    rows = read_rows(project_copy / "data" / "metrics.csv")
    rows[0]["value"] = "15"
    write_rows(project_copy / "data" / "metrics.csv", rows)
    monkeypatch.setenv("DASHBOARD_ROOT", str(project_copy))
    for page in PAGES:
        at = run_page(page)
        assert not at.exception
        assert at.error[0].value.replace("\\", "") == "The dashboard cannot show data: 1 problem in the curated data."
        assert "data/metrics.csv:2: column 'value': got '15'" in at.code[0].value
        assert "python -m dashboard.validate" in at.caption[0].value


FILE_FAULTS = {
    "missing": (lambda root: (root / "data" / "metrics.csv").unlink(), "data/metrics.csv: file not found"),
    "empty": (lambda root: (root / "data" / "metrics.csv").write_bytes(b""), "data/metrics.csv: the file is empty"),
    "binary": (lambda root: (root / "data" / "metrics.csv").write_bytes(b"\x00\x01garbage"),
               "data/metrics.csv: this is a binary file (NUL byte at offset 0), not a CSV"),
    "fifo": (lambda root: (root / "data" / "events.csv").unlink() or os.mkfifo(root / "data" / "events.csv"),
             "data/events.csv: not a regular file (a FIFO); expected a CSV file"),
}


def assert_cannot_show_data_on_every_page(message: str) -> None:
    for page in PAGES:
        at = run_page(page)
        assert not at.exception
        assert at.error[0].value.replace("\\", "") == f"The dashboard cannot show data: {message}."
        assert "python -m dashboard.validate" in at.caption[0].value


@pytest.mark.parametrize(("fault", "message"), [*FILE_FAULTS.values(), *FOLDER_FAULTS.values()],
                         ids=[*FILE_FAULTS, *FOLDER_FAULTS])
def test_a_missing_or_broken_file_or_folder_is_named_on_every_page(project_copy: Path, monkeypatch, fault, message):
    fault(project_copy)
    monkeypatch.setenv("DASHBOARD_ROOT", str(project_copy))
    assert_cannot_show_data_on_every_page(message.format(root=project_copy))


def test_an_edited_curated_file_shows_on_the_next_load_and_recovers_when_fixed(project_copy: Path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_ROOT", str(project_copy))
    path = project_copy / "data" / "metrics.csv"
    rows = read_rows(path)
    assert body(run_page("explore"))[0].value == f"**{len(rows)}** of {len(rows)} figures match."

    write_rows(path, rows[:-1])  # a curator removes a row while the app runs
    assert body(run_page("explore"))[0].value == f"**{len(rows) - 1}** of {len(rows) - 1} figures match."

    broken = [dict(rows[0], value="15"), *rows[1:]]
    write_rows(path, broken)  # ... then saves a mistake
    at = run_page("explore")
    assert "data/metrics.csv:2: column 'value': got '15'" in at.code[0].value

    write_rows(path, rows)  # ... and fixes it: no restart needed
    at = run_page("explore")
    assert not at.error and body(at)[0].value == f"**{len(rows)}** of {len(rows)} figures match."


def test_explore_sends_one_page_of_rows_at_a_time(obs):
    # The same page with 10 rows a page instead of 500, so the shipped data spans several pages.
    source = (VIEWS / "explore.py").read_text(encoding="utf-8").replace("TABLE_PAGE_ROWS = 500", "TABLE_PAGE_ROWS = 10")
    at = AppTest.from_string(source, default_timeout=60).run()
    pages = -(-len(obs) // 10)
    assert len(at.dataframe[0].value) == 10 and at.number_input[0].label == f"Page (of {pages}, 10 rows each)"
    at.number_input[0].set_value(pages).run()
    assert len(at.dataframe[0].value) == len(obs) - 10 * (pages - 1)
    at.multiselect(key="region").set_value(["Shandong"]).run()  # fewer rows than the page we were on
    assert not at.exception and len(at.dataframe[0].value) == int((obs["region"] == "Shandong").sum())


def test_loaded_data_is_frozen_out_of_the_collectors_sight_and_thawed_for_a_reload(project_copy: Path, monkeypatch):
    """Streamlit collects garbage after every run; the long-lived heap (modules, the dataset) is
    frozen once loaded so those collections stay short, and thawed before the data is reloaded so
    the old version can be collected."""
    import gc

    calls: list[str] = []
    unfreeze, freeze = gc.unfreeze, gc.freeze
    monkeypatch.setattr(gc, "unfreeze", lambda: (calls.append("unfreeze"), unfreeze())[1])
    monkeypatch.setattr(gc, "freeze", lambda: (calls.append("freeze"), freeze())[1])
    monkeypatch.setenv("DASHBOARD_ROOT", str(project_copy))
    run_page("overview")
    assert calls == ["unfreeze", "freeze"] and gc.get_freeze_count() > 10_000
    run_page("overview")
    assert calls == ["unfreeze", "freeze"]  # a rerun on the same data loads nothing
    path = project_copy / "data" / "metrics.csv"
    write_rows(path, read_rows(path)[:-1])
    run_page("overview")
    assert calls == ["unfreeze", "freeze"] * 2


def test_compare_side_by_side_cells_show_their_figure_and_link_to_its_page(obs, monkeypatch):
    monkeypatch.delenv(citation.BASE_URL_ENV, raising=False)
    at = run_page("compare")
    (side_by_side,) = [d.value for d in at.dataframe]
    expected = mx.compare_regions(obs, ["Shanxi", "Shandong"])
    for region in ("Shanxi", "Shandong"):
        # The value as text (it wraps; a link cell cannot), then the link to its figure's page.
        assert list(side_by_side[region]) == list(expected[region])
        for cell, text, figure_id in zip(side_by_side[f"↗ {region}"], expected[region], expected[mx.figure_id_column(region)],
                                         strict=True):
            assert link_text(cell) == text
            has_figure = isinstance(figure_id, str)
            assert cell.startswith(citation.figure_path(figure_id) + "#" if has_figure else f"/explore?region={region}&metric=")


def test_explore_and_chart_tables_link_each_row_to_its_figure_page(obs, monkeypatch):
    monkeypatch.setenv(citation.BASE_URL_ENV, "https://metrics.example.org")
    at = run_page("explore", region=["Shandong"])
    rows = mx.filter_observations(obs, mx.Filters(regions=("Shandong",)))
    assert list(at.dataframe[0].value[tables.FIGURE_LINK]) == [
        f"https://metrics.example.org/figure?id={i}" for i in rows["figure_id"]]
    overview = run_page("overview")
    overview.session_state["centres-table"] = True
    overview.run()
    (table,) = [d.value for d in overview.dataframe]
    assert all(link.startswith("https://metrics.example.org/figure?id=") for link in table[tables.FIGURE_LINK])
    assert len(set(table[tables.FIGURE_LINK])) == len(table)  # one page per row


def test_every_chart_cites_its_documents_then_the_dataset_with_its_version(dataset):
    at = run_page("compare")
    cites = [c.value.replace("\\", "") for c in at.caption if "Compiled in" in c.value]
    assert len(cites) == len(at.get("plotly_chart"))
    for text in cites:
        assert text.startswith("Source") and text.index("(") < text.index("Compiled in Regional innovation metrics")
        assert f"data version {dataset.version}" in text


def test_a_rerun_sends_a_chart_as_its_figure_would_from_a_copy_made_once(dataset, obs):
    """chart_block gives st.plotly_chart the figure serialised once per figure object
    (SerialisedFigure): Streamlit sends from it exactly the spec it sends from the figure itself,
    a rerun reuses it, and another figure object gets its own."""
    fig = charts.build_bar_chart(obs.head(30), charts.palette_of(dataset, False), "A title")

    def sent(figure) -> str:  # what st.plotly_chart puts in the element's spec
        return plotly.io.to_json(plotly.tools.return_figure_from_figure_or_data(figure, validate_figure=True),
                                 validate=False)

    assert sent(chart_block.serialised(fig)) == sent(fig)
    assert chart_block.serialised(fig) is chart_block.serialised(fig)
    changed = go.Figure(fig).update_layout(title_text="Another title")
    assert chart_block.serialised(changed) is not chart_block.serialised(fig)
    assert "Another title" in sent(chart_block.serialised(changed))


def test_what_is_derived_from_an_object_is_made_once_while_it_lives_and_per_language():
    calls = []

    def count_rows(frame: pd.DataFrame) -> int:
        calls.append(len(frame))
        return len(frame)

    frame = pd.DataFrame({"value": [1, 2]})
    ident = id(frame)
    assert store.derived_from(frame, count_rows) == 2 and store.derived_from(frame, count_rows) == 2
    assert calls == [2]
    with i18n.speaking("zh"):  # a result may hold the reader's words
        store.derived_from(frame, count_rows)
    assert calls == [2, 2]
    assert store.derived_from(pd.DataFrame({"value": [1, 2, 3]}), count_rows) == 3  # another object, its own result
    assert len([key for key in store._BY_OBJECT if key[0] == ident]) == 2  # one per language
    del frame
    gc.collect()
    assert not [key for key in store._BY_OBJECT if key[0] == ident]  # gone with their object
    with pytest.raises(TypeError, match="named function"):
        store.derived_from(pd.DataFrame(), lambda frame: 0)


def test_map_of_a_hostile_metric_keeps_its_text_inert(hostile_project: Path, monkeypatch):
    from tests.conftest import EVIL_REGION

    monkeypatch.setenv("DASHBOARD_ROOT", str(hostile_project))
    label = load_dataset(hostile_project).catalogue.set_index("metric").loc["hostile_metric", "label"]
    at = run_page("map", metric=[label])
    assert not at.exception and at.selectbox(key="metric").value == "hostile_metric"
    assert map_tiles(at, divisions=35) == {"Evil&lt;svg onload=window.__xss=4&gt;": "9"}  # its latest figure, escaped
    assert EVIL_REGION not in json.dumps(json.loads(at.get("plotly_chart")[0].proto.spec))


# --- hardening round 2 (issue 15) ---------------------------------------------------------------


def test_a_reversed_year_range_in_the_url_is_put_in_order(obs):
    at = run_page("explore", years=["2021", "2012"])
    n = len(mx.filter_observations(obs, mx.Filters(years=(2012, 2021))))
    assert at.slider(key="years").value == (2012, 2021)
    assert body(at)[0].value == f"**{n}** of {len(obs)} figures match."


def test_an_unreadable_seed_shows_the_cannot_show_data_screen(project_copy: Path, monkeypatch):
    from tests.test_data import deny

    deny(monkeypatch, project_copy / "seeds" / "002_ee4fd5ed85ea2616.txt")
    monkeypatch.setenv("DASHBOARD_ROOT", str(project_copy))
    assert_cannot_show_data_on_every_page("seeds/002_ee4fd5ed85ea2616.txt: cannot be read (Permission denied)")


def test_a_phone_gets_one_card_per_figure_with_value_qualifier_date_and_link(obs, monkeypatch):
    monkeypatch.delenv(citation.BASE_URL_ENV, raising=False)
    at = run_page("explore", region=["Shandong"])
    rows = mx.filter_observations(obs, mx.Filters(regions=("Shandong",)))
    (cards,) = [m.value for m in at.markdown if m.value.startswith("**") and "Qualifier: " in m.value]
    shown = cards.split("\n\n---\n\n")
    assert len(shown) == len(rows)  # one card per row of the table beside it
    for card, row in zip(shown, rows.itertuples(), strict=True):
        lines = card.split("  \n")
        assert lines[0] == f"**{safe_text.md(getattr(row, mx.DISPLAY))}**"  # the value first
        assert f"Qualifier: {safe_text.md(mx.QUALIFIER_NAMES[row.qualifier])}" in lines
        assert f"Refers to: {safe_text.md(getattr(row, mx.REFERENCE))}" in lines
        assert lines[-1] == f"[Open the figure's page]({citation.figure_path(row.figure_id)})"  # the link last


def test_cards_escape_the_data_and_link_a_labelled_cell_with_its_own_words():
    table = pd.DataFrame({"Metric": ["*bold* [x](javascript:1)"], "Shanxi": [citation.labelled_link("/figure?id=a", "14 (2021)")],
                          "Figure": ["/figure?id=a"], "Note": [None]})
    card = tables.card_markdown(table, {"Shanxi": "", "Figure": "Open"})
    assert card == ("**\\*bold\\* \\[x\\]\\(javascript\\:1\\)**  \nShanxi: [14 \\(2021\\)](/figure?id=a)  \n"
                    "[Open](/figure?id=a)")
