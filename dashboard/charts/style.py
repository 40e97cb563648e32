"""What every chart shares: the colour-blind-safe palettes and the theme (light or dark), each
region's colour, hover text and its customdata (the figure id last, which a click opens), trace
names, the layout (title, legend, unit, height for a phone), whole-number and year ticks, and the
legend entries that explain an encoding (bounds hatched, targets lighter).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import metrics as mx
from dashboard.i18n import _
from dashboard.schema import Metrics as M

# Okabe & Ito's colour-blind-safe palette without its yellow (too faint on white), then Paul Tol's
# colour-blind-safe olive, wine and teal for the eighth to tenth region.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#999933", "#882255", "#44AA99"]
# On the dark page the same places, with black and wine (1.2:1 and 2.1:1 against the background)
# swapped for a light grey and a brighter magenta (Tol's): every colour then meets WCAG's 3:1 for
# graphics on the dark background.
DARK_PALETTE = [*PALETTE[:6], "#DDDDDD", PALETTE[7], "#EE3377", PALETTE[9]]
BOUND_PATTERN = "/"  # hatching means a bound, only: a target is lighter instead
TARGET_OPACITY = 0.45
ENCODING_KEY = "encoding"  # the legend group of entries that explain an encoding, not a region
WEBGL_POINTS = 1_000
MAX_EVENT_LABELS, MAX_EVENT_MARKERS = 5, 12
FONT = dict(family="Source Sans Pro, sans-serif", size=13)
NO_FIGURE = "#d9d9d9"  # neutral grey: a tile whose region has no figure


@dataclass(frozen=True)
class ChartTheme:
    """The colours of a chart on one page theme. `background` is the page's own background
    (.streamlit/config.toml), so a chart sits on the page without a box and contrast is measured
    against what the reader sees."""

    background: str
    text: str
    grid: str
    axis: str
    guide: str  # event lines and their labels
    legend_background: str
    no_figure: str  # a tile whose region has no figure
    no_figure_text: str
    outline: str  # bounds and targets on the map
    gap: str  # the thin edge between tiles
    coverage_scale: tuple
    palette: tuple


LIGHT = ChartTheme(
    background="#ffffff", text="#444444", grid="#e5e5e5", axis="#888888", guide="#555555",
    legend_background="rgba(255,255,255,0.8)", no_figure=NO_FIGURE, no_figure_text="#555555", outline="#111111",
    gap="#ffffff", coverage_scale=((0, "#f2f2f2"), (0.001, "#9ecae1"), (1, "#0072B2")), palette=tuple(PALETTE),
)
DARK = ChartTheme(
    background="#171614", text="#ebebeb", grid="#3a3a3a", axis="#8c8c8c", guide="#b0b0b0",
    legend_background="rgba(23,22,20,0.8)", no_figure="#3d3d3d", no_figure_text="#d0d0d0", outline="#f2f2f2",
    gap="#171614", coverage_scale=((0, "#2b2b2b"), (0.001, "#1d4f74"), (1, "#56B4E9")), palette=tuple(DARK_PALETTE),
)


def theme_colours(dark: bool) -> ChartTheme:
    """The chart colours for the viewer's page theme (st.context.theme.type == 'dark')."""
    return DARK if dark else LIGHT


def hover_template() -> str:
    """Region · metric, value and date, source, quote: the words in the reader's language."""
    return ("<b>%{customdata[0]}</b> · %{customdata[1]}<br>"
            "%{customdata[2]}, %{customdata[3]}<br>"
            + html.escape(_("Source: {titles}")).format(titles="%{customdata[4]}") + "<br>"
            "<i>“%{customdata[5]}”</i><extra></extra>")


HOVER = hover_template()  # in English; the builders call hover_template() for the reader's language
CUSTOMDATA_COLUMNS = [mx.REGION_NAME, mx.LABEL, mx.DISPLAY, mx.REFERENCE, mx.SOURCE_TITLE, M.quote]
EVENT_ID = "event_id"


def region_colours(regions: list[str], first: tuple[str, ...] = (), dark: bool = False) -> dict[str, str]:
    """A fixed colour per region: the `first` regions get the strongest colours, the rest follow
    the given (reference table) order. Past ten regions colours repeat, but never those of `first`.
    A region keeps its place in the palette in both themes; only the colour at that place changes."""
    palette = list(theme_colours(dark).palette)
    ordered = [*[r for r in first if r in regions], *[r for r in regions if r not in first]]
    reserved = len([r for r in first if r in regions])
    spare = palette[reserved:] or palette
    return {
        region: palette[i] if i < len(palette) else spare[(i - len(palette)) % len(spare)]
        for i, region in enumerate(ordered)
    }


def palette_of(dataset, dark: bool) -> dict[str, str]:
    """Each region with figures and its colour in this theme, so the palette is spent on them only
    (the pages' default regions first). Scans every row: callers cache it per version of the data."""
    with_data = pd.concat([dataset.metrics["region"], dataset.events["region"]])
    return region_colours(mx.present_in_order(dataset.regions["region"], with_data), first=mx.DEFAULT_REGIONS, dark=dark)


def char_width(char: str) -> int:
    """How many Latin letters wide a character is, roughly: CJK and full-width forms about two."""
    return 2 if ord(char) >= 0x2E80 else 1


def _shown_width(text: str) -> int:
    """Roughly how many Latin letters wide the text is: a Chinese character is about two."""
    return sum(map(char_width, text))


def _words(text: str, width: int) -> list[tuple[str, str]]:
    """(piece, what joins it to the one before): the text's words, joined by a space; Chinese,
    written without spaces, cut into pieces of about `width` that join with nothing, so it wraps
    too (unwrapped, a phone's axis turned its labels on their side and squeezed the plot)."""
    pieces = []
    for word in text.split():
        if _shown_width(word) <= width or _shown_width(word) < 2 * len(word) - 2:  # fits, or is not Chinese
            pieces.append((word, " "))
            continue
        step = max(width * 2 // 5, 1)  # full-width characters run a little wider than two letters
        pieces += [(word[i:i + step], " " if i == 0 else "") for i in range(0, len(word), step)]
    return pieces


@lru_cache(maxsize=65_536)  # regions, labels and titles repeat on every point
def _hover_line(text: str, width: int) -> str:
    lines, line = [], ""
    for word, glue in _words(text, width):
        if line and _shown_width(line) + len(glue) + _shown_width(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line}{glue}{word}" if line else word
    lines.append(line)
    return "<br>".join(html.escape(part) for part in lines)


HOVER_WIDTH = 44  # characters of a hover line: a wider box was cut at a phone's edge (390 px)


def hover_text(text: object, width: int = HOVER_WIDTH) -> str:
    """Escape data-derived text for a plotly label and wrap it at words so the hover box stays readable."""
    return _hover_line(text, width) if isinstance(text, str) else ""


def hover_customdata(obs: pd.DataFrame) -> np.ndarray:
    """The per-point hover fields, escaped and wrapped, in the order HOVER uses them, then the
    figure id (never shown, so as it is).

    A NumPy array: plotly validates a list of lists element by element, which dominated the cost
    of large charts."""
    columns = [[hover_text(value) for value in obs[c if c in obs else M.region].astype(object).tolist()]
               for c in CUSTOMDATA_COLUMNS]  # hand-built frames may lack the reader's region names
    columns.append(obs[M.figure_id].astype(object).tolist())
    return np.array(columns, dtype=object).T.reshape(len(obs), len(CUSTOMDATA_COLUMNS) + 1)


def selected_id(selection: object) -> str | None:
    """The id of the clicked point in a plotly selection event (what st.plotly_chart(on_select=...)
    returns): the last element of its customdata, by the rule every chart here follows. None when
    nothing, or something without an id (a heatmap cell), is selected."""
    points = (selection or {}).get("selection", {}).get("points", []) if isinstance(selection, dict) else []
    for point in points:
        custom = point.get("customdata") if isinstance(point, dict) else None
        if isinstance(custom, list) and custom and isinstance(custom[-1], str) and custom[-1]:
            return custom[-1]
    return None


def trace_name(region: str, status: str, provenance: str) -> str:
    """'Shanxi', 'Jilin (target)', 'Shanxi (user-supplied, unverified)'; `region` as the reader names it."""
    notes = [n for n in (mx.status_word(status) if status != "actual" else "",
                         mx.provenance_word(provenance) if provenance != mx.CURATED else "") if n]
    return html.escape(region + (_(" ({notes})").format(notes=_("; ").join(notes)) if notes else ""))


def trace_names(rows: pd.DataFrame) -> pd.Series:
    """The rows' region names in the reader's language (the id where a frame has none)."""
    return rows[mx.REGION_NAME] if mx.REGION_NAME in rows else rows[M.region]


def plotted_values(rows: pd.DataFrame) -> pd.Series:
    """What a chart plots: the value in the reader's unit (money in 亿元 in Chinese)."""
    return rows[mx.PLOT_VALUE] if mx.PLOT_VALUE in rows else rows[M.value]


def unit_of(rows: pd.DataFrame) -> pd.Series:
    """The unit in the reader's language (the stored one where a frame has none)."""
    return rows[mx.UNIT_SHOWN].fillna(rows[M.unit]) if mx.UNIT_SHOWN in rows else rows[M.unit]


# A phone's chart is ~330 px wide: a legend wider than that wraps onto more rows, which grow upwards
# from the plot into the title. The top margin makes room for the rows a phone needs (an estimate
# from the names' lengths; on a wide page the extra room is a little white space).
PHONE_PLOT_PX, LEGEND_ROW_PX, TOP_MARGIN_PX, LINE_PX = 330, 22, 60, 14
UNTITLED_PX = 30  # the title's room, given back when a heading above the chart says what it is
TITLE_WIDTH = 40  # characters of a title line: plotly never wraps a title, and a phone cuts it off
MAX_YEAR_TICKS = 6  # years on an axis: 6 labels fit a phone's width unturned (8 years, 2018-2025, did not)


def legend_rows(names: list[str], width: int = PHONE_PLOT_PX) -> int:
    """How many rows a horizontal legend of these entries takes in `width` pixels (an estimate:
    ~40 px of symbol and gaps per entry, ~7 px per character at the legend's 13 px)."""
    rows, used = 1, 0
    for name in names:
        entry = 40 + 7 * len(html.unescape(name))
        if used and used + entry > width:
            rows, used = rows + 1, 0
        used += entry
    return rows


UPRIGHT = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")  # CJK ideographs and punctuation, full-width forms
UNIT_ANNOTATION = "unit"


def apply_layout(fig: go.Figure, title: str, *, y_title: str = "", height: int = 420, dark: bool = False,
            top_lines: int = 0) -> go.Figure:
    """Title at the top left, legend between it and the plot, colours of the theme. `top_lines`:
    lines of labels the chart puts above its plot (event labels), which need room too."""
    theme = theme_colours(dark)
    shown = fig.layout.showlegend is not False
    names = [t.name or "" for t in fig.data if shown and t.showlegend is not False]
    title_text = hover_text(title, TITLE_WIDTH) if title else ""
    top = (TOP_MARGIN_PX + LEGEND_ROW_PX * (legend_rows(names) - 1 if names else 0) + LINE_PX * top_lines
           + 2 * LINE_PX * title_text.count("<br>") - (0 if title_text else UNTITLED_PX))
    fig.update_layout(
        title=dict(text=title_text, x=0, xanchor="left", yref="container", y=1, yanchor="top", pad=dict(t=10)),
        font=dict(FONT, color=theme.text),
        height=height + top - TOP_MARGIN_PX,
        margin=dict(l=10, r=10, t=top, b=10),
        # A CJK unit turned on its side reads as a symbol (个 as an arrow): it is written out upright
        # above the axis instead ('单位：个').
        yaxis_title="" if UPRIGHT.search(y_title) else html.escape(y_title),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1),
        hoverlabel=dict(align="left", font_size=12),
        paper_bgcolor=theme.background,
        plot_bgcolor=theme.background,
    )
    if UPRIGHT.search(y_title):
        fig.add_annotation(text=html.escape(_("Unit: {unit}").format(unit=y_title)), name=UNIT_ANNOTATION,
                           xref="paper", yref="paper", x=0, y=1, xanchor="left", yanchor="bottom", showarrow=False,
                           font=dict(color=theme.text))
    fig.update_xaxes(showgrid=False, linecolor=theme.axis, gridcolor=theme.grid, zerolinecolor=theme.axis)
    fig.update_yaxes(gridcolor=theme.grid, zerolinecolor=theme.axis, linecolor=theme.axis)
    return fig


def unit_title(fig: go.Figure) -> str:
    """What a chart's value axis is titled: the axis title, or the CJK unit written out above the axis."""
    upright = [a.text for a in fig.layout.annotations if a.name == UNIT_ANNOTATION]
    return upright[0] if upright else (fig.layout.yaxis.title.text or "")


def count_ticks(values) -> dict:
    """Axis (or colour bar) ticks for these plotted values: whole numbers only when every value is
    whole (a count: '0.5 centres' is no tick), one or two apart below ten, plotly's choice above."""
    numbers = pd.to_numeric(pd.Series(list(values), dtype=object), errors="coerce").dropna()
    if numbers.empty or not (numbers == numbers.round()).all():
        return {}
    top = float(numbers.abs().max())
    return dict(tickformat=",d", dtick=1 if top <= 6 else 2) if top <= 10 else dict(tickformat=",d")


def encoding_keys(bounds: bool, targets: bool) -> list[go.Bar]:
    """Legend entries (no bars of their own) saying what the bars' encodings mean: hatched for a
    bound, lighter for a target; each only when the chart draws one."""
    grey = "#888888"
    keys = []
    if bounds:
        keys.append(go.Bar(x=[None], y=[None], name=html.escape(_("hatched: a bound (>, ≥, ≤), not exact")), hoverinfo="skip",
                           legendgroup=ENCODING_KEY,
                           marker=dict(color=grey, pattern=dict(shape=BOUND_PATTERN, fgcolor="white", solidity=0.3,
                                                                fillmode="overlay"))))
    if targets:
        keys.append(go.Bar(x=[None], y=[None], name=html.escape(_("lighter: a target, not a result")), hoverinfo="skip",
                           legendgroup=ENCODING_KEY,
                           marker=dict(color=grey, opacity=TARGET_OPACITY)))
    return keys


def year_ticks(span: int) -> dict:
    """Ticks of a year axis spanning `span` years: whole years only, at most MAX_YEAR_TICKS labels
    (every year when they fit, else every second or fifth), so the labels never need turning."""
    return dict(tickformat="d", nticks=min(span + 1, MAX_YEAR_TICKS)) if span >= MAX_YEAR_TICKS else dict(dtick=1)
