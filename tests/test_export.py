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


# --- Excel, JSON and Parquet: the same rows and values as the CSV, hostile text inert -------------

HOSTILE = "=HYPERLINK(\"http://evil.example\",\"click\")"


def hostile_rows():
    return frame(
        observation("Shanxi", value=14, note="plain note"),
        observation(HOSTILE, metric="m2", value=-3.5, unit="percent", value_type="percent", note="@SUM(A1)",
                    quote="+cmd|' /C calc'!A0 <script>alert(1)</script>", year=None, year_basis="unstated"),
        observation("Shandong", metric="m3", value=2.25, note="bell\x07and\x00nul"),
    )


def csv_frame(obs):
    import pandas as pd

    return pd.read_csv(io.BytesIO(export.to_csv_bytes(obs, "v1")), dtype=str, keep_default_na=False)


def as_text(value) -> str:
    """A cell as the CSV writes it: None empty, whole floats as 14.0."""
    if value is None:
        return ""
    return str(float(value)) if isinstance(value, float) else str(value)


def test_json_download_has_the_csv_rows_and_values_and_escapes_angle_brackets():
    import json

    obs = hostile_rows()
    raw = export.to_json_bytes(obs, "v1")
    assert b"<" not in raw and b">" not in raw  # written as \u003c / \u003e
    rows = json.loads(raw)
    expected = csv_frame(obs)
    assert [list(r) for r in rows] == [list(expected.columns)] * 3
    assert [[as_text(v) for v in r.values()] for r in rows] == expected.values.tolist()
    assert rows[1]["region"] == "'" + HOSTILE and rows[1]["note"] == "'@SUM(A1)" and rows[1]["value"] == -3.5
    assert rows[1]["year"] is None and rows[0]["year"] == 2021


def test_parquet_download_has_the_csv_rows_typed():
    import pandas as pd

    obs = hostile_rows()
    back = pd.read_parquet(io.BytesIO(export.to_parquet_bytes(obs, "v1")))
    expected = export.export_frame(obs, "v1")
    assert list(back.columns) == list(expected.columns)
    assert back["value"].tolist() == [14.0, -3.5, 2.25] and str(back["year"].dtype) == "Int64"
    assert back["region"].tolist() == ["Shanxi", "'" + HOSTILE, "Shandong"]
    pd.testing.assert_frame_equal(back, expected, check_dtype=False)


def test_excel_download_has_the_csv_rows_as_text_cells_and_no_formula():
    import openpyxl
    import pandas as pd

    obs = hostile_rows()
    sources = pd.DataFrame([{"source_id": "src-shanxi", "title": "=1+1 title", "publisher": None, "published": "2021-03-10",
                             "published_text": "2021", "file": "seeds/a.txt", "sha256": "0" * 64, "note": None},
                            {"source_id": "src-other", "title": "not behind these rows", "publisher": None, "published": None,
                             "published_text": None, "file": "seeds/b.txt", "sha256": "1" * 64, "note": None}])
    book = openpyxl.load_workbook(io.BytesIO(export.to_xlsx_bytes(obs, "v1", sources)))
    assert book.sheetnames == ["figures", "sources", "README"]
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    figures = [[cell.value for cell in row] for row in book["figures"].iter_rows()]
    assert figures[0] == list(export.EXPORT_COLUMNS.values())
    expected = csv_frame(obs)
    value = figures[0].index("value")  # Excel stores numbers: 14.0 reads back as 14
    numbers = (value, figures[0].index("stated_value"))
    read = [[as_text(float(v)) if i in numbers else as_text(v) for i, v in enumerate(row)] for row in figures[1:]]
    assert read == expected.replace(
        {"bell\x07and\x00nul": "bell\ufffdand\ufffdnul"}).values.tolist()  # control characters xlsx cannot hold
    assert figures[2][figures[0].index("region")] == "'" + HOSTILE and isinstance(figures[2][value], float)
    listed = [row[0].value for row in book["sources"].iter_rows(min_row=2)]
    assert listed == ["src-shanxi"]  # only the documents behind these rows
    assert book["sources"]["B2"].value == "'=1+1 title"
    readme = {row[0].value: row[1].value for row in book["README"].iter_rows(min_row=2)}
    assert readme["Data version"] == "v1" and readme["Cite as"] == citation.dataset_citation("v1")
    assert readme["quote"] == "Shortest verbatim sentence or clause stating the value."
    assert readme["data_version"].startswith("Version of the data the row was taken from")


def test_every_downloaded_column_is_described():
    guide = dict(export.column_guide())
    assert list(guide) == list(export.EXPORT_COLUMNS.values())
    assert all(text for text in guide.values())


@pytest.mark.parametrize("fmt", list(export.FORMATS))
def test_download_bytes_in_every_format_is_not_empty_and_names_its_extension(fmt):
    obs = hostile_rows()
    import pandas as pd

    assert export.download_bytes(fmt, obs, "v1", pd.DataFrame(columns=export.SOURCE_COLUMNS))
    assert export.export_filename(mx.Filters(), export.FORMATS[fmt].extension) == f"innovation-metrics_all.{fmt}"


def test_events_download_columns_and_escaping(dataset):
    events = mx.enrich_events(dataset)
    frame_ = export.events_frame(events.assign(title="=evil()"), "v1")
    assert list(frame_.columns) == list(export.EVENT_COLUMNS.values())
    assert set(frame_["title"]) == {"'=evil()"} and set(frame_["data_version"]) == {"v1"}
    assert frame_["iso_code"].notna().all() and frame_["source_file"].str.startswith("seeds/").all()


def test_a_download_says_which_values_are_uncertain_and_how_else_they_read(obs):
    rows = list(csv.DictReader(io.StringIO(export.to_csv_bytes(obs, "v").decode("utf-8"))))
    by_id = {row["figure_id"]: row for row in rows}
    lighthouse = by_id["jilin-lighthouse-factories-2025-target"]
    assert (lighthouse["value"], lighthouse["qualifier"], lighthouse["reading"]) == ("1.0", "at_least", "ambiguous")
    assert lighthouse["reading_note"] == "the document writes '1 2': 1 to 2 if a dash was lost (recorded), or 12 if the space is stray"
    assert by_id["shanxi-national-st-awards-2022"]["reading"] == "certain"
