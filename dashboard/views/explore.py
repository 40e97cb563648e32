"""Explore (/explore): filter every figure, read the table, download exactly what is shown."""

import streamlit as st

from dashboard import export
from dashboard import metrics as mx
from dashboard.views import ui

TABLE_PAGE_ROWS = 500

dataset, curated = ui.load_curated()

st.title("Explore and download")
with st.expander("Add your own figures", icon=":material/upload_file:"):
    ui.upload_section(dataset)
obs = ui.with_uploads(curated)
labels = dict(zip(dataset.catalogue["metric"], dataset.catalogue["label"], strict=True))
with st.container(border=True):
    left, middle, right = st.columns(3)
    regions = left.multiselect("Region", mx.present_in_order(dataset.regions["region"], obs["region"]),
                               key="region", bind="query-params", placeholder="All regions")
    metric_ids = middle.multiselect("Metric", sorted(obs["metric"].unique(), key=labels.get), format_func=labels.get,
                                    key="metric", bind="query-params", placeholder="All metrics")
    categories = right.multiselect("Category", sorted(obs[mx.CATEGORY].unique()), key="category",
                                   bind="query-params", placeholder="All categories")
    left, middle, right = st.columns(3)
    bounds = mx.year_bounds(obs)
    years = None
    if bounds and bounds[0] < bounds[1]:
        chosen = ui.range_slider(left, "Reference year", bounds, key="years")
        years = chosen if chosen != bounds else None
    statuses = middle.multiselect("Status", sorted(obs["status"].unique()), key="status", bind="query-params",
                                  placeholder="Actual and targets")
    qualifiers = right.multiselect("Qualifier", mx.present_in_order(mx.QUALIFIER_WORDS, obs["qualifier"]),
                                   key="qualifier", bind="query-params", placeholder="All qualifiers")
    include_undated = st.checkbox("Include figures whose year is not stated", value=True, key="undated",
                                  bind="query-params")

filters = mx.Filters(tuple(regions), tuple(metric_ids), tuple(categories), years, tuple(statuses), tuple(qualifiers),
                     include_undated)
rows = mx.filter_observations(obs, filters)

st.markdown(f"**{len(rows)}** of {len(obs)} figures match.")
# Only one page of rows goes to the browser: what the reader can see, however large the data.
page, pages = mx.page_of(rows, st.session_state.get("table_page", 1), TABLE_PAGE_ROWS)
st.dataframe(ui.observation_table(page), hide_index=True, width="stretch")
if pages > 1:
    if st.session_state.get("table_page", 1) > pages:  # the filters shrank the result
        st.session_state["table_page"] = pages
    st.number_input(f"Page (of {pages:,}, {TABLE_PAGE_ROWS} rows each)", 1, pages, key="table_page")
st.caption(ui.md(mx.cite_sources(rows)) if len(rows) else "No figure matches these filters.")

left, right = st.columns(2)
left.download_button(
    f"Download CSV ({len(rows)} rows)", ui.download_data(rows, filters), file_name=export.export_filename(filters),
    mime="text/csv", icon=":material/download:", disabled=rows.empty, key="download-filtered", on_click="ignore",
)
right.download_button(
    f"Download the whole dataset ({len(obs)} rows)", ui.download_data(obs, mx.Filters()),
    file_name=export.export_filename(mx.Filters()), mime="text/csv", key="download-all", on_click="ignore",
)
