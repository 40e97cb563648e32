"""Figure builders: enriched observations in, plotly Figure out; no Streamlit, no file I/O.

Every figure follows the same rules: hover shows the value with its qualifier and unit, the
reference date, the source title and the quote (through customdata and one hovertemplate);
targets are drawn hatched and lighter than actual results; bounds are labelled '>20', '≥2', '≤3';
each region keeps one colour from a colour-blind-safe palette on every page. A value whose text can be
read two ways is labelled '12 (?)' and its hover gives the other reading. Data-derived text is
HTML-escaped before it reaches plotly, whose labels understand a little HTML.
"""

from __future__ import annotations

import html
from functools import lru_cache

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import metrics as mx
from dashboard.schema import Metrics as M

# Okabe & Ito's colour-blind-safe palette without its yellow (too faint on white), then Paul Tol's
# colour-blind-safe olive, wine and teal for the eighth to tenth region.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#999933", "#882255", "#44AA99"]
TARGET_PATTERN, BOUND_PATTERN = "x", "/"
WEBGL_POINTS = 1_000
MAX_EVENT_LABELS, MAX_EVENT_MARKERS = 5, 12
FONT = dict(family="Source Sans Pro, sans-serif", size=13)
HOVER = (
    "<b>%{customdata[0]}</b> · %{customdata[1]}<br>"
    "%{customdata[2]}, %{customdata[3]}<br>"
    "Source: %{customdata[4]}<br>"
    "<i>“%{customdata[5]}”</i><extra></extra>"
)
CUSTOMDATA_COLUMNS = [M.region, mx.LABEL, mx.DISPLAY, mx.REFERENCE, mx.SOURCE_TITLE, M.quote]


def region_colours(regions: list[str], first: tuple[str, ...] = ()) -> dict[str, str]:
    """A fixed colour per region: the `first` regions get the strongest colours, the rest follow
    the given (reference table) order. Past ten regions colours repeat, but never those of `first`."""
    ordered = [*[r for r in first if r in regions], *[r for r in regions if r not in first]]
    reserved = len([r for r in first if r in regions])
    spare = PALETTE[reserved:] or PALETTE
    return {
        region: PALETTE[i] if i < len(PALETTE) else spare[(i - len(PALETTE)) % len(spare)]
        for i, region in enumerate(ordered)
    }


@lru_cache(maxsize=65_536)  # regions, labels and titles repeat on every point
def _hover_line(text: str, width: int) -> str:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "<br>".join(html.escape(part) for part in lines)


def hover_text(text: object, width: int = 70) -> str:
    """Escape data-derived text for a plotly label and wrap it at words so the hover box stays readable."""
    return _hover_line(text, width) if isinstance(text, str) else ""


def hover_customdata(obs: pd.DataFrame) -> np.ndarray:
    """The per-point hover fields, escaped and wrapped, in the order HOVER uses them.

    A NumPy array: plotly validates a list of lists element by element, which dominated the cost
    of large charts."""
    columns = [[hover_text(value) for value in obs[c].astype(object).tolist()] for c in CUSTOMDATA_COLUMNS]
    return np.array(columns, dtype=object).T.reshape(len(obs), len(CUSTOMDATA_COLUMNS))


def _trace_name(region: str, status: str, provenance: str) -> str:
    """'Shanxi', 'Jilin (target)', 'Shanxi (user-supplied, unverified)'."""
    notes = [n for n in (status if status != "actual" else "", provenance if provenance != mx.CURATED else "") if n]
    return html.escape(region + (f" ({'; '.join(notes)})" if notes else ""))


def _layout(fig: go.Figure, title: str, *, y_title: str = "", height: int = 420) -> go.Figure:
    fig.update_layout(
        title=dict(text=html.escape(title), x=0, xanchor="left"),
        font=FONT,
        height=height,
        margin=dict(l=10, r=10, t=60, b=10),
        yaxis_title=html.escape(y_title),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1),
        hoverlabel=dict(align="left", font_size=12),
        plot_bgcolor="white",
    )
    fig.update_xaxes(showgrid=False, linecolor="#888")
    fig.update_yaxes(gridcolor="#e5e5e5", zerolinecolor="#888")
    return fig


def build_bar_chart(obs: pd.DataFrame, colours: dict[str, str], title: str, x: str = mx.LABEL) -> go.Figure:
    """Bars of one unit: x is a column (metric label by default), one trace per region and status.

    Bounds are hatched and labelled ('>2'); targets are hatched differently and lighter.
    """
    fig = go.Figure()
    for (region, status, provenance), rows in obs.groupby([M.region, M.status, mx.PROVENANCE], sort=False):
        patterns = [TARGET_PATTERN if status == "target" else BOUND_PATTERN if b else "" for b in rows[mx.IS_BOUND]]
        fig.add_trace(
            go.Bar(
                name=_trace_name(region, status, provenance),
                x=[html.escape(str(v)) for v in rows[x]],
                y=rows[M.value],
                text=rows[mx.SHORT],
                textposition="outside",
                cliponaxis=False,
                marker=dict(
                    color=colours.get(region, "#777"),
                    opacity=0.55 if status == "target" or provenance != mx.CURATED else 1.0,
                    pattern=dict(shape=patterns, fgcolor="white", solidity=0.3, fillmode="overlay"),
                    line=dict(color=colours.get(region, "#777"), width=1.5),
                ),
                customdata=hover_customdata(rows),
                hovertemplate=HOVER,
            )
        )
    units = obs[M.unit].unique()
    return _layout(fig.update_layout(barmode="group"), title, y_title=units[0] if len(units) == 1 else "")


def build_series_chart(
    series: pd.DataFrame, colours: dict[str, str], title: str, events: pd.DataFrame | None = None
) -> go.Figure:
    """Lines over the years for one metric: solid for results, dashed for targets; the y axis is
    reversed when lower is better (rank 1 at the top). Dated events of the plotted regions in the
    plotted span are marked with a dotted vertical line."""
    fig = go.Figure()
    for (region, status, provenance), rows in series.groupby([M.region, M.status, mx.PROVENANCE], sort=False):
        rows = rows.sort_values(M.year)
        trace = go.Scattergl if len(rows) > WEBGL_POINTS else go.Scatter  # WebGL keeps large series fluid
        fig.add_trace(
            trace(
                name=_trace_name(region, status, provenance),
                x=rows[M.year].astype(int),
                y=rows[M.value],
                mode="lines+markers+text",
                text=rows[mx.SHORT].to_numpy(dtype=object),
                textposition="top center",
                line=dict(
                    color=colours.get(region, "#777"), width=3,
                    dash="dash" if status == "target" else "dot" if provenance != mx.CURATED else "solid",
                ),
                marker=dict(
                    size=10,
                    symbol=np.where(rows[mx.IS_BOUND].to_numpy(dtype=bool), "triangle-up", "circle"),
                    color="white" if status == "target" else colours.get(region, "#777"),
                    line=dict(color=colours.get(region, "#777"), width=2),
                ),
                customdata=hover_customdata(rows),
                hovertemplate=HOVER,
            )
        )
    lower_is_better = bool(series[mx.LOWER_IS_BETTER].iloc[0]) if len(series) else False
    low, high = (int(series[M.year].min()), int(series[M.year].max())) if len(series) else (0, 0)
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
                dict(type="line", xref="x", yref="paper", x0=x, x1=x, y0=0, y1=1, line=dict(color="#555", dash="dot", width=1))
                for x in relevant[mx.PLOT_YEAR]
            ],
            # Labels only while they can be read; the events chart lists every event.
            annotations=[
                dict(x=x, y=1, xref="x", yref="paper", yanchor="bottom", showarrow=False, font=dict(size=10, color="#555"),
                     text=hover_text(f"{region}: {title}", 28), hovertext=hover_text(quote))
                for x, region, title, quote in zip(relevant[mx.PLOT_YEAR], relevant["region"], relevant["title"], relevant["quote"], strict=True)
            ] if len(relevant) <= MAX_EVENT_LABELS else [],
        )
    fig.update_xaxes(dtick=1, range=[low - 0.5, high + 0.5])
    fig.update_yaxes(autorange="reversed" if lower_is_better else True, rangemode="normal" if lower_is_better else "tozero")
    unit = series[M.unit].iloc[0] if len(series) else ""
    y_title = f"{unit} (1 = best, axis reversed)" if lower_is_better else unit
    return _layout(fig, title, y_title=y_title)


def build_events_chart(placed: pd.DataFrame, colours: dict[str, str], title: str = "Policy events") -> go.Figure:
    """Dated events as points and plan periods as bars on one time axis, one row per region."""
    fig = go.Figure()
    for region, rows in placed.groupby("region", sort=False):
        colour = colours.get(region, "#777")
        custom = [
            [hover_text(t), hover_text(d if isinstance(d, str) else "date not stated"), hover_text(q), hover_text(s),
             f"{int(a)}–{int(b)}" if pd.notna(a) and pd.notna(b) else ""]
            for t, d, q, s, a, b in zip(rows["title"], rows["date_text"], rows["quote"], rows[mx.SOURCE_TITLE],
                                        rows["period_start"], rows["period_end"], strict=True)
        ]
        periods = (rows["period_start"].notna() & rows["period_end"].notna()).to_numpy()
        if periods.any():
            spans = rows[periods]
            fig.add_trace(
                go.Bar(
                    name=html.escape(f"{region} plan period"), orientation="h", y=[html.escape(region)] * len(spans),
                    # A period 2023-2025 runs from the start of 2023 to the end of 2025.
                    base=spans["period_start"].astype(float), x=(spans["period_end"] - spans["period_start"] + 1).astype(float),
                    marker=dict(color=colour, opacity=0.45, pattern=dict(shape=TARGET_PATTERN, fgcolor="white", fillmode="overlay")),
                    width=0.4,
                    customdata=[c for c, p in zip(custom, periods, strict=True) if p],
                    hovertemplate="<b>%{customdata[0]}</b><br>Plan period: %{customdata[4]}<br>Date: %{customdata[1]}"
                    "<br>Source: %{customdata[3]}<br><i>“%{customdata[2]}”</i><extra></extra>",
                )
            )
        dated = (rows["date_precision"] != "unknown").to_numpy()
        if dated.any():
            fig.add_trace(
                go.Scatter(
                    name=html.escape(region), mode="markers", x=rows[mx.PLOT_YEAR][dated], y=[html.escape(region)] * int(dated.sum()),
                    marker=dict(size=12, color=colour, symbol="diamond"),
                    customdata=[c for c, d in zip(custom, dated, strict=True) if d],
                    hovertemplate="<b>%{customdata[0]}</b><br>Date: %{customdata[1]}<br>Source: %{customdata[3]}"
                    "<br><i>“%{customdata[2]}”</i><extra></extra>",
                )
            )
    fig.update_layout(barmode="overlay", showlegend=False)
    fig.update_xaxes(title="year", dtick=1)
    return _layout(fig, title, height=max(220, 90 + 45 * placed["region"].nunique()))


def build_coverage_chart(matrix: pd.DataFrame, title: str = "Which metrics each region has") -> go.Figure:
    """Heatmap of figures per metric and region; empty cells are the gaps."""
    fig = go.Figure(
        go.Heatmap(
            z=matrix.values, x=[html.escape(c) for c in matrix.columns], y=[html.escape(i) for i in matrix.index],
            text=[["" if v == 0 else str(v) for v in row] for row in matrix.values], texttemplate="%{text}",
            colorscale=[[0, "#f2f2f2"], [0.001, "#9ecae1"], [1, "#0072B2"]], showscale=False, xgap=2, ygap=2,
            hovertemplate="%{y}<br>%{x}: %{z} figure(s)<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(side="top")
    return _layout(fig, title, height=max(260, 80 + 24 * len(matrix)))
