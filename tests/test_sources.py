"""The Sources page: every document in full when there are few, an overview, a picker and one
document when there are many, so the browser only gets what the reader can see."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pandas as pd
import pytest
from playwright.sync_api import expect, sync_playwright
from streamlit.testing.v1 import AppTest

from bench.datagen import ROWS_PER_DOCUMENT, generate
from dashboard import metrics as mx
from dashboard.audit import audit_dataset, count_text
from dashboard.data import load_dataset
from dashboard.views import highlight, safe_text, tables
from tests.browser import CHROMIUM, CHROMIUM_ARGS, streamlit_server, wait_idle
from tests.conftest import ROOT, body, headings, texts

PAGE = ROOT / "dashboard" / "views" / "sources.py"
DOCUMENTS = 20


@pytest.fixture(scope="module")
def many_root(tmp_path_factory) -> Path:
    """A generated project of 20 documents (100 figures each), past the page's all-in-full limit."""
    root = tmp_path_factory.mktemp("many-documents")
    generate(root, DOCUMENTS * ROWS_PER_DOCUMENT)
    return root


@pytest.fixture(scope="module")
def many(many_root):
    return load_dataset(many_root)


@pytest.fixture
def many_env(many_root, monkeypatch) -> Path:
    monkeypatch.setenv("DASHBOARD_ROOT", str(many_root))
    return many_root


def run_page(script: str | None = None, **query) -> AppTest:
    """The page (or a variant of its code) opened with these URL query parameters."""
    if script is None:
        at = AppTest.from_file(str(PAGE), default_timeout=60)
    else:
        at = AppTest.from_string(script, default_timeout=60)
    for key, values in query.items():
        at.query_params[key] = values
    return at.run()


def highlighted_texts(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if ":orange-background[" in m.value]


def title(dataset, n: int) -> str:
    return dataset.sources["title"].iloc[n]


def sources_of(table: pd.DataFrame, dataset) -> set[str]:
    """The documents of a figures table's rows, from each row's link (the page shows no Source
    column: the document is the page's own heading)."""
    ids = {parse_qs(urlparse(link).query)["id"][0] for link in table[tables.FIGURE_LINK]}
    return set(dataset.metrics.loc[dataset.metrics["figure_id"].isin(ids), "source_id"])


def assert_shows_only(at: AppTest, dataset, n: int) -> None:
    """The page shows document n in full (heading, its figures, its text) and no other document."""
    assert not at.exception
    assert headings(at) == [safe_text.md(title(dataset, n))]
    assert len(at.dataframe) == 2 and len(at.expander) == 1  # the overview, and this document's figures
    assert sources_of(at.dataframe[1].value, dataset) == {dataset.sources["source_id"].iloc[n]}
    assert len(at.dataframe[1].value) == ROWS_PER_DOCUMENT
    (text,) = highlighted_texts(at)
    # The generated documents curate no exclusions: their title's number is not accounted for.
    assert f"report no\\. **{n}** *(not accounted for)*\n" in text
    other = (n + 1) % DOCUMENTS
    assert safe_text.md(title(dataset, other)) not in texts(at)


# --- few documents: the checkout's five are all shown, as before ---------------------------------


def test_the_checkouts_documents_are_all_shown_in_full(dataset, obs):
    at = run_page()
    assert not at.exception and not at.get("selectbox")
    assert headings(at) == [safe_text.md(t) for t in dataset.sources["title"]]
    assert len(at.expander) == len(highlighted_texts(at)) == len(dataset.sources)  # a few: no picker
    # One figures table per document with figures, each holding exactly that document's rows.
    counts = obs["source_id"].value_counts()
    with_figures = [sid for sid in dataset.sources["source_id"] if counts.get(sid, 0)]
    assert [len(frame.value) for frame in at.dataframe] == [counts[sid] for sid in with_figures]
    for frame, sid in zip(at.dataframe, with_figures, strict=True):
        assert sources_of(frame.value, dataset) == {sid}
    events = dataset.events["source_id"].value_counts()
    for sid in dataset.sources["source_id"]:
        n, e = counts.get(sid, 0), events.get(sid, 0)
        assert f"**{n}** figure{'' if n == 1 else 's'}, **{e}** event{'' if e == 1 else 's'}" in texts(at)


# --- many documents: overview, picker, one document ------------------------------------------------


def test_many_documents_show_an_overview_and_only_the_first_document(many_env, many):
    at = run_page()
    assert body(at)[0].value == f"**{DOCUMENTS}** documents; pick one below to read it with its figures."
    overview = at.dataframe[0].value
    assert list(overview.columns) == ["Title", "Published", "Publisher", "Figures", "Events"]
    assert list(overview["Title"]) == list(many.sources["title"])
    assert set(overview["Figures"]) == {ROWS_PER_DOCUMENT} and set(overview["Events"]) == {1}
    assert at.selectbox(key="source").value == many.sources["source_id"].iloc[0]
    assert_shows_only(at, many, 0)


@pytest.mark.parametrize("by", ["source_id", "title"])
def test_a_url_naming_a_document_by_id_or_title_opens_it(many_env, many, by):
    at = run_page(source=many.sources[by].iloc[7])
    assert at.selectbox(key="source").value == many.sources["source_id"].iloc[7]
    assert_shows_only(at, many, 7)


@pytest.mark.parametrize("value", ["gen-999999", "", "<script>alert(1)</script>", "GEN-000007", "gen-000007 "])
def test_an_unknown_or_malformed_source_in_the_url_falls_back_to_the_first_document(many_env, many, value):
    at = run_page(source=value)
    assert at.selectbox(key="source").value == many.sources["source_id"].iloc[0]
    assert_shows_only(at, many, 0)


def test_picking_another_document_shows_it_instead(many_env, many):
    at = run_page()
    at.selectbox(key="source").set_value(many.sources["source_id"].iloc[12]).run()
    assert_shows_only(at, many, 12)


def test_the_picked_documents_figures_and_the_overview_are_paginated(many_env, many):
    # The same page with small pages, so 100 figures and 20 documents each span several.
    script = (PAGE.read_text(encoding="utf-8").replace("FIGURES_PAGE_ROWS = 500", "FIGURES_PAGE_ROWS = 30")
              .replace("DOCUMENTS_PAGE_ROWS = 100", "DOCUMENTS_PAGE_ROWS = 8"))
    at = run_page(script, source=many.sources["source_id"].iloc[3])
    overview, figures = at.dataframe[0].value, at.dataframe[1].value
    assert list(overview["Title"]) == list(many.sources["title"].iloc[:8])
    assert len(figures) == 30 and sources_of(figures, many) == {many.sources["source_id"].iloc[3]}
    documents_page, figures_page = at.number_input
    assert documents_page.label == "Page of documents (of 3, 8 each)"
    assert figures_page.label == "Page of figures (of 4, 30 rows each)"
    figures_page.set_value(4).run()
    assert len(at.dataframe[1].value) == ROWS_PER_DOCUMENT - 3 * 30
    at.number_input[0].set_value(3).run()
    assert list(at.dataframe[0].value["Title"]) == list(many.sources["title"].iloc[16:])
    assert headings(at) == [safe_text.md(title(many, 3))]  # paging the list keeps the document


# --- the pure pieces ------------------------------------------------------------------------------


def test_source_overview_counts_figures_and_events_per_document_in_the_sources_order():
    sources = pd.DataFrame({"source_id": ["b", "a", "c"], "title": ["B", "A", "C"],
                            "published": ["2021-01-01", None, "2022-02-02"], "publisher": [None, "P", None]})
    obs = pd.DataFrame({"source_id": ["a", "b", "a", "user-x"]})
    events = pd.DataFrame({"source_id": ["c", "c", "a"]})
    overview = mx.source_overview(sources, obs, events)
    assert overview.fillna("-").to_dict("list") == {
        "source_id": ["b", "a", "c"], "title": ["B", "A", "C"], "published": ["2021-01-01", "-", "2022-02-02"],
        "publisher": ["-", "P", "-"], "figures": [1, 2, 0], "events": [0, 1, 2],
    }


def test_rows_by_source_splits_rows_once_and_gives_an_empty_frame_to_a_document_without_rows():
    frame = pd.DataFrame({"source_id": ["a", "b", "a", None], "quote": ["q1", "q2", "q3", "q4"]})
    split = mx.rows_by_source(frame, ["a", "c"])
    assert list(split) == ["a", "c"]
    assert list(split["a"]["quote"]) == ["q1", "q3"] and list(split["a"].index) == [0, 2]
    assert split["c"].empty and list(split["c"].columns) == ["source_id", "quote"]


@pytest.mark.parametrize(
    ("titles", "expected"),
    [
        (["One", "Two"], {"a": "One", "b": "Two"}),
        (["Same", "Same", "Other"], {"a": "Same (a)", "b": "Same (b)", "c": "Other"}),
    ],
)
def test_document_labels_are_titles_made_unique_with_the_id(titles, expected):
    sources = pd.DataFrame({"source_id": list("abc")[: len(titles)], "title": titles})
    assert mx.document_labels(sources) == expected


# --- in a real browser: a link to one document, and the URL after picking another --------------


@pytest.mark.browser
def test_a_link_to_a_document_opens_it_and_picking_another_gives_a_shareable_url(many_root, many):
    def heading(page, n: int):
        return page.get_by_role("heading", name=title(many, n), exact=True)

    with streamlit_server(env={"DASHBOARD_ROOT": str(many_root)}) as base_url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
            page.set_default_timeout(30_000)
            page.goto(f"{base_url}/sources?source={many.sources['source_id'].iloc[7]}", wait_until="domcontentloaded")
            wait_idle(page)
            expect(heading(page, 7)).to_be_visible()
            expect(page.locator("h2")).to_have_count(1)  # one document's heading, no other

            box = page.get_by_role("combobox", name="Document", exact=True)
            box.click()
            box.fill(title(many, 12))
            page.get_by_role("option", name=title(many, 12), exact=True).click()
            wait_idle(page)
            expect(heading(page, 12)).to_be_visible()
            assert parse_qs(urlparse(page.url).query).get("source") == [title(many, 12)], page.url

            fresh = browser.new_context().new_page()
            fresh.goto(page.url, wait_until="domcontentloaded", timeout=30_000)
            wait_idle(fresh)
            expect(heading(fresh, 12)).to_be_visible()
            fresh.goto(f"{base_url}/sources?source=no-such-document", wait_until="domcontentloaded")
            wait_idle(fresh)
            expect(heading(fresh, 0)).to_be_visible()
            expect(fresh.locator("[data-testid='stException']")).to_have_count(0)
        finally:
            browser.close()


# --- every number accounted for, on the page ---------------------------------------------------------


def test_each_document_counts_its_numbers_and_marks_each_one(dataset):
    at = run_page()
    counts = [m.value for m in at.markdown if m.value.startswith("**Numbers in the text:**")]
    findings = audit_dataset(dataset)
    assert counts == ["**Numbers in the text:** " + count_text(findings[source_id]).replace(":", "\\:")
                      for source_id in dataset.sources["source_id"]]
    # The two lines of a document agree: the figures its numbers state are the figures it lists
    # ('10 figures, 0 events' once stood beside '20 numbers: 6 figures').
    headers = [m.value for m in at.markdown if m.value.startswith("**Published:**")]
    per_document = dataset.metrics["source_id"].value_counts()
    for source_id, header, line in zip(dataset.sources["source_id"], headers, counts, strict=True):
        figures = int(per_document.get(source_id, 0))
        assert f"**{figures}** figure" in header and f" stating {figures} figure" in line
    assert not [m.value for m in at.markdown if "**File:**" in m.value]  # the curators' path is no reader's business
    assert not [c.value for c in at.caption if "python -m" in c.value or "data/" in c.value]
    overview, shandong = highlighted_texts(at)[3], highlighted_texts(at)[1]
    # A captured number links to its figure page, inside the highlighted quote; an ambiguous one too.
    # "1 2" read as 1 to 2 is two figures, a lower and an upper bound.
    assert ("build [**1 2**](/figure?id=jilin-lighthouse-factories-2025-target) *(also [Lighthouse factories]"
            "(/figure?id=jilin-lighthouse-factories-2025-target-upper))* lighthouse factories") in overview
    # A number several figures state links to the first and names the others.
    assert ("[**2**](/figure?id=shandong-national-manufacturing-innovation-centres-2022) *(also "
            "[Beijing](/figure?id=beijing-national-manufacturing-innovation-centres-2022), "
            "[Guangdong](/figure?id=guangdong-national-manufacturing-innovation-centres-2022), "
            "[Shanghai](/figure?id=shanghai-national-manufacturing-innovation-centres-2022), "
            "[Jiangsu](/figure?id=jiangsu-national-manufacturing-innovation-centres-2022))*") in shandong
    # Excluded numbers give their reason; an event's period says so.
    assert "5G *(excluded: part of name)*\\+ Industrial Internet" in overview
    assert ("[**300**](/figure?id=jilin-digital-transformation-demo-projects-2025-target) *(also [Provincial intelligent "
            "manufacturing digital workshops](/figure?id=jilin-intelligent-manufacturing-digital-workshops-2025-target))*") in overview
    assert "\\(**2023\\-2025** *(date or period of an event)*\\)" in overview
    assert "not accounted for" not in "".join(highlighted_texts(at))


def test_number_markup_escapes_what_comes_from_the_data():
    from dashboard.audit import EXCLUDED, UNACCOUNTED, Finding
    from dashboard.numbers import Mention

    mention = Mention(0, 3, "[x]", "cardinal", (1.0,))
    assert highlight.number_markup("[x]", Finding(mention, 1, "", EXCLUDED, reason="no_*quantity")) == \
        "\\[x\\] *(excluded: no \\*quantity)*"
    assert highlight.number_markup("1", Finding(mention, 1, "", UNACCOUNTED)) == "**1** *(not accounted for)*"
    linked = highlight.number_markup("7", Finding(mention, 1, "", "captured", figure_ids=("a-1", "b-2")), {"a-1": ("Shanxi", "x"), "b-2": ("<b>Evil</b>", "y")})
    assert linked == "[**7**](/figure?id=a-1) *(also [\\<b\\>Evil\\</b\\>](/figure?id=b-2))*"


def test_a_sources_link_names_a_document_by_its_id_or_its_title(dataset):
    sources = dataset.sources
    last = sources.iloc[-1]
    assert mx.linked_document(sources, last["source_id"]) == last["source_id"]
    assert mx.linked_document(sources, last["title"]) == last["source_id"]
    assert mx.linked_document(sources, "no-such-document") is None
    assert mx.linked_document(sources, None) is None
