"""Explore (/explore): filter every figure, read the table, download exactly what is shown (CSV,
Excel, JSON, Parquet, or the whole data package), and fetch the same view from a script."""

import streamlit as st

from dashboard import export, package, query
from dashboard import metrics as mx
from dashboard.i18n import _
from dashboard.views import downloads, page_frame, safe_text, session_data, tables, uploads, widgets

TABLE_PAGE_ROWS = 500
LOCAL_ADDRESS = "http://localhost:8501"  # when neither a public address nor the browser's is known

dataset, curated = session_data.load_curated()

page_frame.heading(_("Explore and download"), level=1)
with st.expander(_("Add your own figures"), icon=":material/upload_file:"):
    uploads.upload_section(dataset)
obs = session_data.localised(session_data.with_uploads(curated))
labels = dict(zip(dataset.catalogue["metric"], dataset.catalogue["label"], strict=True))  # the URL's and the API's
choices = query.filter_choices(dataset.regions["region"], labels, obs)


def pick(column, label: str, options, key: str, names: dict, placeholder: str) -> list:
    """A filter bound to the URL that shows its options in the reader's language (see widgets.bound)."""
    with column:
        return widgets.bound(st.multiselect, label, options, key=key, names=names, multiple=True, placeholder=placeholder)


with st.container(border=True):
    left, middle, right = st.columns(3)
    regions = pick(left, _("Region"), choices.regions, "region", widgets.region_names(dataset), _("All regions"))
    metric_ids = pick(middle, _("Metric"), [m for m, _label in choices.metrics], "metric", widgets.metric_names(dataset),
                      _("All metrics"))
    categories = pick(right, _("Category"), choices.categories, "category", widgets.category_names(dataset),
                      _("All categories"))
    left, middle, right = st.columns(3)
    years = None
    if choices.years:
        years = widgets.range_slider(left, _("Reference year"), choices.years, key="years")
    statuses = pick(middle, _("Status"), choices.statuses, "status", widgets.names_in_every_language(words=mx.STATUS_WORDS),
                    _("Actual and targets"))
    qualifiers = pick(right, _("Qualifier"), choices.qualifiers, "qualifier",
                      widgets.names_in_every_language(words=mx.QUALIFIER_NAMES), _("All qualifiers"))
    include_undated = st.checkbox(_("Include figures whose year is not stated"), value=True, key="undated",
                                  bind="query-params")

filters = query.make_filters(choices, regions, metric_ids, categories, years, statuses, qualifiers, include_undated)
rows = mx.filter_observations(obs, filters)

st.markdown(_("**{count}** of {total} figures match.").format(count=len(rows), total=len(obs)))
# Only one page of rows goes to the browser: what the reader can see, however large the data.
page, pages = mx.page_of(rows, st.session_state.get("table_page", 1), TABLE_PAGE_ROWS)
tables.show_figures(page)
if pages > 1:
    if st.session_state.get("table_page", 1) > pages:  # the filters shrank the result
        st.session_state["table_page"] = pages
    st.number_input(_("Page (of {pages}, {rows} rows each)").format(pages=f"{pages:,}", rows=TABLE_PAGE_ROWS), 1, pages,
                    key="table_page")
st.caption(safe_text.md(mx.cite_sources(rows)) if len(rows) else _("No figure matches these filters."))

fmt = st.radio(_("File format"), list(export.FORMATS), format_func=lambda f: export.FORMATS[f].label, horizontal=True,
               key="format")
kind = export.FORMATS[fmt]
left, middle, right = st.columns(3)
left.download_button(
    _("Download {format} ({rows} rows)").format(format=kind.label, rows=len(rows)), downloads.download_data(rows, filters, fmt),
    file_name=export.export_filename(filters, kind.extension), mime=kind.mime, icon=":material/download:",
    disabled=rows.empty, key="download-filtered", on_click="ignore",
)
middle.download_button(
    _("Download the whole dataset as {format} ({rows} rows)").format(format=kind.label, rows=len(obs)),
    downloads.download_data(obs, mx.Filters(), fmt),
    file_name=export.export_filename(mx.Filters(), kind.extension), mime=kind.mime, key="download-all",
    on_click="ignore",
)
right.download_button(
    _("Download the data package"), downloads.package_download(), file_name=package.zip_filename(dataset.version),
    mime="application/zip", icon=":material/folder_zip:", key="download-package", on_click="ignore",
    help=_("The curated CSV files, datapackage.json (a Frictionless Data Package) and a README with the citation "
           "and a column guide. Your uploaded rows are not in it."),
)

# Lazy, as the tables under charts are (chart_block.chart_block): its code blocks load Streamlit's syntax
# highlighter, ~0.4 s of the browser's main thread on a cold load of a page nobody scripts from yet.
script = st.expander(_("Use these figures in a script"), icon=":material/code:", key="script", on_change="rerun")
if script.open:
    with script:
        base = downloads.public_base() or LOCAL_ADDRESS
        url = query.api_url(base, filters, choices)
        st.caption(_("The read API serves this view with the same filters (curated figures only, not your uploads); "
                     "text cells a spreadsheet would run as a formula start with ' as in the downloads."))
        st.code(f"import pandas as pd\nfigures = pd.read_csv({url!r})", language="python", wrap_lines=True)
        st.code(url, language=None)
