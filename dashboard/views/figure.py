"""Figure (/figure?id=<figure_id or event_id>): one figure as it must be read, its sentence inside
its document, what else that sentence states, the same metric elsewhere, and how to cite it.

Charts and tables on every page link here. An id that names nothing gets a message and a way on,
never a traceback; an uploaded figure's id works in the session that uploaded it.
"""

import datetime
from functools import partial

import pandas as pd
import streamlit as st

from dashboard import charts, citation, i18n, images
from dashboard import metrics as mx
from dashboard.data import UPLOAD_ID_PREFIX
from dashboard.evidence import paragraph_around
from dashboard.i18n import N_, _
from dashboard.views import (
    chart_block,
    downloads,
    highlight,
    languages,
    near,
    page_frame,
    safe_text,
    session_data,
    share,
    widgets,
)
from dashboard.vocabularies import EVENT_TYPE

MAX_COMPARED = 5


def events_of(dataset):
    return mx.marked_english(mx.enrich_events(dataset))


def context_of(data, figure_id, colours, dark):
    """The figure, what its sentence also states, and the same metric by region with its chart
    (computed once per version of the data and id, see session_data.derived)."""
    dataset, obs = data
    figure = mx.find_by_id(obs, "figure_id", figure_id)
    if figure is None:
        return None, None, None, None
    by_region = mx.same_metric_by_region(obs, figure, dataset.regions["region"])
    # Untitled: the subheader above says what it is, and a title would run into the legend on a phone.
    fig = charts.build_same_metric_chart(by_region, colours, dark=dark)
    return figure, mx.stated_together(obs, figure), by_region, fig


def show_document(row, dataset) -> None:
    """The quote inside its paragraph, highlighted, and the document it comes from."""
    page_frame.heading(_("The sentence, in its document"))
    document = dataset.documents.get(row["source_id"], "")
    paragraph, spans = paragraph_around(document, row["quote"]) if document else ("", [])
    language = dict(zip(dataset.sources["source_id"], dataset.sources["language"], strict=True)).get(row["source_id"])
    if language != i18n.active():  # a Chinese quote in the Chinese interface needs no comment
        st.caption(_("Source text, in the document's language:"))
    with st.container(border=True):
        if paragraph:
            st.markdown(highlight.highlighted(paragraph, spans))
        else:
            st.markdown(f"“{safe_text.md(row['quote'])}”")
            st.caption(_("This quote was not found in a shipped document (a user-supplied figure, unverified)."))
    published = mx.date_text(row["published"]) if isinstance(row["published"], str) else _("date not stated")
    publisher = row["publisher"] if isinstance(row.get("publisher"), str) else _("not named")
    st.markdown(f"**{safe_text.md(row['source_title'])}** · "
                + _("Published: {published} · Publisher: {publisher}").format(published=safe_text.md(published),
                                                                              publisher=safe_text.md(publisher))
                + (" · " + _("File: {file}").format(file=f"`{row['file']}`") if isinstance(row.get("file"), str) else ""))
    if row["source_id"] in set(dataset.sources["source_id"]):
        st.page_link(page_frame.SOURCES_PAGE, label=_("Read the whole document on Sources"), icon=":material/description:",
                     query_params={"source": row["source_id"]})


CITE_WAITING = N_("The citations are shown when you scroll to them.")
# A block's label with the gaps around it, and a code block's lines as drawn in the centered column
# (measured: 26 px a line, about 84 characters before a line wraps, 30 px of padding).
LABEL_PX, CODE_LINE_PX, CODE_PADDING_PX, CODE_WRAP_CHARS = 52, 26, 30, 84
CITE_MARGIN_PX = 600


def code_height(text: str) -> int:
    """About the height st.code draws the text at on a wide screen, its long lines wrapped."""
    return CODE_PADDING_PX + CODE_LINE_PX * sum(1 + len(line) // CODE_WRAP_CHARS for line in text.splitlines())


def show_citation(row, version: str) -> None:
    # An absolute address (the configured one, else the one the reader used): the plain-text
    # citation is then the citation and the link in one copy.
    cited = citation.cited_figure(row, version, datetime.date.today(), downloads.public_base())
    page_frame.heading(_("Cite this figure"))
    st.caption(_("The original document first, then this dataset with the data version you saw. Copy with the icon "
                 "at the top right of each block."))
    blocks = ((_("Plain text, with the link"), citation.cite_text(cited), None),
              ("BibTeX", citation.cite_bibtex(cited), "latex"),
              ("CSL-JSON (Zotero, pandoc)", citation.cite_csl_json(cited), "json"))
    # Drawn when the reader scrolls near them: a code block loads and runs Streamlit's syntax
    # highlighter, 0.4 s of the main thread on a cold load (Lighthouse), at the end of the page. A
    # screen ahead, as the blocks arrive as 40 px placeholders and grow while their code loads.
    height = sum(code_height(text) + LABEL_PX for _label, text, _language in blocks)
    near.drawn_near("cite", height, partial(code_blocks, blocks), CITE_WAITING, margin=CITE_MARGIN_PX)


def code_blocks(blocks) -> None:
    """Each citation format: its name, then its text in a block with a copy button."""
    for label, text, language in blocks:
        st.markdown(f"**{label}**")
        st.code(text, language=language, wrap_lines=True)


dataset, obs = session_data.load()
ids = st.query_params.get_all("id")
wanted = ids[0] if len(ids) == 1 else ""
figure, together, by_region, same_metric_chart = session_data.derived(context_of, (dataset, obs), wanted, session_data.colours(dataset), session_data.dark())
event = mx.find_by_id(session_data.derived(events_of, dataset), "event_id", wanted) if figure is None else None

if figure is None and event is None:
    st.set_page_config(page_title=page_frame.tab_title(_("Figure not found")))
    page_frame.heading(_("Figure not found"), level=1)
    st.error(safe_text.md(citation.missing_figure_message(ids, UPLOAD_ID_PREFIX)), icon=":material/search_off:")
    st.page_link(page_frame.EXPLORE_PAGE, label=_("Find figures on Explore"), icon=":material/table:")
    st.stop()

if event is not None:
    st.set_page_config(page_title=page_frame.tab_title(event["title"]))
    page_frame.heading(safe_text.md(event["title"]), level=1)
    kind = EVENT_TYPE.names.get(event["event_type"])
    st.markdown(_("**Event** `{id}` · {region} · Type: {type} · Date: {date}").format(
        id=event["event_id"], region=safe_text.md(event[mx.REGION_NAME]), type=_(kind) if kind else safe_text.md(event["event_type"]),
        date=safe_text.md(event["date_text"]) if isinstance(event["date_text"], str) else _("not stated"))
        + (" · " + _("Plan period: {period}").format(period=f"{int(event['period_start'])}–{int(event['period_end'])}")
           if pd.notna(event["period_start"]) and pd.notna(event["period_end"]) else ""))
    if isinstance(event["note"], str):
        st.info(safe_text.md(event["note"]), icon=":material/info:")
    show_document(event, dataset)
    st.page_link(page_frame.TRENDS_PAGE, label=_("Policy events on Trends"), icon=":material/show_chart:",
                 query_params={"region": [event["region"]]})
    show_citation(event, dataset.version)
    st.stop()

st.set_page_config(page_title=page_frame.tab_title(citation.short_statement(figure, "")))
page_frame.heading(_("{region}: {metric}").format(region=safe_text.md(figure[mx.REGION_NAME]), metric=safe_text.md(figure[mx.LABEL])), level=1)
st.markdown(f"## {safe_text.md(figure[mx.DISPLAY])}")
if stated := mx.stated_text(figure):  # 1025.3亿元, converted exactly to the metric's unit above
    st.markdown(_("**As the document states it:** {stated}").format(stated=safe_text.md(stated)))
period = mx.in_english(figure["period_label"]) if isinstance(figure["period_label"], str) else ""  # curator's words
st.markdown(
    _("**Status:** {status} · **Refers to:** {date} · **Qualifier:** {qualifier}").format(
        status=safe_text.md(mx.status_word(figure["status"])), date=safe_text.md(figure[mx.REFERENCE]),
        qualifier=safe_text.md(_(mx.QUALIFIER_NAMES.get(figure["qualifier"], figure["qualifier"]))))
    + (" · " + _("**Period:** {period}").format(period=safe_text.md(period)) if period else "")
    + " · " + _("**Figure id:** {id}").format(id=f"`{figure['figure_id']}`")
)
other = figure["region"] if i18n.active() != i18n.DEFAULT_LANGUAGE else figure[mx.NAME_ZH]  # the other language's name
also = f", {safe_text.md(other)}" if isinstance(other, str) and other else ""
st.markdown(_("**Region:** {region} ({code}{also})").format(region=safe_text.md(figure[mx.REGION_NAME]),
                                                            code=safe_text.md(figure[mx.ISO_CODE]), also=also))
st.markdown(_("**Metric:** {label}: {definition}").format(label=safe_text.md(figure[mx.LABEL]),
                                                          definition=safe_text.md(figure[mx.DEFINITION])))
if isinstance(figure["note"], str):
    st.info(safe_text.md(mx.in_english(figure["note"])), icon=":material/info:")
if figure[mx.PROVENANCE] != mx.CURATED:
    st.warning(_("{provenance}: uploaded in this session, not part of the curated data.").format(
        provenance=safe_text.md(mx.provenance_word(figure[mx.PROVENANCE]))))

show_document(figure, dataset)
if len(together):
    st.markdown(_("**The same sentence also states:**"))
    for other in together.itertuples():
        st.page_link(page_frame.FIGURE_PAGE, label=safe_text.md(citation.short_statement(other._asdict(), figure["metric"])),
                     icon=":material/arrow_forward:", query_params={"id": other.figure_id})

# The image of a figure is this chart with the figure's statement as its title (the API's
# /api/figures/<id>.png draws the same); a figure alone in its metric still gets its image.
image_title = citation.figure_statement(figure)
image_filters = _(images.FIGURE_FILTERS).format(id=figure["figure_id"])
if len(by_region) > 1:
    page_frame.heading(_("The same metric in other regions"))
    chart_block.chart_block(same_metric_chart, by_region, key="figure-same-metric", title=image_title, filters=image_filters,
                            lazy=True)
else:
    share.share_chart(same_metric_chart, by_region, "figure-same-metric", title=image_title, filters=image_filters)

page_frame.heading(_("Explore around it"))
# Compare: this metric in the regions that have it (a handful, so the chart stays readable).
others = [r for r in dict.fromkeys(by_region["region"]) if r != figure["region"]][:MAX_COMPARED - 1]
queries = citation.page_queries(figure["region"], figure[mx.LABEL_EN], figure["status"], others)
if i18n.active() != i18n.DEFAULT_LANGUAGE:  # the page opens in the language the reader is using
    # ... with the values as its widgets write them there, so its address keeps them (山西省, 目标).
    language = i18n.active()
    queries = citation.named_queries(queries, {
        "region": {r: names[language] for r, names in widgets.region_names(dataset).items()},
        "metric": {names["en"]: names[language] for names in widgets.metric_names(dataset).values()},
        "status": {s: names[language] for s, names in widgets.names_in_every_language(words=mx.STATUS_WORDS).items()},
    })
    for query in queries.values():
        query[languages.LANGUAGE_PARAM] = [language]
left, middle, right = st.columns(3)
left.page_link(page_frame.COMPARE_PAGE, label=_("Compare regions"), icon=":material/compare_arrows:", query_params=queries["compare"])
middle.page_link(page_frame.TRENDS_PAGE, label=_("Trends of this region"), icon=":material/show_chart:", query_params=queries["trends"])
right.page_link(page_frame.EXPLORE_PAGE, label=_("This metric and region on Explore"), icon=":material/table:",
                query_params=queries["explore"])
show_citation(figure, dataset.version)
