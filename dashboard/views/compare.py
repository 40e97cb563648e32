"""Compare (/compare): any regions side by side, Shanxi and Shandong by default.

Every value carries its reference date; a caveat is shown where dates differ or a side is a
bound, and differences are never given as exact when a side is a bound. The coverage matrix shows
which metrics each region has, so gaps are visible.
"""

import streamlit as st

from dashboard import charts, citation
from dashboard import metrics as mx
from dashboard.views import ui

dataset, obs = ui.load()
colours = ui.colours(dataset)
available = mx.present_in_order(dataset.regions["region"], obs["region"])

st.title("Compare regions")
regions = st.multiselect(
    "Regions", available, default=[r for r in ui.DEFAULT_REGIONS if r in available],
    key="region", bind="query-params", help="The first two selected are compared pairwise.",
)
status = st.segmented_control(
    "Status", ["actual", "target"], default="actual", key="status", bind="query-params",
    help="Actual results and targets are never compared with each other.",
) or "actual"
if not regions:
    st.info("Choose at least one region.")
    st.stop()


def comparison(obs, regions, status, colours, dark):
    """What the page shows for these regions and status, computed once per version of the data
    (see ui.derived): the side-by-side table (each region's cell linking to its figure's page),
    the rows and chart of each shared metric, coverage."""
    table = mx.compare_regions(obs, list(regions), status=status)
    ids = [mx.figure_id_column(region) for region in regions]
    side_by_side = table.drop(columns=ids).assign(**{
        region: citation.linked_cells(table[region].tolist(), table[column].tolist(), region, table["label"].tolist())
        for region, column in zip(regions, ids, strict=True)})
    # The regions' cells right after the metric: in the centred page (and on a phone) the table
    # scrolls sideways, and what a reader came for should not be past its edge.
    first = ["metric", "label", *regions]
    side_by_side = side_by_side[first + [c for c in side_by_side.columns if c not in first]]
    chosen = obs[obs["region"].isin(regions) & (obs["status"] == status)]
    shared = []
    for _, row in table[table["shared"]].iterrows():
        rows = mx.latest_observations(chosen[chosen["metric"] == row["metric"]])
        shared.append((row, rows, charts.build_bar_chart(rows, colours, row["label"], x="region", dark=dark)))
    return side_by_side, chosen, shared, mx.coverage_matrix(obs[obs["status"] == status], list(regions))


table, chosen, shared, matrix = ui.derived(comparison, obs, tuple(regions), status, colours, ui.dark())

st.subheader(f"Metrics every selected region has ({len(shared)})")
if not shared:
    st.info("The selected regions have no metric in common; see the coverage matrix below.")
for row, rows, fig in shared:
    left, right = st.columns([3, 2])
    with left:
        ui.chart_block(fig, rows, key=f"compare-{row['metric']}")
    with right:
        for region in regions:
            st.markdown(f"**{ui.md(region)}**: {ui.md(row[region])}")
        if len(regions) == 2 and row["difference"]:
            st.markdown(f"**{ui.md(regions[0])} − {ui.md(regions[1])}**: {ui.md(row['difference'])} {ui.md(row['unit'])}")
            st.markdown(f"**{ui.md(regions[0])} ÷ {ui.md(regions[1])}**: {ui.md(row['ratio'])}")
        if row["caveats"]:
            st.warning(ui.md(row["caveats"]), icon=":material/warning:")

st.subheader("All metrics side by side")
labels = {"label": "Metric", "unit": "Unit", "category": "Category", "shared": "All have it",
          "difference": f"{regions[0]} − {regions[1]}" if len(regions) == 2 else "Difference",
          "ratio": f"{regions[0]} ÷ {regions[1]}" if len(regions) == 2 else "Ratio", "caveats": "Caveats"}
st.dataframe(
    table.drop(columns=["metric"] + ([] if len(regions) == 2 else ["difference", "ratio"])).rename(columns=labels),
    hide_index=True, width="stretch",
    column_config={region: st.column_config.LinkColumn(region, display_text=citation.TEXT_IN_LINK, help=f"{region}'s "
                   "figure; open its page to read the sentence and cite it.")
                   for region in regions},
)

st.subheader("Coverage")
st.markdown(ui.md(mx.describe_coverage(matrix)) + " A metric a region lacks reads *no figure* in the table above.")
# The heatmap is the page's most expensive element to draw (a rerun took ~1.6x as long with
# it); it is one click away, and the toggle travels in the URL.
if st.toggle("Show the coverage heatmap (figures per metric and region)", key="coverage", bind="query-params"):
    ui.chart_block(charts.build_coverage_chart(matrix, dark=ui.dark()), chosen, key="coverage-chart", table=matrix.reset_index(),
                   clickable=False)
