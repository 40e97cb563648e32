"""Compare (/compare): any regions side by side, Shanxi and Shandong by default.

Every value carries its reference date; a caveat is shown where dates differ or a side is a
bound, and differences are never given as exact when a side is a bound. The coverage matrix shows
which metrics each region has, so gaps are visible.
"""

import streamlit as st

from dashboard import charts, citation, i18n
from dashboard import metrics as mx
from dashboard.i18n import N_, _
from dashboard.views import ui

ALL_METRICS = ""

dataset, obs = ui.load()
colours = ui.colours(dataset)
available = mx.present_in_order(dataset.regions["region"], obs["region"])

names = ui.region_names(dataset)
st.title(_("Compare regions"))
regions = ui.bound(
    st.multiselect, _("Regions"), available, default=[r for r in ui.DEFAULT_REGIONS if r in available],
    key="region", names=names, multiple=True, help=_("The first two selected are compared pairwise."),
)
status = ui.bound(
    st.segmented_control, _("Status"), ["actual", "target"], default="actual", key="status",
    names=ui.names_in_every_language(words=mx.STATUS_WORDS),
    help=_("Actual results and targets are never compared with each other."),
) or "actual"
if not regions:
    st.info(_("Choose at least one region."))
    st.stop()
shown = {r: names[r][i18n.active()] for r in regions}
# One metric in focus (a figure page's "Compare regions" link names its metric): only its chart.
focus = ui.bound(
    st.selectbox, _("Metric"), [ALL_METRICS, *mx.present_in_order(dataset.catalogue["metric"], obs["metric"])],
    default=ALL_METRICS, key="metric", names=ui.metric_names(dataset) | ui.names_in_every_language(
        words={ALL_METRICS: N_("Every metric")}),
)


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
    side_by_side = side_by_side[first + [c for c in side_by_side.columns if c not in first]].rename(
        columns=names_of(obs, regions))
    chosen = obs[obs["region"].isin(regions) & (obs["status"] == status)]
    shared = []
    for _index, row in table[table["shared"]].iterrows():
        rows = mx.latest_observations(chosen[chosen["metric"] == row["metric"]])
        shared.append((row, rows, charts.build_bar_chart(rows, colours, row["label"], x="region", dark=dark)))
    matrix = mx.coverage_matrix(obs[obs["status"] == status], list(regions)).rename(columns=names_of(obs, regions))
    return side_by_side, chosen, shared, matrix


def names_of(obs, regions):
    """Each region's column, named as the reader names the region."""
    return dict(zip(obs["region"], obs[mx.REGION_NAME])) | {r: r for r in regions if r not in set(obs["region"])}


table, chosen, shared, matrix = ui.derived(comparison, obs, tuple(regions), status, colours, ui.dark())

if focus:
    shared = [(row, rows, fig) for row, rows, fig in shared if row["metric"] == focus]
st.header(_("Metrics every selected region has ({count})").format(count=len(shared)))
if not shared:
    st.info(_("The selected regions have no metric in common; see the coverage matrix below."))
for row, rows, fig in shared:
    left, right = st.columns([3, 2])
    with left:
        ui.chart_block(fig, rows, key=f"compare-{row['metric']}")
    with right:
        first, second = (shown[r] for r in regions[:2]) if len(regions) == 2 else ("", "")
        for region in regions:
            st.markdown(_("{region}: {value}").format(region=f"**{ui.md(shown[region])}**", value=ui.md(row[region])))
        if len(regions) == 2 and row["difference"]:
            st.markdown(_("{region}: {value}").format(
                region=f"**{ui.md(first)} − {ui.md(second)}**", value=ui.md(row["difference"])
                + (ui.md(row["unit"]) if i18n.active() == "zh" else f" {ui.md(row['unit'])}")))
            st.markdown(_("{region}: {value}").format(region=f"**{ui.md(first)} ÷ {ui.md(second)}**",
                                                      value=ui.md(row["ratio"])))
        if row["caveats"]:
            st.warning(ui.md(row["caveats"]), icon=":material/warning:")

st.header(_("All metrics side by side"))
labels = {"label": _("Metric"), "unit": _("Unit"), "category": _("Category"), "shared": _("All have it"),
          "difference": f"{shown[regions[0]]} − {shown[regions[1]]}" if len(regions) == 2 else _("Difference"),
          "ratio": f"{shown[regions[0]]} ÷ {shown[regions[1]]}" if len(regions) == 2 else _("Ratio"),
          "caveats": _("Caveats")}
categories = {en: zh[i18n.active()] for en, zh in ui.category_names(dataset).items()}
st.dataframe(
    table.drop(columns=["metric"] + ([] if len(regions) == 2 else ["difference", "ratio"]))
    .assign(category=table["category"].map(categories).fillna(table["category"]))
    .rename(columns=labels),
    hide_index=True, width="stretch",
    column_config={shown[region]: st.column_config.LinkColumn(
        shown[region], display_text=citation.TEXT_IN_LINK,
        help=_("{region}'s figure; open its page to read the sentence and cite it.").format(region=shown[region]))
        for region in regions},
)

st.header(_("Coverage"))
st.markdown(_("{coverage} A metric a region lacks reads *no figure* in the table above.").format(
    coverage=ui.md(mx.describe_coverage(matrix))))
# The heatmap is the page's most expensive element to draw (a rerun took ~1.6x as long with
# it); it is one click away, and the toggle travels in the URL.
if st.toggle(_("Show the coverage heatmap (figures per metric and region)"), key="coverage", bind="query-params"):
    ui.chart_block(charts.build_coverage_chart(matrix, dark=ui.dark()), chosen, key="coverage-chart", table=matrix.reset_index(),
                   clickable=False)
