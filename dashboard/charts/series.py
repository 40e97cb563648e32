"""Bars, time series (a line joins only consecutive years; a gap says "no data"), the same metric
across regions, policy events on a time axis, and the coverage heatmap.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import metrics as mx
from dashboard.charts.style import (
    BOUND_PATTERN,
    CUSTOMDATA_COLUMNS,
    EVENT_ID,
    MAX_EVENT_LABELS,
    MAX_EVENT_MARKERS,
    TARGET_OPACITY,
    WEBGL_POINTS,
    apply_layout,
    count_ticks,
    encoding_keys,
    hover_customdata,
    hover_template,
    hover_text,
    plotted_values,
    theme_colours,
    trace_name,
    trace_names,
    unit_of,
    year_ticks,
)
from dashboard.i18n import N_, _, ngettext
from dashboard.schema import Metrics as M


def build_bar_chart(obs: pd.DataFrame, colours: dict[str, str], title: str, x: str = mx.LABEL, height: int = 420,
                    dark: bool = False) -> go.Figure:
    """Bars of one unit: x is a column (metric label by default), one trace per region and status.

    Bounds are hatched and labelled ('>2'); targets are lighter (and not hatched: hatching means a
    bound only); legend entries say so (encoding_keys).
    """
    fig = go.Figure()
    hover = hover_template()
    x = mx.REGION_NAME if x == M.region and mx.REGION_NAME in obs else x
    for (region, status, provenance), rows in obs.groupby([M.region, M.status, mx.PROVENANCE], sort=False):
        patterns = [BOUND_PATTERN if b else "" for b in rows[mx.IS_BOUND]]
        fig.add_trace(
            go.Bar(
                name=trace_name(trace_names(rows).iloc[0], status, provenance),
                # Wrapped, so a phone need not turn long metric names on their side.
                x=[hover_text(str(v), 16) for v in rows[x]],
                y=plotted_values(rows),
                text=rows[mx.SHORT],
                textposition="outside",
                cliponaxis=False,
                marker=dict(
                    color=colours.get(region, "#777"),
                    opacity=TARGET_OPACITY if status == "target" or provenance != mx.CURATED else 1.0,
                    pattern=dict(shape=patterns, fgcolor="white", solidity=0.3, fillmode="overlay"),
                    line=dict(color=colours.get(region, "#777"), width=1.5),
                ),
                customdata=hover_customdata(rows),
                hovertemplate=hover,
            )
        )
    fig.add_traces(encoding_keys(bool(obs[mx.IS_BOUND].any()), bool((obs[M.status] == "target").any())))
    fig.update_yaxes(**count_ticks(plotted_values(obs)))
    units = unit_of(obs).unique()
    return apply_layout(fig.update_layout(barmode="group"), title, y_title=units[0] if len(units) == 1 else "", height=height,
                   dark=dark)


def build_same_metric_chart(by_region: pd.DataFrame, colours: dict[str, str], dark: bool = False) -> go.Figure:
    """The figure page's chart: its figure beside the same metric's latest figure in every other
    region (metrics.same_metric_by_region). Untitled: the page's heading says what it is (and an
    image of it draws its own title, dashboard/images.py)."""
    return build_bar_chart(by_region, colours, "", x="region", height=300, dark=dark)


def build_series_chart(
    series: pd.DataFrame, colours: dict[str, str], title: str, events: pd.DataFrame | None = None, dark: bool = False
) -> go.Figure:
    """Lines over the years for one metric: solid for results, dashed for targets; the y axis is
    reversed when lower is better (rank 1 at the top). Dated events of the plotted regions in the
    plotted span are marked with a dotted vertical line."""
    theme = theme_colours(dark)
    fig = go.Figure()
    hover = hover_template()
    low, high = (int(series[M.year].min()), int(series[M.year].max())) if len(series) else (0, 0)
    gaps = []
    for (region, status, provenance), rows in series.groupby([M.region, M.status, mx.PROVENANCE], sort=False):
        rows = rows.sort_values(M.year)
        trace = go.Scattergl if len(rows) > WEBGL_POINTS else go.Scatter  # WebGL keeps large series fluid
        years, plotted, breaks = gapped(rows[M.year].astype(int).tolist(), plotted_values(rows).tolist())
        keep = [i for i, y in enumerate(plotted) if y is not None]  # where each row's point is
        custom = np.full((len(years), len(CUSTOMDATA_COLUMNS) + 1), "", dtype=object)
        custom[keep] = hover_customdata(rows)
        text, symbols = np.full(len(years), "", dtype=object), np.full(len(years), "circle", dtype=object)
        text[keep] = rows[mx.SHORT].to_numpy(dtype=object)
        symbols[keep] = np.where(rows[mx.IS_BOUND].to_numpy(dtype=bool), "triangle-up", "circle")
        gaps += [(region, a, b, va, vb) for a, b, va, vb in breaks]
        fig.add_trace(
            trace(
                name=trace_name(trace_names(rows).iloc[0], status, provenance),
                x=years,
                y=plotted,
                mode="lines+markers+text",
                text=text,
                # The first and last labels lean inwards: centred on the axis' end they were cut off.
                textposition=["top right" if x == low else "top left" if x == high else "top center" for x in years],
                cliponaxis=False,
                connectgaps=False,
                line=dict(
                    color=colours.get(region, "#777"), width=3,
                    dash="dash" if status == "target" else "dot" if provenance != mx.CURATED else "solid",
                ),
                marker=dict(
                    size=10,
                    symbol=symbols,
                    color=theme.background if status == "target" else colours.get(region, "#777"),
                    line=dict(color=colours.get(region, "#777"), width=2),
                ),
                customdata=custom,
                hovertemplate=hover,
            )
        )
    lower_is_better = bool(series[mx.LOWER_IS_BETTER].iloc[0]) if len(series) else False
    # Between two years with no figure in between, no line: a note in the gap says so.
    gap_notes = [dict(x=(a + b) / 2, y=(va + vb) / 2, xref="x", yref="y", showarrow=False,
                      font=dict(size=11, color=colours.get(region, "#777")),
                      text=html.escape(_("no data {start}–{end}").format(start=a + 1, end=b - 1) if b - a > 2
                                       else _("no data {year}").format(year=a + 1)))
                 for region, a, b, va, vb in gaps]
    fig.update_layout(annotations=gap_notes)
    if events is not None:
        # Only events of the plotted regions that have a real date.
        relevant = events[
            events["region"].isin(series[M.region].unique())
            & (events["date_precision"] != "unknown")
            & events[mx.PLOT_YEAR].between(low, high + 1)
        ]
        if len(relevant) > MAX_EVENT_MARKERS:  # a forest of lines hides the series: the events chart shows them
            relevant = relevant.iloc[0:0]
        # One layout update: add_vline/add_annotation per event re-validate the layout each time.
        fig.update_layout(
            shapes=[
                dict(type="line", xref="x", yref="paper", x0=x, x1=x, y0=0, y1=1, line=dict(color=theme.guide, dash="dot", width=1))
                for x in relevant[mx.PLOT_YEAR]
            ],
            # Labels only while they can be read; the events chart lists every event.
            annotations=gap_notes + [
                dict(x=x, y=1, xref="x", yref="paper", yanchor="bottom", showarrow=False, font=dict(size=10, color=theme.guide),
                     text=hover_text(_("{region}: {value}").format(region=region, value=title), 28), hovertext=hover_text(quote))
                for x, region, title, quote in zip(relevant[mx.PLOT_YEAR], trace_names(relevant), relevant["title"], relevant["quote"], strict=True)
            ] if len(relevant) <= MAX_EVENT_LABELS else gap_notes,
        )
    fig.update_xaxes(range=[low - 0.5, high + 0.5], **year_ticks(high - low))
    fig.update_yaxes(autorange="reversed" if lower_is_better else True, rangemode="normal" if lower_is_better else "tozero",
                     **count_ticks(plotted_values(series)))
    unit = unit_of(series).iloc[0] if len(series) else ""
    y_title = _("{unit} (1 = best, axis reversed)").format(unit=unit) if lower_is_better else unit
    labels = [a.text for a in fig.layout.annotations if a.yref == "paper"]
    return apply_layout(fig, title, y_title=y_title, dark=dark, top_lines=max((t.count("<br>") + 1 for t in labels), default=0))


def gapped(years: list[int], values: list[float]) -> tuple[list[int], list[float | None], list[tuple]]:
    """A series' points with a break (a None value, which plotly does not join) after every year
    whose next figure is more than a year later, and each break as (year, next year, value, next
    value): a line through years without data would suggest figures that do not exist."""
    xs, ys, breaks = [], [], []
    for i, (year, value) in enumerate(zip(years, values, strict=True)):
        if i and year - years[i - 1] > 1:
            xs.append(years[i - 1] + 1)
            ys.append(None)
            breaks.append((years[i - 1], year, values[i - 1], value))
        xs.append(year)
        ys.append(value)
    return xs, ys, breaks


def build_events_chart(placed: pd.DataFrame, colours: dict[str, str], title: str = N_("Policy events"),
                       dark: bool = False) -> go.Figure:
    """Dated events as points and plan periods as bars on one time axis, one row per region."""
    fig = go.Figure()
    title = _(title) if title else ""  # _("") would be the catalogue's header
    period_words = html.escape(_("Plan period: {period}")).format(period="%{customdata[4]}")
    date_words = html.escape(_("Date: {date}")).format(date="%{customdata[1]}")
    source_words = html.escape(_("Source: {titles}")).format(titles="%{customdata[3]}")
    for region, rows in placed.groupby("region", sort=False):
        colour = colours.get(region, "#777")
        name = trace_names(rows).iloc[0]
        custom = [
            [hover_text(t), hover_text(d if isinstance(d, str) else _("date not stated")), hover_text(q), hover_text(s),
             f"{int(a)}–{int(b)}" if pd.notna(a) and pd.notna(b) else "", event_id]
            for t, d, q, s, a, b, event_id in zip(rows["title"], rows["date_text"], rows["quote"], rows[mx.SOURCE_TITLE],
                                                  rows["period_start"], rows["period_end"], rows[EVENT_ID], strict=True)
        ]
        periods = (rows["period_start"].notna() & rows["period_end"].notna()).to_numpy()
        if periods.any():
            spans = rows[periods]
            fig.add_trace(
                go.Bar(
                    name=html.escape(_("{region} plan period").format(region=name)), orientation="h",
                    y=[html.escape(name)] * len(spans),
                    # A period 2023-2025 runs from the start of 2023 to the end of 2025.
                    base=spans["period_start"].astype(float), x=(spans["period_end"] - spans["period_start"] + 1).astype(float),
                    marker=dict(color=colour, opacity=TARGET_OPACITY),
                    width=0.4,
                    customdata=[c for c, p in zip(custom, periods, strict=True) if p],
                    hovertemplate=f"<b>%{{customdata[0]}}</b><br>{period_words}<br>{date_words}"
                    f"<br>{source_words}<br><i>“%{{customdata[2]}}”</i><extra></extra>",
                )
            )
        dated = (rows["date_precision"] != "unknown").to_numpy()
        if dated.any():
            fig.add_trace(
                go.Scatter(
                    name=html.escape(name), mode="markers", x=rows[mx.PLOT_YEAR][dated], y=[html.escape(name)] * int(dated.sum()),
                    marker=dict(size=12, color=colour, symbol="diamond"),
                    customdata=[c for c, d in zip(custom, dated, strict=True) if d],
                    hovertemplate=f"<b>%{{customdata[0]}}</b><br>{date_words}<br>{source_words}"
                    "<br><i>“%{customdata[2]}”</i><extra></extra>",
                )
            )
    fig.update_layout(barmode="overlay", showlegend=False)
    years = placed[[mx.PLOT_YEAR, "period_start", "period_end"]].stack()
    fig.update_xaxes(title=html.escape(_("year")), **year_ticks(int(years.max() - years.min()) if len(years) else 0))
    return apply_layout(fig, title, height=max(220, 90 + 45 * placed["region"].nunique()), dark=dark)


def build_coverage_chart(matrix: pd.DataFrame, title: str = N_("Which metrics each region has"),
                         dark: bool = False) -> go.Figure:
    """Heatmap of figures per metric and region; empty cells are the gaps."""
    title = _(title) if title else ""  # _("") would be the catalogue's header
    # Each cell's count in words ('1 figure', '2 figures'): a template's '%{z} figure(s)' cannot agree.
    words = [[html.escape(ngettext("{n} figure", "{n} figures", int(v)).format(n=int(v))) for v in row]
             for row in matrix.values]
    fig = go.Figure(
        go.Heatmap(
            z=matrix.values, x=[html.escape(c) for c in matrix.columns], y=[html.escape(i) for i in matrix.index],
            text=[["" if v == 0 else str(v) for v in row] for row in matrix.values], texttemplate="%{text}",
            colorscale=[list(stop) for stop in theme_colours(dark).coverage_scale], showscale=False, xgap=2, ygap=2,
            customdata=words, hovertemplate="%{y}<br>%{x}: %{customdata}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(side="top")
    return apply_layout(fig, title, height=max(260, 80 + 24 * len(matrix)), dark=dark)
