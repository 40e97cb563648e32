"""`python -m dashboard.validate`: exit codes and the exact messages a user sees."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.validate import main
from tests.conftest import ROOT, read_rows, write_rows

METRICS = ROOT / "data" / "metrics.csv"


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def rows():
    return read_rows(METRICS)


def test_shipped_metrics_are_valid(capsys):
    code, out, err = run(capsys)
    n = len(read_rows(METRICS))
    assert code == 0 and err == ""
    assert out == f"valid: data/metrics.csv: {n} rows, 9 regions, 27 metrics, 4 sources\n"


def test_every_problem_is_listed_at_once(capsys, tmp_path: Path, rows):
    rows[0]["value"] = "15"  # line 2: not what the quote says
    rows[1]["region"] = "Shanxii"  # line 3 (and its id was published for Shandong)
    rows[2]["unit"] = "units"  # line 4
    rows[4]["qualifier"] = "roughly"  # line 6
    rows[5]["quote"] = "Shandong has 3 centres"  # line 7
    rows[6]["value"] = "abc"  # line 8
    rows[7]["as_of"] = "2022-02-30"  # line 9
    rows[8]["year"] = "2021"  # line 10: as_of is 2022
    path = write_rows(tmp_path / "bad.csv", rows)
    code, out, err = run(capsys, str(path))
    assert code == 1 and out == ""
    lines = err.splitlines()
    assert lines[-1] == "invalid: 10 problem(s)"
    p = str(path)
    assert lines[:-1] == [
        f"{p}:2: column 'value': got '15'; expected a number the quote states (digits, digits split by a space, or a number word)",
        f"{p}:3: column 'figure_id': got 'shandong-national-manufacturing-innovation-centres-2022'; expected an id "
        "published for this figure; it was published as a figure for Shandong / national_manufacturing_innovation_centres"
        " / shandong-mic-2022, not Shanxii / national_manufacturing_innovation_centres / shandong-mic-2022",
        f"{p}:3: column 'region': got 'Shanxii'; expected a region listed in data/regions.csv",
        f"{p}:4: column 'unit': got 'units'; expected 'centres', the catalogue's unit for national_manufacturing_innovation_centres",
        f"{p}:6: column 'qualifier': got 'roughly'; expected one of [exact, approx, more_than, at_least, at_most]",
        f"{p}:7: column 'quote': got 'Shandong has 3 centres'; expected text that occurs verbatim (whitespace aside) in the source document",
        f"{p}:8: column 'value': got 'abc'; expected a number",
        f"{p}:9: column 'as_of': got '2022-02-30'; expected a real calendar date (YYYY-MM-DD)",
        f"{p}:9: column 'as_of': got '2022-02-30'; expected the source's published date (2022-02-28)",
        f"{p}:10: column 'year': got '2021'; expected a year when year_basis is 'stated', the as_of year when it is 'as_of', and empty when it is 'unstated'",
    ]


@pytest.mark.parametrize(
    ("change", "column", "expected"),
    [
        ({"year": "1800"}, "year", "a number of at least 1949"),
        ({"year": "2101"}, "year", "a number of at most 2100"),
        ({"metric": "made_up_metric"}, "metric", "a metric listed in data/metric_catalogue.csv"),
        ({"source_id": "nowhere"}, "source_id", "a source_id listed in data/sources.csv"),
        ({"status": "hoped"}, "status", "one of [actual, target, proposed]"),
        ({"value": "-14"}, "value", "a value of 0 or more (counts and money cannot be negative)"),
        ({"value": "14.5"}, "value", "a whole number (counts and ranks)"),
        ({"quote": ""}, "quote", "a value (this column cannot be empty)"),
        ({"year_basis": "unstated"}, "year", "empty when it is 'unstated'"),
        ({"period_end": "2017"}, "period_end", "a year not before period_start"),
        ({"figure_id": "Shanxi_Centres"}, "figure_id", "a readable id: lower-case letters and digits, words joined by"
         " single hyphens (e.g. shanxi-technology-contract-turnover-2021), at most 80 characters"),
        ({"figure_id": "shanxi--centres"}, "figure_id", "a readable id: lower-case letters and digits, words joined by"
         " single hyphens (e.g. shanxi-technology-contract-turnover-2021), at most 80 characters"),
        ({"figure_id": "a" * 81}, "figure_id", "text of at most 80 characters"),
        ({"figure_id": ""}, "figure_id", "a value (this column cannot be empty)"),
        ({"reading": "maybe"}, "reading", "one of [certain, ambiguous]"),
        ({"reading": ""}, "reading", "a value (this column cannot be empty)"),
        ({"reading": "ambiguous"}, "reading", "'certain', or a reading_note giving the other reading in words"),
        ({"figure_id": "shanxi-centres-now"}, "figure_id", "an id listed in data/published_ids.csv (add 'shanxi-centres"
         "-now,figure,Shanxi,provincial_manufacturing_innovation_centres,shanxi-cppcc-proposals-2021' there to publish it)"),
    ],
)
def test_each_rule_names_line_column_and_expectation(capsys, tmp_path: Path, rows, change, column, expected):
    rows[0].update(change)  # line 2: Shanxi's 14 provincial centres
    code, _, err = run(capsys, str(write_rows(tmp_path / "m.csv", rows)))
    assert code == 1
    assert any(f":2: column '{column}': got " in line and expected in line for line in err.splitlines()), err


def test_duplicate_observation_names_both_lines(capsys, tmp_path: Path, rows):
    rows.append(dict(rows[0]))
    last = len(rows) + 1
    code, _, err = run(capsys, str(write_rows(tmp_path / "dup.csv", rows)))
    assert code == 1
    assert ":2: column 'region, metric, year, status, qualifier, source_id': got " in err
    assert f"expected a combination no other row has (line {last} has the same)" in err


def test_missing_columns_are_reported_on_the_header_line(capsys, tmp_path: Path):
    path = tmp_path / "narrow.csv"
    path.write_text("region,metric,value\nShanxi,national_st_awards,40\n", encoding="utf-8")
    code, _, err = run(capsys, str(path))
    assert code == 1
    assert f"{path}:1: column 'quote': got (missing); expected this column in the header" in err.splitlines()


def test_a_duplicate_or_reused_figure_id_names_both_lines(capsys, tmp_path: Path, rows):
    reused = rows[1]["figure_id"]  # Shandong's national centres
    rows[2]["figure_id"] = reused  # line 4: Beijing's row takes Shandong's published id
    code, _, err = run(capsys, str(path := write_rows(tmp_path / "m.csv", rows)))
    assert code == 1
    assert err.splitlines() == [
        f"{path}:3: column 'figure_id': got '{reused}'; expected a value no other row has (line 4 has it too)",
        f"{path}:4: column 'figure_id': got '{reused}'; expected an id published for this figure; it was published as a"
        " figure for Shandong / national_manufacturing_innovation_centres / shandong-mic-2022, not Beijing /"
        " national_manufacturing_innovation_centres / shandong-mic-2022",
        f"{path}:4: column 'figure_id': got '{reused}'; expected a value no other row has (line 3 has it too)",
        "invalid: 3 problem(s)",
    ]


def test_ragged_row_is_reported_with_its_line(capsys, tmp_path: Path):
    text = METRICS.read_text(encoding="utf-8").splitlines()
    text[3] += ",extra"
    path = tmp_path / "ragged.csv"
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    code, _, err = run(capsys, str(path))
    assert code == 1
    assert f"{path}:4: column '(row)': got 19 fields; expected 18 fields, as in the header" in err.splitlines()


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (None, "file not found"),
        (b"", "the file is empty"),
        (b"\n  \n", "the file is empty"),
        (b"PK\x03\x04\x00\x00binary", "this is a binary file (NUL byte at offset 4), not a CSV"),
        (b"region;metric;value\nShanxi;x;1\n", "not comma-separated (the header is split by semicolons); save it as a comma-separated CSV"),
        (b"region\tmetric\tvalue\n", "not comma-separated (the header is split by tabs); save it as a comma-separated CSV"),
        (b"region,metric\nShanxi,caf\xe9\n", "not valid UTF-8 (byte 0xe9 at offset 24); save the file as UTF-8"),
    ],
)
def test_unreadable_files_exit_2_with_one_line(capsys, tmp_path: Path, content, reason):
    path = tmp_path / "input.csv"
    if content is not None:
        path.write_bytes(content)
    code, out, err = run(capsys, str(path))
    assert (code, out) == (2, "")
    assert err == f"error: {path}: {reason}\n"


def test_directory_is_unreadable(capsys, tmp_path: Path):
    code, _, err = run(capsys, str(tmp_path))
    assert code == 2 and err == f"error: {tmp_path}: is a directory, not a CSV file\n"


def test_bom_and_crlf_are_accepted(capsys, tmp_path: Path):
    path = tmp_path / "windows.csv"
    path.write_bytes(b"\xef\xbb\xbf" + METRICS.read_bytes().replace(b"\n", b"\r\n"))
    code, out, _ = run(capsys, str(path))
    assert code == 0 and out.startswith(f"valid: {path}: ")


def test_real_entry_point_never_prints_a_traceback(tmp_path: Path):
    path = tmp_path / "bad.csv"
    path.write_bytes(b"\x00\x01\x02")
    invalid = tmp_path / "invalid.csv"
    invalid.write_text(METRICS.read_text(encoding="utf-8").replace("Shanxi", "Shanxii", 1), encoding="utf-8")
    for target, code in ((path, 2), (invalid, 1)):
        result = subprocess.run(
            [sys.executable, "-m", "dashboard.validate", str(target)], cwd=ROOT, capture_output=True, text=True
        )
        assert result.returncode == code
        assert "Traceback" not in result.stderr
        assert str(target) in result.stderr
