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

One module per job: style (palette, theme, hover, layout, ticks, encoding keys), series (bars,
time series, events, coverage) and tiles (the province map). Callers use one namespace,
`from dashboard import charts`: this module re-exports each job's public names
(tests/test_layout.py fails naming any it leaves out).
"""

from dashboard.charts.series import (
    build_bar_chart,
    build_coverage_chart,
    build_events_chart,
    build_same_metric_chart,
    build_series_chart,
    gapped,
)
from dashboard.charts.style import (
    BOUND_PATTERN,
    CUSTOMDATA_COLUMNS,
    DARK,
    DARK_PALETTE,
    ENCODING_KEY,
    EVENT_ID,
    FONT,
    HOVER,
    HOVER_WIDTH,
    LEGEND_ROW_PX,
    LIGHT,
    LINE_PX,
    MAX_EVENT_LABELS,
    MAX_EVENT_MARKERS,
    MAX_YEAR_TICKS,
    NO_FIGURE,
    PALETTE,
    PHONE_PLOT_PX,
    TARGET_OPACITY,
    TITLE_WIDTH,
    TOP_MARGIN_PX,
    UNIT_ANNOTATION,
    UNTITLED_PX,
    UPRIGHT,
    WEBGL_POINTS,
    ChartTheme,
    apply_layout,
    char_width,
    count_ticks,
    encoding_keys,
    hover_customdata,
    hover_template,
    hover_text,
    legend_rows,
    palette_of,
    plotted_values,
    region_colours,
    selected_id,
    theme_colours,
    trace_name,
    trace_names,
    unit_of,
    unit_title,
    year_ticks,
)
from dashboard.charts.tiles import (
    COVERAGE_HOVER,
    DARK_TEXT,
    LIGHT_TEXT,
    TILE_FONT_BY_LENGTH,
    TILE_FRAME_PX,
    TILE_HALF,
    TILE_MARK_FONT,
    TILE_NAME_WIDTH,
    TILE_ROW_PX,
    TILE_SCALE,
    TILE_TARGET_PX,
    TILE_UNIT_FONT,
    TILE_WORD,
    build_coverage_tile_map,
    build_tile_map,
    contrast_ratio,
    relative_luminance,
    tile_name_lines,
    tile_scale,
    tile_unit,
)
