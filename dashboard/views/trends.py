"""Trends (/trends): every metric with two or more years as a time series, with growth figures
and the dated policy events on the time axis."""

import streamlit as st

from dashboard import charts
from dashboard import metrics as mx
from dashboard.i18n import _, ngettext
from dashboard.views import chart_block, page_frame, safe_text, session_data, tables, widgets

MAX_DEFAULT_REGIONS = 6

dataset, obs = session_data.load()
colours = session_data.colours(dataset)


def timeline(data, colours, dark):
    """Events on the time axis (and their chart) and those without a date; every series with two
    or more years, and the regions that have one. Computed once per version of the data."""
    dataset, obs = data
    # Region names in the reader's language; curator-written titles, dates and notes marked as English.
    placed, unplaced = mx.events_on_timeline(mx.marked_english(mx.enrich_events(dataset)))
    series = mx.time_series(obs)
    available = mx.present_in_order(dataset.regions["region"], series["region"])
    chart = charts.build_events_chart(placed, colours, title="", dark=dark) if len(placed) else None  # under its heading
    return placed, unplaced, chart, series, available


def series_charts(data, regions, colours, dark):
    """Per metric of the chosen regions: its label, growth rows and chart (see session_data.derived)."""
    placed, _unplaced, _chart, series, _available = session_data.derived(timeline, data, colours, dark)
    series = series[series["region"].isin(regions)]
    growth = mx.growth_summary(series)
    return [
        (metric, rows[mx.LABEL].iloc[0], rows, growth[growth["metric"] == metric],
         # Untitled: the metric's heading is right above it.
         charts.build_series_chart(rows, colours, "", events=placed, dark=dark))
        for metric, rows in series.groupby("metric", sort=False)
    ]


placed, unplaced, events_chart, series, available = session_data.derived(timeline, (dataset, obs), colours, session_data.dark())

page_frame.heading(_("Trends"), level=1)
# Every region when there are few; otherwise the default pair (or the first few), so a large
# dataset does not draw, or send, every series at once.
default = available if len(available) <= MAX_DEFAULT_REGIONS else (
    [r for r in mx.DEFAULT_REGIONS if r in available] or available[:MAX_DEFAULT_REGIONS])
regions = widgets.bound(st.multiselect, _("Regions"), available, default=default, key="region",
                        names=widgets.region_names(dataset), multiple=True)
blocks = session_data.derived(series_charts, (dataset, obs), tuple(regions), colours, session_data.dark())

if not blocks:
    st.info(_("No region selected has a metric with two or more years."))
for position, (metric, label, rows, growth, fig) in enumerate(blocks):
    page_frame.heading(safe_text.md(label))
    # One element, a paragraph a region (as /compare's lines): each element is drawn at load and
    # redrawn on every rerun.
    st.markdown("\n\n".join(_("{region}: {value}").format(region=f"**{safe_text.md(row[mx.REGION_NAME])}**",
                                                            value=safe_text.md(mx.describe_growth(row)))
                              for _index, row in growth.iterrows()))
    # Only the first series' chart is drawn at load; the others, below it, when the reader comes
    # near them (views/near.py; README, Web vitals).
    chart_block.chart_block(fig, rows, key=f"series-{metric}", lazy=position > 0)

page_frame.heading(_("Policy events"))
if len(placed):
    columns = {mx.REGION_NAME: _("Region"), "date_text": _("Date as worded"), "period_start": _("Period from"),
               "period_end": _("Period to"), "title": _("Title"), "quote": _("Quote")}
    # Below the first screen, drawn when the reader comes near it (views/near.py; README, Web vitals).
    chart_block.chart_block(events_chart, placed, key="events", table=tables.event_table(placed, columns), lazy=True)
if len(unplaced):
    st.markdown(ngettext("**{count} event without a stated date** (not placed on the axis):",
                         "**{count} events without a stated date** (not placed on the axis):", len(unplaced)).format(
        count=len(unplaced)))
    columns = {mx.REGION_NAME: _("Region"), "title": _("Title"), "date_text": _("Date as worded"), "note": _("Note"),
               mx.SOURCE_TITLE: _("Source"), "quote": _("Quote")}
    # A card per event on every screen: seven columns of sentences do not fit a centred page as a table.
    st.markdown(tables.card_markdown(tables.event_table(unplaced.fillna({"date_text": _("not stated"), "note": ""}), columns),
                                     {_(tables.EVENT_LINK): _(tables.LINK_TEXTS[tables.EVENT_LINK])}))
