"""What a download contains: provenance columns, escaped formulas, a descriptive file name."""

from __future__ import annotations

import csv
import io

import pytest

from dashboard import citation, export
from dashboard import metrics as mx
from tests.factories import frame, observation


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
        ("+1", "'+1"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Shanxi", "Shanxi"),
        ("", ""),
        (12.5, 12.5),
        (None, None),
    ],
)
def test_neutralise_formula(cell, expected):
    assert export.neutralise_formula(cell) == expected


def test_csv_has_provenance_columns_escapes_text_and_keeps_numbers_numeric():
    obs = frame(
        observation("Shanxi", value=14),
        observation("=cmd|' /C calc'!A0", value=-3.5, unit="percent", value_type="percent", note="@risk"),
    )
    rows = list(csv.DictReader(io.StringIO(export.to_csv_bytes(obs, "abc123").decode("utf-8"))))
    assert list(rows[0]) == list(export.EXPORT_COLUMNS.values())
    assert list(rows[0])[:2] == ["figure_id", "figure_url"] and list(rows[0])[-1] == "data_version"
    assert rows[0]["figure_id"] == obs["figure_id"].iloc[0] and rows[0]["data_version"] == "abc123"
    assert rows[0]["region"] == "Shanxi" and rows[0]["iso_code"] == "CN-SH" and rows[0]["value"] == "14.0"
    assert rows[0]["source_title"] == "News from Shanxi" and rows[0]["quote"] == "Shanxi has 14 centres."
    assert rows[1]["region"] == "'=cmd|' /C calc'!A0" and rows[1]["note"] == "'@risk"
    assert rows[1]["value"] == "-3.5"  # numbers are not prefixed, even negative ones
    assert len(rows) == 2


@pytest.mark.parametrize(
    ("filters", "name"),
    [
        (mx.Filters(), "innovation-metrics_all.csv"),
        (mx.Filters(regions=("Shanxi", "Shandong")), "innovation-metrics_Shanxi-Shandong.csv"),
        (mx.Filters(regions=("Shanxi",), years=(2012, 2021), statuses=("actual",)), "innovation-metrics_Shanxi_2012-2021_actual.csv"),
        (mx.Filters(regions=("A", "B", "C", "D", "E")), "innovation-metrics_A-B-C-and-2-more.csv"),
        (mx.Filters(metrics=("technology_contract_turnover",)), "innovation-metrics_technology-contract-turnover.csv"),
        (mx.Filters(regions=("../../etc/passwd",)), "innovation-metrics_etc-passwd.csv"),
    ],
)
def test_export_filename_reflects_the_filter(filters, name):
    assert export.export_filename(filters) == name


def test_vectorised_escaping_matches_the_cell_rule_for_every_case():
    cells = ["=1+1", "+1", "-1", "@a", "\tx", "\rx", "plain", "a=b", None]
    obs = frame(*[observation("Shanxi", metric=f"m{i}", note=cell) for i, cell in enumerate(cells)])
    notes = export.export_frame(obs, "v")["note"].tolist()
    assert [None if n is None or n != n else n for n in notes] == [export.neutralise_formula(c) for c in cells]


@pytest.mark.parametrize(
    ("base", "figure_id", "url"),
    [
        (None, "shanxi-technology-contract-turnover-2021", "/figure?id=shanxi-technology-contract-turnover-2021"),
        ("https://metrics.example.org/", "shanxi-x-2021", "https://metrics.example.org/figure?id=shanxi-x-2021"),
        ("https://metrics.example.org/app", "user.line-2", "https://metrics.example.org/app/figure?id=user.line-2"),
        # an id from an upload cannot break out of the query string
        (None, "a&lang=zh#<x>", "/figure?id=a%26lang%3Dzh%23%3Cx%3E"),
    ],
)
def test_figure_url_uses_the_configured_base_or_the_path_alone(monkeypatch, base, figure_id, url):
    if base is None:
        monkeypatch.delenv(citation.BASE_URL_ENV, raising=False)
    else:
        monkeypatch.setenv(citation.BASE_URL_ENV, base)
    assert citation.figure_url(figure_id) == url
    obs = frame(observation("Shanxi", figure_id=figure_id))
    assert export.export_frame(obs, "v")["figure_url"].tolist() == [url]


def test_a_formula_like_figure_id_from_an_upload_is_neutralised_in_the_download():
    obs = frame(observation("Shanxi", figure_id="=HYPERLINK(1)"))
    row = export.export_frame(obs, "v").iloc[0]
    assert row["figure_id"] == "'=HYPERLINK(1)"


def test_a_download_says_which_values_are_uncertain_and_how_else_they_read(obs):
    rows = list(csv.DictReader(io.StringIO(export.to_csv_bytes(obs, "v").decode("utf-8"))))
    by_id = {row["figure_id"]: row for row in rows}
    lighthouse = by_id["jilin-lighthouse-factories-2025-target"]
    assert (lighthouse["value"], lighthouse["reading"]) == ("12.0", "ambiguous")
    assert lighthouse["reading_note"] == "the document writes '1 2': 12 if the space is stray, or 1 to 2 if a dash was lost"
    assert by_id["shanxi-national-st-awards-2022"]["reading"] == "certain"
