"""Sources (/sources): each document with its title and date, its full text with every quoted
passage highlighted and every number accounted for (captured numbers link to their figure's page,
excluded ones give their reason; see dashboard.audit), and the figures and events taken from it.

Up to ALL_DOCUMENTS_UP_TO documents are all shown in full. Past that (generated data has one
document per 100 rows: 10,000 at a million rows) the page shows one page of an overview table,
a picker, and only the picked document in full: the browser gets what the reader can see.
"""

import streamlit as st

from dashboard import audit, i18n
from dashboard import metrics as mx
from dashboard.evidence import quote_spans
from dashboard.i18n import _, ngettext
from dashboard.schema import Sources as S
from dashboard.views import highlight, page_frame, safe_text, session_data, tables

ALL_DOCUMENTS_UP_TO = 10
DOCUMENTS_PAGE_ROWS = 100
FIGURES_PAGE_ROWS = 500


def page_control(key: str, pages: int, label: str) -> None:
    """A page number input when there is more than one page (clamped if the rows shrank)."""
    if pages > 1:
        if st.session_state.get(key, 1) > pages:
            st.session_state[key] = pages
        st.number_input(label, 1, pages, key=key)


def show_document(source, figures, dated, text: str, findings, opened: bool = False) -> None:
    """One document: title, date, publisher, counts, note, a page of its figures, and its text
    with the quotes highlighted and each number marked with what accounts for it (open when
    `opened`: the document a link asked for)."""
    published = mx.date_text(source.published) if isinstance(source.published, str) else _("date not stated")
    publisher = source.publisher if isinstance(source.publisher, str) else _("not named")
    with st.container(border=True):
        page_frame.heading(safe_text.md(source.title))  # the document's own title: evidence, never translated
        # No file name: it is the curators' path in the repository, not something a reader can open.
        st.markdown(_("**Published:** {published} · **Publisher:** {publisher} · {figures}, {events}").format(
            published=safe_text.md(published), publisher=safe_text.md(publisher),
            figures=ngettext("**{n}** figure", "**{n}** figures", len(figures)).format(n=len(figures)),
            events=ngettext("**{n}** event", "**{n}** events", len(dated)).format(n=len(dated))))
        st.markdown(_("**Numbers in the text:** {counts}").format(counts=safe_text.md(audit.count_text(findings))))
        if isinstance(source.note, str):
            st.caption(safe_text.md(mx.in_english(source.note)))  # the curators' English, marked on a Chinese page
        if len(figures):
            key = f"figures_page-{source.source_id}"
            shown, pages = mx.page_of(figures, st.session_state.get(key, 1), FIGURES_PAGE_ROWS)
            tables.show_figures(shown, key=f"figures-{source.source_id}", compact=True)
            page_control(key, pages, _("Page of figures (of {pages}, {rows} rows each)").format(
                pages=f"{pages:,}", rows=FIGURES_PAGE_ROWS))
        with st.expander(_("Full text with quoted passages highlighted and every number accounted for"), expanded=opened):
            st.caption(_("A linked number opens its figure's page; an excluded number gives the reason it is no "
                         "figure; 'not accounted for' marks a number the curators have not yet recorded or excluded."))
            if source.language != i18n.active():  # a Chinese document in the Chinese interface needs no comment
                st.caption(_("Source text, in the document's language:"))
            labels = dict(zip(figures["figure_id"], zip(figures[mx.REGION_NAME], figures[mx.LABEL], strict=True), strict=True))
            st.markdown(highlight.highlighted(text, quote_spans(text, [*figures["quote"], *dated["quote"]]), findings, labels))


def pick_document(sources) -> str:
    """The source id the picker holds: from the URL (?source=title or ?source=id), else the first."""
    labels = mx.document_labels(sources)
    # The bound picker keeps its label (the title) in the URL and drops any other value; a link
    # may also name the document by its id (/sources?source=shandong-mic-2022), so take that here.
    linked = st.query_params.get("source")
    if linked in labels and "source" not in st.session_state:
        st.session_state["source"] = linked
    return st.selectbox(_("Document"), list(labels), format_func=labels.__getitem__, key="source", bind="query-params")


def figures_and_events(data, ids):
    """Each listed document's figures and events (computed once per version of the data)."""
    dataset, obs = data
    return mx.rows_by_source(obs, list(ids)), mx.rows_by_source(dataset.events, list(ids))


def audit_of(data, ids):
    """What accounts for each number of each listed document (once per version of the data)."""
    dataset = data[0]
    return audit.audit_dataset(dataset, list(ids))


def overview_of(data):
    dataset, obs = data
    return mx.source_overview(dataset.sources, obs, dataset.events)


dataset, obs = session_data.load()
sources = dataset.sources

page_frame.heading(_("Sources"), level=1)
st.caption(_(
    "Every figure in this dashboard comes from one of these documents. Highlighted passages are the "
    "quotes the figures and events were taken from; validation checks that each quote is in its document."
))
if len(sources) <= ALL_DOCUMENTS_UP_TO:
    figures_of, events_of = session_data.derived(figures_and_events, (dataset, obs), tuple(sources[S.source_id]))
    findings_of = session_data.derived(audit_of, (dataset, obs), tuple(sources[S.source_id]))
    # A link to one document (a figure's "Read the whole document") lands on it: first, its text open.
    linked = mx.linked_document(sources, st.query_params.get("source"))
    if linked:
        st.caption(_("The document the link names comes first, its full text open; the other documents follow."))
    for source in sorted(sources.itertuples(), key=lambda s: s.source_id != linked):
        show_document(source, figures_of[source.source_id], events_of[source.source_id],
                      dataset.documents[source.source_id], findings_of[source.source_id], opened=source.source_id == linked)
else:
    overview = session_data.derived(overview_of, (dataset, obs))
    st.markdown(_("**{count}** documents; pick one below to read it with its figures.").format(count=f"{len(overview):,}"))
    shown, pages = mx.page_of(overview, st.session_state.get("documents_page", 1), DOCUMENTS_PAGE_ROWS)
    table = shown.drop(columns=[S.source_id]).fillna({S.published: _("not stated"), S.publisher: _("not named")})
    st.dataframe(table.rename(columns={S.title: _("Title"), S.published: _("Published"), S.publisher: _("Publisher"),
                                       "figures": _("Figures"), "events": _("Events")}), hide_index=True, width="stretch")
    page_control("documents_page", pages, _("Page of documents (of {pages}, {rows} each)").format(
        pages=f"{pages:,}", rows=DOCUMENTS_PAGE_ROWS))
    chosen = pick_document(sources)
    source = next(sources[sources[S.source_id] == chosen].itertuples())
    figures_of, events_of = session_data.derived(figures_and_events, (dataset, obs), (chosen,))
    findings_of = session_data.derived(audit_of, (dataset, obs), (chosen,))
    show_document(source, figures_of[chosen], events_of[chosen], dataset.documents[chosen], findings_of[chosen])
