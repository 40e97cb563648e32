"""The province map: one equal square per provincial-level division. Tiles are layout shapes in
axis units (they grow and shrink with the chart, and the axes keep them square); an invisible
square marker at each tile's centre carries its label, hover and click. Colours on Viridis (reversed
for ranks), text in the colour that contrasts with its tile, bounds outlined, targets dashed.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.colors as pc
import plotly.graph_objects as go

from dashboard import i18n
from dashboard import metrics as mx
from dashboard.charts.style import (
    CUSTOMDATA_COLUMNS,
    FONT,
    LIGHT,
    ChartTheme,
    count_ticks,
    hover_customdata,
    hover_template,
    hover_text,
    theme_colours,
    trace_names,
    unit_of,
)
from dashboard.i18n import N_, _, ngettext
from dashboard.schema import Metrics as M

# Tiles are layout shapes in axis units (they grow and shrink with the chart, and the axes keep them
# square); an invisible square marker at each tile's centre carries its label, hover and click.
# Sequential and colour-blind-safe, and never grey (Cividis' grey middle read as "no figure").
TILE_SCALE = "Viridis"
TILE_HALF = 0.46  # half a tile's side in grid cells; the rest is the gap between tiles
TILE_TARGET_PX = 36  # the marker that catches hover and clicks: fits a tile at phone width
TILE_NAME_WIDTH = 8  # longer names break at a space ("Inner<br>Mongolia", "Hong<br>Kong")
TILE_WORD = 8  # a longer word is hyphenated ("Heilong-<br>jiang", "Guang-<br>dong"): at a phone's ~40 px tile it spilled out
# A name's longest line sets its size, so it fits a tile at phone width (~44 px).
TILE_FONT_BY_LENGTH = ((6, 11), (8, 10))  # up to 6 letters: 11 px, 7-8 letters: 10 px, longer: 9 px
TILE_MARK_FONT, TILE_UNIT_FONT = 12, 9
TILE_ROW_PX, TILE_FRAME_PX = 44, 90  # a phone's tile, and the title and colour key around the grid
COVERAGE_HOVER = "<b>%{customdata[0]}</b><br>%{customdata[1]}<extra></extra>"
DARK_TEXT, LIGHT_TEXT = "#1a1a1a", "#ffffff"


def tile_scale(lower_is_better: bool) -> list[list]:
    """The colour scale of a map, darker for more: reversed Viridis (light yellow for the least,
    dark purple for the most); for ranks, where 1 is best, Viridis itself, so the best is darkest."""
    scale = [[float(p), c] for p, c in pc.get_colorscale(TILE_SCALE)]
    return scale if lower_is_better else [[1 - p, c] for p, c in reversed(scale)]


def relative_luminance(colour: str) -> float:
    """WCAG's relative luminance of '#rrggbb' or 'rgb(r, g, b)' (an alpha, if any, is ignored)."""
    if colour.startswith("#"):
        r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    else:
        r, g, b = (float(part) / 255 for part in colour[colour.index("(") + 1 : -1].split(",")[:3])
    channel = lambda c: c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_ratio(first: str, second: str) -> float:
    """WCAG's contrast ratio of two colours, 1 to 21 (3 for graphics, 4.5 for text)."""
    light, dark = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _text_on(colour: str) -> str:
    """Dark text on a light fill, white on a dark one (relative luminance, WCAG)."""
    return DARK_TEXT if relative_luminance(colour) > 0.18 else LIGHT_TEXT


def _tile_fills(values: pd.Series, scale: list[list]) -> tuple[list[str], float, float]:
    """Each value's colour on the scale, and the scale's ends. One distinct value sits mid-scale."""
    low, high = float(values.min()), float(values.max())
    positions = [0.5 if high == low else (float(v) - low) / (high - low) for v in values]
    return pc.sample_colorscale(scale, positions) if positions else [], low, high


def _outline(is_bound: bool, is_target: bool, theme: ChartTheme = LIGHT) -> dict:
    """Bounds and ranges get a thick outline (dark on the light page, light on the dark one),
    targets a dashed one, exact results none."""
    if not (is_bound or is_target):
        return dict(color=theme.gap, width=1)
    return dict(color=theme.outline, width=2.5 if is_bound else 1.5, dash="dash" if is_target else "solid")


def tile_name_lines(name: str) -> list[str]:
    """A short name in lines that fit a tile: broken at spaces past TILE_NAME_WIDTH characters,
    a word longer than TILE_WORD hyphenated in two."""
    words = []
    for word in str(name).split():
        half = len(word) // 2 + 1  # "Heilong-jiang"
        words += [word[:half] + "-", word[half:]] if len(word) > TILE_WORD else [word]
    lines, line = [], ""
    for word in words:
        if line and (line.endswith("-") or len(line) + 1 + len(word) > TILE_NAME_WIDTH):
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return [*lines, line] if line else lines


def _tile_label(name: str, mark: str = "", unit: str = "") -> str:
    """The short name, under it the value in a larger bold type (the value is what a reader
    compares), and under that its unit where it is short enough for the tile."""
    value = f'<br><span style="font-size:{TILE_MARK_FONT}px"><b>{html.escape(mark)}</b></span>' if mark else ""
    unit = f'<br><span style="font-size:{TILE_UNIT_FONT}px">{html.escape(unit)}</span>' if mark and unit else ""
    return "<br>".join(html.escape(line) for line in tile_name_lines(name)) + value + unit


def tile_unit(unit: str) -> str:
    """The unit a tile shows under its value: '%' for percent (a bare '160' could be a count).
    Others are in the title and the colour key: a third line ('centres', '个') crowded a phone's
    tile and pushed its name over the edge."""
    return "%" if unit in ("percent", "%") else ""


def _tile_names(placed: pd.DataFrame) -> pd.Series:
    """What each tile says: its short name in the reader's language (tile_grid.csv's short names)."""
    return placed[mx.TILE_LABEL] if mx.TILE_LABEL in placed else placed[mx.TILE_NAME]


def _name_sizes(names: pd.Series) -> list[int]:
    longest = [max(map(len, tile_name_lines(n)), default=0) for n in names]
    return [next((size for most, size in TILE_FONT_BY_LENGTH if n <= most), 9) for n in longest]


def _legend_key(name: str, **marker) -> go.Scatter:
    """A legend entry only: no point of its own."""
    return go.Scatter(x=[None], y=[None], mode="markers", name=name, hoverinfo="skip",
                      marker=dict(symbol="square", size=13, **marker))


def _tile_figure(placed: pd.DataFrame, fills: list[str], outlines: list[dict], traces: list[go.Scatter],
                 title: str, height: int, theme: ChartTheme = LIGHT) -> go.Figure:
    """The grid of tiles (shapes), the traces over them, square axes without ticks."""
    rows, cols = int(placed[mx.TILE_ROW].max()) + 1, int(placed[mx.TILE_COL].max()) + 1
    shapes = [
        dict(type="rect", layer="below", x0=c - TILE_HALF, x1=c + TILE_HALF, y0=r - TILE_HALF, y1=r + TILE_HALF,
             fillcolor=fill, line=line)
        for r, c, fill, line in zip(placed[mx.TILE_ROW], placed[mx.TILE_COL], fills, outlines, strict=True)
    ]
    fig = go.Figure(traces)
    title_text = hover_text(title, 48)
    fig.update_layout(
        title=dict(text=title_text, x=0, xanchor="left"),
        font=dict(FONT, color=theme.text), height=height, shapes=shapes, dragmode=False,
        paper_bgcolor=theme.background, plot_bgcolor=theme.background,
        margin=dict(l=4, r=4, t=40 + 20 * title_text.count("<br>"), b=8),
        # The legend sits in the grid's empty north-west corner (Mongolia), where no tile is.
        legend=dict(orientation="v", x=0, xanchor="left", y=1.0, yanchor="top", font=dict(size=11),
                    bgcolor=theme.legend_background),
        hoverlabel=dict(align="left", font_size=12), hovermode="closest", hoverdistance=40,
    )
    fig.update_xaxes(range=[-0.5, cols - 0.5], visible=False, fixedrange=True, constrain="domain")
    # Square tiles: the grid keeps its aspect and sits at the top (a phone's narrow chart leaves
    # room below it, not above).
    fig.update_yaxes(range=[rows - 0.5, -0.5], visible=False, fixedrange=True, constrain="domain",
                     constraintoward="top", scaleanchor="x", scaleratio=1)
    return fig


def _tile_marker(**colours) -> dict:
    """The invisible square that catches a tile's hover and click (the tile itself is a shape)."""
    return dict(symbol="square", size=TILE_TARGET_PX, opacity=0, **colours)


def _colour_bar(title: str, ticks: dict | None = None) -> dict:
    """The map's colour key under the grid, titled with the unit."""
    return dict(orientation="h", x=0.5, xanchor="center", y=-0.01, yanchor="top", thickness=10, len=0.7,
                title=dict(text=html.escape(title), side="top"), tickfont=dict(size=11), **(ticks or {}))


def build_tile_map(placed: pd.DataFrame, title: str, dark: bool = False) -> go.Figure:
    """A province map of one metric: every tile of `placed` (metrics.place_on_tiles), coloured on a
    sequential scale where its region has a figure and grey where it has none.

    On the tile: its short name and the value as a mark ('14', '>2', '≥2', '2–3'); bounds and ranges
    are outlined, targets dashed. Hover gives the value with qualifier and unit, the reference date,
    the source and the quote; each point's customdata ends with its figure_id ('' for no figure).
    """
    theme = theme_colours(dark)
    has = placed[mx.HAS_FIGURE].to_numpy(dtype=bool)
    shown, empty = placed[has], placed[~has]
    lower_is_better = bool(shown[mx.LOWER_IS_BETTER].any()) if len(shown) else False
    scale = tile_scale(lower_is_better)
    colours, low, high = _tile_fills(shown[mx.TILE_VALUE], scale)
    fills = iter(colours)
    tile_fills = [next(fills) if h else theme.no_figure for h in has]
    is_target = (placed[M.status] == "target").to_numpy()
    outlines = [_outline(bool(b) and h, bool(t), theme) for b, t, h in zip(placed[mx.IS_BOUND].fillna(False), is_target, has, strict=True)]
    hover = shown.assign(**{mx.LABEL: [_("{label} (target)").format(label=label) if status == "target" else label
                                      for label, status in zip(shown[mx.LABEL], shown[M.status], strict=True)]},
                         **{mx.REGION_NAME: trace_names(shown)})
    notes = [f"<br>{hover_text(n)}" if isinstance(n, str) and n else "" for n in shown[mx.TILE_NOTE]]
    # hover_customdata ends with the figure id; the tile's note goes before it, so the id stays last.
    fields = hover_customdata(hover)
    custom = np.column_stack([fields[:, :-1], np.array(notes, dtype=object), fields[:, -1]]) if len(shown) \
        else np.empty((0, len(CUSTOMDATA_COLUMNS) + 2), dtype=object)
    unit = str(unit_of(shown).iloc[0]) if len(shown) else ""
    no_figure = html.escape(_("no figure"))
    on_tile = tile_unit(unit)
    traces = [
        go.Scatter(
            name="figures", x=shown[mx.TILE_COL], y=shown[mx.TILE_ROW], mode="markers+text", showlegend=False,
            text=[_tile_label(n, m, on_tile) for n, m in zip(_tile_names(shown), shown[mx.TILE_MARK], strict=True)],
            textfont=dict(size=_name_sizes(_tile_names(shown)), color=[_text_on(c) for c in colours]), cliponaxis=False,
            marker=_tile_marker(color=shown[mx.TILE_VALUE].to_numpy(dtype=float), colorscale=scale, cmin=low,
                                cmax=high, showscale=bool(high > low),
                                colorbar=_colour_bar(_("{unit} (1 = best)").format(unit=unit) if lower_is_better else unit,
                                                     count_ticks(shown[mx.TILE_VALUE]))),
            customdata=custom, hovertemplate=hover_template().replace("<extra></extra>", "%{customdata[6]}<extra></extra>"),
        ),
        go.Scatter(
            name="no figure", x=empty[mx.TILE_COL], y=empty[mx.TILE_ROW], mode="markers+text", showlegend=False,
            text=[_tile_label(n) for n in _tile_names(empty)], textfont=dict(size=_name_sizes(_tile_names(empty)),
                                                                           color=theme.no_figure_text),
            cliponaxis=False, marker=_tile_marker(color=theme.no_figure),
            customdata=np.array([[hover_text(r), ""] for r in trace_names(empty)], dtype=object).reshape(len(empty), 2),
            hovertemplate=f"<b>%{{customdata[0]}}</b><br>{no_figure}<extra></extra>",
        ),
    ]
    if len(shown) and high == low:  # no scale to read: the key names the one value its colour stands for
        value = f"{mx.number_text(low)}{unit}" if i18n.active() == "zh" else f"{mx.number_text(low)} {unit}"
        traces.append(_legend_key(html.escape(_("coloured: {value}").format(value=value)),
                                  color=colours[0]))
    if len(empty):
        traces.append(_legend_key(_("no figure"), color=theme.no_figure))
    if placed[mx.IS_BOUND].fillna(False).astype(bool).any():
        traces.append(_legend_key(_("bound or range (outlined)"), color=theme.background,
                                  line=dict(color=theme.outline, width=2.5)))
    if is_target[has].any():
        traces.append(_legend_key(_("target (dashed outline)"), color=theme.background,
                                  line=dict(color=theme.outline, width=1.5)))
    rows = int(placed[mx.TILE_ROW].max()) + 1
    # Sized for a phone's tiles: a taller chart left a blank band under the grid there (a wide
    # screen shows the grid a little narrower than its column instead).
    return _tile_figure(placed, tile_fills, outlines, traces, title, height=TILE_FRAME_PX + TILE_ROW_PX * rows, theme=theme)


def build_coverage_tile_map(placed: pd.DataFrame, title: str = N_("Figures per province"), dark: bool = False) -> go.Figure:
    """The overview's small map: each tile coloured by how many figures its region has
    (metrics.figures_per_region), grey where it has none; hover names the region and the count."""
    theme = theme_colours(dark)
    has = placed[mx.HAS_FIGURE].to_numpy(dtype=bool)
    counts = placed[mx.TILE_VALUE]
    scale = tile_scale(False)
    colours, low, high = _tile_fills(counts[has], scale)
    fills = iter(colours)
    tile_fills = [next(fills) if h else theme.no_figure for h in has]
    text_colours = [_text_on(f) if h else theme.no_figure_text for f, h in zip(tile_fills, has, strict=True)]
    title = _(title) if title else ""  # _("") would be the catalogue's header
    words = [ngettext("{n} figure", "{n} figures", n).format(n=f"{n:,}") if n else _("no figure") for n in counts]
    traces = [
        go.Scatter(
            name="figures", x=placed[mx.TILE_COL], y=placed[mx.TILE_ROW], mode="markers+text", showlegend=False,
            text=[_tile_label(n, m) for n, m in zip(_tile_names(placed), placed[mx.TILE_MARK], strict=True)],
            textfont=dict(size=_name_sizes(_tile_names(placed)), color=text_colours), cliponaxis=False,
            marker=_tile_marker(color=counts.to_numpy(dtype=float), colorscale=scale, cmin=low, cmax=high,
                                showscale=bool(high > low), colorbar=_colour_bar(_("figures"), count_ticks(counts[has]))),
            customdata=np.array([[hover_text(r), hover_text(w), ""] for r, w in zip(trace_names(placed), words, strict=True)],
                                dtype=object).reshape(len(placed), 3),
            hovertemplate=COVERAGE_HOVER,
        ),
    ]
    if (~has).any():
        traces.append(_legend_key(_("no figure"), color=theme.no_figure))
    outlines = [_outline(False, False, theme)] * len(placed)
    rows = int(placed[mx.TILE_ROW].max()) + 1
    return _tile_figure(placed, tile_fills, outlines, traces, title, height=TILE_FRAME_PX + TILE_ROW_PX * rows, theme=theme)
