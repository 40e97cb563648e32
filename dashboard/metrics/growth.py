"""Time series, their growth (multiple and compound annual rate, computed from the data), and
dated events placed on a time axis.
"""

from __future__ import annotations

import math

import pandas as pd

from dashboard import i18n
from dashboard.i18n import _, ngettext
from dashboard.metrics.columns import (
    AMBIGUOUS,
    LABEL,
    PLOT_VALUE,
    PLOT_YEAR,
    PROVENANCE,
    REGION_NAME,
    SERIES_KEY,
    SOURCE_TITLE,
    UNIT_SHOWN,
    VALUE_TYPE,
)
from dashboard.metrics.formatting import number_text
from dashboard.schema import Metrics as M


def time_series(obs: pd.DataFrame) -> pd.DataFrame:
    """Figures of every (region, metric, status) that has two or more distinct years, by year."""
    dated = obs[obs[M.year].notna()]
    years = dated.groupby(SERIES_KEY)[M.year].transform("nunique")
    return dated[years >= 2].sort_values([M.metric, M.region, M.year], kind="stable")


GROWTH_COLUMNS = [
    M.region, M.metric, M.status, PROVENANCE, LABEL, M.unit, REGION_NAME, "first_year", "first_value", "last_year",
    "last_value", "multiple", "cagr_percent", "places_gained", "note", SOURCE_TITLE,
]


def growth_summary(series: pd.DataFrame) -> pd.DataFrame:
    """First and last figure of each series, with growth multiple and compound annual growth.

    For ranks (lower is better) the change is given in places instead. Growth is only computed
    when every figure of the series is exact and read with certainty; otherwise the columns stay
    empty and `note` says why. Computed on
    whole columns, so thousands of series cost about as much as two.
    """
    if series.empty:
        return pd.DataFrame(columns=GROWTH_COLUMNS)
    ordered = series.sort_values([*SERIES_KEY, M.year], kind="stable")
    keys = [ordered[k] for k in SERIES_KEY]
    ordered = ordered.assign(
        _inexact=(ordered[M.qualifier] != "exact").groupby(keys).transform("any"),
        _uncertain=(ordered[M.reading] == AMBIGUOUS if M.reading in ordered else pd.Series(False, index=ordered.index))
        .groupby(keys).transform("any"),
        _sources=ordered.groupby(keys)[SOURCE_TITLE].transform(lambda titles: "; ".join(titles.unique())),
    )
    first = ordered.drop_duplicates(SERIES_KEY, keep="first").reset_index(drop=True)
    last = ordered.drop_duplicates(SERIES_KEY, keep="last").reset_index(drop=True)
    plotted = PLOT_VALUE if PLOT_VALUE in ordered else M.value  # money in the reader's unit
    years = (last[M.year] - first[M.year]).astype(float)
    uncertain = first["_uncertain"].astype(bool)
    exact = ~first["_inexact"].astype(bool) & ~uncertain
    rank = first[VALUE_TYPE] == "rank"
    growing = exact & ~rank & (first[M.value] > 0) & (years > 0)
    multiple = (last[M.value] / first[M.value]).where(growing)
    summary = pd.DataFrame({
        M.region: first[M.region], M.metric: first[M.metric], M.status: first[M.status],
        PROVENANCE: first[PROVENANCE], LABEL: first[LABEL], M.unit: first[UNIT_SHOWN if UNIT_SHOWN in first else M.unit],
        REGION_NAME: first[REGION_NAME if REGION_NAME in first else M.region],
        "first_year": first[M.year].astype(int), "first_value": first[plotted],
        "last_year": last[M.year].astype(int), "last_value": last[plotted],
        "multiple": multiple,
        "cagr_percent": (multiple ** (1 / years.where(growing)) - 1) * 100,
        "places_gained": (first[M.value] - last[M.value]).where(exact & rank),
        "note": pd.Series("", index=first.index)
        .mask(uncertain, _("not computed: a figure of the series has an uncertain reading"))
        .mask(first["_inexact"].astype(bool), _("not computed: an end of the series is not an exact figure")),
        SOURCE_TITLE: first["_sources"],
    })
    return summary.sort_values([M.metric, M.region], kind="stable").reset_index(drop=True)


def describe_growth(row: pd.Series) -> str:
    """One sentence: '12.42 -> 52.18 billion yuan (2012-2021): 4.20x, 17.3% a year'."""
    span = _("{first}–{last}").format(first=row["first_year"], last=row["last_year"])
    first, last = number_text(row["first_value"]), number_text(row["last_value"])
    if pd.notna(row["places_gained"]):
        gained = int(row["places_gained"])
        move = (ngettext("up {n} place", "up {n} places", gained) if gained > 0
                else ngettext("down {n} place", "down {n} places", -gained) if gained < 0 else _("unchanged"))
        return _("rank {first} → {last} ({span}): {move}").format(
            first=first, last=last, span=span, move=move.format(n=abs(gained)))
    unit = row[M.unit] if i18n.active() == "zh" else f" {row[M.unit]}"
    text = _("{first} → {last}{unit} ({span})").format(first=first, last=last, unit=unit, span=span)
    if pd.notna(row["multiple"]):
        return _("{text}: {multiple}× in total, {rate}% a year compounded").format(
            text=text, multiple=f"{row['multiple']:.2f}", rate=f"{row['cagr_percent']:.1f}")
    return _("{text}: {note}").format(text=text, note=row["note"])


def events_on_timeline(events: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split events into those with a place on a time axis (a date, or a plan period) and the rest.

    Placed events get `plot_year`: the decimal year of the date (mid-year for a year, mid-month
    for a month), or the start of the plan period when only the period is known.
    """
    positions = []
    for date, precision, start in zip(events["date"], events["date_precision"], events["period_start"], strict=True):
        if precision == "year":
            positions.append(int(date) + 0.5)
        elif precision == "month":
            year, month = (int(part) for part in date.split("-"))
            positions.append(year + (month - 0.5) / 12)
        elif precision == "day":
            stamp = pd.Timestamp(date)
            positions.append(stamp.year + (stamp.day_of_year - 0.5) / (366 if stamp.is_leap_year else 365))
        elif pd.notna(start):
            positions.append(float(start))
        else:
            positions.append(math.nan)
    placed = events.assign(**{PLOT_YEAR: positions})
    return placed[placed[PLOT_YEAR].notna()], placed[placed[PLOT_YEAR].isna()].drop(columns=[PLOT_YEAR])
