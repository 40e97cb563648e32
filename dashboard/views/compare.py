"""Compare (/compare): any regions side by side, Shanxi and Shandong by default.

Every metric either region has is listed, actual results and targets alike: a target is a row of
its own, marked, and never compared with an actual result. Every value carries its reference
date; a caveat is shown where dates differ or a side is a bound, and differences are never given
as exact when a side is a bound. A region whose figures are all of a hidden status is named, with
a button that shows them. The coverage heatmap shows which metrics each region has, so gaps are visible.
"""

import streamlit as st

from dashboard import charts, citation, i18n
from dashboard import metrics as mx
from dashboard.i18n import N_, _
from dashboard.views import chart_block, page_frame, safe_text, session_data, tables, widgets

ALL_METRICS = ""

STATUSES = ["actual", "target"]
# What a region whose figures are all of a hidden status says, by the statuses it has.
HIDDEN = {("target",): N_("{region}'s figures are all targets (plans), hidden while only actual results are shown."),
          ("actual",): N_("{region}'s figures are all actual results, hidden while only targets are shown.")}
HIDDEN_OTHER = N_("{region} has no figure of the status shown.")

dataset, obs = session_data.load()
colours = session_data.colours(dataset)
available = mx.present_in_order(dataset.regions["region"], obs["region"])

names = widgets.region_names(dataset)
status_names = widgets.names_in_every_language(words=mx.STATUS_WORDS)
page_frame.heading(_("Compare regions"), level=1)
regions = widgets.bound(
    st.multiselect, _("Regions"), available, default=[r for r in mx.DEFAULT_REGIONS if r in available],
    key="region", names=names, multiple=True, help=_("The first two selected are compared pairwise."),
)
statuses = widgets.bound(
    st.segmented_control, _("Status"), STATUSES, default=STATUSES, key="status", names=status_names, multiple=True,
    selection_mode="multi", help=_("Targets are shown beside actual results, marked, and never compared with them."),
    wrap=True,  # not the scrolling kind: see languages.language_control
) or STATUSES
if not regions:
    st.info(_("Choose at least one region."))
    st.stop()
shown = {r: names[r][i18n.active()] for r in regions}
# One metric in focus (a figure page's "Compare regions" link names its metric): only its chart.
focus = widgets.bound(
    st.selectbox, _("Metric"), [ALL_METRICS, *mx.present_in_order(dataset.catalogue["metric"], obs["metric"])],
    default=ALL_METRICS, key="metric", names=widgets.metric_names(dataset) | widgets.names_in_every_language(
        words={ALL_METRICS: N_("Every metric")}),
)


def show_every_status():
    """The one click that shows a region's hidden figures: every status (the URL follows)."""
    st.session_state["status"] = list(STATUSES)


def link_column(name: str) -> str:
    """The column beside a region's that links to its figure's page."""
    return f"↗ {name}"


def comparison(obs, regions, statuses, colours, dark):
    """What the page shows for these regions and statuses, computed once per version of the data
    (see session_data.derived): the side-by-side table (each region's value, then a link to its figure's page:
    a link cell cannot wrap, and a long value was cut), each metric every region has (its table
    rows, figures and chart), coverage, and the statuses each region has (two scans of the rows that
    cost ~10 ms on every rerun before they were kept here)."""
    table = mx.compare_regions(obs, list(regions), status=statuses)
    ids = [mx.figure_id_column(region) for region in regions]
    named = names_of(obs, regions)
    side_by_side = table.drop(columns=ids).assign(**{
        link_column(named[region]): citation.linked_cells(table[region].tolist(), table[column].tolist(), region,
                                                          table["label"].tolist())
        for region, column in zip(regions, ids, strict=True)})
    # The regions' cells right after the metric, so what a reader came for is seen first.
    first = ["metric", "label", "status", *(c for r in regions for c in (r, link_column(named[r])))]
    side_by_side = side_by_side[first + [c for c in side_by_side.columns if c not in first]].rename(columns=named)
    chosen = obs[obs["region"].isin(regions) & obs["status"].isin(statuses)]
    every = chosen.groupby("metric")["region"].nunique()
    shared = []
    for metric in dict.fromkeys(table["metric"]):
        if every.get(metric, 0) == len(regions):
            rows = mx.latest_observations(chosen[chosen["metric"] == metric])
            label = rows[mx.LABEL].iloc[0]
            shared.append((metric, table[table["metric"] == metric], rows,
                           charts.build_bar_chart(rows, colours, label, x="region", dark=dark)))
    matrix = mx.coverage_matrix(chosen, list(regions)).rename(columns=names_of(obs, regions))
    region_statuses = (mx.hidden_statuses(obs, list(regions), list(statuses)), mx.statuses_by_region(obs, list(regions)))
    return side_by_side, chosen, shared, matrix, charts.build_coverage_chart(matrix, dark=dark), region_statuses


def names_of(obs, regions):
    """Each region's column, named as the reader names the region."""
    return dict(zip(obs["region"], obs[mx.REGION_NAME], strict=True)) | {r: r for r in regions if r not in set(obs["region"])}


table, chosen, shared, matrix, heatmap, (hidden, statuses_of) = session_data.derived(
    comparison, obs, tuple(regions), tuple(statuses), colours, session_data.dark())

for region, others in hidden.items():
    st.info(_(HIDDEN.get(tuple(others), HIDDEN_OTHER)).format(
        region=safe_text.md(shown[region])), icon=":material/info:")
    st.button(_("Show actual results and targets"), key=f"show-all-{region}", on_click=show_every_status,
              icon=":material/visibility:")
for region, have in statuses_of.items():
    if have == ["target"] and "target" in statuses:
        st.caption(_("{region}'s figures are all targets (plans), marked target: none is an actual result, and none "
                     "is compared with another region's actual result.").format(region=safe_text.md(shown[region])))

if focus:
    shared = [entry for entry in shared if entry[0] == focus]
page_frame.heading(_("Metrics every selected region has ({count})").format(count=len(shared)))
if not shared:
    st.info(_("The selected regions have no metric in common; the table and the coverage heatmap below show what "
              "each has."))
for metric, rows_of_table, rows, fig in shared:
    left, right = st.columns([3, 2])
    with left:
        # Its source line, share control and table are below the first screen: they wait.
        chart_block.chart_block(fig, rows, key=f"compare-{metric}", lazy_extras=True)
    with right:
        first, second = (shown[r] for r in regions[:2]) if len(regions) == 2 else ("", "")
        for _index, row in rows_of_table.iterrows():
            marked = "" if row["status"] == "actual" else f" ({safe_text.md(mx.status_word(row['status']))})"
            lines = [_("{region}: {value}").format(region=f"**{safe_text.md(shown[region])}**{marked}",
                                                   value=safe_text.md(row[region])) for region in regions]
            if len(regions) == 2 and row["difference"]:
                lines.append(_("{region}: {value}").format(
                    region=f"**{safe_text.md(first)} − {safe_text.md(second)}**{marked}", value=safe_text.md(row["difference"])
                    + (safe_text.md(row["unit"]) if i18n.active() == "zh" else f" {safe_text.md(row['unit'])}")))
                lines.append(_("{region}: {value}").format(region=f"**{safe_text.md(first)} ÷ {safe_text.md(second)}**{marked}",
                                                           value=safe_text.md(row["ratio"])))
            # One element, a paragraph a line: a page's elements each cost the browser a render (a
            # paragraph an element was 4-5 elements a metric on a cold load of /compare).
            st.markdown("\n\n".join(lines))
            if row["caveats"]:
                st.warning(safe_text.md(row["caveats"]), icon=":material/warning:")

page_frame.heading(_("All metrics side by side"))
labels = {"label": _("Metric"), "status": _("Status"), "unit": _("Unit"), "category": _("Category"),
          "shared": _("All have it"),
          "difference": f"{shown[regions[0]]} − {shown[regions[1]]}" if len(regions) == 2 else _("Difference"),
          "ratio": f"{shown[regions[0]]} ÷ {shown[regions[1]]}" if len(regions) == 2 else _("Ratio"),
          "caveats": _("Caveats")}
side_by_side = (
    # Unit and category left out: every value states its unit, and they pushed the caveats off the page.
    table.drop(columns=["metric", "unit", "category", "shared"] + ([] if len(regions) == 2 else ["difference", "ratio"]))
    .assign(status=[mx.status_word(s) for s in table["status"]],
            difference=[f"{d} {u}" if d and i18n.active() != "zh" else f"{d}{u}" if d else ""
                        for d, u in zip(table["difference"], table["unit"], strict=True)])
    .rename(columns=labels)
)
tables.responsive_table(
    side_by_side, "compare", row_height=tables.WRAPPED_ROW_PX, height=tables.wrapped_height(len(side_by_side)),
    # A phone's card shows each region's value as the link to its figure.
    cards=side_by_side.drop(columns=list(shown.values())).rename(columns={link_column(n): n for n in shown.values()}),
    links={name: "" for name in shown.values()},
    lazy=True,  # below the first screen; see views/near.py and the README (Web vitals)
    column_config={
        # Widths that add up to the wide page's ~1,280 px at 1440 with two regions.
        _("Metric"): st.column_config.TextColumn(width=170),
        _("Status"): st.column_config.TextColumn(width=60),
        labels["difference"]: st.column_config.TextColumn(width=130),
        labels["ratio"]: st.column_config.TextColumn(width=110),
        _("Caveats"): st.column_config.TextColumn(width=210),
        **{name: st.column_config.TextColumn(width=220 if len(regions) <= 2 else 160) for name in shown.values()},
        **{link_column(name): st.column_config.LinkColumn(
            link_column(name), display_text=_("Open"), width=60,
            help=_("{region}'s figure; open its page to read the sentence and cite it.").format(region=name))
            for name in shown.values()}},
)

page_frame.heading(_("Coverage"))
st.markdown(_("{coverage} A metric a region lacks reads *no figure* in the table above.").format(
    coverage=safe_text.md(mx.describe_coverage(matrix))))
# Shown, not behind a toggle: with sparse data the gaps are the story. Not on a phone, where its
# long metric names leave the cells no room; the cards above say "no figure" there.
# Below the first screen, drawn when the reader comes near it (views/near.py): never on a phone,
# where it is hidden (Lighthouse, alternating: README, Web vitals).
with st.container(key="wide-coverage"):
    chart_block.chart_block(heatmap, chosen, key="coverage-chart",
                            table=matrix.reset_index(), clickable=False, lazy=True)
