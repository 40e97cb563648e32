"""Regions side by side, honestly: bounds stay bounds (differences as ranges), differing
reference dates and uncertain readings are flagged, targets never meet results; and coverage.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.i18n import _
from dashboard.metrics.columns import (
    BOUNDS,
    CATEGORY,
    CURATED,
    DISPLAY,
    LABEL,
    PLOT_VALUE,
    PROVENANCE,
    REFERENCE,
    REGION_NAME,
    UNCERTAIN_MARK,
    UNIT_SHOWN,
    UNIT_ZH,
)
from dashboard.metrics.filters import latest_observations
from dashboard.metrics.formatting import (
    QUALIFIER_NAMES,
    STATUS_WORDS,
    format_value,
    is_uncertain,
    number_text,
    provenance_word,
    qualified,
)
from dashboard.schema import Metrics as M


@dataclass(frozen=True)
class Interval:
    """What a qualified figure allows: low/high ends, each open (strict) or closed, None = unbounded."""

    low: float | None
    high: float | None
    low_open: bool = False
    high_open: bool = False

    @classmethod
    def of(cls, value: float, qualifier: str) -> Interval:
        return {
            "more_than": cls(value, None, low_open=True),
            "at_least": cls(value, None),
            "at_most": cls(None, value),
        }.get(qualifier, cls(value, value))


def difference_text(a_value: float, a_qualifier: str, b_value: float, b_qualifier: str) -> str:
    """a minus b, stated no more precisely than the qualifiers allow."""
    a, b = Interval.of(a_value, a_qualifier), Interval.of(b_value, b_qualifier)
    low = None if a.low is None or b.high is None else a.low - b.high
    high = None if a.high is None or b.low is None else a.high - b.low
    approx = "approx" in (a_qualifier, b_qualifier)
    if low is not None and high is not None:
        if low == high:
            return qualified("approx" if approx else "exact", number_text(low))
        return _("between {low} and {high}").format(low=number_text(low), high=number_text(high))
    if low is not None:
        return (_("more than {}") if a.low_open or b.high_open else _("at least {}")).format(number_text(low))
    if high is not None:
        return (_("less than {}") if a.high_open or b.low_open else _("at most {}")).format(number_text(high))
    return _("cannot be determined (both sides are open bounds)")


def ratio_text(a_value: float, a_qualifier: str, b_value: float, b_qualifier: str) -> str:
    """a / b, only when both figures are exact (or approximate) and b is not zero."""
    if a_qualifier in BOUNDS or b_qualifier in BOUNDS:
        return _("not shown: a side is a bound")
    if b_value == 0:
        return _("not defined (divides by zero)")
    return qualified("approx" if "approx" in (a_qualifier, b_qualifier) else "exact", f"{a_value / b_value:.2f}×")


def comparison_caveats(rows: list[dict], readings_only: bool = False) -> list[str]:
    """What a reader must know before comparing these figures of one metric across regions;
    `readings_only`: only the uncertain readings (what a figure compared with nothing still needs)."""
    caveats = []
    name = lambda row: row.get(REGION_NAME, row[M.region])
    if len({row[REFERENCE] for row in rows}) > 1 and not readings_only:
        caveats.append(_("different reference dates: {dates}").format(
            dates=_("; ").join(_("{region} {date}").format(region=name(row), date=row[REFERENCE]) for row in rows)))
    for row in rows:
        if is_uncertain(row.get(M.reading)):
            caveats.append(_("{region}'s value has an uncertain reading ({note})").format(
                region=name(row), note=row.get(M.reading_note)))
        if readings_only:
            continue
        if row[M.qualifier] in BOUNDS:
            caveats.append(_("{region}'s figure is a bound ({qualifier}), not an exact count").format(
                region=name(row), qualifier=_(QUALIFIER_NAMES[row[M.qualifier]])))
        elif row[M.qualifier] == "approx":
            caveats.append(_("{region}'s figure is approximate").format(region=name(row)))
    # Once each: two figures read from one sentence (a range's two bounds) share its note.
    return list(dict.fromkeys(caveats))


# What compare_regions reads: narrowing to these first keeps it fast on wide, string-heavy frames.
_COMPARE_COLUMNS = [
    M.figure_id, M.region, M.metric, M.status, PROVENANCE, M.year, M.as_of, M.value, M.qualifier, M.unit,
    M.reading, M.reading_note, DISPLAY, REFERENCE, LABEL, CATEGORY, REGION_NAME, PLOT_VALUE, UNIT_SHOWN, UNIT_ZH,
]


def _cell(rows: list[dict]) -> str:
    """Each figure's value and date; an uncertain reading marked '(?)' only, its note being in the
    row's caveats (written out in a table cell it was cut: '12 factories (uncertain read...')."""
    return _("; ").join(
        _("{value} ({date})").format(value=_short_display(row), date=row[REFERENCE])
        + ("" if row[PROVENANCE] == CURATED else f" [{provenance_word(row[PROVENANCE])}]")
        for row in rows
    ) or _("no figure")


def _short_display(row: dict) -> str:
    if not is_uncertain(row.get(M.reading)):
        return row[DISPLAY]
    return format_value(row[M.value], row[M.qualifier], row[M.unit], row.get(UNIT_ZH)) + UNCERTAIN_MARK


def figure_id_column(region: str) -> str:
    """The compare_regions column holding the id of the figure in `region`'s cell."""
    return f"{M.figure_id}:{region}"


def compare_regions(obs: pd.DataFrame, regions: list[str], status: str | tuple[str, ...] = "actual") -> pd.DataFrame:
    """One row per metric and status that any selected region has: each region's latest figure
    side by side. `status` is one status or several: with several, a metric's targets are a row of
    their own beside its actual results (marked in the `status` column), never compared with them.

    Columns: label, unit, category, one column per region ('14 centres (as of 2021-03-10)', or
    'no figure'), shared (every selected region has it), and, for exactly two regions, the
    difference and ratio (first minus/over second) plus caveats (reference dates, bounds). Last,
    per region, `figure_id_column(region)`: the id of the figure its cell states (the first one
    when a cell states a range of two; empty when it states none), so a cell can link to its page.
    """
    statuses = [status] if isinstance(status, str) else list(status)
    chosen = obs.loc[obs[M.region].isin(regions) & obs[M.status].isin(statuses),
                     [c for c in _COMPARE_COLUMNS if c in obs.columns]]
    by_metric: dict[tuple[str, str], list[dict]] = {}
    for record in latest_observations(chosen).to_dict("records"):
        by_metric.setdefault((record[M.metric], record[M.status]), []).append(record)
    rows = []
    for (metric, row_status), records in by_metric.items():
        first = records[0]
        by_region = {region: [r for r in records if r[M.region] == region] for region in regions}
        row = {M.metric: metric, M.status: row_status, LABEL: first[LABEL], M.unit: first.get(UNIT_SHOWN, first[M.unit]),
               CATEGORY: first[CATEGORY]}
        row.update({region: _cell(mine) for region, mine in by_region.items()})
        row["shared"] = all(by_region.values())
        row["difference"] = row["ratio"] = ""
        if len(regions) == 2 and row["shared"] and all(len(mine) == 1 for mine in by_region.values()):
            a, b = by_region[regions[0]][0], by_region[regions[1]][0]
            uncertain = [r.get(REGION_NAME, r[M.region]) for r in (a, b) if is_uncertain(r.get(M.reading))]
            if uncertain:  # the caveat would have to travel with the number: give none
                row["difference"] = row["ratio"] = _("not computed: {regions}'s value has an uncertain reading").format(
                    regions=_(" and ").join(uncertain))
            else:
                plotted = lambda r: r.get(PLOT_VALUE, r[M.value])
                row["difference"] = difference_text(plotted(a), a[M.qualifier], plotted(b), b[M.qualifier])
                row["ratio"] = ratio_text(a[M.value], a[M.qualifier], b[M.value], b[M.qualifier])
        # An unshared row compares nothing, but an uncertain reading is still said (its cell shows '(?)' only).
        row["caveats"] = _("; ").join(comparison_caveats(records, readings_only=not row["shared"]))
        row.update({figure_id_column(region): mine[0][M.figure_id] if mine else None for region, mine in by_region.items()})
        rows.append(row)
    columns = [M.metric, M.status, LABEL, M.unit, CATEGORY, *regions, "shared", "difference", "ratio", "caveats",
               *map(figure_id_column, regions)]
    table = pd.DataFrame(rows, columns=columns)
    order = table[M.status].map({s: i for i, s in enumerate(STATUS_WORDS)})
    return (table.assign(_order=order).sort_values(["shared", CATEGORY, LABEL, "_order"], ascending=[False, True, True, True],
                                                   kind="stable").drop(columns="_order").reset_index(drop=True))


def statuses_by_region(obs: pd.DataFrame, regions: list[str]) -> dict[str, list[str]]:
    """Each region's statuses with at least one figure, in STATUS_WORDS' order (actual first):
    a region whose figures are all targets has ['target']; one without figures, []."""
    present = obs.loc[obs[M.region].isin(regions), [M.region, M.status]].drop_duplicates()
    return {region: [s for s in STATUS_WORDS if s in set(present.loc[present[M.region] == region, M.status])]
            for region in regions}


def hidden_statuses(obs: pd.DataFrame, regions: list[str], shown: list[str]) -> dict[str, list[str]]:
    """The regions with no figure of the `shown` statuses but some of another (Jilin: only
    targets, while only actual results are shown), with those other statuses: what a reader must
    be told, and offered in one click, or the region seems to have nothing."""
    return {region: statuses for region, statuses in statuses_by_region(obs, regions).items()
            if statuses and not set(statuses) & set(shown)}


def coverage_matrix(obs: pd.DataFrame, regions: list[str]) -> pd.DataFrame:
    """Metric label x region: how many figures each region has for each metric (0 = a gap)."""
    subset = obs[obs[M.region].isin(regions)]
    labels = sorted(subset[LABEL].unique())
    counts = subset.groupby([LABEL, M.region]).size().unstack(fill_value=0)
    return counts.reindex(index=labels, columns=regions, fill_value=0).astype(int)


def describe_coverage(matrix: pd.DataFrame) -> str:
    """One sentence from a coverage_matrix: for how many metrics each region has figures, and how
    many every region has."""
    if matrix.empty:
        return _("No selected region has a figure here.")
    has = matrix > 0
    per_region = _(", ").join(f"{region} {int(has[region].sum())}" for region in matrix.columns)
    everyone = _("both regions") if len(matrix.columns) == 2 else _("every selected region")
    shared = "" if len(matrix.columns) == 1 else _("; {everyone}: {count}").format(
        everyone=everyone, count=int(has.all(axis=1).sum()))
    return _("Metrics with figures, of the {count} any selected region has: {regions}{shared}.").format(
        count=len(matrix), regions=per_region, shared=shared)
