"""Map (/map): one metric on every provincial-level division, each an equal tile placed roughly
where it lies. Metric, status and year live in the URL; national figures stand beside the map."""

import streamlit as st

from dashboard import charts, i18n
from dashboard import metrics as mx
from dashboard.i18n import _
from dashboard.views import chart_block, page_frame, safe_text, session_data, widgets

LATEST = "latest"
LATEST_WORDS = i18n.N_("Latest per region")

dataset, obs = session_data.load()
names = widgets.metric_names(dataset)
labels = {metric: shown[i18n.active()] for metric, shown in names.items()}
layout = session_data.derived(mx.tile_layout, dataset)

page_frame.heading(_("Province map"), level=1)
if obs.empty:
    st.info(_("There are no figures to map."))
    st.stop()
options = sorted(obs["metric"].unique(), key=labels.get)
default = mx.default_map_metric(obs, layout["region"].tolist())
# The status control needs ~110 px: a fifth of the centred page cut its 'target' off.
left, middle, right = st.columns([2, 1, 1])
with left:
    metric = widgets.bound(st.selectbox, _("Metric"), options, default=default if default in options else options[0],
                           key="metric", names=names)
metric = metric if metric in options else options[0]
with middle:
    status = widgets.bound(st.segmented_control, _("Status"), ["actual", "target"], default="actual", key="status",
                           names=widgets.names_in_every_language(words=mx.STATUS_WORDS),
                           help=_("Actual results and targets are never mapped together."),
                           wrap=True) or "actual"  # not the scrolling kind: see languages.language_control
years = mx.map_years(obs, metric, status)
year = None
if len(years) > 1:
    with right:
        chosen = widgets.bound(st.selectbox, _("Year"), [LATEST, *map(str, years)], default=LATEST, key="year",
                               names=widgets.names_in_every_language(words={LATEST: LATEST_WORDS}))
    year = None if chosen in (None, LATEST) else int(chosen)


def map_of(data, metric, status, year, label, dark):
    """The map's rows, tiles, national figures, figure and table, computed once per version of
    the data (see session_data.derived)."""
    dataset, obs = data
    layout = mx.tile_layout(dataset)
    figures = mx.map_figures(obs, metric, status, year)
    national = mx.tile_figures(figures[figures["region"].isin(mx.national_regions(dataset.regions))])
    placed = mx.place_on_tiles(layout, mx.tile_figures(figures[figures["region"].isin(layout["region"])]))
    when = _("latest figure per region") if year is None else i18n.format_date(str(year))
    unit = figures[mx.UNIT_SHOWN].iloc[0] if len(figures) else ""
    title = (_("{metric} (targets, {unit}), {when}") if status == "target" else _("{metric} ({unit}), {when}")).format(
        metric=label, unit=unit, when=when)
    return figures, placed, national, charts.build_tile_map(placed, title, dark=dark), mx.tile_table(placed)


figures, placed, national, fig, table = session_data.derived(map_of, (dataset, obs), metric, status, year, labels[metric], session_data.dark())

shown, total = int(placed[mx.HAS_FIGURE].sum()), len(placed)
st.markdown(_("**{shown}** of {total} provincial-level divisions have a figure.").format(shown=shown, total=total))
if note := mx.reference_dates_note(placed):
    st.warning(safe_text.md(note), icon=":material/event:")
map_column, national_column = st.columns([3, 1])
with map_column:
    chart_block.chart_block(fig, figures[figures["region"].isin(placed["region"])], key="map", table=table)
    st.caption(_(
        "Grey: the documents give no figure (not zero). Outlined: a bound (>2 more than 2, ≥2 at least 2, ≤3 at "
        "most 3) or a range (2–3, coloured at its midpoint). Dashed outline: a target. Darker is more; for ranks, "
        "darker is better (1 = best)."
    ))
with national_column:
    st.markdown(_("**National**"))
    if national.empty:
        st.caption(_("No national figure for this metric."))
    for row in national.to_dict("records"):
        st.metric(safe_text.md(widgets.region_names(dataset)[row["region"]][i18n.active()]), safe_text.md(row[mx.DISPLAY]))
        st.caption(_("{date}. Source: {titles}").format(date=safe_text.md(row[mx.REFERENCE]), titles=safe_text.md(row[mx.SOURCE_TITLE])))
        safe_text.source_text(row["quote"])
