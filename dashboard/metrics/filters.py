"""Which figures a view shows: the filters of /explore and the read API, year bounds, each
series' latest figure, a page of rows, what occurs in a column in catalogue order.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.metrics.columns import CATEGORY, SERIES_KEY
from dashboard.schema import Metrics as M


@dataclass(frozen=True)
class Filters:
    """What the explore page filters on; an empty tuple means 'all'."""

    regions: tuple[str, ...] = ()
    metrics: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    years: tuple[int, int] | None = None
    statuses: tuple[str, ...] = ()
    qualifiers: tuple[str, ...] = ()
    include_undated: bool = True


def filter_observations(obs: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """Rows matching every filter. Rows without a year pass a year range only if include_undated."""
    keep = pd.Series(True, index=obs.index)
    for column, chosen in (
        (M.region, filters.regions),
        (M.metric, filters.metrics),
        (CATEGORY, filters.categories),
        (M.status, filters.statuses),
        (M.qualifier, filters.qualifiers),
    ):
        if chosen:
            keep &= obs[column].isin(chosen)
    if filters.years is not None:
        low, high = filters.years
        in_range = obs[M.year].between(low, high).fillna(False).astype(bool)
        keep &= in_range | (obs[M.year].isna() & filters.include_undated)
    elif not filters.include_undated:
        keep &= obs[M.year].notna()
    return obs[keep]


def year_bounds(obs: pd.DataFrame) -> tuple[int, int] | None:
    """The first and last reference year in the data, or None when no row has a year."""
    years = obs[M.year].dropna()
    return (int(years.min()), int(years.max())) if len(years) else None


def latest_observations(obs: pd.DataFrame) -> pd.DataFrame:
    """Per region, metric and status, the most recent figure (by year, then report date).

    Two-sided ranges ('two or three': an at_least and an at_most row) keep both rows.
    """
    if obs.empty:
        return obs
    ordered = obs.assign(_year=obs[M.year].fillna(-1), _as_of=obs[M.as_of].fillna(""))
    ordered = ordered.sort_values(["_year", "_as_of"], kind="stable")
    last = ordered.groupby(SERIES_KEY)[["_year", "_as_of"]].transform("last")
    latest = ordered[(ordered["_year"] == last["_year"]) & (ordered["_as_of"] == last["_as_of"])]
    return latest.drop(columns=["_year", "_as_of"])


def page_of(rows: pd.DataFrame, page: int, size: int) -> tuple[pd.DataFrame, int]:
    """Rows of one page (1-based, clamped to the pages there are) and the number of pages."""
    pages = max(1, -(-len(rows) // size))
    page = min(max(1, page), pages)
    return rows.iloc[(page - 1) * size : page * size], pages


def present_in_order(candidates, values: pd.Series) -> list:
    """The candidates that occur in `values`, in the candidates' order (e.g. regions with figures,
    in the regions table's order). `values` is scanned once, however many candidates there are."""
    present = set(values.unique())
    return [c for c in candidates if c in present]
