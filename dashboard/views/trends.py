"""Trends (/trends): every metric with two or more years as a time series, with growth figures
and the dated policy events on the time axis."""

import streamlit as st

from dashboard import charts
from dashboard import metrics as mx
from dashboard.views import ui

MAX_DEFAULT_REGIONS = 6

dataset, obs = ui.load()
colours = ui.colours(dataset)
placed, unplaced = mx.events_on_timeline(mx.enrich_events(dataset))

st.title("Trends")
series = mx.time_series(obs)
available = mx.present_in_order(dataset.regions["region"], series["region"])
# Every region when there are few; otherwise the default pair (or the first few), so a large
# dataset does not draw, or send, every series at once.
default = available if len(available) <= MAX_DEFAULT_REGIONS else (
    [r for r in ui.DEFAULT_REGIONS if r in available] or available[:MAX_DEFAULT_REGIONS])
regions = st.multiselect("Regions", available, default=default, key="region", bind="query-params")
series = series[series["region"].isin(regions)]
growth = mx.growth_summary(series)

if series.empty:
    st.info("No region selected has a metric with two or more years.")
for metric, rows in series.groupby("metric", sort=False):
    label = rows[mx.LABEL].iloc[0]
    st.subheader(label)
    for _, row in growth[growth["metric"] == metric].iterrows():
        st.markdown(f"**{ui.md(row['region'])}**: {ui.md(mx.describe_growth(row))}")
    fig = charts.build_series_chart(rows, colours, label, events=placed)
    ui.chart_block(fig, rows, key=f"series-{metric}")

st.subheader("Policy events")
if len(placed):
    ui.chart_block(
        charts.build_events_chart(placed, colours), placed, key="events",
        table=placed[["region", "date_text", "period_start", "period_end", "title", "quote"]],
    )
if len(unplaced):
    st.markdown(f"**{len(unplaced)} event(s) without a stated date** (not placed on the axis):")
    st.dataframe(
        unplaced[["region", "title", "date_text", "note", mx.SOURCE_TITLE, "quote"]]
        .fillna({"date_text": "not stated", "note": ""})
        .rename(columns={"date_text": "Date as worded", mx.SOURCE_TITLE: "Source"}),
        hide_index=True, width="stretch",
    )
