"""The province map: every provincial-level division one equal tile (data/tile_grid.csv), the
figure each tile shows (latest per region, a two-sided range as one tile), and its table.
"""

from __future__ import annotations

import pandas as pd

from dashboard import citation, i18n
from dashboard.data import Dataset
from dashboard.i18n import _, ngettext
from dashboard.metrics.columns import (
    CURATED,
    DISPLAY,
    IS_BOUND,
    LABEL,
    LABEL_EN,
    LOWER_IS_BETTER,
    PLOT_VALUE,
    PROVENANCE,
    PUBLISHED,
    REFERENCE,
    REGION_NAME,
    SHORT,
    SOURCE_TITLE,
    UNCERTAIN_MARK,
    UNIT_SHOWN,
    UNIT_ZH,
)
from dashboard.metrics.enrich import region_names
from dashboard.metrics.filters import latest_observations
from dashboard.metrics.formatting import (
    format_value,
    is_uncertain,
    number_text,
    qualified,
    shown_value,
    uncertain_text,
)
from dashboard.schema import Metrics as M
from dashboard.schema import Regions as R

# Columns of a placed tile map (place_on_tiles): the tile grid's own, the region it names, and the
# figure its tile shows (empty where the region has none).
TILE_ROW, TILE_COL, TILE_NAME, TILE_NAME_ZH, TILE_LABEL = "row", "col", "short_name_en", "short_name_zh", "tile_label"
TILE_VALUE, TILE_MARK, HAS_FIGURE, IS_RANGE, TILE_NOTE = "tile_value", "tile_mark", "has_figure", "is_range", "tile_note"
LOWER_BOUNDS, UPPER_BOUNDS = ("more_than", "at_least"), ("at_most",)
TILE_COLUMNS = [
    M.figure_id, M.region, M.metric, M.status, M.unit, M.qualifier, LABEL, LOWER_IS_BETTER, TILE_VALUE, TILE_MARK,
    DISPLAY, REFERENCE, SOURCE_TITLE, PUBLISHED, M.quote, IS_BOUND, IS_RANGE, PROVENANCE, TILE_NOTE, UNIT_SHOWN,
]


def tile_layout(dataset: Dataset) -> pd.DataFrame:
    """The tile grid, each tile with the English region name its ISO code has in data/regions.csv,
    and what the reader sees: the region's name and the tile's short name in their language."""
    regions = dataset.regions[[R.region, R.iso_code, R.name_zh]]
    layout = dataset.tile_grid.merge(regions, on=R.iso_code, how="left", validate="one_to_one")
    chinese = i18n.active() == "zh"
    return layout.assign(**{REGION_NAME: region_names(layout),
                            TILE_LABEL: layout[TILE_NAME_ZH if chinese else TILE_NAME]}).drop(columns=[R.name_zh])


def national_regions(regions: pd.DataFrame) -> list[str]:
    """The regions that are the country as a whole: shown beside the map, never on a tile."""
    return regions.loc[regions[R.level] == "country", R.region].tolist()


def default_map_metric(obs: pd.DataFrame, tiled: list[str]) -> str | None:
    """The metric with actual figures on the most tiles (ties: by label), so the map opens full."""
    actual = obs[(obs[M.status] == "actual") & obs[M.region].isin(tiled)]
    if actual.empty:
        return None
    label = LABEL_EN if LABEL_EN in actual else LABEL  # the same default in every language
    counts = actual.groupby([M.metric, label])[M.region].nunique().reset_index()
    return counts.sort_values([M.region, label], ascending=[False, True], kind="stable")[M.metric].iloc[0]


def map_years(obs: pd.DataFrame, metric: str, status: str) -> list[int]:
    """The distinct reference years of a metric's figures of one status, oldest first."""
    chosen = obs[(obs[M.metric] == metric) & (obs[M.status] == status)]
    return sorted(int(year) for year in chosen[M.year].dropna().unique())


def map_figures(obs: pd.DataFrame, metric: str, status: str, year: int | None = None) -> pd.DataFrame:
    """The figures a map of this metric and status shows: each region's figures of `year`, or its
    latest (by year, then report date) when year is None. A region keeps its curated figures when
    it has any; a user's upload only fills regions the curated data lacks, so a tile never mixes
    the two. Two rows of one region remain where its figure is a range or documents differ."""
    chosen = obs[(obs[M.metric] == metric) & (obs[M.status] == status)]
    if year is not None:
        chosen = chosen[chosen[M.year] == year]
    latest = latest_observations(chosen)
    curated = set(latest.loc[latest[PROVENANCE] == CURATED, M.region])
    return latest[(latest[PROVENANCE] == CURATED) | ~latest[M.region].isin(curated)]


def _range_ends(records: list[dict]) -> tuple[dict, dict] | None:
    """The lower and upper bound of a two-sided range ('two or three': at least 2, at most 3)."""
    if len(records) != 2:
        return None
    low = next((r for r in records if r[M.qualifier] in LOWER_BOUNDS), None)
    high = next((r for r in records if r[M.qualifier] in UPPER_BOUNDS), None)
    return (low, high) if low and high and low[M.value] <= high[M.value] else None


def _range_text(low: dict, high: dict) -> str:
    """'2 to 3 platforms per chain (a range: at least 2, at most 3)'."""
    lo, hi = number_text(shown_value(low[M.value], low[M.unit])), number_text(shown_value(high[M.value], high[M.unit]))
    span = (_("rank {low} to {high}").format(low=lo, high=hi) if low[M.unit] == "rank" else _("{low} to {high}").format(
        low=lo, high=format_value(high[M.value], "exact", low[M.unit], low.get(UNIT_ZH))))
    return _("{span} (a range: {low}, {high})").format(
        span=span, low=qualified(low[M.qualifier], lo), high=qualified(high[M.qualifier], hi))


def _tile(records: list[dict]) -> dict:
    """What one region's tile shows, from its figures of one map (see tile_figures)."""
    ends = _range_ends(records)
    if ends is None:
        first = records[0]
        more = len(records) - 1
        note = ngettext("{n} more figure for the same date in the table", "{n} more figures for the same date in the table",
                        more).format(n=more) if more else ""
        return {**first, TILE_VALUE: first.get(PLOT_VALUE, first[M.value]), TILE_MARK: first[SHORT], IS_RANGE: False,
                TILE_NOTE: note}
    low, high = ends
    quotes = list(dict.fromkeys([low[M.quote], high[M.quote]]))
    # A range read from uncertain text ('1 2': 1 to 2, or 12) keeps its mark and its other reading.
    uncertain = next((r for r in (low, high) if is_uncertain(r.get(M.reading))), None)
    return {
        **low,
        TILE_VALUE: (low.get(PLOT_VALUE, low[M.value]) + high.get(PLOT_VALUE, high[M.value])) / 2,
        TILE_MARK: f"{number_text(low.get(PLOT_VALUE, low[M.value]))}–{number_text(high.get(PLOT_VALUE, high[M.value]))}"
        + (UNCERTAIN_MARK if uncertain else ""),
        DISPLAY: _range_text(low, high) if uncertain is None else uncertain_text(
            _range_text(low, high), uncertain[M.reading], uncertain.get(M.reading_note)),
        M.quote: " / ".join(quotes),
        IS_BOUND: True,
        IS_RANGE: True,
        TILE_NOTE: "",
    }


def tile_figures(figures: pd.DataFrame) -> pd.DataFrame:
    """One row per region from map_figures' rows: the figure its tile shows.

    A two-sided range (a lower and an upper bound of one date, Hubei's 'two or three') is one tile
    marked '2–3', coloured at its midpoint and cited by its lower bound's id. Otherwise a region
    with several figures for one date (documents that differ) shows the first in file order, and
    its note says the others are in the table."""
    by_region: dict[str, list[dict]] = {}
    for record in figures.to_dict("records"):
        by_region.setdefault(record[M.region], []).append(record)
    tiles = [_tile(records) for records in by_region.values()]
    return pd.DataFrame(tiles, columns=TILE_COLUMNS)


def place_on_tiles(layout: pd.DataFrame, tiles: pd.DataFrame) -> pd.DataFrame:
    """Every tile of the layout with the figure it shows (empty columns where it has none)."""
    placed = layout.merge(tiles, on=M.region, how="left", validate="one_to_one")
    placed[HAS_FIGURE] = placed[M.figure_id].notna()
    placed[M.figure_id] = placed[M.figure_id].fillna("")
    return placed


def reference_dates_note(tiles: pd.DataFrame) -> str:
    """'' when every tile's figure refers to one date; otherwise each date with its regions."""
    shown = tiles[tiles[HAS_FIGURE]] if HAS_FIGURE in tiles else tiles
    names = REGION_NAME if REGION_NAME in shown else M.region
    dates = shown.groupby(REFERENCE, sort=True)[names].agg(lambda regions: _(", ").join(sorted(regions)))
    if len(dates) < 2:
        return ""
    return _("The figures refer to different dates: {dates}.").format(
        dates=_("; ").join(f"{when} ({regions})" for when, regions in dates.items()))


def figures_per_region(obs: pd.DataFrame, layout: pd.DataFrame) -> pd.DataFrame:
    """Every tile with how many figures (any metric, status or year) its region has: the
    overview's coverage map. Tiles of regions without a figure have 0 and no HAS_FIGURE."""
    counts = obs[M.region].value_counts()
    placed = layout.assign(**{TILE_VALUE: layout[M.region].map(counts).fillna(0).astype(int).to_numpy()})
    placed[HAS_FIGURE] = placed[TILE_VALUE] > 0
    placed[TILE_MARK] = [str(n) if n else "" for n in placed[TILE_VALUE]]
    placed[M.figure_id] = ""  # a tile of many figures names none
    return placed


def tile_table(placed: pd.DataFrame) -> pd.DataFrame:
    """The map as a table, one row per tile in reading order: what a screen reader or a copy needs."""
    ordered = placed.sort_values([TILE_ROW, TILE_COL], kind="stable")
    has = ordered[HAS_FIGURE].to_numpy(dtype=bool)
    blank = lambda column: ordered[column].where(has, "") if column in ordered else ""
    return pd.DataFrame({
        _("Figure"): citation.figure_urls(ordered[M.figure_id].astype(object)),
        _("Region"): ordered[REGION_NAME if REGION_NAME in ordered else M.region].to_numpy(),
        _("Value"): ordered[DISPLAY].where(has, _("no figure")).to_numpy() if DISPLAY in ordered else "",
        _("Refers to"): blank(REFERENCE), _("Source"): blank(SOURCE_TITLE), _("Quote"): blank(M.quote),
    }).reset_index(drop=True)
