"""The figure page (/figure?id=...) under AppTest: every shipped figure and event has one, with its
value, its sentence in its document, its source and a citation; a bad id gets a message."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import charts, citation, pages
from dashboard import metrics as mx
from dashboard.evidence import normalise_whitespace
from tests.conftest import HOSTILE_TITLE, ROOT, body, headings, read_rows, scrolled

APP = str(ROOT / "dashboard" / "app.py")
FIGURE_IDS = [row["figure_id"] for row in read_rows(ROOT / "data" / "metrics.csv")]
EVENT_IDS = [row["event_id"] for row in read_rows(ROOT / "data" / "events.csv")]
PAGES = [page.name for page in pages.PAGES]


def figure_page(*ids: str) -> AppTest:
    """/figure with these `id` parameters (none, one, or repeated), run through the router."""
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("views/figure.py")
    if ids:
        at.query_params["id"] = list(ids)
    return scrolled(at.run())  # read to its end: its chart and citations are drawn (views/near.py)


def shown(markdown: str) -> str:
    """What a reader sees of the page's Markdown: highlight directives, bold and code marks and
    escapes removed."""
    text = re.sub(r":orange-background\[", "", markdown)
    text = re.sub(r"(?<!\\)\]", "", text)
    text = re.sub(r"(?<!\\)(\*\*|`)", "", text)  # bold and code marks
    return normalise_whitespace(re.sub(r"\\(.)", r"\1", text))


def page_text(at: AppTest) -> str:
    return "\n".join(shown(e.value) for e in [*at.markdown, *at.caption])


def links(at: AppTest) -> dict[str, tuple[str, dict]]:
    """label as shown -> (page, query) of every page link."""
    return {shown(link.proto.label): (link.proto.page, parse_qs(link.proto.query_string)) for link in at.get("page_link")}


@pytest.fixture(scope="module")
def app():
    """One session for the whole module: each test points it at another id."""
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("views/figure.py")
    at.query_params["id"] = FIGURE_IDS[0]
    return scrolled(at.run())  # read to its end once: what it has drawn stays drawn in the session


@pytest.mark.parametrize("figure_id", FIGURE_IDS)
def test_every_shipped_figure_has_a_page_with_its_value_quote_source_and_citation(app, obs, figure_id):
    figure = obs[obs["figure_id"] == figure_id].iloc[0]
    app.query_params["id"] = figure_id
    app.run()
    assert not app.exception and not app.error
    text = page_text(app)
    assert shown(headings(app, 1)[0]) == f"{figure['region']}: {figure[mx.LABEL]}"
    assert shown(body(app)[0].value) == f"## {figure[mx.DISPLAY]}"
    assert f"Refers to: {figure[mx.REFERENCE]}" in text and f"Figure id: {figure_id}" in text
    assert f"({figure[mx.ISO_CODE]}, {figure[mx.NAME_ZH]})" in text
    assert normalise_whitespace(figure["quote"]) in text  # inside its paragraph of the document
    assert figure[mx.SOURCE_TITLE] in text
    plain, bibtex, csl = (c.value for c in app.code)
    assert plain.index(figure[mx.SOURCE_TITLE]) < plain.index(citation.DATASET_TITLE) < plain.index(figure_id)
    assert f"figure {figure_id} " in plain and "data version " in plain
    assert f"@misc{{{figure_id}," in bibtex
    document, dataset = json.loads(csl)
    assert document["title"] == figure[mx.SOURCE_TITLE] and dataset["id"] == figure_id
    assert links(app)["Read the whole document on Sources"] == ("sources", {"source": [figure["source_id"]]})


def test_a_figure_page_links_to_the_same_sentence_and_filtered_pages(app, obs):
    # Beijing's and Guangdong's "more than 2" come from Shandong's sentence about its own 2 centres.
    figure_id = "shandong-national-manufacturing-innovation-centres-2022"
    figure = obs[obs["figure_id"] == figure_id].iloc[0]
    app.query_params["id"] = figure_id
    app.run()
    same_sentence = obs[(obs["quote"] == figure["quote"]) & (obs["figure_id"] != figure_id)]
    found = links(app)
    for other in same_sentence.itertuples():
        assert found[citation.short_statement(other._asdict(), figure["metric"])] == ("figure", {"id": [other.figure_id]})
    assert found["This metric and region on Explore"] == (
        "explore", {"region": ["Shandong"], "metric": ["National manufacturing innovation centres"]})
    assert found["Trends of this region"] == ("trends", {"region": ["Shandong"]})
    compare_page, compare_query = found["Compare regions"]
    assert compare_page == "compare" and compare_query["region"][0] == "Shandong" and compare_query["status"] == ["actual"]
    (chart,) = app.get("plotly_chart")  # the same metric by region: every region with this metric
    regions = {t["name"] for t in json.loads(chart.proto.spec)["data"] if t.get("legendgroup") != charts.ENCODING_KEY}
    assert regions == set(obs.loc[(obs["metric"] == figure["metric"]) & (obs["status"] == "actual"), "region"])


@pytest.mark.parametrize("event_id", EVENT_IDS)
def test_every_event_has_a_page_too(app, dataset, event_id):
    event = dataset.events[dataset.events["event_id"] == event_id].iloc[0]
    app.query_params["id"] = event_id
    app.run()
    assert not app.exception and not app.error
    assert shown(headings(app, 1)[0]) == event["title"]
    assert normalise_whitespace(event["quote"]) in page_text(app)
    title = dataset.sources.set_index("source_id").loc[event["source_id"], "title"]
    assert title in app.code[0].value and f"figure {event_id} " in app.code[0].value


@pytest.mark.parametrize(
    ("ids", "message"),
    [
        ((), "No figure with id: this link gives none (a link of more than 1,000 parameters is read as none). "
             "A figure's address looks like /figure?id=<figure id>."),
        (("",), "No figure with id: this link gives none (a link of more than 1,000 parameters is read as none). "
                "A figure's address looks like /figure?id=<figure id>."),
        (("shanxi-atlantis-2099",), "No figure with id 'shanxi-atlantis-2099'."),
        (("<img src=x onerror=alert(1)>",), "No figure with id '<img src=x onerror=alert(1)>'."),
        (("山西省-技术合同",), "No figure with id '山西省-技术合同'."),
        (("a" * 5000,), f"No figure with id '{'a' * 80}…'."),
        (("[x](javascript:alert(1)) :red[y]",), "No figure with id '[x](javascript:alert(1)) :red[y]'."),
        ((FIGURE_IDS[0], FIGURE_IDS[1]),
         f"No figure with id '{FIGURE_IDS[0]}', '{FIGURE_IDS[1]}': this link gives 2 ids, and a page shows one figure."),
    ],
)
def test_a_bad_id_gets_a_message_and_a_way_to_explore(ids, message):
    at = figure_page(*ids)
    assert not at.exception
    assert headings(at, 1) == ["Figure not found"]
    assert shown(at.error[0].value) == message
    assert links(at) == {"Find figures on Explore": ("explore", {})}


def test_the_citations_and_the_chart_wait_for_the_reader_to_come_near_them():
    """The chart (under the document's paragraph) and the three citation blocks (the syntax
    highlighter: 0.4 s of a cold load) are drawn when the reader scrolls near them, in boxes until
    then (tests/test_browser_near.py measures the boxes against what replaces them)."""
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("views/figure.py")
    at.query_params["id"] = FIGURE_IDS[0]
    at.run()
    boxes = {box.key: json.loads(box.proto.json) for box in at.get("bidi_component")}
    assert not at.code and not at.get("plotly_chart")
    assert set(boxes) == {"figure-same-metric-near-watch", "cite-near-watch"}
    assert "Cite this figure" in headings(at)  # the heading is there, to scroll or link to
    read = scrolled(at)
    assert len(read.code) == 3 and len(read.get("plotly_chart")) == 1
    (chart,) = read.get("plotly_chart")  # its box was as tall as the chart drawn in its place
    assert boxes["figure-same-metric-near-watch"]["height"] == json.loads(chart.proto.spec)["layout"]["height"]


def test_hostile_titles_and_quotes_stay_inert_in_the_citation_blocks(hostile_project: Path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_ROOT", str(hostile_project))
    at = figure_page("hostile-2021")
    assert not at.exception and not at.error
    plain, bibtex, csl = (c.value for c in at.code)
    assert f"“{HOSTILE_TITLE}” (2023-01-01)." in plain  # as the literal text it is, in a code block
    assert "{" + citation.bibtex_escape(HOSTILE_TITLE) + "}" in bibtex
    document, dataset = json.loads(csl)
    assert document["title"] == HOSTILE_TITLE and dataset["title"].startswith("Regional innovation metrics: Evil<svg")
    # Everywhere else on the page the Markdown is escaped: no raw tag, link or directive is left.
    for element in at.markdown:
        assert not re.search(r"(?<!\\)[<\[]", element.value.replace(":orange-background[", "")), element.value


@pytest.mark.parametrize("page", PAGES)
def test_every_page_shows_the_data_version(dataset, page):
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page(f"views/{page}.py")
    if page == "figure":
        at.query_params["id"] = FIGURE_IDS[0]
    at.run()
    assert at.caption[-1].value.startswith(f"Data version {dataset.version}.")  # the footer, last on the page
    assert not at.sidebar.caption  # no sidebar: one arriving late shifts the page
