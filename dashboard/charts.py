"""Figure builders: enriched observations in, plotly Figure out; no Streamlit, no file I/O.

Every figure follows the same rules: hover shows the value with its qualifier and unit, the
reference date, the source title and the quote (through customdata and one hovertemplate); the
last element of each point's customdata is the id of the figure (or event) it draws, which is
what a click opens (see selected_id);
targets are drawn lighter than actual results, bounds hatched (one encoding each, with a legend
entry saying so); bounds are labelled '>20', '≥2', '≤3'; a line joins only consecutive years (a gap
says "no data"); a count axis has whole-number ticks;
each region keeps one colour from a colour-blind-safe palette on every page. A value whose text can be
read two ways is labelled '12 (?)' and its hover gives the other reading. Data-derived text is
HTML-escaped before it reaches plotly, whose labels understand a little HTML.

Every builder takes `dark`: the viewer's theme. Backgrounds, text, gridlines, outlines and the
region palette come from theme_colours(dark), so a chart stays legible on the dark page too (the
palette's black would vanish there).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import plotly.colors as pc
import plotly.graph_objects as go

from dashboard import i18n
from dashboard import metrics as mx
from dashboard.i18n import N_, _, ngettext
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


def _trace_name(region: str, status: str, provenance: str) -> str:
    """'Shanxi', 'Jilin (target)', 'Shanxi (user-supplied, unverified)'; `region` as the reader names it."""
    notes = [n for n in (mx.status_word(status) if status != "actual" else "",
                         mx.provenance_word(provenance) if provenance != mx.CURATED else "") if n]
    return html.escape(region + (_(" ({notes})").format(notes=_("; ").join(notes)) if notes else ""))


def _names(rows: pd.DataFrame) -> pd.Series:
    """The rows' region names in the reader's language (the id where a frame has none)."""
    return rows[mx.REGION_NAME] if mx.REGION_NAME in rows else rows[M.region]


def _plotted(rows: pd.DataFrame) -> pd.Series:
    """What a chart plots: the value in the reader's unit (money in 亿元 in Chinese)."""
    return rows[mx.PLOT_VALUE] if mx.PLOT_VALUE in rows else rows[M.value]


def _unit(rows: pd.DataFrame) -> pd.Series:
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


def _layout(fig: go.Figure, title: str, *, y_title: str = "", height: int = 420, dark: bool = False,
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
                name=_trace_name(_names(rows).iloc[0], status, provenance),
                # Wrapped, so a phone need not turn long metric names on their side.
                x=[hover_text(str(v), 16) for v in rows[x]],
                y=_plotted(rows),
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
    fig.update_yaxes(**count_ticks(_plotted(obs)))
    units = _unit(obs).unique()
    return _layout(fig.update_layout(barmode="group"), title, y_title=units[0] if len(units) == 1 else "", height=height,
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
        years, plotted, breaks = gapped(rows[M.year].astype(int).tolist(), _plotted(rows).tolist())
        keep = [i for i, y in enumerate(plotted) if y is not None]  # where each row's point is
        custom = np.full((len(years), len(CUSTOMDATA_COLUMNS) + 1), "", dtype=object)
        custom[keep] = hover_customdata(rows)
        text, symbols = np.full(len(years), "", dtype=object), np.full(len(years), "circle", dtype=object)
        text[keep] = rows[mx.SHORT].to_numpy(dtype=object)
        symbols[keep] = np.where(rows[mx.IS_BOUND].to_numpy(dtype=bool), "triangle-up", "circle")
        gaps += [(region, a, b, va, vb) for a, b, va, vb in breaks]
        fig.add_trace(
            trace(
                name=_trace_name(_names(rows).iloc[0], status, provenance),
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
                for x, region, title, quote in zip(relevant[mx.PLOT_YEAR], _names(relevant), relevant["title"], relevant["quote"], strict=True)
            ] if len(relevant) <= MAX_EVENT_LABELS else gap_notes,
        )
    fig.update_xaxes(range=[low - 0.5, high + 0.5], **year_ticks(high - low))
    fig.update_yaxes(autorange="reversed" if lower_is_better else True, rangemode="normal" if lower_is_better else "tozero",
                     **count_ticks(_plotted(series)))
    unit = _unit(series).iloc[0] if len(series) else ""
    y_title = _("{unit} (1 = best, axis reversed)").format(unit=unit) if lower_is_better else unit
    labels = [a.text for a in fig.layout.annotations if a.yref == "paper"]
    return _layout(fig, title, y_title=y_title, dark=dark, top_lines=max((t.count("<br>") + 1 for t in labels), default=0))


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
        name = _names(rows).iloc[0]
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
    return _layout(fig, title, height=max(220, 90 + 45 * placed["region"].nunique()), dark=dark)


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
    return _layout(fig, title, height=max(260, 80 + 24 * len(matrix)), dark=dark)


# --- the province map: one equal square per provincial-level division ---------------------------
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
    channel = lambda c: c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4  # noqa: E731
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
                         **{mx.REGION_NAME: _names(shown)})
    notes = [f"<br>{hover_text(n)}" if isinstance(n, str) and n else "" for n in shown[mx.TILE_NOTE]]
    # hover_customdata ends with the figure id; the tile's note goes before it, so the id stays last.
    fields = hover_customdata(hover)
    custom = np.column_stack([fields[:, :-1], np.array(notes, dtype=object), fields[:, -1]]) if len(shown) \
        else np.empty((0, len(CUSTOMDATA_COLUMNS) + 2), dtype=object)
    unit = str(_unit(shown).iloc[0]) if len(shown) else ""
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
            customdata=np.array([[hover_text(r), ""] for r in _names(empty)], dtype=object).reshape(len(empty), 2),
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
            customdata=np.array([[hover_text(r), hover_text(w), ""] for r, w in zip(_names(placed), words, strict=True)],
                                dtype=object).reshape(len(placed), 3),
            hovertemplate=COVERAGE_HOVER,
        ),
    ]
    if (~has).any():
        traces.append(_legend_key(_("no figure"), color=theme.no_figure))
    outlines = [_outline(False, False, theme)] * len(placed)
    rows = int(placed[mx.TILE_ROW].max()) + 1
    return _tile_figure(placed, tile_fills, outlines, traces, title, height=TILE_FRAME_PX + TILE_ROW_PX * rows, theme=theme)
