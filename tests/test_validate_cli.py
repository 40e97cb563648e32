"""`python -m dashboard.validate`: exit codes and the exact messages a user sees."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.validate import main
from tests.conftest import (
    FOLDER_FAULTS,
    FOLDER_FAULTS_COMMAND_LINE,
    ROOT,
    publish_ids,
    read_rows,
    validate_changed_figure,
    write_rows,
)

METRICS = ROOT / "data" / "metrics.csv"


def counts(rows: list[dict[str, str]]) -> str:
    """'40 rows, 9 regions, 27 metrics, 4 sources' as validate counts them, from the rows themselves."""
    return (f"{len(rows)} rows, {len({r['region'] for r in rows})} regions, {len({r['metric'] for r in rows})} metrics, "
            f"{len({r['source_id'] for r in rows})} sources")


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def rows():
    return read_rows(METRICS)


def test_shipped_metrics_are_valid(capsys):
    code, out, err = run(capsys)
    assert code == 0 and err == ""
    assert out == f"valid: data/metrics.csv: {counts(read_rows(METRICS))}\n"


def test_every_problem_is_listed_at_once(capsys, tmp_path: Path, rows):
    rows[0]["value"] = "15"  # line 2: not what the quote says
    rows[1]["region"] = "Shanxii"  # line 3 (and its id was published for Shandong)
    rows[2]["unit"] = "units"  # line 4
    rows[4]["qualifier"] = "roughly"  # line 6
    rows[5]["quote"] = "Shandong has 3 centres"  # line 7: not in the document, and a rank of 3 is no "3 centres"
    rows[6]["value"] = "abc"  # line 8
    rows[7]["as_of"] = "2022-02-30"  # line 9
    rows[8]["year"] = "2021"  # line 10: as_of is 2022
    path = write_rows(tmp_path / "bad.csv", rows)
    code, out, err = run(capsys, str(path))
    assert code == 1 and out == ""
    lines = err.splitlines()
    assert lines[-1] == "invalid: 11 problem(s)"
    p = str(path)
    assert lines[:-1] == [
        f"{p}:2: column 'value': got '15'; expected a number the quote states as a count or amount (digits, digits "
        "split by a space, or a number word), not a year, an ordinal, a date or time, or part of a name (5G)",
        f"{p}:3: column 'figure_id': got 'shandong-national-manufacturing-innovation-centres-2022'; expected an id "
        "published for this figure; it was published as a figure for Shandong / national_manufacturing_innovation_centres"
        " / shandong-mic-2022, not Shanxii / national_manufacturing_innovation_centres / shandong-mic-2022",
        f"{p}:3: column 'region': got 'Shanxii'; expected a region listed in data/regions.csv",
        f"{p}:4: column 'unit': got 'units'; expected 'centres', the catalogue's unit for national_manufacturing_innovation_centres"
        ", or a unit data/units.csv converts to it (家, 个, 项, 条, 件, 份, 所, 座, 种, 万家, 万个, 万项)",
        f"{p}:6: column 'qualifier': got 'roughly'; expected one of [exact, approx, more_than, at_least, at_most]",
        f"{p}:7: column 'quote': got 'Shandong has 3 centres'; expected text that occurs verbatim (whitespace aside) in the source document",
        f"{p}:7: column 'value': got '3'; expected a rank the quote states as an ordinal (third, 34th, ranked 12, the 1 1 in)",
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


# --- hardening round 2 (issue 15) ---------------------------------------------------------------


@pytest.mark.parametrize("tail", [b"\n", b"\r\n"], ids=["LF", "CRLF"])
def test_a_trailing_blank_line_is_not_a_row(capsys, tmp_path: Path, tail):
    path = tmp_path / "m.csv"
    raw = METRICS.read_bytes()
    path.write_bytes((raw if tail == b"\n" else raw.replace(b"\n", b"\r\n")) + tail)
    code, out, err = run(capsys, str(path))
    assert (code, err) == (0, "")
    assert out == f"valid: {path}: {counts(read_rows(METRICS))}\n"


@pytest.mark.parametrize("column", ["value", "region", "note"])
def test_a_duplicated_header_column_is_reported_on_line_1(capsys, tmp_path: Path, column):
    lines = METRICS.read_text(encoding="utf-8").splitlines()
    lines = [lines[0] + f",{column}"] + [line + ",x" for line in lines[1:]]
    path = tmp_path / "twice.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = run(capsys, str(path))
    position = lines[0].split(",").index(column) + 1
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        f"{path}:1: column '{column}': got a duplicate column (columns {position} and {len(lines[0].split(','))}); "
        "expected each column named once in the header",
        "invalid: 1 problem(s)",
    ]


def test_a_header_line_over_the_csv_field_limit_is_one_line(capsys, tmp_path: Path):
    path = tmp_path / "long.csv"
    path.write_bytes(b"r" * 131_073 + b",value\nShanxi,1\n")
    code, out, err = run(capsys, str(path))
    assert (code, out) == (2, "")
    assert err == f"error: {path}: the header line is longer than 10,000 characters; this is not a metrics CSV\n"


def test_a_cell_over_the_csv_field_limit_is_one_line(capsys, tmp_path: Path):
    path = tmp_path / "long.csv"
    path.write_bytes(b"region,value\r\nShanxi,1\r\n\"" + b"q" * 131_073 + b"\",2\r\n")
    code, out, err = run(capsys, str(path))
    assert (code, out) == (2, "")
    assert err == f"error: {path}: line 3: a cell is longer than 131,072 characters\n"


def test_a_header_only_file_says_it_has_no_rows(capsys, tmp_path: Path):
    path = tmp_path / "empty.csv"
    path.write_bytes(METRICS.read_bytes().split(b"\n")[0] + b"\n")
    code, out, err = run(capsys, str(path))
    assert (code, out) == (2, "")
    assert err == f"error: {path}: the file has a header but no rows\n"


def test_utf16_is_named_not_called_binary(capsys, tmp_path: Path):
    path = tmp_path / "excel.csv"
    path.write_bytes(METRICS.read_text(encoding="utf-8").encode("utf-16"))
    code, _, err = run(capsys, str(path))
    assert code == 2
    assert err == f"error: {path}: this is UTF-16 text (byte order mark FF FE); expected UTF-8: save the file as UTF-8\n"


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path):
    import os

    path = tmp_path / "pipe.csv"
    os.mkfifo(path)
    result = subprocess.run([sys.executable, "-m", "dashboard.validate", str(path)], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"error: {path}: not a regular file (a FIFO); expected a CSV file\n"


def test_the_command_validates_the_copy_the_app_serves(capsys, project_copy: Path, monkeypatch):
    """DASHBOARD_ROOT points the app at another copy; the command the error screen recommends must
    check that same copy, its metrics and its catalogues and seeds."""
    rows = read_rows(project_copy / "data" / "metrics.csv")
    rows[0]["value"] = "15"
    write_rows(project_copy / "data" / "metrics.csv", rows)
    monkeypatch.setenv("DASHBOARD_ROOT", str(project_copy))
    code, out, err = run(capsys)
    assert (code, out) == (1, "")
    assert err.splitlines()[0].startswith("data/metrics.csv:2: column 'value': got '15'; expected ")
    assert err.splitlines()[-1] == "invalid: 1 problem(s)"


@pytest.mark.parametrize("name", FOLDER_FAULTS)
def test_a_missing_folder_is_one_line_with_its_path(project_copy: Path, name):
    FOLDER_FAULTS[name][0](project_copy)
    message = FOLDER_FAULTS_COMMAND_LINE[name]
    result = subprocess.run([sys.executable, "-m", "dashboard.validate"], cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, "DASHBOARD_ROOT": str(project_copy)})
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"error: {message.format(root=project_copy)}\n"


# --- stricter evidence (issue 15) -----------------------------------------------------------------


def first_row_of(rows, region, metric):
    return next(i for i, row in enumerate(rows) if (row["region"], row["metric"]) == (region, metric))


@pytest.mark.parametrize(
    ("region", "metric", "change", "column", "expected"),
    [
        # Shanxi's quote and document say nothing of Shaanxi
        ("Shanxi", "national_st_awards", {"region": "Shaanxi"}, "region",
         "a region the quote or else its document names (Shaanxi or 陕西省 or 陕西)"),
        # a count of 2018 from "in 2018"
        ("Shanxi", "provincial_manufacturing_innovation_centres", {"value": "2018"}, "value",
         "a number the quote states as a count or amount (digits, digits split by a space, or a number word), "
         "not a year, an ordinal, a date or time, or part of a name (5G)"),
        # 3 national centres from "ranks third"
        ("Shandong", "national_manufacturing_innovation_centres", {"value": "3"}, "value",
         "a number the quote states as a count or amount (digits, digits split by a space, or a number word), "
         "not a year, an ordinal, a date or time, or part of a name (5G)"),
        # 3 centres from the "03" of a date line
        ("Shanxi", "provincial_manufacturing_innovation_centres", {"value": "3", "quote": "Updated: 2021-03-10"}, "value",
         "a number the quote states as a count or amount (digits, digits split by a space, or a number word), "
         "not a year, an ordinal, a date or time, or part of a name (5G)"),
        # a rank of 2022 from a year
        ("China", "global_innovation_index_rank", {"value": "2022"}, "value",
         "a rank the quote states as an ordinal (third, 34th, ranked 12, the 1 1 in)"),
        # a year 14 from a count (year_basis stated)
        ("Shanxi", "technology_contract_turnover", {"year": "2018", "value": "12.42"}, "year",
         "a year the quote states as a year, since year_basis is 'stated'"),
    ],
    ids=["shaanxi", "count-from-year", "count-from-ordinal", "count-from-date", "rank-from-count", "year"],
)
def test_a_value_must_be_stated_as_what_it_is_and_the_region_named(capsys, tmp_path: Path, rows, region, metric, change,
                                                                   column, expected):
    line = first_row_of(rows, region, metric)
    rows[line].update(change)
    path = write_rows(tmp_path / "m.csv", rows)
    code, _, err = run(capsys, str(path))
    assert code == 1
    assert f"{path}:{line + 2}: column '{column}': got '{rows[line][column]}'; expected {expected}" in err.splitlines()


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("１４", "'１４' (not ASCII: U+FF11 FULLWIDTH DIGIT ONE at character 1, U+FF14 FULLWIDTH DIGIT FOUR at character 2)"),
        ("١٤", "'١٤' (not ASCII: U+0661 ARABIC-INDIC DIGIT ONE at character 1, U+0664 ARABIC-INDIC DIGIT FOUR at character 2)"),
        ("1_4", "'1_4'"),
    ],
)
def test_non_ascii_digits_and_underscores_in_a_number_cell_are_not_numbers(capsys, tmp_path: Path, rows, value, shown):
    rows[0]["value"] = value  # Shanxi's 14 centres
    path = write_rows(tmp_path / "m.csv", rows)
    code, _, err = run(capsys, str(path))
    assert code == 1
    assert err.splitlines() == [
        f"{path}:2: column 'value': got {shown}; expected a number in ASCII digits 0-9 (full-width and other "
        "scripts' digits, and '_' between digits, are not numbers in this data)",
        "invalid: 1 problem(s)",
    ]


def test_a_homoglyph_region_shows_its_code_points(capsys, tmp_path: Path, rows):
    rows[0]["region"] = "Shanx\u0456"  # a Cyrillic і
    path = write_rows(tmp_path / "m.csv", rows)
    code, _, err = run(capsys, str(path))
    assert code == 1
    assert (
        f"{path}:2: column 'region': got 'Shanxі' (not ASCII: U+0456 CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I "
        "at character 6); expected a region listed in data/regions.csv"
    ) in err.splitlines()  # beside the figure id, now published for another region


def test_a_quote_whose_digits_are_not_ascii_says_so(capsys, third_region_project: Path, monkeypatch):
    import hashlib

    seed = third_region_project / "seeds" / "900_zhejiang.txt"
    seed.write_text(seed.read_text(encoding="utf-8") + "\nZhejiang has １４ national centres.\n", encoding="utf-8")
    sources = read_rows(third_region_project / "data" / "sources.csv")
    sources[-1]["sha256"] = hashlib.sha256(seed.read_bytes()).hexdigest()
    write_rows(third_region_project / "data" / "sources.csv", sources)
    rows = read_rows(third_region_project / "data" / "metrics.csv")
    rows.append({**rows[-3], "figure_id": "zhejiang-national-manufacturing-innovation-centres-2023",
                 "metric": "national_manufacturing_innovation_centres", "value": "14",
                 "quote": "Zhejiang has １４ national centres."})
    write_rows(third_region_project / "data" / "metrics.csv", rows)
    publish_ids(third_region_project / "data", rows[-1:], "figure")
    monkeypatch.setenv("DASHBOARD_ROOT", str(third_region_project))
    code, _, err = run(capsys)
    assert code == 1
    assert err.splitlines()[0] == (
        f"data/metrics.csv:{len(rows) + 1}: column 'value': got '14'; expected a number the quote states as a count or "
        "amount (digits, digits split by a space, or a number word), not a year, an ordinal, a date or time, or part of a name (5G); the "
        "quote's '１４' is not read as numbers: only ASCII digits 0-9 are numbers in this data (not full-width or "
        "other scripts' digits, nor digits joined by '_')"
    )


def test_a_missing_quote_is_one_problem_and_leaves_the_other_rows_region_check_alone(capsys, project_copy: Path, monkeypatch):
    """The region check reads every quote at once (Arrow): one empty quote made it fail on every row
    ('region not named in its quote or document' for all of them); it is that row's problem alone."""
    monkeypatch.setenv("DASHBOARD_ROOT", str(project_copy))
    figure_id = read_rows(project_copy / "data" / "metrics.csv")[0]["figure_id"]
    line, err = validate_changed_figure(capsys, project_copy, figure_id, {"quote": ""})
    problems = err[:-1]
    assert problems[0].startswith(f"data/metrics.csv:{line}: column 'quote': got (empty)")
    assert all(p.startswith(f"data/metrics.csv:{line}: ") for p in problems), problems  # that row's, no other's
    assert not any("column 'region'" in p for p in problems), problems
    assert err[-1] == f"invalid: {len(problems)} problem(s)" and len(problems) <= 2  # and: no number stated
