"""Pandera models of the curated files: the one place each table's columns are defined and documented.

Each file in data/ has one `DataFrameModel` holding the checks that need only that table (types,
allowed values, ranges, keys, rules across its own columns). The checks that need another file
(the catalogues, the seed documents, the map's tile grid) are added by `metrics_schema`,
`events_schema`, `sources_schema`, `tile_grid_schema` and `regions_schema`, which bind a `Reference` built from the already-validated catalogues. Every
check has a name listed in `CHECK_TARGETS`, so a failure can be reported against one column of
one CSV line, with what was expected, in words.

Over ~400 lines: the per-table models and the checks across files are one contract, read together
when a column changes. The seam is there (the models end where `Reference` begins), should the
checks across files grow further.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow
import pyarrow.compute as pc
from pandera.typing import Series

from dashboard import vocabularies
from dashboard.evidence import (
    CARDINAL,
    ORDINAL,
    YEAR,
    _plain_digits,
    foreign_digits,
    normalise_whitespace,
    quote_in_document,
    quotes_in_documents,
    states_each,
)
from dashboard.i18n import N_
from dashboard.numbers import find_numbers, lost_dash_values, same_number_text

# The closed vocabularies with words and marks live in dashboard/vocabularies.py.
QUALIFIERS = vocabularies.QUALIFIER.values
STATUSES = vocabularies.STATUS.values
YEAR_BASES = vocabularies.YEAR_BASIS.values
READINGS = vocabularies.READING.values
VALUE_TYPES = ["count", "money", "percent", "rank"]
LANGUAGES = ["en", "zh"]  # a source document's language: its quotes stay verbatim in it
DECIMAL = r"^(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$"  # an exact factor, written as the units table writes it
REGION_LEVELS = ["country", "province", "municipality", "autonomous_region", "sar"]
DATE_PRECISIONS = ["day", "month", "year", "unknown"]
EVENT_TYPES = vocabularies.EVENT_TYPE.values
ID_KINDS = ["figure", "event"]
EXCLUSION_REASONS = vocabularies.EXCLUSION_REASON.values  # why a number is not a figure
# A readable slug (shanxi-technology-contract-turnover-2021): lower-case words joined by single
# hyphens. Ids outside this form (an upload's "user.line-5") can never collide with a curated one.
ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
ID_MAX_LENGTH = 80
# Chinese text: at least one CJK ideograph, so an English label copied into a _zh column fails.
CHINESE_TEXT = r"^.*[\u3400-\u9fff].*$"  # a full match for Frictionless, a prefix match for pandera
ID_IN_WORDS = (
    "a readable id: lower-case letters and digits, words joined by single hyphens "
    f"(e.g. shanxi-technology-contract-turnover-2021), at most {ID_MAX_LENGTH} characters"
)

ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"
COUNTRY_LEVEL = "country"
TILE_GRID_MAX = 20  # rows and columns of the province map; a bigger grid is a typo, not a layout
METRICS_KEY = ["region", "metric", "year", "status", "qualifier", "source_id"]
YEAR_MIN, YEAR_MAX = 1949, 2100

_DATE_FORMATS = {"day": r"^\d{4}-\d{2}-\d{2}$", "month": r"^\d{4}-\d{2}$", "year": r"^\d{4}$"}
_DATE_PARSE = {"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}


def _is_real_date(values: pd.Series, pattern: str = ISO_DATE, parse: str = "%Y-%m-%d") -> pd.Series:
    """Whether each value is a date that exists, written as `pattern`, in YEAR_MIN..YEAR_MAX
    (2021-02-30, 2018-13 and 0000 fail). Empty values pass: the column says whether it may be empty."""
    def real(distinct: pd.Series) -> pd.Series:
        written = distinct.fillna("").astype(str)
        parsed = pd.to_datetime(written.where(written.str.match(pattern), None), format=parse, errors="coerce")
        return distinct.isna() | parsed.dt.year.between(YEAR_MIN, YEAR_MAX)

    return _each_distinct(real, values)


def _period_in_order(df: pd.DataFrame) -> pd.Series:
    """Empty ends, or a start year not after the end year."""
    start = pd.to_numeric(df["period_start"], errors="coerce")
    end = pd.to_numeric(df["period_end"], errors="coerce")
    return start.isna() | end.isna() | (start <= end)


class Sources(pa.DataFrameModel):
    """data/sources.csv: one row per seed document."""

    source_id: Series[str] = pa.Field(
        unique=True, str_matches=r"^[a-z0-9][a-z0-9-]*$", description="Short stable id of the document."
    )
    file: Series[str] = pa.Field(
        unique=True,
        str_matches=r"^seeds/[A-Za-z0-9_.-]+\.txt$",
        description="Path of the document from the repository root, inside seeds/.",
    )
    title: Series[str] = pa.Field(description="The document's headline, as it appears in the document.")
    language: Series[str] = pa.Field(
        isin=LANGUAGES, description="The document's language (en, zh): its quotes stay verbatim in it."
    )
    publisher: Series[str] = pa.Field(nullable=True, description="Publisher where the document names one.")
    published: Series[str] = pa.Field(
        nullable=True, str_matches=ISO_DATE, description="ISO date the document states; empty when it states none."
    )
    published_text: Series[str] = pa.Field(
        nullable=True, description="The date line exactly as the document writes it."
    )
    sha256: Series[str] = pa.Field(str_matches=r"^[0-9a-f]{64}$", description="SHA-256 of the unchanged document.")
    note: Series[str] = pa.Field(nullable=True, description="What the document leaves unsaid, and other caveats.")

    @pa.dataframe_check(name="published_is_a_date")
    def published_is_a_date(cls, df: pd.DataFrame) -> pd.Series:
        return _is_real_date(df["published"])

    @pa.dataframe_check(name="published_has_its_text")
    def published_has_its_text(cls, df: pd.DataFrame) -> pd.Series:
        return df["published"].isna() | df["published_text"].notna()

    class Config:
        strict = True
        coerce = True


class Regions(pa.DataFrameModel):
    """data/regions.csv: reference table of regions (standard ISO 3166-2:CN codes and Chinese names)."""

    region: Series[str] = pa.Field(unique=True, description="English name used in the other files, e.g. Shanxi.")
    iso_code: Series[str] = pa.Field(
        unique=True, str_matches=r"^CN(-[A-Z]{2})?$", description="ISO 3166-2 code: CN-SX Shanxi, CN-SN Shaanxi."
    )
    name_zh: Series[str] = pa.Field(unique=True, description="Chinese name, e.g. 山西省.")
    level: Series[str] = pa.Field(isin=REGION_LEVELS, description="Administrative level.")

    class Config:
        strict = True
        coerce = True


class TileGrid(pa.DataFrameModel):
    """data/tile_grid.csv: where each provincial-level division sits on the province map.

    One equal square per division, placed roughly where it lies (standard reference data, adapted
    from geofacet's china_prov_grid1). The cross-file rules (every division of data/regions.csv
    but the country exactly once, codes from that file) are bound by `tile_grid_schema` and
    `regions_schema`."""

    iso_code: Series[str] = pa.Field(
        unique=True, description="ISO 3166-2 code of the division, as in data/regions.csv (CN-SX Shanxi)."
    )
    row: Series[int] = pa.Field(ge=0, le=TILE_GRID_MAX, description="Row of the tile, 0 at the top (north).")
    col: Series[int] = pa.Field(ge=0, le=TILE_GRID_MAX, description="Column of the tile, 0 at the left (west).")
    short_name_en: Series[str] = pa.Field(description="Short English name written on the tile, e.g. Shanxi.")
    short_name_zh: Series[str] = pa.Field(
        description="Short Chinese name for the tile, e.g. 山西: the start of the division's name_zh in data/regions.csv."
    )

    class Config:
        strict = True
        coerce = True
        unique = ["row", "col"]


class MetricCatalogue(pa.DataFrameModel):
    """data/metric_catalogue.csv: what each metric id means and the unit its values are in."""

    metric: Series[str] = pa.Field(unique=True, str_matches=r"^[a-z][a-z0-9_]*$", description="Metric id.")
    label: Series[str] = pa.Field(unique=True, description="Human-readable name shown in the dashboard.")
    label_zh: Series[str] = pa.Field(
        unique=True, str_matches=CHINESE_TEXT, description="The label in Simplified Chinese, shown to Chinese readers."
    )
    synonyms_zh: Series[str] = pa.Field(
        nullable=True, description="Other Chinese names a document may give the metric, separated by '; ' (the draft "
        "matches them as it matches label_zh)."
    )
    unit: Series[str] = pa.Field(description="The metric's canonical unit: every value is shown and compared in it.")
    unit_zh: Series[str] = pa.Field(
        description="The unit in Chinese (a measure word such as 个 or 项; money is shown in 亿元 whatever its unit)."
    )
    value_type: Series[str] = pa.Field(isin=VALUE_TYPES, description="count, money, percent or rank.")
    category: Series[str] = pa.Field(description="Theme used to group metrics.")
    category_zh: Series[str] = pa.Field(str_matches=CHINESE_TEXT, description="The category in Simplified Chinese.")
    # Kept as the literal text: pandas would coerce any non-empty string, "false" included, to True.
    lower_is_better: Series[str] = pa.Field(
        isin=["true", "false"], description="true for ranks, where 1 is best; false otherwise."
    )
    definition: Series[str] = pa.Field(description="What exactly is counted or measured.")
    definition_zh: Series[str] = pa.Field(str_matches=CHINESE_TEXT, description="The definition in Simplified Chinese.")

    @pa.dataframe_check(name="category_zh_consistent")
    def category_zh_consistent(cls, df: pd.DataFrame) -> pd.Series:
        """One Chinese name per category, so a category is one group in both languages."""
        names = df.groupby("category")["category_zh"].transform("nunique")
        return names.le(1)

    class Config:
        strict = True
        coerce = True


class Units(pa.DataFrameModel):
    """data/units.csv: the units a document may state a value in, and the exact factor to each
    metric's canonical unit (the catalogue's unit). A figure keeps the unit its document states
    (1025.3 亿元); charts, compare, growth, the map, downloads and the API convert it exactly."""

    unit: Series[str] = pa.Field(description="A unit as documents write it: 亿元, 万元, 家, 万家.")
    value_type: Series[str] = pa.Field(isin=VALUE_TYPES, description="The kind of value it measures.")
    canonical_unit: Series[str] = pa.Field(
        nullable=True, description="The catalogue unit it converts to (billion yuan); empty for a count's measure word "
        "(家, 个, 项, 条), which counts in whatever unit its metric counts."
    )
    factor: Series[str] = pa.Field(
        str_matches=DECIMAL,
        description="Exact decimal factor: 1 unit = factor canonical units (1 亿元 = 0.1 billion yuan).",
    )
    note: Series[str] = pa.Field(nullable=True, description="The conversion in words.")

    @pa.dataframe_check(name="canonical_unit_for_money")
    def canonical_unit_for_money(cls, df: pd.DataFrame) -> pd.Series:
        """Only a count's measure word may leave its canonical unit empty."""
        return (df["value_type"] == "count") | df["canonical_unit"].notna()

    @pa.dataframe_check(name="factor_not_zero")
    def factor_not_zero(cls, df: pd.DataFrame) -> pd.Series:
        return ~df["factor"].astype(str).str.fullmatch(r"0(?:\.0+)?")

    class Config:
        strict = True
        coerce = True
        unique = ["unit", "canonical_unit"]


def _id_field(what: str) -> pa.Field:
    return pa.Field(
        unique=True, str_matches=ID_PATTERN, str_length={"max_value": ID_MAX_LENGTH},
        description=f"Stable id of the {what}: a readable slug, unique, listed in data/published_ids.csv and "
        "never reused for anything else once published. Its page is /figure?id=<id>.",
    )


class PublishedIds(pa.DataFrameModel):
    """data/published_ids.csv: every figure and event id ever published, with what it names.

    Append-only. A row stays after its figure is removed, so that the id can never name another
    figure: a link or citation someone made keeps meaning what it meant."""

    id: Series[str] = pa.Field(unique=True, str_matches=ID_PATTERN, str_length={"max_value": ID_MAX_LENGTH},
                               description="The published figure_id or event_id.")
    kind: Series[str] = pa.Field(isin=ID_KINDS, description="figure (data/metrics.csv) or event (data/events.csv).")
    region: Series[str] = pa.Field(description="The region the id was published for.")
    metric: Series[str] = pa.Field(nullable=True, description="The metric a figure id was published for; empty for events.")
    source_id: Series[str] = pa.Field(description="The document the id was published for.")

    class Config:
        strict = True
        coerce = True


class Metrics(pa.DataFrameModel):
    """data/metrics.csv: one observation per row, each with the verbatim quote that states it."""

    figure_id: Series[str] = _id_field("figure")
    region: Series[str] = pa.Field(description="English region name from data/regions.csv.")
    metric: Series[str] = pa.Field(description="Metric id from data/metric_catalogue.csv.")
    value: Series[float] = pa.Field(description="The number the document states, in the unit it states it.")
    unit: Series[str] = pa.Field(
        description="Unit of the value as the document states it: the catalogue's unit for the metric, or a unit "
        "data/units.csv converts to it (亿元, 家)."
    )
    year: Series[pd.Int64Dtype] = pa.Field(
        nullable=True, ge=YEAR_MIN, le=YEAR_MAX, description="Reference year; empty when the document states none."
    )
    qualifier: Series[str] = pa.Field(isin=QUALIFIERS, description="exact, approx, more_than, at_least or at_most.")
    status: Series[str] = pa.Field(isin=STATUSES, description="actual result, target or proposal.")
    source_id: Series[str] = pa.Field(description="Document id from data/sources.csv.")
    quote: Series[str] = pa.Field(description="Shortest verbatim sentence or clause stating the value.")
    as_of: Series[str] = pa.Field(
        nullable=True, str_matches=ISO_DATE, description="Date the figure was reported (the document's date)."
    )
    year_basis: Series[str] = pa.Field(
        isin=YEAR_BASES,
        description="stated: the quote gives the year; as_of: year of the document's date; unstated: no year.",
    )
    period_start: Series[pd.Int64Dtype] = pa.Field(
        nullable=True, ge=YEAR_MIN, le=YEAR_MAX, description="First year of the span the figure covers."
    )
    period_end: Series[pd.Int64Dtype] = pa.Field(
        nullable=True, ge=YEAR_MIN, le=YEAR_MAX, description="Last year of the span the figure covers."
    )
    period_label: Series[str] = pa.Field(nullable=True, description="The span as the document words it.")
    note: Series[str] = pa.Field(nullable=True, description="Curator's note: how the figure was read.")
    reading: Series[str] = pa.Field(
        isin=READINGS,
        description="certain: the text can be read one way only; ambiguous: it can be read two ways (a stray space "
        "or a lost dash: '1 2' may be 12 or 1-2), and reading_note gives the other reading.",
    )
    reading_note: Series[str] = pa.Field(
        nullable=True, description="For an ambiguous reading: what the text writes and the other way to read it, in words."
    )

    @pa.dataframe_check(name="ambiguous_reading_is_explained")
    def ambiguous_reading_is_explained(cls, df: pd.DataFrame) -> pd.Series:
        if "reading" not in df or "reading_note" not in df:  # an upload may leave both out: certain
            return pd.Series(True, index=df.index)
        return (df["reading"] != "ambiguous") | df["reading_note"].notna()

    @pa.dataframe_check(name="as_of_is_a_date")
    def as_of_is_a_date(cls, df: pd.DataFrame) -> pd.Series:
        return _is_real_date(df["as_of"])

    @pa.dataframe_check(name="year_matches_basis")
    def year_matches_basis(cls, df: pd.DataFrame) -> pd.Series:
        year = pd.to_numeric(df["year"], errors="coerce")
        as_of_year = _each_distinct(lambda as_of: pd.to_numeric(as_of.str.slice(0, 4), errors="coerce"), df["as_of"])
        basis = df["year_basis"]
        return (
            ((basis == "stated") & year.notna())
            | ((basis == "unstated") & year.isna())
            | ((basis == "as_of") & year.notna() & (year == as_of_year))
            | ~basis.isin(YEAR_BASES)
        )

    @pa.dataframe_check(name="period_in_order")
    def period_in_order(cls, df: pd.DataFrame) -> pd.Series:
        return _period_in_order(df)

    @pa.dataframe_check(name="value_is_finite")
    def value_is_finite(cls, df: pd.DataFrame) -> pd.Series:
        value = pd.to_numeric(df["value"], errors="coerce")
        return value.isna() | value.abs().lt(float("inf"))

    class Config:
        strict = True
        coerce = True
        unique = METRICS_KEY


class Events(pa.DataFrameModel):
    """data/events.csv: dated policy events (plans, regulations, proposals) with their quotes."""

    event_id: Series[str] = _id_field("event")
    region: Series[str] = pa.Field(description="English region name from data/regions.csv.")
    date: Series[str] = pa.Field(nullable=True, description="ISO date, month (YYYY-MM) or year; empty when unknown.")
    date_precision: Series[str] = pa.Field(isin=DATE_PRECISIONS, description="day, month, year or unknown.")
    date_text: Series[str] = pa.Field(nullable=True, description="The date as the document words it.")
    title: Series[str] = pa.Field(description="What happened.")
    event_type: Series[str] = pa.Field(isin=EVENT_TYPES, description="Kind of event.")
    period_start: Series[pd.Int64Dtype] = pa.Field(
        nullable=True, ge=YEAR_MIN, le=YEAR_MAX, description="First year a plan covers."
    )
    period_end: Series[pd.Int64Dtype] = pa.Field(
        nullable=True, ge=YEAR_MIN, le=YEAR_MAX, description="Last year a plan covers."
    )
    source_id: Series[str] = pa.Field(description="Document id from data/sources.csv.")
    quote: Series[str] = pa.Field(description="Verbatim sentence or clause stating the event.")
    note: Series[str] = pa.Field(nullable=True, description="Curator's note.")

    @pa.dataframe_check(name="date_matches_precision")
    def date_matches_precision(cls, df: pd.DataFrame) -> pd.Series:
        ok = pd.Series(False, index=df.index)
        ok |= (df["date_precision"] == "unknown") & df["date"].isna()
        for precision, pattern in _DATE_FORMATS.items():
            real = df["date"].notna() & _is_real_date(df["date"], pattern, _DATE_PARSE[precision])
            ok |= (df["date_precision"] == precision) & real
        return ok | ~df["date_precision"].isin(DATE_PRECISIONS)

    @pa.dataframe_check(name="period_in_order")
    def period_in_order(cls, df: pd.DataFrame) -> pd.Series:
        return _period_in_order(df)

    class Config:
        strict = True
        coerce = True
        unique = ["region", "title"]


class Exclusions(pa.DataFrameModel):
    """data/exclusions.csv: numbers in the documents that are deliberately not figures, and why.

    With the figures and events, they account for every number in every document: the
    completeness audit (python -m dashboard.audit) fails on a number none of them accounts for."""

    source_id: Series[str] = pa.Field(description="Document id from data/sources.csv.")
    quote: Series[str] = pa.Field(description="Verbatim sentence or clause around the number, as in the document.")
    number: Series[str] = pa.Field(
        description="The number exactly as the quote writes it ('$48.94 million', 'Three', '2021-03-10'); every "
        "occurrence of it inside the quote is excluded."
    )
    reason: Series[str] = pa.Field(isin=EXCLUSION_REASONS, description="Why it is not a figure: " + ", ".join(EXCLUSION_REASONS) + ".")
    note: Series[str] = pa.Field(description="The reason in words, for a reader checking the decision.")

    class Config:
        strict = True
        coerce = True
        unique = ["source_id", "quote", "number"]


_LEVEL_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市")


def region_names(region: str, name_zh: str | None) -> tuple[str, ...]:
    """The names a document may call a region by: Shanxi, 山西省, 山西."""
    names = [region]
    if isinstance(name_zh, str) and name_zh:
        names.append(name_zh)
        short = next((name_zh[: -len(s)] for s in _LEVEL_SUFFIXES if name_zh.endswith(s) and len(name_zh) > len(s) + 1), None)
        if short:
            names.append(short)
    return tuple(names)


LEDGER_COLUMNS = ("id", "kind", "region", "metric", "source_id")


@dataclass(frozen=True)
class Reference:
    """What the cross-file checks look things up in, built from validated catalogues and seeds."""

    regions: frozenset[str]
    metrics: dict[str, tuple[str, str]]  # metric id -> (unit, value_type)
    documents: dict[str, str] = field(repr=False)  # source id -> whitespace-normalised text
    published: dict[str, str | None] = field(default_factory=dict)  # source id -> ISO date or None
    # data/published_ids.csv as validated (id, kind, region, metric, source_id; each id once)
    ledger: pd.DataFrame | None = field(default=None, repr=False, compare=False)
    # region -> the names a text may use for it: English, Chinese, Chinese without its level suffix
    region_names: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # (stated unit, canonical unit or "" for a count's measure word) -> (value type, exact factor), from data/units.csv
    units: dict[tuple[str, str], tuple[str, Decimal]] = field(default_factory=dict)

    @functools.cached_property
    def ids(self) -> dict[str, tuple[str, str, str | None, str]]:
        """Published id -> (kind, region, metric or None, source id): the ledger by id, built when
        first asked (a message about an id asks it; the check reads the ledger's Arrow columns)."""
        if self.ledger is None:
            return {}
        # Plain lists: a row tuple per id over pandas' Arrow-backed columns cost ~0.4 s at 100k ids.
        columns = [self.ledger[name].astype(object).tolist() for name in LEDGER_COLUMNS]
        return {
            id_: (kind, region, metric if isinstance(metric, str) else None, source)
            for id_, kind, region, metric, source in zip(*columns, strict=True)
        }

    def factor(self, stated_unit: object, metric: object) -> Decimal | None:
        """The exact factor from a value in `stated_unit` to the metric's canonical unit: 1 for the
        catalogue's unit itself, data/units.csv's factor for another (亿元 -> billion yuan: 0.1; a
        count's measure word 家: 1), None when the unit cannot be converted to the metric's."""
        if metric not in self.metrics or not isinstance(stated_unit, str):
            return None
        unit, value_type = self.metrics[metric]
        if stated_unit == unit:
            return Decimal(1)
        found = self.units.get((stated_unit, unit)) or (self.units.get((stated_unit, "")) if value_type == "count" else None)
        return found[1] if found and found[0] == value_type else None

    def units_for(self, metric: object) -> list[str]:
        """The units data/units.csv converts to the metric's canonical unit (亿元, 万元 for billion yuan)."""
        if metric not in self.metrics:
            return []
        unit, value_type = self.metrics[metric]
        return [stated for (stated, canonical), (kind, _) in self.units.items()
                if kind == value_type and (canonical == unit or canonical == "" and value_type == "count")]


# Columns that name a row of a catalogue: checked by metrics_schema and events_schema (known_region,
# known_metric, known_source) and published as foreign keys of the data package (dashboard/package.py).
REFERENCES: dict[str, dict[str, tuple[str, str]]] = {
    "Metrics": {"region": ("Regions", "region"), "metric": ("MetricCatalogue", "metric"),
                "source_id": ("Sources", "source_id")},
    "Events": {"region": ("Regions", "region"), "source_id": ("Sources", "source_id")},
    "TileGrid": {"iso_code": ("Regions", "iso_code")},
    "Exclusions": {"source_id": ("Sources", "source_id")},
}

# Check name -> (column it is about, what was expected). `expected` may depend on the row.
Expected = str | Callable[[pd.Series, "Reference | None"], str]
CHECK_TARGETS: dict[str, tuple[str, Expected]] = {
    "published_is_a_date": ("published", N_("a real calendar date (YYYY-MM-DD)")),
    "published_has_its_text": ("published_text", N_("the date line as the document writes it, since published is set")),
    "as_of_is_a_date": ("as_of", N_("a real calendar date (YYYY-MM-DD)")),
    "year_matches_basis": (
        "year",
        N_("a year when year_basis is 'stated', the as_of year when it is 'as_of', and empty when it is 'unstated'"),
    ),
    "period_in_order": ("period_end", N_("a year not before period_start")),
    "value_is_finite": ("value", N_("a finite number")),
    "category_zh_consistent": ("category_zh", N_("the same Chinese name as every other row of this category")),
    # Reported on `reading`: pandera leaves a failing row's empty cells (here reading_note) out.
    "ambiguous_reading_is_explained": ("reading", N_("'certain', or a reading_note giving the other reading in words")),
    "date_matches_precision": (
        "date",
        f"a real date from {YEAR_MIN} to {YEAR_MAX} at its precision (YYYY-MM-DD for day, YYYY-MM with month 01-12 for month, YYYY for year, "
        "empty for unknown)",
    ),
    "known_source": ("source_id", N_("a source_id listed in data/sources.csv")),
    "known_region": ("region", N_("a region listed in data/regions.csv")),
    "known_metric": ("metric", N_("a metric listed in data/metric_catalogue.csv")),
    "unit_matches_catalogue": (
        "unit",
        lambda row, ref: f"'{ref.metrics[row['metric']][0]}', the catalogue's unit for {row['metric']}"
        + (f", or a unit data/units.csv converts to it ({', '.join(ref.units_for(row['metric']))})"
           if ref.units_for(row["metric"]) else "")
        if ref and row.get("metric") in ref.metrics
        else "the catalogue's unit for the metric, or a unit data/units.csv converts to it",
    ),
    "unit_in_quote": (
        "unit",
        lambda row, ref: "the unit the quote writes with the value ("
        + (", ".join(f"'{u}'" for u in dict.fromkeys(units_written(row.get("value"), row.get("quote"), None)) if u)
           or "as written")
        + "): a figure keeps its document's unit; data/units.csv converts it to the metric's",
    ),
    # Reported on value_type: pandera leaves the failing row's empty canonical_unit out.
    "canonical_unit_for_money": ("value_type", N_("count (a measure word) when canonical_unit is empty: a unit of money, "
                                                  "percent or rank converts to a catalogue unit")),
    "factor_not_zero": ("factor", N_("a factor above 0")),
    "canonical_unit_in_catalogue": (
        "canonical_unit", N_("the unit of a metric of this value type in data/metric_catalogue.csv (or empty for a "
                             "count's measure word)"),
    ),
    "value_not_negative": ("value", N_("a value of 0 or more (counts and money cannot be negative)")),
    "value_whole_number": ("value", N_("a whole number (counts and ranks)")),
    "rank_at_least_one": ("value", N_("a rank of 1 or more")),
    "quote_in_document": ("quote", N_("text that occurs verbatim (whitespace aside) in the source document")),
    "value_in_quote": ("value", lambda row, ref: _expected_value(row, ref)),
    "year_in_quote": ("year", lambda row, ref: _expected_year(row, ref)),
    "region_in_source": ("region", lambda row, ref: _expected_region(row, ref)),
    "as_of_matches_source": (
        "as_of",
        lambda row, ref: f"the source's published date ({ref.published.get(row['source_id']) or 'empty: undated'})"
        if ref and row.get("source_id") in ref.published
        else "the source's published date",
    ),
    "date_text_in_quote": ("date_text", N_("words that occur in the quote")),
    "figure_id_published": (
        "figure_id",
        lambda row, ref: _published_as(row, ref, "figure", row.get("metric")),
    ),
    "event_id_published": ("event_id", lambda row, ref: _published_as(row, ref, "event", None)),
    "number_in_quote": ("number", N_("a number the quote writes, exactly as written there (digits, words, dates)")),
    "file_exists": ("file", N_("an existing file under seeds/")),
    "file_unchanged": ("sha256", N_("the SHA-256 of the file as shipped (seeds must stay unchanged)")),
    "title_in_document": ("title", N_("the headline as it appears in the document")),
    "published_text_in_document": ("published_text", N_("the date line exactly as it appears in the document")),
    "known_division": (
        "iso_code",
        N_("the ISO code of a provincial-level division in data/regions.csv (the country is shown beside the map, not on a tile)"),
    ),
    "short_name_zh_matches_region": (
        "short_name_zh",
        N_("the start of the division's Chinese name in data/regions.csv (山西 for 山西省)"),
    ),
    "has_tile": (
        "iso_code",
        N_("a tile in data/tile_grid.csv: every division but the country is on the province map "
        "(add a row iso_code,row,col,short_name_en,short_name_zh there)"),
    ),
}


def _published_as(row: pd.Series, ref: Reference | None, kind: str, metric: str | None) -> str:
    """What an id's row must match: the ledger entry it was published with, or a new entry."""
    what = " / ".join(str(part) for part in (row.get("region"), metric, row.get("source_id")) if isinstance(part, str))
    entry = ref.ids.get(row.get(f"{kind}_id")) if ref else None
    if row.get(f"{kind}_id") is None:  # no row at hand: the rule in general (the data package's words)
        return f"an id listed in data/published_ids.csv for this {kind}'s region{', metric' if metric or kind == 'figure' else ''} and source"
    if entry is None:
        return f"an id listed in data/published_ids.csv (add '{row.get(f'{kind}_id')},{kind},{what.replace(' / ', ',')}' there to publish it)"
    published = " / ".join(part for part in entry[1:] if part)
    return f"an id published for this {kind}; it was published as a {entry[0]} for {published}, not {what}"


def _arrow(column: pd.Series) -> pyarrow.ChunkedArray:
    """A string column as Arrow strings (no Python object per row; a missing value is null)."""
    return pyarrow.chunked_array(pyarrow.array(column.astype("str"), type=pyarrow.string()))


def _ids_published(df: pd.DataFrame, ref: Reference, kind: str) -> pd.Series:
    """Whether each row's id is in the ledger, for this kind, region, metric (figures) and source.
    A malformed id passes here: the format check reports it, and it could not be published anyway.
    Each row's ledger entry is found and compared column by column in Arrow; a missing value
    (null) matches nothing, and an event's entry has no metric."""
    ids = _arrow(df[f"{kind}_id"])
    if ref.ledger is None or not len(ref.ledger):
        published = np.zeros(len(df), dtype=bool)
    else:
        ledger = {name: _arrow(ref.ledger[name]) for name in LEDGER_COLUMNS}
        at = pc.index_in(ids, value_set=ledger["id"])  # null: not in the ledger
        entry = lambda name: pc.take(ledger[name], at)  # each row's ledger entry, by column
        same = lambda name: pc.equal(_arrow(df[name]), entry(name))
        metric = same("metric") if kind == "figure" else pc.is_null(entry("metric"))
        matches = [pc.is_valid(at), pc.equal(entry("kind"), kind), same("region"), metric, same("source_id")]
        published = np.logical_and.reduce([pc.fill_null(m, False).to_numpy(zero_copy_only=False) for m in matches])
    well_formed = re.compile(ID_PATTERN).fullmatch
    others = np.flatnonzero(~published)  # a published id is well formed: the pattern is asked of the others
    published[others] = [not isinstance(i, str) or not well_formed(i)
                         for i in df[f"{kind}_id"].iloc[others].astype(object).tolist()]
    return pd.Series(published, index=df.index, dtype=bool)


def _with_checks(schema: pa.DataFrameSchema, checks: list[pa.Check]) -> pa.DataFrameSchema:
    bound = copy.copy(schema)
    bound.checks = [*schema.checks, *checks]
    return bound


def distinct_rows(*columns: pd.Series) -> tuple[np.ndarray, list[tuple]]:
    """The distinct combinations of the columns' values (a missing value is a value, NaN), and
    for each row the position of its combination in that list: found from each column's codes
    (pandas.factorize), with no Python object per row."""
    codes, distinct = np.zeros(len(columns[0]), dtype=np.int64), []
    for column in columns:
        column_codes, uniques = pd.factorize(column, use_na_sentinel=False)
        codes = codes * max(len(uniques), 1) + column_codes
        distinct.append(uniques.astype(object))
    keys, rows = np.unique(codes, return_inverse=True)
    combinations = []
    for key in keys.tolist():
        values = []
        for uniques in reversed(distinct):
            key, code = divmod(key, max(len(uniques), 1))
            values.append(uniques[code])
        combinations.append(tuple(reversed(values)))
    return rows.reshape(-1), combinations


def _per_distinct(decide: Callable[..., bool], *columns: pd.Series) -> pd.Series:
    """decide(*values) for each row, asked once per distinct combination of the columns' values
    (a few units and metrics repeat over 100k rows)."""
    rows, combinations = distinct_rows(*columns)
    answers = np.array([bool(decide(*values)) for values in combinations], dtype=bool)
    return pd.Series(answers[rows], index=columns[0].index, dtype=bool)


def _lookup(series: pd.Series, mapping: dict, missing: object = np.nan) -> pd.Series:
    """Each key's value in `mapping`, `missing` where the key is not in it; looked up once per
    distinct key (a metric's value type, a document's date)."""
    codes, uniques = pd.factorize(series)
    found = np.full(len(uniques) + 1, missing, dtype=object)  # code -1, a missing key: the last
    for i, key in enumerate(uniques.astype(object)):
        found[i] = mapping.get(key, missing)
    return pd.Series(found[codes], index=series.index, dtype=object)


def _each_distinct(transform: Callable[[pd.Series], pd.Series], values: pd.Series) -> pd.Series:
    """transform(values) for an element-wise transform, computed on the distinct values only (a
    document's date repeats over its hundred figures) and spread back to every row."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)  # a missing value is a value
    return pd.Series(transform(pd.Series(uniques)).to_numpy()[codes], index=values.index)


Checkpoint = Callable[[float, str], None]


def _checkpointed(checks: list[pa.Check], checkpoint: Checkpoint | None, start: float = 0.2, end: float = 0.9) -> list[pa.Check]:
    """The checks, each calling checkpoint(done, 'Checking <name>') before it runs: where a caller
    reports progress, and where its raising stops validation (pandera catches Exception from a
    check; a BaseException such as Streamlit's StopException goes through)."""
    if checkpoint is None:
        return checks
    wrapped = []
    for i, check in enumerate(checks):
        # Defaults bind this check's values now; a closure would see the loop's last check.
        def run(df, _fn=check._check_fn, _done=start + (end - start) * i / len(checks), _step=check.name):  # noqa: B008 - see above
            checkpoint(_done, f"Checking {_step.replace('_', ' ')}")
            return _fn(df)

        wrapped.append(pa.Check(run, name=check.name, error=check.error))
    return wrapped


def _row_check(name: str, fn: Callable[[pd.DataFrame], pd.Series]) -> pa.Check:
    """A dataframe-level check that names one failing row per False, and never raises.

    A column the check needs is missing (KeyError): every row passes it, as the column-level check
    already reports the missing column. Any other error means the check could not tell: every row
    fails it, so a fault in a check shows as problems at file:line, never as a silent pass."""

    def run(df: pd.DataFrame) -> pd.Series:
        try:
            return fn(df).astype(bool)
        except KeyError:
            return pd.Series(True, index=df.index)
        except (TypeError, ValueError, AttributeError):
            return pd.Series(False, index=df.index)

    return pa.Check(run, name=name, error=name)


def _quotes_in_documents(df: pd.DataFrame, ref: Reference) -> pd.Series:
    # Plain lists iterate far faster than pandas' Arrow-backed string columns.
    sources, quotes = df["source_id"].astype(object).tolist(), df["quote"].astype(object).tolist()
    return pd.Series(quotes_in_documents(quotes, sources, ref.documents), index=df.index, dtype=bool)


# What kind of number a value of each value type must be stated as in its quote (evidence.classify).
KIND_OF_VALUE = {"count": CARDINAL, "money": CARDINAL, "percent": CARDINAL, "rank": ORDINAL}


def _numbers_in_quotes(numbers: pd.Series, quotes: pd.Series, kinds: list[str | None], memo: dict) -> pd.Series:
    """Whether each number is one its quote states as a number of its kind (None: any kind).
    `memo` holds what each quote states once read in full, shared by the value and year checks."""
    values = pd.to_numeric(numbers, errors="coerce").astype(float).tolist()
    stated = states_each(values, quotes.astype(object).tolist(), kinds, memo)
    # `v != v` is True only for NaN: a missing number is the column checks' business.
    return pd.Series([v != v or answer for v, answer in zip(values, stated, strict=True)], index=numbers.index)


def _other_readings_in_quotes(df: pd.DataFrame) -> pd.Series:
    """Whether each ambiguous row's value is the quote's other reading of digits split by a stray
    space: '1 2' states 12, and also 1 and 2 when the space is a lost dash. Certain rows: False."""
    ambiguous = (df["reading"] == "ambiguous").fillna(False).astype(bool) if "reading" in df else pd.Series(False, index=df.index)
    result = pd.Series(False, index=df.index)
    readings: dict[str, frozenset[float]] = {}  # once per distinct quote
    for index in df.index[ambiguous]:
        value, quote = pd.to_numeric(df.at[index, "value"], errors="coerce"), df.at[index, "quote"]
        if isinstance(quote, str) and quote not in readings:
            readings[quote] = frozenset(v for m in find_numbers(quote) for v in lost_dash_values(m))
        result[index] = isinstance(quote, str) and value in readings[quote]
    return result


def units_written(value: object, quote: object, kind: str | None) -> list[str]:
    """The units the quote writes with this value where the reader knows them (1025.3亿元: 亿元;
    23家: 家); "" for a mention of the value written with none."""
    number = pd.to_numeric(value, errors="coerce")
    if not isinstance(quote, str) or pd.isna(number):
        return []
    return [m.unit for m in _mentions_of(quote)
            if any(v == number and (kind is None or k == kind) for k, v in m.reads)]


@functools.lru_cache(maxsize=4096)
def _mentions_of(quote: str) -> list:
    return find_numbers(normalise_whitespace(quote))


def _units_in_quotes(df: pd.DataFrame, kinds: list[str | None], ref: Reference) -> pd.Series:
    """Whether each row's unit is the one its quote writes with the value: a row of 1025.3 billion
    yuan from "1025.3亿元" fails (the document states 亿元). A value the quote writes with no unit
    the reader knows (English "14 centres"), or does not state at all (value_in_quote's failure),
    passes here, as does a unit that cannot be converted to the metric's (unit_matches_catalogue's failure)."""
    convertible = _per_distinct(lambda u, m: ref.factor(u, m) is not None, df["unit"], df["metric"]).to_numpy()
    # Only a cardinal's quote in Chinese or naming yuan may write a unit (_may_write_a_unit): those
    # rows are found column-wise, and only they are read one by one.
    quotes = df["quote"].astype("str")
    may = (np.array([k == CARDINAL for k in kinds], dtype=bool) & quotes.notna().to_numpy(dtype=bool)
           & (~quotes.str.isascii() | quotes.str.contains("yuan", regex=False)).fillna(False).to_numpy(dtype=bool))
    answers = np.ones(len(df), dtype=bool)
    rows = np.flatnonzero(may & convertible)
    if len(rows):
        answers[rows] = [
            not _may_write_a_unit(q, k, v, u) or not (written := units_written(v, q, k)) or "" in written or u in written
            for v, q, u, k in zip(df["value"].to_numpy()[rows].tolist(), df["quote"].iloc[rows].astype(object).tolist(),
                                  df["unit"].iloc[rows].astype(object).tolist(), [kinds[i] for i in rows], strict=True)
        ]
    return pd.Series(answers, index=df.index)


def _may_write_a_unit(quote: object, kind: str | None, value: object = None, unit: object = None) -> bool:
    """Whether the quote must be read in full to know the unit it writes with the value: Chinese text
    (亿元, 家), or an English amount in yuan not written as the row's value and unit ("52.18 billion
    yuan" for 52.18 billion yuan passes at once). Other quotes state no unit the reader knows."""
    if kind != CARDINAL or not isinstance(quote, str):
        return False
    if not quote.isascii():
        return True
    if "yuan" not in quote:
        return False
    plain = _plain_digits(value) if isinstance(value, (int, float)) and value == value else None
    return plain is None or f"{plain} {unit}" not in quote


def _stated_years_in_quotes(df: pd.DataFrame, memo: dict) -> pd.Series:
    """Whether each row whose year is marked as stated has that year, as a year, in its quote (others pass)."""
    stated = (df["year_basis"] == "stated").fillna(False).astype(bool)
    result = pd.Series(True, index=df.index)
    if stated.any():
        result[stated] = _numbers_in_quotes(
            df.loc[stated, "year"], df.loc[stated, "quote"], [YEAR] * int(stated.sum()), memo
        )
    return result


def _names_region(text: str, names: tuple[str, ...]) -> bool:
    """Whether the text names the region: its English name as a word, or its Chinese name (full,
    or without the level suffix: 山西 for 山西省)."""
    for name in names:
        start = text.find(name)
        while start >= 0:
            end = start + len(name)
            if not name.isascii() or not (text[start - 1:start].isalpha() or text[end:end + 1].isalpha()):
                return True
            start = text.find(name, start + 1)
    return False


def _regions_in_sources(df: pd.DataFrame, ref: Reference) -> pd.Series:
    """Whether each row's region is named in its quote or else in its document. The quotes are
    searched per region with one vectorised (Arrow) search each, over a slice of them sorted by region; only the rows whose quote does not
    name the region look in the document, once per region and document."""
    # Arrow-backed: no object per row. A missing quote is null there, named nowhere (its own column
    # check reports it); converting it as a Python float failed the whole check, every row of it.
    quotes = pyarrow.array(df["quote"].astype("str"), type=pyarrow.string(), from_pandas=True)
    # The quotes in order of region (one take), so each region's rows are one slice of them.
    codes, regions = pd.factorize(df["region"])  # a missing region (-1) is named nowhere
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(regions) + 1))
    by_region = quotes.take(pyarrow.array(order))
    named = np.zeros(len(df), dtype=bool)
    for code, region in enumerate(regions.astype(object)):
        some = by_region.slice(bounds[code], bounds[code + 1] - bounds[code])
        hits = np.zeros(len(some), dtype=bool)
        for name in ref.region_names.get(region, ()):
            if name.isascii():  # as a word: not inside a longer one
                pattern = f"(^|[^A-Za-z]){re.escape(name)}([^A-Za-z]|$)"
                hits |= pc.fill_null(pc.match_substring_regex(some, pattern), False).to_numpy(zero_copy_only=False)
            else:
                hits |= pc.fill_null(pc.match_substring(some, name), False).to_numpy(zero_copy_only=False)
        named[order[bounds[code]:bounds[code + 1]]] = hits
    in_document: dict[tuple, bool] = {}
    rows = np.flatnonzero(~named)
    sources = df["source_id"].iloc[rows].astype(object).tolist()
    for i, region, source in zip(rows, df["region"].iloc[rows].astype(object).tolist(), sources, strict=True):
        key = (region, source)
        if key not in in_document:
            in_document[key] = _names_region(ref.documents.get(source) or "", ref.region_names.get(region, ()))
        named[i] = in_document[key]
    return pd.Series(named, index=df.index)


def _foreign_digits_note(quote: object) -> str:
    pieces = foreign_digits(quote) if isinstance(quote, str) else []
    if not pieces:
        return ""
    shown = ", ".join(f"'{piece}'" for piece in pieces[:3])
    return (f"; the quote's {shown} {'is' if len(pieces) == 1 else 'are'} not read as numbers: only ASCII digits "
            "0-9 are numbers in this data (not full-width or other scripts' digits, nor digits joined by '_')")


def _expected_value(row: pd.Series, ref: Reference | None) -> str:
    value_type = ref.metrics.get(row.get("metric"), (None, None))[1] if ref else None
    what = {
        "rank": "a rank the quote states as an ordinal (third, 34th, ranked 12, the 1 1 in)",
        None: "a number the quote states (digits, digits split by a space, or a number word)",
    }.get(value_type, "a number the quote states as a count or amount (digits, digits split by a space, or a "
                      "number word), not a year, an ordinal, a date or time, or part of a name (5G)")
    return what + _foreign_digits_note(row.get("quote"))


def _expected_year(row: pd.Series, ref: Reference | None) -> str:
    return "a year the quote states as a year, since year_basis is 'stated'" + _foreign_digits_note(row.get("quote"))


def _expected_region(row: pd.Series, ref: Reference | None) -> str:
    names = " or ".join(ref.region_names.get(row.get("region"), ())) if ref else ""
    return f"a region the quote or else its document names ({names or 'its English or Chinese name'})"


def metrics_schema(ref: Reference, user_supplied: bool = False, checkpoint: Checkpoint | None = None) -> pa.DataFrameSchema:
    """The Metrics model plus the checks that look into the catalogues and the seed documents.

    With `user_supplied` (an uploaded file), a row may name no source or one we do not ship: it is
    kept and later labelled unverified. Rows that name a shipped source get every quote check.
    `checkpoint` is called before each of these checks (see _checkpointed).
    """
    value_type = lambda df: _lookup(df["metric"], {k: v[1] for k, v in ref.metrics.items()})
    value = lambda df: pd.to_numeric(df["value"], errors="coerce")
    # The kind each row's value must be stated as; None for a metric not in the catalogue.
    kind_of = {metric: KIND_OF_VALUE.get(kind) for metric, (_, kind) in ref.metrics.items()}
    kinds = lambda df: _lookup(df["metric"], kind_of, missing=None).tolist()
    stated: dict = {}  # quote -> what it states, read in full at most once (see evidence.states)
    if user_supplied:
        # An upload's own ids are replaced by session ids (data.validate_upload): it needs none.
        base = Metrics.to_schema().update_columns({
            "source_id": {"nullable": True}, "quote": {"nullable": True},
            "figure_id": {"nullable": True, "required": False, "unique": False},
            # Files written before the reading columns existed stay valid: data.validate_upload
            # reads a missing or empty reading as 'certain'.
            "reading": {"required": False, "nullable": True}, "reading_note": {"required": False},
        })
        # Only rows that name a shipped document can be, and are, checked against it.
        unchecked = lambda df: ~df["source_id"].isin(ref.documents)
        source_checks = []
    else:
        base = Metrics.to_schema()
        unchecked = lambda df: pd.Series(False, index=df.index)
        source_checks = [
            _row_check("known_source", lambda df: df["source_id"].isin(ref.documents)),
            _row_check("figure_id_published", lambda df: _ids_published(df, ref, "figure")),
        ]
    return _with_checks(
        base,
        _checkpointed([
            *source_checks,
            _row_check("known_region", lambda df: df["region"].isin(ref.regions)),
            _row_check("known_metric", lambda df: df["metric"].isin(ref.metrics)),
            _row_check(
                "unit_matches_catalogue",
                lambda df: _per_distinct(lambda u, m: m not in ref.metrics or ref.factor(u, m) is not None,
                                         df["unit"], df["metric"]),
            ),
            _row_check(
                "value_not_negative",
                lambda df: ~value_type(df).isin(["count", "money"]) | value(df).isna() | (value(df) >= 0),
            ),
            _row_check(
                "value_whole_number",
                lambda df: ~value_type(df).isin(["count", "rank"]) | value(df).isna() | (value(df) % 1 == 0),
            ),
            _row_check("rank_at_least_one", lambda df: (value_type(df) != "rank") | value(df).isna() | (value(df) >= 1)),
            _row_check(
                "quote_in_document",
                lambda df: unchecked(df) | ~df["source_id"].isin(ref.documents) | _quotes_in_documents(df, ref),
            ),
            _row_check(
                "value_in_quote",
                lambda df: unchecked(df)
                | _numbers_in_quotes(df["value"], df["quote"], kinds(df), stated)
                | _other_readings_in_quotes(df),
            ),
            _row_check(
                "unit_in_quote",
                lambda df: unchecked(df) | _units_in_quotes(df, kinds(df), ref),
            ),
            _row_check("year_in_quote", lambda df: unchecked(df) | _stated_years_in_quotes(df, stated)),
            _row_check(
                "region_in_source",
                lambda df: unchecked(df) | ~df["source_id"].isin(ref.documents) | ~df["region"].isin(ref.regions)
                | _regions_in_sources(df, ref),
            ),
            _row_check(
                "as_of_matches_source",
                lambda df: _per_distinct(lambda source, as_of: source not in ref.published
                                         or (as_of if isinstance(as_of, str) else "") == (ref.published[source] or ""),
                                         df["source_id"], df["as_of"]),
            ),
        ], checkpoint),
    )


def events_schema(ref: Reference) -> pa.DataFrameSchema:
    """The Events model plus the checks that look into the catalogues and the seed documents."""
    return _with_checks(
        Events.to_schema(),
        [
            _row_check("known_source", lambda df: df["source_id"].isin(ref.documents)),
            _row_check("known_region", lambda df: df["region"].isin(ref.regions)),
            _row_check("event_id_published", lambda df: _ids_published(df, ref, "event")),
            _row_check("quote_in_document", lambda df: ~df["source_id"].isin(ref.documents) | _quotes_in_documents(df, ref)),
            _row_check(
                "date_text_in_quote",
                lambda df: pd.Series(
                    [
                        not isinstance(text, str) or (isinstance(quote, str) and quote_in_document(text, quote))
                        for text, quote in zip(df["date_text"], df["quote"], strict=True)
                    ],
                    index=df.index,
                ),
            ),
        ],
    )


def _numbers_written_in_quotes(df: pd.DataFrame) -> pd.Series:
    return pd.Series(
        [isinstance(number, str) and isinstance(quote, str)
         and any(same_number_text(m.text, number) for m in find_numbers(quote))
         for number, quote in zip(df["number"], df["quote"], strict=True)],
        index=df.index,
    )


def exclusions_schema(ref: Reference) -> pa.DataFrameSchema:
    """The Exclusions model plus the checks against the documents: each quote is in its document
    and writes the excluded number."""
    return _with_checks(
        Exclusions.to_schema(),
        [
            _row_check("known_source", lambda df: df["source_id"].isin(ref.documents)),
            _row_check("quote_in_document", lambda df: ~df["source_id"].isin(ref.documents) | _quotes_in_documents(df, ref)),
            _row_check("number_in_quote", _numbers_written_in_quotes),
        ],
    )


def sources_schema(documents: dict[str, str | None], digests: dict[str, str | None]) -> pa.DataFrameSchema:
    """The Sources model plus checks against the files themselves.

    `documents` maps each listed file path to its normalised text (None when it cannot be read) and
    `digests` maps it to its SHA-256.
    """
    in_document = lambda column: lambda df: pd.Series(
        [
            not isinstance(text, str)
            or (isinstance(documents.get(path), str) and quote_in_document(text, documents[path]))
            for text, path in zip(df[column], df["file"], strict=True)
        ],
        index=df.index,
    )
    readable = [path for path, text in documents.items() if text is not None]  # not a lookup of long texts
    return _with_checks(
        Sources.to_schema(),
        [
            _row_check("file_exists", lambda df: df["file"].isin(readable)),
            _row_check(
                "file_unchanged",
                lambda df: ~df["file"].isin(readable) | (df["sha256"] == _lookup(df["file"], digests)),
            ),
            _row_check("title_in_document", in_document("title")),
            _row_check("published_text_in_document", in_document("published_text")),
        ],
    )


def units_schema(catalogue_units: dict[str, frozenset[str]]) -> pa.DataFrameSchema:
    """The Units model plus the rule that each canonical unit is the catalogue's unit of a metric
    of the same value type (`catalogue_units`: value type -> the units its metrics are in)."""
    return _with_checks(
        Units.to_schema(),
        [_row_check("canonical_unit_in_catalogue", lambda df: pd.Series(
            [not isinstance(unit, str) or unit in catalogue_units.get(kind, ())
             for unit, kind in zip(df["canonical_unit"], df["value_type"], strict=True)], index=df.index))],
    )


def tile_grid_schema(divisions: dict[str, str]) -> pa.DataFrameSchema:
    """The TileGrid model plus the checks against the regions catalogue.

    `divisions` maps the ISO code of every division that gets a tile (each region whose level is
    not the country) to its Chinese name."""
    return _with_checks(
        TileGrid.to_schema(),
        [
            _row_check("known_division", lambda df: df["iso_code"].isin(divisions)),
            _row_check(
                "short_name_zh_matches_region",
                lambda df: pd.Series(
                    [code not in divisions or (isinstance(short, str) and divisions[code].startswith(short))
                     for code, short in zip(df["iso_code"], df["short_name_zh"], strict=True)],
                    index=df.index,
                ),
            ),
        ],
    )


def regions_schema(tile_codes: frozenset[str]) -> pa.DataFrameSchema:
    """The Regions model plus the rule that every division but the country has a tile on the map."""
    return _with_checks(
        Regions.to_schema(),
        [_row_check("has_tile", lambda df: (df["level"] == COUNTRY_LEVEL) | df["iso_code"].isin(tile_codes))],
    )
