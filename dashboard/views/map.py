"""Map (/map): one metric on every provincial-level division, each an equal tile placed roughly
where it lies. Metric, status and year live in the URL; national figures stand beside the map."""

import streamlit as st

from dashboard import charts
from dashboard import metrics as mx
from dashboard.views import ui

LATEST = "latest"

dataset, obs = ui.load()
labels = dict(zip(dataset.catalogue["metric"], dataset.catalogue["label"], strict=True))
layout = ui.derived(mx.tile_layout, dataset)

st.title("Province map")
if obs.empty:
    st.info("There are no figures to map.")
    st.stop()
options = sorted(obs["metric"].unique(), key=labels.get)
default = mx.default_map_metric(obs, layout["region"].tolist())
# The status control needs ~110 px: a fifth of the centred page cut its 'target' off.
left, middle, right = st.columns([2, 1, 1])
metric = left.selectbox("Metric", options, index=options.index(default) if default in options else 0,
                        format_func=labels.get, key="metric", bind="query-params")
with middle:
    status = st.segmented_control("Status", ["actual", "target"], default="actual", key="status",
                                  bind="query-params", help="Actual results and targets are never mapped together.") or "actual"
years = mx.map_years(obs, metric, status)
year = None
if len(years) > 1:
    chosen = right.selectbox("Year", [LATEST, *map(str, years)], key="year", bind="query-params",
                             format_func=lambda y: "Latest per region" if y == LATEST else y)
    year = None if chosen == LATEST else int(chosen)


def map_of(data, metric, status, year, label, dark):
    """The map's rows, tiles, national figures, figure and table, computed once per version of
    the data (see ui.derived)."""
    dataset, obs = data
    layout = mx.tile_layout(dataset)
    figures = mx.map_figures(obs, metric, status, year)
    national = mx.tile_figures(figures[figures["region"].isin(mx.national_regions(dataset.regions))])
    placed = mx.place_on_tiles(layout, mx.tile_figures(figures[figures["region"].isin(layout["region"])]))
    when = "latest figure per region" if year is None else str(year)
    title = f"{label}{' (targets)' if status == 'target' else ''}, {when}"
    return figures, placed, national, charts.build_tile_map(placed, title, dark=dark), mx.tile_table(placed)


figures, placed, national, fig, table = ui.derived(map_of, (dataset, obs), metric, status, year, labels[metric], ui.dark())

shown, total = int(placed[mx.HAS_FIGURE].sum()), len(placed)
st.markdown(f"**{shown}** of {total} provincial-level divisions have a figure.")
if note := mx.reference_dates_note(placed):
    st.warning(ui.md(note), icon=":material/event:")
map_column, national_column = st.columns([3, 1])
with map_column:
    ui.chart_block(fig, figures[figures["region"].isin(placed["region"])], key="map", table=table)
    st.caption(
        "Grey: the documents give no figure (not zero). Outlined: a bound (2+ more than 2, ≥2 at least 2, ≤3 at "
        "most 3) or a range (2–3, coloured at its midpoint). Dashed outline: a target. Darker is more; for ranks, "
        "darker is better (1 = best)."
    )
with national_column:
    st.markdown("**National**")
    if national.empty:
        st.caption("No national figure for this metric.")
    for row in national.to_dict("records"):
        st.metric(ui.md(row["region"]), ui.md(row[mx.DISPLAY]))
        st.caption(f"{ui.md(row[mx.REFERENCE])}. Source: {ui.md(row[mx.SOURCE_TITLE])}")
        st.caption(f"“{ui.md(row['quote'])}”")
