"""Explore (/explore): filter every figure, read the table, download exactly what is shown (CSV,
Excel, JSON, Parquet, or the whole data package), and fetch the same view from a script."""

from urllib.parse import urlsplit

import streamlit as st

from dashboard import citation, export, package, query
from dashboard import metrics as mx
from dashboard.views import ui

TABLE_PAGE_ROWS = 500
LOCAL_ADDRESS = "http://localhost:8501"  # when neither a public address nor the browser's is known

dataset, curated = ui.load_curated()

st.title("Explore and download")
with st.expander("Add your own figures", icon=":material/upload_file:"):
    ui.upload_section(dataset)
obs = ui.with_uploads(curated)
labels = dict(zip(dataset.catalogue["metric"], dataset.catalogue["label"], strict=True))
choices = query.filter_choices(dataset.regions["region"], labels, obs)
with st.container(border=True):
    left, middle, right = st.columns(3)
    regions = left.multiselect("Region", choices.regions, key="region", bind="query-params", placeholder="All regions")
    metric_ids = middle.multiselect("Metric", [m for m, _ in choices.metrics], format_func=labels.get,
                                    key="metric", bind="query-params", placeholder="All metrics")
    categories = right.multiselect("Category", choices.categories, key="category",
                                   bind="query-params", placeholder="All categories")
    left, middle, right = st.columns(3)
    years = None
    if choices.years:
        years = ui.range_slider(left, "Reference year", choices.years, key="years")
    statuses = middle.multiselect("Status", choices.statuses, key="status", bind="query-params",
                                  placeholder="Actual and targets")
    qualifiers = right.multiselect("Qualifier", choices.qualifiers, key="qualifier", bind="query-params",
                                   placeholder="All qualifiers")
    include_undated = st.checkbox("Include figures whose year is not stated", value=True, key="undated",
                                  bind="query-params")

filters = query.make_filters(choices, regions, metric_ids, categories, years, statuses, qualifiers, include_undated)
rows = mx.filter_observations(obs, filters)

st.markdown(f"**{len(rows)}** of {len(obs)} figures match.")
# Only one page of rows goes to the browser: what the reader can see, however large the data.
page, pages = mx.page_of(rows, st.session_state.get("table_page", 1), TABLE_PAGE_ROWS)
ui.show_figures(page)
if pages > 1:
    if st.session_state.get("table_page", 1) > pages:  # the filters shrank the result
        st.session_state["table_page"] = pages
    st.number_input(f"Page (of {pages:,}, {TABLE_PAGE_ROWS} rows each)", 1, pages, key="table_page")
st.caption(ui.md(mx.cite_sources(rows)) if len(rows) else "No figure matches these filters.")

fmt = st.radio("File format", list(export.FORMATS), format_func=lambda f: export.FORMATS[f].label, horizontal=True,
               key="format")
kind = export.FORMATS[fmt]
left, middle, right = st.columns(3)
left.download_button(
    f"Download {kind.label} ({len(rows)} rows)", ui.download_data(rows, filters, fmt),
    file_name=export.export_filename(filters, kind.extension), mime=kind.mime, icon=":material/download:",
    disabled=rows.empty, key="download-filtered", on_click="ignore",
)
middle.download_button(
    f"Download the whole dataset as {kind.label} ({len(obs)} rows)", ui.download_data(obs, mx.Filters(), fmt),
    file_name=export.export_filename(mx.Filters(), kind.extension), mime=kind.mime, key="download-all",
    on_click="ignore",
)
right.download_button(
    "Download the data package", ui.package_download(), file_name=package.zip_filename(dataset.version),
    mime="application/zip", icon=":material/folder_zip:", key="download-package", on_click="ignore",
    help="The curated CSV files, datapackage.json (a Frictionless Data Package) and a README with the citation "
         "and a column guide. Your uploaded rows are not in it.",
)

with st.expander("Use these figures in a script", icon=":material/code:"):
    browser = urlsplit(st.context.url or "")
    base = citation.base_url() or (f"{browser.scheme}://{browser.netloc}" if browser.netloc else LOCAL_ADDRESS)
    url = query.api_url(base, filters, choices)
    st.caption("The read API serves this view with the same filters (curated figures only, not your uploads); "
               "text cells a spreadsheet would run as a formula start with ' as in the downloads.")
    st.code(f"import pandas as pd\nfigures = pd.read_csv({url!r})", language="python", wrap_lines=True)
    st.code(url, language=None)
