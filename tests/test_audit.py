"""The completeness audit (python -m dashboard.audit) and data/exclusions.csv."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from dashboard.audit import CAPTURED, EXCLUDED, UNACCOUNTED, audit_dataset, audit_document, count_text, main
from dashboard.data import load_dataset
from dashboard.files import InvalidData
from tests.conftest import ROOT, read_rows, write_rows

SHANXI_2021 = "seeds/000_910f694db9cd48b8.txt"
OVERVIEW = "seeds/003_514a004910d82cf7.txt"


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_every_number_in_the_shipped_documents_is_accounted_for(capsys, dataset):
    """The CI gate: a figure missed in a shipped document fails this test."""
    code, out, err = run(capsys)
    findings = [f for found in audit_dataset(dataset).values() for f in found]
    assert (code, err) == (0, "")
    assert {f.status for f in findings} == {CAPTURED, EXCLUDED}
    assert out == f"complete: {len(dataset.sources)} document(s), {count_text(findings)}\n"


@pytest.mark.parametrize("word", ["trinity", "double"])
def test_a_multiplier_word_is_a_number_the_audit_must_account_for(capsys, project_copy: Path, word):
    """'The trinity national innovation system' (三位一体) and '"double leap" platforms' (双跨) are
    number words: without their exclusion the audit names them."""
    rows = read_rows(project_copy / "data" / "exclusions.csv")
    write_rows(project_copy / "data" / "exclusions.csv", [r for r in rows if r["number"] != word])
    code, _, err = run(capsys, "--root", str(project_copy))
    assert code == 1
    assert err.splitlines()[0].startswith(f'{OVERVIEW}:{21 if word == "trinity" else 29}: "{word}" in "')


def test_removing_a_figure_row_makes_its_number_unaccounted(capsys, project_copy: Path):
    rows = read_rows(project_copy / "data" / "metrics.csv")
    write_rows(project_copy / "data" / "metrics.csv",
               [r for r in rows if r["figure_id"] != "jilin-demonstration-factories-2025-target"])
    code, out, err = run(capsys, "--root", str(project_copy))
    sentence = ('The Action Plan of Intelligent Transformation and Digital Transformation of Manufacturing Industry in Jilin '
                'Province (2023-2025) proposes to support more than 300 demonstration projects of "Intelligent Transformation '
                'and Digital Transformation" in three years, and build 1 2 lighthouse factories, 100 demonstration factories '
                'and 300 provincial-level intelligent manufacturing digital workshops to promote industrial enterprises above '
                'designated size to complete a round of "Intelligent Transformation".')
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        f'{OVERVIEW}:27: "100" in "{sentence}"',
        "incomplete: 1 number(s) neither recorded nor excluded (add the figure to data/metrics.csv, "
        "or the number to data/exclusions.csv with a reason)",
    ]


def test_removing_an_exclusion_makes_its_number_unaccounted(capsys, project_copy: Path):
    rows = read_rows(project_copy / "data" / "exclusions.csv")
    write_rows(project_copy / "data" / "exclusions.csv", [r for r in rows if r["number"] != "2021-03-10"])
    code, _, err = run(capsys, "--root", str(project_copy))
    assert code == 1
    assert err.splitlines()[0] == f'{SHANXI_2021}:4: "2021-03-10" in "Updated: 2021-03-10"'


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ("missing", "error: data/exclusions.csv: file not found\n"),
        ("empty", "error: data/exclusions.csv: the file is empty\n"),
        ("invalid", "error: the curated data has 1 problem(s); run python -m dashboard.validate to list them\n"),
    ],
)
def test_unreadable_or_invalid_data_exits_2_with_one_line(capsys, project_copy: Path, fault, message):
    path = project_copy / "data" / "exclusions.csv"
    if fault == "missing":
        path.unlink()
    elif fault == "empty":
        path.write_text("", encoding="utf-8")
    else:
        rows = read_rows(path)
        rows[0]["reason"] = "boring"
        write_rows(path, rows)
    code, out, err = run(capsys, "--root", str(project_copy))
    assert (code, out, err) == (2, "", message)


def test_a_folder_without_data_exits_2(capsys, tmp_path: Path):
    code, _, err = run(capsys, "--root", str(tmp_path))
    assert (code, err) == (2, f"error: data/: folder not found ({tmp_path}/data)\n")


def test_the_real_entry_point_never_prints_a_traceback(project_copy: Path):
    (project_copy / "data" / "exclusions.csv").write_bytes(b"\x00\x01")
    result = subprocess.run([sys.executable, "-m", "dashboard.audit", "--root", str(project_copy)], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr == "error: data/exclusions.csv: this is a binary file (NUL byte at offset 0), not a CSV\n"


# --- exclusions.csv is validated like the other files ---------------------------------------------------


@pytest.mark.parametrize(
    ("change", "column", "expected"),
    [
        ({"reason": "boring"}, "reason", "one of [conversion, date_of_publication, part_of_name, period_of_another_figure, "
         "restates_a_figure, no_quantity, out_of_scope]"),
        ({"quote": "Updated: 2021-03-11"}, "quote", "text that occurs verbatim (whitespace aside) in the source document"),
        ({"number": "2021"}, "number", "a number the quote writes, exactly as written there (digits, words, dates)"),
        ({"number": "03-10"}, "number", "a number the quote writes, exactly as written there (digits, words, dates)"),
        ({"source_id": "nowhere"}, "source_id", "a source_id listed in data/sources.csv"),
        ({"note": ""}, "note", "a value (this column cannot be empty)"),
    ],
)
def test_a_broken_exclusion_names_its_line_column_and_expectation(project_copy: Path, change, column, expected):
    path = project_copy / "data" / "exclusions.csv"
    rows = read_rows(path)
    rows[0].update(change)  # line 2: Shanxi's date line
    write_rows(path, rows)
    with pytest.raises(InvalidData) as caught:
        load_dataset(project_copy)
    assert [str(p) for p in caught.value.problems if p.column == column] == [
        f"data/exclusions.csv:2: column '{column}': got {rows[0][column]!r}; expected {expected}"
        if rows[0][column] else f"data/exclusions.csv:2: column '{column}': got (empty); expected {expected}"]


def test_the_same_number_and_quote_cannot_be_excluded_twice(project_copy: Path):
    path = project_copy / "data" / "exclusions.csv"
    rows = read_rows(path)
    write_rows(path, rows + [dict(rows[0], reason="no_quantity")])
    with pytest.raises(InvalidData) as caught:
        load_dataset(project_copy)
    assert any("column 'source_id, quote, number'" in str(p) or "source_id" in p.column for p in caught.value.problems)


# --- what accounts for each number ----------------------------------------------------------------------


def test_each_shipped_number_is_tied_to_what_states_it(dataset):
    findings = {(f.line, f.mention.text): f for f in audit_dataset(dataset, ["manufacturing-upgrading-overview"])[
        "manufacturing-upgrading-overview"]}
    # "1 2" read as 1 to 2 (the ambiguous reading's other side): both bounds state it.
    assert findings[(27, "1 2")].figure_ids == ("jilin-lighthouse-factories-2025-target",
                                                "jilin-lighthouse-factories-2025-target-upper")
    assert findings[(27, "three")].figure_ids == ("jilin-digital-transformation-demo-projects-2025-target",)  # its period_label
    assert findings[(13, "2023-2025")].event_ids == ("shandong-manufacturing-innovation-action-plan-2023-2025",)
    assert findings[(43, "two or three")].figure_ids == ("hubei-industrial-chain-platforms-per-chain-undated-target-lower",
                                                         "hubei-industrial-chain-platforms-per-chain-undated-target-upper")
    assert (findings[(29, "5G")].status, findings[(29, "5G")].reason) == (EXCLUDED, "part_of_name")
    for line, word in ((21, "trinity"), (29, "double"), (13, "five")):  # names are treated alike
        assert (findings[(line, word)].status, findings[(line, word)].reason) == (EXCLUDED, "part_of_name")


def test_an_ordinal_states_a_rank_but_never_a_count():
    text = "Shandong has 2 centres, second only to Beijing, and ranks third."
    figures = pd.DataFrame([
        {"figure_id": "count", "metric": "centres", "value": 2.0, "year": None, "year_basis": "as_of", "quote": text},
        {"figure_id": "rank", "metric": "rank", "value": 3.0, "year": None, "year_basis": "as_of", "quote": text},
    ])
    none = pd.DataFrame(columns=["event_id", "quote", "source_id", "number", "reason", "note"])
    findings = audit_document(text, figures, none, none, {"centres": "count", "rank": "rank"})
    assert [(f.mention.text, f.status, f.figure_ids) for f in findings] == [
        ("2", CAPTURED, ("count",)), ("second", UNACCOUNTED, ()), ("third", CAPTURED, ("rank",))]
    assert count_text(findings) == "3 numbers: 2 stating 2 figures, 0 dates or periods, 0 excluded, 1 unaccounted"


def test_a_count_is_never_a_rank_but_digits_in_a_position_are():
    """Beijing's implied rank of at most 2 is stated by 'second', not by Shandong's count of 2;
    'the 1 1 in 2022' is a rank written in digits."""
    text = "Shandong has a total of 2 centres, second only to Beijing. China rose to the 1 1 in 2022."
    figures = pd.DataFrame([
        {"figure_id": "beijing-rank", "metric": "rank", "value": 2.0, "year": None, "year_basis": "as_of",
         "quote": "Shandong has a total of 2 centres, second only to Beijing."},
        {"figure_id": "gii", "metric": "rank", "value": 11.0, "year": 2022.0, "year_basis": "stated",
         "quote": "China rose to the 1 1 in 2022."},
    ])
    none = pd.DataFrame(columns=["event_id", "quote", "source_id", "number", "reason", "note"])
    findings = audit_document(text, figures, none, none, {"rank": "rank"})
    assert [(f.mention.text, f.figure_ids) for f in findings] == [
        ("2", ()), ("second", ("beijing-rank",)), ("1 1", ("gii",)), ("2022", ("gii",))]


def test_a_number_outside_every_quote_is_unaccounted_even_if_a_figure_has_its_value():
    text = "It has 14 centres. Elsewhere it says 14 again."
    figures = pd.DataFrame([{"figure_id": "f", "metric": "m", "value": 14.0, "year": None, "year_basis": "as_of",
                             "quote": "It has 14 centres."}])
    none = pd.DataFrame(columns=["event_id", "quote", "source_id", "number", "reason", "note"])
    findings = audit_document(text, figures, none, none, {"m": "count"})
    assert [(f.line, f.status, f.sentence) for f in findings] == [
        (1, CAPTURED, "It has 14 centres."), (1, UNACCOUNTED, "Elsewhere it says 14 again.")]
