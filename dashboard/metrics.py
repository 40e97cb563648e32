"""Pure transforms of the validated dataset: DataFrame in, new DataFrame out, no Streamlit.

`enrich_observations` joins each figure with its metric, region and source, and adds the text a
reader needs (value with its qualifier and unit, the reference date). The rest answer the pages'
questions: filter, compare regions honestly (bounds stay bounds, differing reference dates are
flagged), find time series and their growth, list coverage gaps, place events on a time axis.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from dashboard import citation, i18n
from dashboard.data import Dataset
from dashboard.i18n import N_, _, ngettext
from dashboard.schema import MetricCatalogue as C
from dashboard.schema import Metrics as M
from dashboard.schema import Regions as R
from dashboard.schema import Sources as S

# Columns added by enrich_observations.
LABEL, CATEGORY, VALUE_TYPE, LOWER_IS_BETTER, DEFINITION = "label", "category", "value_type", "lower_is_better", "definition"
ISO_CODE, NAME_ZH = "iso_code", "name_zh"
# The catalogue's Chinese columns, and the English label kept for URLs and downloads whatever the
# reader's language (localise replaces LABEL with the reader's).
LABEL_ZH, CATEGORY_ZH, DEFINITION_ZH, UNIT_ZH, LABEL_EN = "label_zh", "category_zh", "definition_zh", "unit_zh", "label_en"
# What a reader sees, in their language (localise): the region's name, the value a chart plots and
# its unit. Money is plotted in 亿元 for Chinese readers; `value` and `unit` stay as stored.
REGION_NAME, PLOT_VALUE, UNIT_SHOWN = "region_name", "plot_value", "unit_shown"
SOURCE_TITLE, PUBLISHED, FILE, PUBLISHER = "source_title", "published", "file", "publisher"
DISPLAY, SHORT, REFERENCE, IS_BOUND, PLOT_YEAR = "display_value", "short_value", "reference", "is_bound", "plot_year"
PROVENANCE = "provenance"
CURATED, USER_VERIFIED, USER_UNVERIFIED = "curated", "user-supplied, quote verified", "user-supplied, unverified"
# A series is one region's metric of one status from one provenance: user rows never extend,
# replace or mix with curated ones.
SERIES_KEY = [M.region, M.metric, M.status, PROVENANCE]

BOUNDS = ("more_than", "at_least", "at_most")
QUALIFIER_WORDS = {"exact": "", "approx": "about ", "more_than": "more than ", "at_least": "at least ", "at_most": "at most "}
# The words of each qualifier around a value, translated where shown ('more than {}': '超过{}').
QUALIFIER_TEMPLATES = {"exact": "{}", "approx": N_("about {}"), "more_than": N_("more than {}"),
                       "at_least": N_("at least {}"), "at_most": N_("at most {}")}
STATUS_WORDS = {"actual": N_("actual"), "target": N_("target"), "proposed": N_("proposed")}
QUALIFIER_NAMES = {"exact": N_("exact"), "approx": N_("approximate"), "more_than": N_("more than"),
                   "at_least": N_("at least"), "at_most": N_("at most")}
QUALIFIER_MARKS = {"exact": "{}", "approx": "≈{}", "more_than": ">{}", "at_least": "≥{}", "at_most": "≤{}"}
CENTRES_CATEGORY = "Manufacturing innovation centres"
# The regions the compare page starts with, and the first (strongest) colours of the palette.
DEFAULT_REGIONS = ("Shanxi", "Shandong")
# A figure whose text can be read two ways ('1 2': 12 or 1-2) carries this mark on bars and points,
# and its other reading wherever its value is written out in full.
AMBIGUOUS, UNCERTAIN_MARK = "ambiguous", " (?)"


def format_number(value: float) -> str:
    """14 -> '14', 52.18 -> '52.18', 1000 -> '1,000'."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.6g}" if abs(value) < 1e6 else f"{value:,.2f}"


def number_text(value: float) -> str:
    """A number as the reader's language writes it (English keeps format_number's rounding)."""
    return format_number(value) if i18n.active() == i18n.DEFAULT_LANGUAGE else i18n.format_number(value)


def date_text(iso: str) -> str:
    """A stored date as the reader reads it: as stored (2021-03-10) in English, the language's own
    way otherwise (2021年3月10日)."""
    return iso if i18n.active() == i18n.DEFAULT_LANGUAGE else i18n.format_date(iso)


# Curator-written English (notes, event titles, periods, a date as the document words it: "recently", "May 1")
# has no translation: a page in another language shows it marked, never passed off as translated.
ENGLISH_ORIGINAL = N_("[English original] {text}")
CURATOR_TEXT = ("title", "date_text", "note", "period_label")


def in_english(text: object) -> object:
    """Curator-written English as the reader's page shows it: marked as the English original on a
    page in another language; unchanged in English, and anything empty or not text unchanged."""
    if not isinstance(text, str) or not text.strip() or i18n.active() == i18n.DEFAULT_LANGUAGE:
        return text
    return _(ENGLISH_ORIGINAL).format(text=text)


def marked_english(frame: pd.DataFrame, columns: tuple[str, ...] = CURATOR_TEXT) -> pd.DataFrame:
    """`frame` (events) with its curator-written columns marked by in_english, for display only:
    downloads and the API keep the stored text."""
    if i18n.active() == i18n.DEFAULT_LANGUAGE:
        return frame
    return frame.assign(**{c: frame[c].map(in_english) for c in columns if c in frame})


def qualified(qualifier: str, text: str) -> str:
    """'more than 20 centres' / '超过20个': the qualifier's words around a value's text."""
    template = QUALIFIER_TEMPLATES[qualifier]
    return (template if qualifier == "exact" else _(template)).format(text)


def status_word(status: object) -> str:
    """'target' / '目标'; a status the catalogue does not know is shown as it is."""
    return _(STATUS_WORDS[status]) if status in STATUS_WORDS else str(status)


def shown_value(value: float, unit: str) -> float:
    """What a chart plots for a reader: 亿元 for money in Chinese, else the stored value."""
    if i18n.active() == "zh":
        yi = i18n.money_in_yi(value, unit)
        if yi is not None:
            return float(yi)
    return float(value)


def shown_unit(unit: str, unit_zh: object = None) -> str:
    """The unit in the reader's language: the catalogue's unit_zh (亿元 for money) in Chinese."""
    if i18n.active() == "zh" and isinstance(unit_zh, str):
        return i18n.YI_YUAN if unit in i18n.TO_YI else unit_zh
    return unit


def format_value(value: float, qualifier: str, unit: str, unit_zh: object = None) -> str:
    """'more than 20 centres', 'about 350 million yuan', 'rank 3'; in Chinese '超过20个',
    '约3.5亿元', '第3名' (the catalogue's unit_zh; money in 亿元)."""
    number = number_text(shown_value(value, unit))
    if unit == "rank":
        return qualified(qualifier, _("rank {}").format(number))
    if unit == "percent":
        return qualified(qualifier, f"{number}%")
    shown = shown_unit(unit, unit_zh)
    if shown != unit or i18n.active() == "zh":
        return qualified(qualifier, f"{number}{shown}")
    return qualified(qualifier, f"{number} {singular_unit(unit) if value == 1 else unit}")


def singular_unit(unit: str) -> str:
    """An English count unit for one: 'platforms' -> 'platform', 'factories' -> 'factory',
    'platforms per chain' -> 'platform per chain' (the catalogue writes units for many: '1
    platforms' misread as a slip). Units that are not plurals ('percent', 'million yuan') stay."""
    first, *rest = unit.split(" ")
    if first.endswith("ies") and len(first) > 4:
        first = first[:-3] + "y"
    elif first.endswith("s") and not first.endswith("ss") and len(first) > 3:
        first = first[:-1]
    return " ".join([first, *rest])


def is_uncertain(reading: object) -> bool:
    return reading == AMBIGUOUS


def uncertain_text(display: str, reading: object, reading_note: object) -> str:
    """The full value, with the other reading when the text can be read two ways:
    '12 factories (uncertain reading: the document writes '1 2': 12 ..., or 1 to 2 ...)'."""
    if not is_uncertain(reading):
        return display
    return _("{value} (uncertain reading: {note})").format(
        value=display, note=reading_note if isinstance(reading_note, str) else _("see the note"))


def short_value(value: float, qualifier: str, reading: object = "certain") -> str:
    """A compact label for a bar or point: '>20', '≥2', '≤3', '≈350', '14' (the marks are the same
    in every language; `value` is what the chart plots).

    Never '20+': that reads as '20 or more', which "more than 20" is not."""
    return QUALIFIER_MARKS[qualifier].format(number_text(value)) + (UNCERTAIN_MARK if is_uncertain(reading) else "")


def reference_text(year: object, year_basis: str, as_of: object) -> str:
    """When the figure refers to, in words a reader can cite: '2021 (reported 2022-11-23)', 'as of
    2021-03-10'; in Chinese '2021年（2022年11月23日报道）', '截至2021年3月10日'."""
    date = date_text(as_of) if isinstance(as_of, str) else None
    reported = _(" (reported {date})").format(date=date) if date else ""
    if year_basis == "stated" and pd.notna(year):
        return date_text(str(int(year))) + reported
    if year_basis == "as_of" and date:
        return _("as of {date}").format(date=date)
    return _("year not stated") + (reported or _(" (undated document)"))


def enrich_observations(dataset: Dataset, metrics: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every figure with its metric's label and type, its region's code, its source's title and date.

    `metrics` defaults to the curated figures; pass a user's validated upload to enrich it the same
    way. Its rows are labelled in `provenance`: quote verified when they name a shipped document
    (and so passed the quote checks), unverified otherwise, which their source title also says.
    """
    with i18n.speaking(i18n.DEFAULT_LANGUAGE):  # shared by every reader: localise() translates
        return _enrich(dataset, metrics)


def _enrich(dataset: Dataset, metrics: pd.DataFrame | None) -> pd.DataFrame:
    user_supplied = metrics is not None
    metrics = dataset.metrics if metrics is None else metrics
    catalogue = dataset.catalogue[[C.metric, C.label, C.category, C.value_type, C.lower_is_better, C.definition,
                                   C.label_zh, C.category_zh, C.definition_zh, C.unit_zh]]
    catalogue = catalogue.assign(**{LABEL_EN: catalogue[C.label]})
    regions = dataset.regions[[R.region, R.iso_code, R.name_zh]]
    sources = dataset.sources[[S.source_id, S.title, S.published, S.file, S.publisher]].rename(
        columns={S.title: SOURCE_TITLE}
    )
    obs = (
        metrics.merge(catalogue, on=M.metric, how="left", validate="many_to_one")
        .merge(regions, on=M.region, how="left", validate="many_to_one")
        .merge(sources, on=M.source_id, how="left", validate="many_to_one")
    )
    if user_supplied:
        shipped = obs[M.source_id].isin(dataset.sources[S.source_id])
        obs[PROVENANCE] = [USER_VERIFIED if s else USER_UNVERIFIED for s in shipped]
        named = [f"{USER_UNVERIFIED}: {s}" if isinstance(s, str) else f"{USER_UNVERIFIED} (no source named)" for s in obs[M.source_id]]
        obs[SOURCE_TITLE] = obs[SOURCE_TITLE].where(shipped, pd.Series(named, index=obs.index))
    else:
        obs[PROVENANCE] = CURATED
    obs[DISPLAY] = _per_distinct(obs, [M.value, M.qualifier, M.unit], format_value)
    obs[SHORT] = _per_distinct(obs, [M.value, M.qualifier], short_value)
    uncertain = obs[M.reading] == AMBIGUOUS  # few rows: their text is written out one by one
    if uncertain.any():
        rows = obs.loc[uncertain]
        obs.loc[uncertain, DISPLAY] = [uncertain_text(d, AMBIGUOUS, n) for d, n in zip(rows[DISPLAY], rows[M.reading_note])]
        obs.loc[uncertain, SHORT] = [f"{s}{UNCERTAIN_MARK}" for s in rows[SHORT]]
    obs[REFERENCE] = _per_distinct(obs, [M.year, M.year_basis, M.as_of], reference_text)
    obs[IS_BOUND] = obs[M.qualifier].isin(BOUNDS)
    obs[REGION_NAME] = obs[M.region]
    obs[PLOT_VALUE] = obs[M.value].astype(float)
    obs[UNIT_SHOWN] = obs[M.unit]
    return obs


def localise(obs: pd.DataFrame) -> pd.DataFrame:
    """Enriched observations with what a reader sees in the active language: region names, metric
    labels and definitions from the catalogues' Chinese columns, values ('超过20个', '约3.5亿元'),
    reference dates, and money plotted in 亿元. English is the enriched frame itself.

    Ids, stored values and units, categories (filters match them) and the English label stay; so
    does every quote and source title, which are evidence. Call it once per data version and
    language (session_data.derived): it writes every row's text."""
    if i18n.active() == i18n.DEFAULT_LANGUAGE or obs.empty:
        return obs
    zh = lambda column, fallback: obs[column].where(obs[column].notna(), obs[fallback])  # noqa: E731 - an upload's unknown metric
    local = obs.assign(**{REGION_NAME: zh(NAME_ZH, M.region), LABEL: zh(LABEL_ZH, LABEL),
                          DEFINITION: zh(DEFINITION_ZH, DEFINITION)})
    local[PLOT_VALUE] = _per_distinct(local, [M.value, M.unit], shown_value)
    local[UNIT_SHOWN] = _per_distinct(local, [M.unit, UNIT_ZH], shown_unit)
    local[DISPLAY] = _per_distinct(local, [M.value, M.qualifier, M.unit, UNIT_ZH, M.reading, M.reading_note],
                                   lambda v, q, u, z, r, n: uncertain_text(format_value(v, q, u, z), r, n))
    local[SHORT] = _per_distinct(local, [PLOT_VALUE, M.qualifier, M.reading], short_value)
    local[REFERENCE] = _per_distinct(local, [M.year, M.year_basis, M.as_of], reference_text)
    return local


def _per_distinct(frame: pd.DataFrame, columns: list[str], fn) -> pd.Series:
    """fn(*row) for every row, computed once per distinct combination of `columns`."""
    keys = frame[columns]
    distinct = keys.drop_duplicates()
    distinct = distinct.assign(_result=[fn(*row) for row in distinct.itertuples(index=False, name=None)])
    # A left merge keeps the rows' order; missing keys match missing keys.
    return pd.Series(keys.merge(distinct, on=columns, how="left")["_result"].to_numpy(), index=frame.index)


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
    name = lambda row: row.get(REGION_NAME, row[M.region])  # noqa: E731
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
    return caveats


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


PROVENANCE_WORDS = {CURATED: N_("curated"), USER_VERIFIED: N_("user-supplied, quote verified"),
                    USER_UNVERIFIED: N_("user-supplied, unverified")}


def provenance_word(provenance: object) -> str:
    return _(PROVENANCE_WORDS[provenance]) if provenance in PROVENANCE_WORDS else str(provenance)


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
                plotted = lambda r: r.get(PLOT_VALUE, r[M.value])  # noqa: E731 - money in the reader's unit
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


def cite_sources(obs: pd.DataFrame, most: int = 5) -> str:
    """'Source: Title (2022-11-23); Other title (undated)' for the documents behind these rows.

    At most `most` documents are named: a line citing thousands of documents is unreadable and,
    at a million rows, was a 700 KB message the browser choked on."""
    pairs = obs[[SOURCE_TITLE, PUBLISHED]].drop_duplicates()
    undated = _("undated")
    parts = [  # the titles are evidence: never translated
        f"{title} ({date_text(published) if isinstance(published, str) else undated})"
        for title, published in pairs.head(most).itertuples(index=False)
    ]
    if not parts:
        return _("Source: none (no rows)")
    more = _("; and {count} more documents (see the Sources page)").format(count=f"{len(pairs) - most:,}") \
        if len(pairs) > most else ""
    return (_("Source: {titles}") if len(pairs) == 1 else _("Sources: {titles}")).format(titles="; ".join(parts)) + more


def enrich_events(dataset: Dataset) -> pd.DataFrame:
    """Events with their source's title, date, publisher and file, and their region's ISO code, for
    hover text, source lines, citations and downloads."""
    sources = dataset.sources[[S.source_id, S.title, S.published, S.publisher, S.file]].rename(columns={S.title: SOURCE_TITLE})
    regions = dataset.regions[[R.region, R.iso_code, R.name_zh]]
    events = (dataset.events.merge(sources, on="source_id", how="left", validate="many_to_one")
              .merge(regions, on=R.region, how="left", validate="many_to_one"))
    return events.assign(**{REGION_NAME: region_names(events)})


def region_names(frame: pd.DataFrame) -> pd.Series:
    """Each row's region as the reader's language names it (regions.csv's name_zh in Chinese)."""
    if i18n.active() == "zh" and NAME_ZH in frame:
        return frame[NAME_ZH].where(frame[NAME_ZH].notna(), frame[M.region])
    return frame[M.region]


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


def source_overview(sources: pd.DataFrame, obs: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """One row per document, in the sources' order: id, title, published, publisher, and how many
    figures and events cite it. Counted with one value_counts per table, so 10,000 documents cost
    one pass over the rows, not one per document."""
    ids = sources[S.source_id]
    figures = obs[M.source_id].value_counts()
    dated = events[M.source_id].value_counts()  # events name their document in the same column
    return pd.DataFrame({
        S.source_id: ids.to_numpy(),
        S.title: sources[S.title].to_numpy(),
        S.published: sources[S.published].to_numpy(),
        S.publisher: sources[S.publisher].to_numpy(),
        "figures": ids.map(figures).fillna(0).astype(int).to_numpy(),
        "events": ids.map(dated).fillna(0).astype(int).to_numpy(),
    })


def rows_by_source(frame: pd.DataFrame, source_ids) -> dict[str, pd.DataFrame]:
    """Each listed document's rows of `frame` (figures or events; an empty frame when it has none),
    in their original order, split in one pass instead of comparing every row with every id.

    The rows are ordered by document once and each document is a slice of that: taking a few
    rows out of the loaded frame costs about as much as taking all of them (its text columns
    are Arrow arrays in many chunks), so one take per document was 35 ms each at a million rows.
    """
    codes, uniques = pd.factorize(frame[M.source_id])  # a row without a source gets -1, never asked for
    order = codes.argsort(kind="stable")
    ordered, codes = frame.iloc[order], codes[order]
    code_of = {source_id: code for code, source_id in enumerate(uniques)}
    split = {}
    for source_id in source_ids:
        code = code_of.get(source_id)
        split[source_id] = (frame.iloc[0:0] if code is None
                            else ordered.iloc[codes.searchsorted(code, "left"):codes.searchsorted(code, "right")])
    return split


def document_labels(sources: pd.DataFrame) -> dict[str, str]:
    """What a document picker shows for each source id: the title, followed by the id when another
    document has the same title. A picker bound to the URL keeps this label there and maps it
    back to one document, so two documents must never share a label."""
    shared = sources[S.title].duplicated(keep=False)
    return {
        source_id: f"{title} ({source_id})" if twin else title
        for source_id, title, twin in zip(sources[S.source_id], sources[S.title], shared, strict=True)
    }


def linked_document(sources: pd.DataFrame, given: object) -> str | None:
    """The source id a link's `?source=` names, by id or by its picker label (document_labels);
    None when it names no document."""
    if not isinstance(given, str):
        return None
    labels = document_labels(sources)
    if given in labels:
        return given
    return next((source_id for source_id, label in labels.items() if label == given), None)


def find_by_id(frame: pd.DataFrame, column: str, wanted: str) -> pd.Series | None:
    """The row whose id `column` (figure_id, event_id) is `wanted`, or None when there is none."""
    found = frame[frame[column] == wanted]
    return found.iloc[0] if len(found) else None


def stated_together(obs: pd.DataFrame, figure: pd.Series) -> pd.DataFrame:
    """The other figures taken from the same sentence of the same document (whitespace aside)."""
    same_source = obs[(obs[M.source_id] == figure[M.source_id]) & (obs[M.figure_id] != figure[M.figure_id])]
    quote = " ".join(str(figure[M.quote]).split())
    return same_source[[" ".join(str(q).split()) == quote for q in same_source[M.quote]]]


def same_metric_by_region(obs: pd.DataFrame, figure: pd.Series, region_order) -> pd.DataFrame:
    """This figure and, for every other region with the same metric and status, its latest figure,
    in `region_order` (the regions table's order): what a small comparison chart shows."""
    same = obs[(obs[M.metric] == figure[M.metric]) & (obs[M.status] == figure[M.status])
               & (obs[M.region] != figure[M.region])]
    rows = pd.concat([latest_observations(same), obs[obs[M.figure_id] == figure[M.figure_id]]])
    order = {region: i for i, region in enumerate(region_order)}
    return rows.assign(_order=rows[M.region].map(order)).sort_values("_order", kind="stable").drop(columns="_order")


# --- the province map ---------------------------------------------------------------------------
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
    blank = lambda column: ordered[column].where(has, "") if column in ordered else ""  # noqa: E731
    return pd.DataFrame({
        _("Figure"): citation.figure_urls(ordered[M.figure_id].astype(object)),
        _("Region"): ordered[REGION_NAME if REGION_NAME in ordered else M.region].to_numpy(),
        _("Value"): ordered[DISPLAY].where(has, _("no figure")).to_numpy() if DISPLAY in ordered else "",
        _("Refers to"): blank(REFERENCE), _("Source"): blank(SOURCE_TITLE), _("Quote"): blank(M.quote),
    }).reset_index(drop=True)
