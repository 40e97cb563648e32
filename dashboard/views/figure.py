"""Figure (/figure?id=<figure_id or event_id>): one figure as it must be read, its sentence inside
its document, what else that sentence states, the same metric elsewhere, and how to cite it.

Charts and tables on every page link here. An id that names nothing gets a message and a way on,
never a traceback; an uploaded figure's id works in the session that uploaded it.
"""

import datetime

import pandas as pd
import streamlit as st

from dashboard import charts, citation
from dashboard import metrics as mx
from dashboard.data import UPLOAD_ID_PREFIX
from dashboard.evidence import paragraph_around
from dashboard.views import ui


def events_of(dataset):
    return mx.enrich_events(dataset)


def context_of(data, figure_id, colours, dark):
    """The figure, what its sentence also states, and the same metric by region with its chart
    (computed once per version of the data and id, see ui.derived)."""
    dataset, obs = data
    figure = mx.find_by_id(obs, "figure_id", figure_id)
    if figure is None:
        return None, None, None, None
    by_region = mx.same_metric_by_region(obs, figure, dataset.regions["region"])
    # Untitled: the subheader above says what it is, and a title would run into the legend on a phone.
    fig = charts.build_bar_chart(by_region, colours, "", x="region", height=300, dark=dark) if len(by_region) > 1 else None
    return figure, mx.stated_together(obs, figure), by_region, fig


def show_document(row, dataset) -> None:
    """The quote inside its paragraph, highlighted, and the document it comes from."""
    st.subheader("The sentence, in its document")
    document = dataset.documents.get(row["source_id"], "")
    paragraph, spans = paragraph_around(document, row["quote"]) if document else ("", [])
    with st.container(border=True):
        if paragraph:
            st.markdown(ui.highlighted(paragraph, spans))
        else:
            st.markdown(f"“{ui.md(row['quote'])}”")
            st.caption("This quote was not found in a shipped document (a user-supplied figure, unverified).")
    published = row["published"] if isinstance(row["published"], str) else "date not stated"
    publisher = row["publisher"] if isinstance(row.get("publisher"), str) else "not named"
    st.markdown(f"**{ui.md(row['source_title'])}** · Published: {ui.md(published)} · Publisher: {ui.md(publisher)}"
                + (f" · File: `{row['file']}`" if isinstance(row.get("file"), str) else ""))
    if row["source_id"] in set(dataset.sources["source_id"]):
        st.page_link(ui.SOURCES_PAGE, label="Read the whole document on Sources", icon=":material/description:",
                     query_params={"source": row["source_id"]})


def show_citation(row, version: str) -> None:
    cited = citation.cited_figure(row, version, datetime.date.today())
    st.subheader("Cite this figure")
    st.caption("The original document first, then this dataset with the data version you saw. Copy with the icon "
               "at the top right of each block.")
    for label, text, language in (("Plain text", citation.cite_text(cited), None),
                                  ("BibTeX", citation.cite_bibtex(cited), "latex"),
                                  ("CSL-JSON (Zotero, pandoc)", citation.cite_csl_json(cited), "json")):
        st.markdown(f"**{label}**")
        st.code(text, language=language, wrap_lines=True)


dataset, obs = ui.load()
ids = st.query_params.get_all("id")
wanted = ids[0] if len(ids) == 1 else ""
figure, together, by_region, same_metric_chart = ui.derived(context_of, (dataset, obs), wanted, ui.colours(dataset), ui.dark())
event = mx.find_by_id(ui.derived(events_of, dataset), "event_id", wanted) if figure is None else None

if figure is None and event is None:
    st.title("Figure not found")
    st.error(ui.md(citation.missing_figure_message(ids, UPLOAD_ID_PREFIX)), icon=":material/search_off:")
    st.page_link(ui.EXPLORE_PAGE, label="Find figures on Explore", icon=":material/table:")
    st.stop()

if event is not None:
    st.title(ui.md(event["title"]))
    st.markdown(f"**Event** `{event['event_id']}` · {ui.md(event['region'])} · Type: {ui.md(event['event_type'])}"
                f" · Date: {ui.md(event['date_text'] if isinstance(event['date_text'], str) else 'not stated')}"
                + (f" · Plan period: {int(event['period_start'])}–{int(event['period_end'])}"
                   if pd.notna(event["period_start"]) and pd.notna(event["period_end"]) else ""))
    if isinstance(event["note"], str):
        st.info(ui.md(event["note"]), icon=":material/info:")
    show_document(event, dataset)
    st.page_link(ui.TRENDS_PAGE, label="Policy events on Trends", icon=":material/show_chart:",
                 query_params={"region": [event["region"]]})
    show_citation(event, dataset.version)
    st.stop()

st.title(f"{ui.md(figure['region'])}: {ui.md(figure[mx.LABEL])}")
st.markdown(f"## {ui.md(figure[mx.DISPLAY])}")
period = figure["period_label"] if isinstance(figure["period_label"], str) else ""
st.markdown(
    f"**Status:** {ui.md(figure['status'])} · **Refers to:** {ui.md(figure[mx.REFERENCE])}"
    f" · **Qualifier:** {ui.md(figure['qualifier'])}" + (f" · **Period:** {ui.md(period)}" if period else "")
    + f" · **Figure id:** `{figure['figure_id']}`"
)
zh = f", {ui.md(figure[mx.NAME_ZH])}" if isinstance(figure[mx.NAME_ZH], str) else ""
st.markdown(f"**Region:** {ui.md(figure['region'])} ({ui.md(figure[mx.ISO_CODE])}{zh})")
st.markdown(f"**Metric:** {ui.md(figure[mx.LABEL])}: {ui.md(figure[mx.DEFINITION])}")
if isinstance(figure["note"], str):
    st.info(ui.md(figure["note"]), icon=":material/info:")
if figure[mx.PROVENANCE] != mx.CURATED:
    st.warning(f"{ui.md(figure[mx.PROVENANCE])}: uploaded in this session, not part of the curated data.")

show_document(figure, dataset)
if len(together):
    st.markdown("**The same sentence also states:**")
    for other in together.itertuples():
        st.page_link(ui.FIGURE_PAGE, label=ui.md(citation.short_statement(other._asdict(), figure["metric"])),
                     icon=":material/arrow_forward:", query_params={"id": other.figure_id})

if same_metric_chart is not None:
    st.subheader("The same metric in other regions")
    ui.chart_block(same_metric_chart, by_region, key="figure-same-metric")

st.subheader("Explore around it")
others = [r for r in by_region["region"] if r != figure["region"]][:1]
queries = citation.page_queries(figure["region"], figure[mx.LABEL], figure["status"], others)
left, middle, right = st.columns(3)
left.page_link(ui.COMPARE_PAGE, label="Compare regions", icon=":material/compare_arrows:", query_params=queries["compare"])
middle.page_link(ui.TRENDS_PAGE, label="Trends of this region", icon=":material/show_chart:", query_params=queries["trends"])
right.page_link(ui.EXPLORE_PAGE, label="This metric and region on Explore", icon=":material/table:",
                query_params=queries["explore"])
show_citation(figure, dataset.version)
