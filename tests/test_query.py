"""The query string of /explore and the read API: what each filter means, what is refused and why."""

from __future__ import annotations

import pytest

from dashboard import i18n, query
from dashboard import metrics as mx
from tests.factories import frame, observation

CHOICES = query.FilterChoices(
    regions=("Shanxi", "Shandong"),
    metrics=(("technology_contract_turnover", "Technology contract turnover"), ("centres", "Centres")),
    categories=("Centres", "Money"),
    years=(2012, 2022),
    statuses=("actual", "target"),
    qualifiers=("exact", "more_than"),
)


def pairs(text: str) -> list[tuple[str, str]]:
    from urllib.parse import parse_qsl

    return parse_qsl(text, keep_blank_values=True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", mx.Filters()),
        ("region=Shanxi&region=Shandong", mx.Filters(regions=("Shanxi", "Shandong"))),
        ("region=Shanxi&region=Shanxi", mx.Filters(regions=("Shanxi",))),  # repeated once, as the page dedupes
        ("region=", mx.Filters()),  # an empty value clears the filter, as on the page
        ("metric=Technology+contract+turnover", mx.Filters(metrics=("technology_contract_turnover",))),
        ("category=Money&status=target&qualifier=more_than",
         mx.Filters(categories=("Money",), statuses=("target",), qualifiers=("more_than",))),
        ("years=2015&years=2020", mx.Filters(years=(2015, 2020))),
        ("years=2012&years=2022", mx.Filters()),  # the whole range filters nothing
        ("years=2015&years=2015&undated=false", mx.Filters(years=(2015, 2015), include_undated=False)),
        ("undated=FALSE", mx.Filters(include_undated=False)),
        ("undated=true", mx.Filters()),
        ("region=Shanxi&embed=true&_size=5&_next=abc.1", mx.Filters(regions=("Shanxi",))),  # not filters
    ],
)
def test_a_query_means_what_the_explore_page_shows(text, expected):
    assert query.filters_from_query(pairs(text), CHOICES) == expected


@pytest.mark.parametrize(
    ("text", "parameter", "message"),
    [
        ("region=Atlantis", "region", "unknown value 'Atlantis'; expected one of 'Shanxi', 'Shandong'"),
        ("region=Shanxi&region=<script>", "region", "unknown value '<script>'; expected one of 'Shanxi', 'Shandong'"),
        ("metric=turnover", "metric",
         "unknown value 'turnover'; expected one of 'Technology contract turnover', 'Centres' (or a metric id or a "
         "Chinese label)"),
        ("lang=fr", "lang", "expected one of 'en', 'zh' (the page's language; the rows are the same in each); got 'fr'"),
        ("years=2015", "years", "expected two whole years from 2012 to 2022, first and last (years=2012&years=2022); got '2015'"),
        ("years=abc&years=2020", "years", "expected two whole years from 2012 to 2022, first and last (years=2012&years=2022); got 'abc', '2020'"),
        ("years=1800&years=3000", "years", "expected two whole years from 2012 to 2022, first and last (years=2012&years=2022); got 1800 to 3000"),
        ("years=2020&years=2015", "years", "expected two whole years from 2012 to 2022, first and last (years=2012&years=2022); got 2020 to 2015"),
        ("undated=maybe", "undated", "expected true or false; got 'maybe'"),
        ("status=nonsense", "status", "unknown value 'nonsense'; expected one of 'actual', 'target'"),
        ("regoin=Shanxi", "regoin",
         "unknown parameter; the parameters here are region, metric, category, years, status, qualifier, undated, lang, "
         "_size, _next, _shape"),
        ("region=" + "x" * 200, "region", f"unknown value '{'x' * 80}...'; expected one of 'Shanxi', 'Shandong'"),
    ],
)
def test_a_value_the_page_would_drop_is_refused_naming_the_parameter(text, parameter, message):
    with pytest.raises(query.BadParameter) as raised:
        query.filters_from_query(pairs(text), CHOICES)
    assert (raised.value.parameter, raised.value.message, raised.value.status) == (parameter, message, 400)


def test_a_metric_id_means_its_label_as_the_downloads_metric_column_names_it():
    by_id = query.filters_from_query(pairs("metric=technology_contract_turnover&lang=zh"), CHOICES)
    assert by_id == query.filters_from_query(pairs("metric=Technology+contract+turnover"), CHOICES)
    assert by_id.metrics == ("technology_contract_turnover",)


def test_every_name_a_page_url_holds_means_the_english_value(dataset, obs):
    """A Chinese page writes Chinese names and lang=zh; a script may use ids and ISO codes: each
    names the same value as the English form (read from data/, so a new region or metric is covered)."""
    labels = dict(zip(dataset.catalogue["metric"], dataset.catalogue["label"], strict=True))
    choices = query.filter_choices(dataset.regions["region"], labels, obs,
                                   query.filter_aliases(dataset.regions, dataset.catalogue))
    regions = dataset.regions.set_index("region").loc[list(choices.regions)]
    catalogue = dataset.catalogue.set_index("label").loc[[label for _m, label in choices.metrics]]
    zh = i18n.translations("zh").gettext
    english = [("region", r) for r in choices.regions] + [("metric", m) for m in catalogue.index] + [
        ("status", s) for s in choices.statuses] + [("qualifier", q) for q in choices.qualifiers]
    for names in (
        [("region", z) for z in regions["name_zh"]] + [("metric", z) for z in catalogue["label_zh"]]
        + [("status", zh(mx.STATUS_WORDS[s])) for s in choices.statuses]
        + [("qualifier", zh(mx.QUALIFIER_NAMES[q])) for q in choices.qualifiers] + [("lang", "zh")],
        [("region", c) for c in regions["iso_code"]] + [("metric", m) for m in catalogue["metric"]]
        + [("status", s) for s in choices.statuses] + [("qualifier", mx.QUALIFIER_NAMES[q]) for q in choices.qualifiers],
    ):
        for key in ("region", "metric", "status", "qualifier"):
            given = [pair for pair in names if pair[0] in (key, "lang")]
            expected = [pair for pair in english if pair[0] == key]
            assert query.filters_from_query(given, choices) == query.filters_from_query(expected, choices), given
    categories = dict(zip(dataset.catalogue["category_zh"], dataset.catalogue["category"], strict=True))
    for chinese, category in categories.items():
        assert query.filters_from_query([("category", chinese)], choices).categories == (category,)


@pytest.mark.parametrize(("text", "shape"), [("", "object"), ("_shape=array", "array"), ("_shape=object", "object")])
def test_response_shape(text, shape):
    assert query.response_shape(pairs(text)) == shape


def test_an_unknown_shape_is_refused():
    with pytest.raises(query.BadParameter) as raised:
        query.response_shape(pairs("_shape=arrays"))
    assert (raised.value.parameter, raised.value.message) == ("_shape", "expected one of 'object', 'array'; got 'arrays'")


def test_a_long_list_of_allowed_values_is_cut_short():
    many = query.FilterChoices(regions=tuple(f"R{i}" for i in range(20)))
    with pytest.raises(query.BadParameter) as raised:
        query.filters_from_query([("region", "X")], many)
    assert raised.value.message.endswith("'R11' and 8 more")


def test_years_cannot_filter_figures_of_one_year():
    with pytest.raises(query.BadParameter) as raised:
        query.filters_from_query([("years", "2021"), ("years", "2021")], query.FilterChoices(years=None))
    assert raised.value.message == "the figures span no range of years to filter on"


def test_events_take_only_the_region_filter():
    with pytest.raises(query.BadParameter) as raised:
        query.filters_from_query([("metric", "Centres")], CHOICES, keys=(query.REGION,))
    assert raised.value.parameter == "metric"
    assert raised.value.message == "unknown parameter; the parameters here are region, lang, _size, _next, _shape"


@pytest.mark.parametrize(
    "filters",
    [
        mx.Filters(),
        mx.Filters(regions=("Shandong", "Shanxi"), metrics=("centres",), years=(2013, 2020), include_undated=False),
        mx.Filters(categories=("Money",), statuses=("actual",), qualifiers=("exact", "more_than")),
    ],
)
def test_filters_written_to_a_query_read_back_the_same(filters):
    assert query.filters_from_query(query.query_from_filters(filters, CHOICES), CHOICES) == filters


def test_the_api_url_carries_the_metric_label_and_repeated_keys():
    filters = mx.Filters(regions=("Shanxi", "Shandong"), metrics=("technology_contract_turnover",), years=(2013, 2020))
    assert query.api_url("https://metrics.example.org/", filters, CHOICES) == (
        "https://metrics.example.org/api/figures.csv?region=Shanxi&region=Shandong"
        "&metric=Technology+contract+turnover&years=2013&years=2020")
    assert query.api_url("http://localhost:8501", mx.Filters(), CHOICES, "json") == "http://localhost:8501/api/figures.json"


def test_filter_choices_are_the_explore_widget_options():
    obs = frame(observation("Shandong", year=2012), observation("Shanxi", metric="b_metric", year=2021, status="target"),
                observation("Shanxi", year=None, year_basis="unstated", qualifier="more_than"))
    choices = query.filter_choices(["Shanxi", "Jilin", "Shandong"], {"centres": "Centres", "b_metric": "A metric"}, obs)
    assert choices == query.FilterChoices(
        regions=("Shanxi", "Shandong"), metrics=(("b_metric", "A metric"), ("centres", "Centres")),
        categories=("Centres",), years=(2012, 2021), statuses=("actual", "target"), qualifiers=("exact", "more_than"))
    one_year = query.filter_choices(["Shanxi"], {"centres": "Centres"}, frame(observation("Shanxi")))
    assert one_year.years is None  # no slider, so no year range


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", query.PageRequest(0, query.DEFAULT_PAGE_SIZE)),
        ("_size=5", query.PageRequest(0, 5)),
        (f"_size={query.MAX_PAGE_SIZE}&_next=abc123.40", query.PageRequest(40, query.MAX_PAGE_SIZE)),
    ],
)
def test_page_request(text, expected):
    assert query.page_request(pairs(text), "abc123") == expected


@pytest.mark.parametrize(
    ("text", "parameter", "status", "message"),
    [
        ("_size=0", "_size", 400, "expected a whole number of rows from 1 to 10000; got '0'"),
        ("_size=10001", "_size", 400, "expected a whole number of rows from 1 to 10000; got '10001'"),
        ("_size=-1", "_size", 400, "expected a whole number of rows from 1 to 10000; got '-1'"),
        ("_size=5&_size=6", "_size", 400, "expected a whole number of rows from 1 to 10000; got '5', '6'"),
        ("_next=40", "_next", 400, "not a page token of this API (take the next link of the previous page); got '40'"),
        ("_next=fff000.40", "_next", 409,
         "this token is for data version fff000, but the data is now version abc123; start again from the first page"),
    ],
)
def test_a_bad_page_request_is_refused(text, parameter, status, message):
    with pytest.raises(query.BadParameter) as raised:
        query.page_request(pairs(text), "abc123")
    assert (raised.value.parameter, raised.value.status, raised.value.message) == (parameter, status, message)


def test_next_token_reads_back():
    assert query.page_request([("_next", query.next_token(1000, "abc123"))], "abc123").offset == 1000
