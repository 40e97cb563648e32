"""What a query string of /explore or of the read API means: the filters, and a page of the result.

/explore binds its widgets to the URL (`region`, `metric` by its label, `category`, `years` as two
values, `status`, `qualifier`, `undated`, repeated keys for lists); the API takes the same keys with
the same meaning, so `/api/figures.csv?<an /explore query string>` is that view's download. A page
in Chinese writes its values in Chinese (`region=山西省&status=目标`) and adds `lang=zh`: every name
a page may write (`filter_aliases`: Chinese names, a metric's id, a region's ISO code) means the
same value, so the API answers the same rows in either form.
`filter_choices` lists what each key may hold (the page's widget options, so both accept the same
values), `make_filters` turns chosen values into `Filters` the one way both use, and
`filters_from_query` parses a query string for the API, raising `BadParameter` naming the key for
anything the page would silently drop. `query_from_filters` writes Filters back as the page's URL
holds them. `page_request` reads the API's `_size` and `_next`, `response_shape` its `_shape`.
No Streamlit here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pandas as pd

from dashboard import i18n, vocabularies
from dashboard import metrics as mx
from dashboard.schema import Metrics as M

REGION, METRIC, CATEGORY, YEARS, STATUS, QUALIFIER, UNDATED = (
    "region", "metric", "category", "years", "status", "qualifier", "undated")
FILTER_KEYS = (REGION, METRIC, CATEGORY, YEARS, STATUS, QUALIFIER, UNDATED)
SIZE, NEXT, SHAPE, LANG = "_size", "_next", "_shape", "lang"
# Streamlit's own URL options: an /explore URL may carry them, and they say nothing about the data.
IGNORED_KEYS = ("embed", "embed_options")
# `_shape=array`: the rows as a plain JSON array (pd.read_json(url) reads a clean frame); the default
# wraps them in an object with the data version and the paging fields.
SHAPES = ("object", "array")
ALIAS_WORDS = {REGION: "a Chinese name or an ISO code", METRIC: "a metric id or a Chinese label",
               CATEGORY: "a Chinese name", STATUS: "the word in Chinese", QUALIFIER: "the word in English or Chinese"}
DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE = 1000, 10_000
MAX_VALUES_LISTED = 12
_TOKEN = re.compile(r"([0-9a-f]{1,64})\.([0-9]{1,12})")  # fullmatch: `$` would accept a trailing newline


class BadParameter(ValueError):
    """A query parameter the API cannot honour: `parameter` names it, `message` says why.

    `status` is 400 for a malformed or unknown value, 409 for a page token of older data."""

    def __init__(self, parameter: str, message: str, status: int = 400):
        super().__init__(f"{parameter}: {message}")
        self.parameter, self.message, self.status = parameter, message, status


@dataclass(frozen=True)
class FilterChoices:
    """What each filter may hold: the options /explore offers for these rows, in its order."""

    regions: tuple[str, ...] = ()
    metrics: tuple[tuple[str, str], ...] = ()  # (metric id, label): the URL carries the label
    categories: tuple[str, ...] = ()
    years: tuple[int, int] | None = None  # the year range a slider can narrow; None: no slider
    statuses: tuple[str, ...] = ()
    qualifiers: tuple[str, ...] = ()
    # key -> {another name of a value: the value}: what filter_aliases lists
    aliases: Mapping[str, Mapping[str, str]] = field(default_factory=dict, compare=False, hash=False)

    @property
    def labels(self) -> dict[str, str]:
        return dict(self.metrics)


def _every_language(words: Mapping[str, str]) -> dict[str, str]:
    """{the word in each language: its code} for a vocabulary of code -> msgid (mx.STATUS_WORDS)."""
    return {i18n.translations(language).gettext(msgid): code
            for code, msgid in words.items() for language in i18n.LANGUAGES}


def filter_aliases(regions: pd.DataFrame, catalogue: pd.DataFrame) -> dict[str, dict[str, str]]:
    """Every other name a page's URL (or a script) may give a filter value by, per key: a region by
    its Chinese name or ISO code, a metric by its Chinese label (the id is always taken), a category
    by its Chinese name, a status and a qualifier by their word in any language (目标, more than)."""
    return {
        REGION: {**dict(zip(regions["name_zh"], regions["region"], strict=True)),
                 **dict(zip(regions["iso_code"], regions["region"], strict=True))},
        METRIC: dict(zip(catalogue["label_zh"], catalogue["label"], strict=True)),
        CATEGORY: dict(zip(catalogue["category_zh"], catalogue["category"], strict=True)),
        STATUS: _every_language(mx.STATUS_WORDS),
        QUALIFIER: _every_language(mx.QUALIFIER_NAMES),
    }


def filter_choices(regions: Iterable[str], labels: dict[str, str], obs: pd.DataFrame,
                   aliases: Mapping[str, Mapping[str, str]] | None = None) -> FilterChoices:
    """The options for these observations: regions (in the regions table's order), metrics (by
    label), categories, statuses and qualifiers that occur, and the year range when it spans years;
    `aliases` (filter_aliases) are the other names each value may be given by."""
    bounds = mx.year_bounds(obs)
    return FilterChoices(
        regions=tuple(mx.present_in_order(regions, obs[M.region])),
        metrics=tuple((m, labels[m]) for m in sorted(obs[M.metric].unique(), key=labels.get)),
        categories=tuple(sorted(obs[mx.CATEGORY].unique())),
        years=bounds if bounds and bounds[0] < bounds[1] else None,
        statuses=tuple(sorted(obs[M.status].unique())),
        qualifiers=tuple(mx.present_in_order(vocabularies.QUALIFIER.values, obs[M.qualifier])),
        aliases=aliases or {},
    )


def make_filters(choices: FilterChoices, regions=(), metrics=(), categories=(), years=None, statuses=(),
                 qualifiers=(), include_undated: bool = True) -> mx.Filters:
    """Filters from chosen values: a year range that is the whole range filters nothing."""
    years = tuple(int(y) for y in years) if years is not None else None
    return mx.Filters(tuple(regions), tuple(metrics), tuple(categories), None if years == choices.years else years,
                      tuple(statuses), tuple(qualifiers), include_undated)


def _grouped(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    return grouped


def _listed(values: Iterable[str]) -> str:
    values = list(values)
    shown = ", ".join(repr(v) for v in values[:MAX_VALUES_LISTED])
    return shown + (f" and {len(values) - MAX_VALUES_LISTED} more" if len(values) > MAX_VALUES_LISTED else "")


def _shown(value: str, limit: int = 80) -> str:
    return repr(value if len(value) <= limit else value[:limit] + "...")


def _chosen(key: str, values: list[str], options: tuple[str, ...],
            aliases: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """Each value once, in the URL's order, another name (`aliases`) read as the value it names; an
    empty value clears the filter, as on the page."""
    allowed = set(options)
    aliases = aliases or {}
    chosen = []
    for given in values:
        if given == "":
            continue
        value = given if given in allowed else aliases.get(given, given)
        if value not in allowed:
            also = f" (or {ALIAS_WORDS[key]})" if aliases else ""
            raise BadParameter(key, f"unknown value {_shown(given)}; expected one of {_listed(options)}{also}")
        if value not in chosen:
            chosen.append(value)
    return tuple(chosen)


def _years(values: list[str], bounds: tuple[int, int] | None) -> tuple[int, int] | None:
    if bounds is None:
        raise BadParameter(YEARS, "the figures span no range of years to filter on")
    expected = f"two whole years from {bounds[0]} to {bounds[1]}, first and last (years={bounds[0]}&years={bounds[1]})"
    if len(values) != 2 or not all(re.fullmatch(r"[0-9]{4}", v) for v in values):
        raise BadParameter(YEARS, f"expected {expected}; got {_listed(values)}")
    low, high = int(values[0]), int(values[1])
    if not bounds[0] <= low <= high <= bounds[1]:
        raise BadParameter(YEARS, f"expected {expected}; got {low} to {high}")
    return low, high


def _flag(values: list[str]) -> bool:
    if len(values) != 1 or values[0].lower() not in ("true", "false"):
        raise BadParameter(UNDATED, f"expected true or false; got {_listed(values)}")
    return values[0].lower() == "true"


def _language(values: list[str]) -> None:
    if len(values) != 1 or values[0] not in i18n.LANGUAGES:
        raise BadParameter(LANG, f"expected one of {_listed(i18n.LANGUAGES)} (the page's language; the rows are the "
                                 f"same in each); got {_listed(values)}")


def filters_from_query(pairs: Iterable[tuple[str, str]], choices: FilterChoices,
                       keys: tuple[str, ...] = FILTER_KEYS) -> mx.Filters:
    """The Filters an /explore URL with this query shows; `keys` are the filters the caller takes.

    Raises BadParameter for an unknown key or a value /explore would drop. `lang` (the page's
    language) is checked and changes nothing; `_size`, `_next` (see page_request), `_shape` (see
    response_shape) and Streamlit's own `embed` options are left to others."""
    grouped = _grouped(pairs)
    for key in grouped:
        if key not in keys and key not in (LANG, SIZE, NEXT, SHAPE, *IGNORED_KEYS):
            raise BadParameter(key, "unknown parameter; the parameters here are "
                                    + ", ".join([*keys, LANG, SIZE, NEXT, SHAPE]))
    if LANG in grouped:
        _language(grouped[LANG])
    labels = {label: metric for metric, label in choices.metrics}
    # A metric by its id too: the `metric` column of every download holds it.
    metric_names = {**choices.aliases.get(METRIC, {}), **{metric: label for metric, label in choices.metrics}}
    get = lambda key: grouped.get(key, [])
    alias = choices.aliases.get
    return make_filters(
        choices,
        regions=_chosen(REGION, get(REGION), choices.regions, alias(REGION)),
        metrics=tuple(labels[label] for label in _chosen(METRIC, get(METRIC), tuple(labels), metric_names)),
        categories=_chosen(CATEGORY, get(CATEGORY), choices.categories, alias(CATEGORY)),
        years=_years(get(YEARS), choices.years) if YEARS in grouped else None,
        statuses=_chosen(STATUS, get(STATUS), choices.statuses, alias(STATUS)),
        qualifiers=_chosen(QUALIFIER, get(QUALIFIER), choices.qualifiers, alias(QUALIFIER)),
        include_undated=_flag(get(UNDATED)) if UNDATED in grouped else True,
    )


def query_from_filters(filters: mx.Filters, choices: FilterChoices) -> list[tuple[str, str]]:
    """The query pairs of /explore showing these filters (what filters_from_query reads back);
    values at their default stay out of the URL, as Streamlit leaves them out."""
    labels = choices.labels
    pairs = [(REGION, r) for r in filters.regions]
    pairs += [(METRIC, labels.get(m, m)) for m in filters.metrics]
    pairs += [(CATEGORY, c) for c in filters.categories]
    pairs += [(YEARS, str(y)) for y in filters.years or ()]
    pairs += [(STATUS, s) for s in filters.statuses]
    pairs += [(QUALIFIER, q) for q in filters.qualifiers]
    return pairs + ([] if filters.include_undated else [(UNDATED, "false")])


@dataclass(frozen=True)
class PageRequest:
    """Which rows of a result to send: `size` rows from `offset`."""

    offset: int = 0
    size: int = DEFAULT_PAGE_SIZE


def next_token(offset: int, version: str) -> str:
    """The `_next` value of the page starting at `offset`: bound to the data version, so a page of
    changed data is refused instead of silently skipping or repeating rows."""
    return f"{version}.{offset}"


def page_request(pairs: Iterable[tuple[str, str]], version: str) -> PageRequest:
    """`_size` (1 to MAX_PAGE_SIZE rows, default DEFAULT_PAGE_SIZE) and `_next` (a token from the
    previous page's `next` link) of a query. Raises BadParameter (409 for a token of older data)."""
    grouped = _grouped(pairs)
    size = DEFAULT_PAGE_SIZE
    if SIZE in grouped:
        values = grouped[SIZE]
        if len(values) != 1 or not re.fullmatch(r"[0-9]{1,6}", values[0]) or not 1 <= int(values[0]) <= MAX_PAGE_SIZE:
            raise BadParameter(SIZE, f"expected a whole number of rows from 1 to {MAX_PAGE_SIZE}; got {_listed(values)}")
        size = int(values[0])
    offset = 0
    if NEXT in grouped:
        values = grouped[NEXT]
        match = _TOKEN.fullmatch(values[0]) if len(values) == 1 else None
        if match is None:
            raise BadParameter(NEXT, f"not a page token of this API (take the next link of the previous page); got {_listed(values)}")
        if match.group(1) != version:
            raise BadParameter(NEXT, f"this token is for data version {match.group(1)}, but the data is now version "
                                     f"{version}; start again from the first page", status=409)
        offset = int(match.group(2))
    return PageRequest(offset, size)


def response_shape(pairs: Iterable[tuple[str, str]]) -> str:
    """`_shape` of a JSON request: 'object' (the default: rows under `rows`, with the data version
    and paging fields) or 'array' (the rows alone; the next page is in the Link header)."""
    values = _grouped(pairs).get(SHAPE)
    if values is None:
        return SHAPES[0]
    if len(values) != 1 or values[0] not in SHAPES:
        raise BadParameter(SHAPE, f"expected one of {_listed(SHAPES)}; got {_listed(values)}")
    return values[0]


def api_url(base: str, filters: mx.Filters, choices: FilterChoices, fmt: str = "csv") -> str:
    """The read API's address of the figures these filters show: base + /api/figures.<fmt>?query."""
    pairs = query_from_filters(filters, choices)
    return f"{base.rstrip('/')}/api/figures.{fmt}" + (f"?{urlencode(pairs)}" if pairs else "")
