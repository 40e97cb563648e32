"""Pure transforms: formatting, filtering, honest comparison, series and growth."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from dashboard import metrics as mx
from tests.factories import frame, observation


@pytest.mark.parametrize(
    ("value", "qualifier", "unit", "display", "short"),
    [
        (14, "exact", "centres", "14 centres", "14"),
        (20, "more_than", "centres", "more than 20 centres", ">20"),
        (350, "approx", "million yuan", "about 350 million yuan", "≈350"),
        (2, "at_least", "platforms", "at least 2 platforms", "≥2"),
        (3, "at_most", "platforms", "at most 3 platforms", "≤3"),
        (80, "more_than", "percent", "more than 80%", ">80"),
        (3, "exact", "rank", "rank 3", "3"),
        (52.18, "exact", "billion yuan", "52.18 billion yuan", "52.18"),
        (1000, "exact", "projects", "1,000 projects", "1,000"),
    ],
)
def test_value_formatting_keeps_the_qualifier(value, qualifier, unit, display, short):
    assert mx.format_value(value, qualifier, unit) == display
    assert mx.short_value(value, qualifier) == short


@pytest.mark.parametrize(
    ("year", "basis", "as_of", "text"),
    [
        (2012, "stated", "2022-11-23", "2012 (reported 2022-11-23)"),
        (2012, "stated", None, "2012"),
        (2021, "as_of", "2021-03-10", "as of 2021-03-10"),
        (pd.NA, "unstated", None, "year not stated (undated document)"),
        (pd.NA, "unstated", "2022-02-28", "year not stated (reported 2022-02-28)"),
    ],
)
def test_reference_text(year, basis, as_of, text):
    assert mx.reference_text(year, basis, as_of) == text


@pytest.mark.parametrize(
    ("a", "b", "difference", "ratio"),
    [
        ((22, "exact"), (14, "exact"), "8", "1.57×"),
        ((20, "more_than"), (14, "exact"), "more than 6", "not shown: a side is a bound"),
        ((14, "exact"), (20, "more_than"), "less than -6", "not shown: a side is a bound"),
        ((20, "at_least"), (14, "exact"), "at least 6", "not shown: a side is a bound"),
        ((3, "at_most"), (2, "exact"), "at most 1", "not shown: a side is a bound"),
        ((20, "more_than"), (14, "more_than"), "cannot be determined (both sides are open bounds)", "not shown: a side is a bound"),
        ((350, "approx"), (100, "exact"), "about 250", "about 3.50×"),
        ((5, "exact"), (0, "exact"), "5", "not defined (divides by zero)"),
    ],
)
def test_differences_are_never_more_exact_than_their_inputs(a, b, difference, ratio):
    assert mx.difference_text(*a, *b) == difference
    assert mx.ratio_text(*a, *b) == ratio


def test_filter_observations_combines_filters_and_keeps_undated_on_request():
    obs = frame(
        observation("Shanxi", year=2012, year_basis="stated"),
        observation("Shandong", year=2021, year_basis="stated"),
        observation("Jilin", year=pd.NA, year_basis="unstated", as_of=None, status="target"),
    )
    assert list(mx.filter_observations(obs, mx.Filters(regions=("Shanxi", "Jilin")))["region"]) == ["Shanxi", "Jilin"]
    assert list(mx.filter_observations(obs, mx.Filters(years=(2020, 2025)))["region"]) == ["Shandong", "Jilin"]
    no_undated = mx.Filters(years=(2020, 2025), include_undated=False)
    assert list(mx.filter_observations(obs, no_undated)["region"]) == ["Shandong"]
    assert list(mx.filter_observations(obs, mx.Filters(statuses=("target",)))["region"]) == ["Jilin"]
    assert list(mx.filter_observations(obs, mx.Filters(include_undated=False))["region"]) == ["Shanxi", "Shandong"]
    assert mx.year_bounds(obs) == (2012, 2021)


def test_compare_regions_flags_dates_and_bounds_and_lists_gaps():
    obs = frame(
        observation("Shanxi", "provincial", 14, as_of="2021-03-10", year=2021),
        observation("Shandong", "provincial", 22, as_of="2022-02-28", year=2022),
        observation("Shandong", "cultivated", 20, qualifier="more_than", as_of="2022-02-28", year=2022),
        observation("Shanxi", "cultivated", 5, as_of="2022-02-28", year=2022),
        observation("Shanxi", "awards", 40, as_of="2022-11-23", year=2022),
    )
    table = mx.compare_regions(obs, ["Shandong", "Shanxi"]).set_index("metric")
    assert table.loc["provincial", "Shandong"] == "22 centres (as of 2022-02-28)"
    assert table.loc["provincial", "difference"] == "8"
    assert "different reference dates" in table.loc["provincial", "caveats"]
    assert table.loc["cultivated", "difference"] == "more than 15"
    assert table.loc["cultivated", "ratio"] == "not shown: a side is a bound"
    assert "Shandong's figure is a bound (more than)" in table.loc["cultivated", "caveats"]
    assert not table.loc["awards", "shared"] and table.loc["awards", "Shandong"] == "no figure"
    assert list(table.index[table["shared"]]) == ["cultivated", "provincial"]


def test_latest_observation_wins_and_two_sided_ranges_keep_both_ends():
    obs = frame(
        observation("Shanxi", "turnover", 12.42, year=2012, year_basis="stated"),
        observation("Shanxi", "turnover", 52.18, year=2021, year_basis="stated"),
        observation("Hubei", "platforms", 2, qualifier="at_least", year=pd.NA, year_basis="unstated", as_of=None),
        observation("Hubei", "platforms", 3, qualifier="at_most", year=pd.NA, year_basis="unstated", as_of=None),
    )
    latest = mx.latest_observations(obs)
    assert list(latest[latest["region"] == "Shanxi"]["value"]) == [52.18]
    assert sorted(latest[latest["region"] == "Hubei"]["value"]) == [2, 3]


def test_coverage_matrix_shows_gaps_as_zero():
    obs = frame(observation("Shanxi", "a"), observation("Shanxi", "b"), observation("Shandong", "a"))
    matrix = mx.coverage_matrix(obs, ["Shanxi", "Shandong", "Jilin"])
    assert matrix.to_dict() == {"Shanxi": {"A": 1, "B": 1}, "Shandong": {"A": 1, "B": 0}, "Jilin": {"A": 0, "B": 0}}


def test_coverage_is_described_per_region_and_for_all():
    obs = frame(observation("Shanxi", "a"), observation("Shanxi", "b"), observation("Shandong", "a"))
    assert mx.describe_coverage(mx.coverage_matrix(obs, ["Shanxi", "Shandong"])) == (
        "Metrics with figures, of the 2 any selected region has: Shanxi 2, Shandong 1; both regions: 1."
    )
    assert mx.describe_coverage(mx.coverage_matrix(obs, ["Shanxi", "Shandong", "Jilin"])).endswith(
        "Shanxi 2, Shandong 1, Jilin 0; every selected region: 0."
    )
    assert mx.describe_coverage(mx.coverage_matrix(obs, ["Shandong"])) == (
        "Metrics with figures, of the 1 any selected region has: Shandong 1."
    )
    assert mx.describe_coverage(mx.coverage_matrix(obs, ["Jilin"])) == "No selected region has a figure here."


def test_growth_multiple_and_compound_rate_are_computed_from_the_data():
    series = mx.time_series(
        frame(
            observation("Shanxi", "turnover", 12.42, year=2012, year_basis="stated", unit="billion yuan", value_type="money"),
            observation("Shanxi", "turnover", 52.18, year=2021, year_basis="stated", unit="billion yuan", value_type="money"),
            observation("China", "gii", 34, year=2012, year_basis="stated", unit="rank", value_type="rank"),
            observation("China", "gii", 11, year=2022, year_basis="stated", unit="rank", value_type="rank"),
            observation("Jilin", "alone", 3, year=2020, year_basis="stated"),
        )
    )
    assert set(series["region"]) == {"Shanxi", "China"}  # one year is not a series
    growth = mx.growth_summary(series).set_index("region")
    assert growth.loc["Shanxi", "multiple"] == pytest.approx(52.18 / 12.42)
    assert growth.loc["Shanxi", "cagr_percent"] == pytest.approx(((52.18 / 12.42) ** (1 / 9) - 1) * 100)
    assert math.isnan(growth.loc["China", "multiple"]) and growth.loc["China", "places_gained"] == 23
    assert mx.describe_growth(growth.loc["Shanxi"]) == (
        "12.42 → 52.18 billion yuan (2012–2021): 4.20× in total, 17.3% a year compounded"
    )
    assert mx.describe_growth(growth.loc["China"]) == "rank 34 → 11 (2012–2022): up 23 places"


def test_growth_is_not_computed_from_a_bound():
    series = mx.time_series(
        frame(
            observation("Shanxi", "x", 10, year=2012, year_basis="stated"),
            observation("Shanxi", "x", 20, year=2020, year_basis="stated", qualifier="more_than"),
        )
    )
    row = mx.growth_summary(series).iloc[0]
    assert math.isnan(row["multiple"]) and row["note"].startswith("not computed")


def test_events_are_placed_by_their_precision():
    events = pd.DataFrame(
        {
            "date": ["2018", "2020-07", "2021-03-10", None, None],
            "date_precision": ["year", "month", "day", "unknown", "unknown"],
            "period_start": pd.array([None, None, None, 2023, None], dtype="Int64"),
            "title": list("abcde"),
        }
    )
    placed, unplaced = mx.events_on_timeline(events)
    assert list(placed["title"]) == ["a", "b", "c", "d"] and list(unplaced["title"]) == ["e"]
    assert placed["plot_year"].tolist()[:2] == [2018.5, 2020 + 6.5 / 12]
    assert 2021.18 < placed["plot_year"].iloc[2] < 2021.19 and placed["plot_year"].iloc[3] == 2023


def test_cite_sources_names_each_document_once_with_its_date():
    obs = frame(observation("Shanxi"), observation("Shanxi", "b"), observation("Jilin", as_of=None, year=pd.NA, year_basis="unstated"))
    assert mx.cite_sources(obs) == "Sources: News from Shanxi (2021-03-10); News from Jilin (undated)"


@pytest.mark.parametrize(("page", "size", "expected_rows", "expected_page_count"), [
    (1, 2, ["a", "b"], 3), (3, 2, ["e"], 3), (9, 2, ["e"], 3), (0, 2, ["a", "b"], 3), (1, 10, list("abcde"), 1),
])
def test_page_of_clamps_to_existing_pages(page, size, expected_rows, expected_page_count):
    rows, pages = mx.page_of(pd.DataFrame({"x": list("abcde")}), page, size)
    assert list(rows["x"]) == expected_rows and pages == expected_page_count


def test_page_of_an_empty_frame_is_one_empty_page():
    rows, pages = mx.page_of(pd.DataFrame({"x": []}), 1, 10)
    assert rows.empty and pages == 1


def test_enrichment_formats_each_row_as_its_own_formatter_would(dataset, obs):
    expected_display = [mx.uncertain_text(mx.format_value(v, q, u), r, n) for v, q, u, r, n
                        in zip(obs["value"], obs["qualifier"], obs["unit"], obs["reading"], obs["reading_note"], strict=True)]
    expected_reference = [mx.reference_text(y, b, a) for y, b, a in zip(obs["year"], obs["year_basis"], obs["as_of"], strict=True)]
    assert list(obs[mx.DISPLAY]) == expected_display
    assert list(obs[mx.REFERENCE]) == expected_reference
    assert list(obs[mx.SHORT]) == [mx.short_value(v, q, r) for v, q, r in zip(obs["value"], obs["qualifier"], obs["reading"], strict=True)]


def test_present_in_order_keeps_the_candidates_order():
    values = pd.Series(["Shandong", "Jilin", "Shandong", "Shanxi"])
    assert mx.present_in_order(["China", "Shanxi", "Shaanxi", "Shandong", "Jilin"], values) == ["Shanxi", "Shandong", "Jilin"]
    assert mx.present_in_order(["China"], values) == []


def test_cite_sources_names_a_few_documents_and_counts_the_rest():
    obs = frame(*[observation(f"R{i}", metric="m") for i in range(8)])
    text = mx.cite_sources(obs, most=3)
    assert text == ("Sources: News from R0 (2021-03-10); News from R1 (2021-03-10); News from R2 (2021-03-10); "
                    "and 5 more documents (see the Sources page)")


def test_compare_regions_names_the_figure_behind_each_cell():
    shanxi, shandong = observation("Shanxi", "provincial", 14), observation("Shandong", "provincial", 22, year=2022)
    low = observation("Jilin", "provincial", 2, qualifier="at_least", year=2022)
    high = observation("Jilin", "provincial", 3, qualifier="at_most", year=2022)
    table = mx.compare_regions(frame(shanxi, shandong, low, high), ["Shanxi", "Shandong", "Jilin", "Beijing"])
    ids = table[[mx.figure_id_column(r) for r in ("Shanxi", "Shandong", "Jilin", "Beijing")]].iloc[0].tolist()
    assert ids == [shanxi["figure_id"], shandong["figure_id"], low["figure_id"], None]  # a range: its first figure


def test_find_by_id_and_what_the_same_sentence_states():
    quote = "Shanxi has 14 centres and 3 labs."
    centres = observation("Shanxi", "centres", 14, quote=quote)
    labs = observation("Shanxi", "labs", 3, quote="Shanxi has 14 centres\n and 3 labs.")  # whitespace aside
    elsewhere = observation("Shanxi", "labs", 3, quote=quote, source_id="other-document", year=2020)
    obs = frame(centres, labs, elsewhere)
    figure = mx.find_by_id(obs, "figure_id", centres["figure_id"])
    assert figure["value"] == 14
    assert mx.find_by_id(obs, "figure_id", "nope") is None
    assert list(mx.stated_together(obs, figure)["figure_id"]) == [labs["figure_id"]]


def test_same_metric_by_region_takes_each_other_regions_latest_and_this_figure():
    this = observation("Shanxi", "centres", 10, year=2019, as_of="2019-01-01")
    obs = frame(
        this, observation("Shanxi", "centres", 14),  # a later Shanxi figure: the page is about the 2019 one
        observation("Jilin", "centres", 5, year=2020), observation("Jilin", "centres", 6, year=2022, as_of="2022-01-01"),
        observation("Jilin", "centres", 9, status="target", year=2025), observation("Shandong", "labs", 3),
    )
    rows = mx.same_metric_by_region(obs, mx.find_by_id(obs, "figure_id", this["figure_id"]), ["Jilin", "Shanxi", "Shandong"])
    assert list(zip(rows["region"], rows["value"], strict=True)) == [("Jilin", 6), ("Shanxi", 10)]


def test_bound_labels_cannot_be_read_as_or_more_and_every_explanation_uses_them():
    """'more than 2' is '>2' (never '2+', which reads as '2 or more'), the same on every page."""
    assert {q: mx.short_value(2, q) for q in mx.BOUNDS} == {"more_than": ">2", "at_least": "≥2", "at_most": "≤2"}
    from tests.conftest import ROOT

    overview = (ROOT / "dashboard" / "views" / "overview.py").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for text in (overview, readme):
        assert "**>20**" in text or "`>20`" in text
        assert "20+**" not in text and "`20+` (" not in text
    import re

    for view in sorted((ROOT / "dashboard" / "views").glob("*.py")):  # no page explains a bound as '2+'
        assert not re.search(r"\d\+ (more than|or more)", view.read_text(encoding="utf-8")), view.name


# --- ambiguous readings ('1 2': 12 or 1-2) -------------------------------------------------------------

AMBIGUOUS = dict(reading="ambiguous", reading_note="the document writes '1 2': 12 or 1 to 2")


def test_an_ambiguous_value_carries_a_mark_and_its_other_reading():
    row = observation(value=12.0, unit="factories", **AMBIGUOUS)
    assert row[mx.SHORT] == "12 (?)"
    assert row[mx.DISPLAY] == "12 factories (uncertain reading: the document writes '1 2': 12 or 1 to 2)"
    assert mx.short_value(12, "exact") == "12" and mx.uncertain_text("12 factories", "certain", None) == "12 factories"


def test_the_shipped_lighthouse_figures_read_1_to_2_and_show_the_other_reading(obs):
    """'build 1 2 lighthouse factories': 1 to 2 (the plan's Chinese original reads 1-2), 12 the other reading."""
    rows = obs.set_index("figure_id").loc[["jilin-lighthouse-factories-2025-target", "jilin-lighthouse-factories-2025-target-upper"]]
    assert list(zip(rows["value"], rows["qualifier"], rows["reading"], strict=True)) == [
        (1.0, "at_least", "ambiguous"), (2.0, "at_most", "ambiguous")]
    assert list(rows[mx.SHORT]) == ["≥1 (?)", "≤2 (?)"]
    assert rows[mx.DISPLAY].iloc[0].endswith("(uncertain reading: the document writes '1 2': 1 to 2 if a dash was lost "
                                             "(recorded), or 12 if the space is stray)")
    assert set(obs.loc[~obs["figure_id"].isin(rows.index), "reading"]) == {"certain"}


def test_an_ambiguous_value_is_kept_out_of_differences_and_ratios_but_named_in_caveats():
    obs = frame(observation(region="Jilin", metric="lighthouse", value=12.0, unit="factories", **AMBIGUOUS),
                observation(region="Shanxi", metric="lighthouse", value=3.0, unit="factories"))
    row = mx.compare_regions(obs, ["Jilin", "Shanxi"]).iloc[0]
    assert row["difference"] == row["ratio"] == "not computed: Jilin's value has an uncertain reading"
    assert "Jilin's value has an uncertain reading (the document writes '1 2': 12 or 1 to 2)" in row["caveats"]
    # In the table's cell the value is marked '(?)' only (written out there it was cut); the caveat gives the note.
    assert row["Jilin"] == "12 factories (?) (as of 2021-03-10)"
    alone = mx.compare_regions(obs, ["Jilin", "Beijing"]).iloc[0]  # compared with nothing, the reading is still said
    assert alone["Jilin"] == "12 factories (?) (as of 2021-03-10)" and alone["caveats"] == (
        "Jilin's value has an uncertain reading (the document writes '1 2': 12 or 1 to 2)")


def test_a_caveat_two_figures_share_is_said_once(obs):
    """Two figures of one region, metric and status read from one ambiguous sentence (the
    lighthouse target's two bounds) carry one note: the row's caveats said it twice
    ('...uncertain reading (...); ...uncertain reading (...)')."""
    uncertain = obs[obs["reading"] != "certain"]
    groups = uncertain.groupby(["region", "metric", "status", "reading_note"]).filter(lambda rows: len(rows) > 1)
    assert len(groups), "the data no longer has two uncertain figures with one note"
    for (region, metric, status, note), _rows in groups.groupby(["region", "metric", "status", "reading_note"]):
        other = next(r for r in obs["region"].unique() if r != region)
        row = mx.compare_regions(obs, [region, other], status=[status]).set_index("metric").loc[metric]
        assert row["caveats"].count(note) == 1, row["caveats"]


def test_growth_is_not_computed_through_an_ambiguous_figure():
    series = frame(observation(year=2012, value=12.0, year_basis="stated", **AMBIGUOUS),
                   observation(year=2021, value=52.0, year_basis="stated"),
                   observation(region="Jilin", year=2012, value=10.0, year_basis="stated"),
                   observation(region="Jilin", year=2021, value=20.0, year_basis="stated"))
    growth = mx.growth_summary(series).set_index("region")
    assert pd.isna(growth.loc["Shanxi", "multiple"]) and pd.isna(growth.loc["Shanxi", "cagr_percent"])
    assert growth.loc["Shanxi", "note"] == "not computed: a figure of the series has an uncertain reading"
    assert growth.loc["Jilin", "multiple"] == 2.0 and growth.loc["Jilin", "note"] == ""
