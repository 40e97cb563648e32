"""A curator adds a document with tricky numbers (issue 18): its true figures validate, each wrong
reading is refused on its own line, and the audit names its unrecorded numbers and none of its
recorded ones. The document is tests/documents/tricky_numbers.txt; `add_tricky_document` adds it
with its source row, figures, published ids and exclusions to a copy of the project, as a curator
would (no code or test changes: the tests that count documents or numbers derive their counts)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from dashboard import audit, validate
from tests.conftest import ROOT, read_rows, validate_changed_figure, write_rows

DOCUMENT = ROOT / "tests" / "documents" / "tricky_numbers.txt"
SOURCE_ID = "guangdong-tricky-numbers"
SEED = "seeds/900_tricky_numbers.txt"

# (figure_id, metric, value, unit, year, year_basis, quote): each a reading the one reader must make.
FIGURES = [
    ("guangdong-provincial-mics-tricky", "provincial_manufacturing_innovation_centres", "25", "centres", "", "unstated",
     "Guangdong now has twenty-five provincial manufacturing innovation centres"),
    ("guangdong-tech-transfer-enterprises-tricky", "tech_transfer_enterprises", "2000", "enterprises", "", "unstated",
     "A total of 2000 enterprises have joined the technology transfer programme"),
    ("guangdong-joint-research-projects-tricky", "joint_research_projects", "1250", "projects", "", "unstated",
     "1,250 joint research projects are under way"),
    ("guangdong-national-mic-rank-tricky", "national_mic_rank", "12", "rank", "", "unstated",
     "The province ranked 12 in the national ranking of manufacturing innovation centres."),
    ("guangdong-technology-contract-turnover-2021-tricky", "technology_contract_turnover", "120", "billion yuan", "2021",
     "stated", "Its technology contract turnover reached one hundred and twenty billion yuan in March 2021"),
    ("guangdong-technology-contract-turnover-2012-tricky", "technology_contract_turnover", "52.5", "billion yuan", "2012",
     "stated", "compared with 2012 when it stood at 52.5 billion yuan"),
]
SENTENCE_5G = ("Its centres work on 5G, CO2 capture and version 3.14 of an industrial operating system; it calls itself "
               "No. 1 in the south and #2 in the country for them.")
# (quote, number as written, reason, note): the numbers that are no figure.
EXCLUSIONS = [
    ("Issued 2021-03", "2021-03", "date_of_publication", "The date line, to the month: no published date is recorded."),
    ("the provincial department said at a briefing that began at 11:16.", "11:16", "no_quantity", "A time of day."),
    (SENTENCE_5G, "5G", "part_of_name", "The name of a technology."),
    (SENTENCE_5G, "CO2", "part_of_name", "A chemical formula."),
    (SENTENCE_5G, "3.14", "part_of_name", "A version number."),
    (SENTENCE_5G, "1", "out_of_scope", "A self-description ('No. 1 in the south'), no rank this dataset records."),
    (SENTENCE_5G, "2", "out_of_scope", "A self-description ('#2 in the country'), no rank this dataset records."),
    ("A garbled cell of the annex reads 12,34.", "12,34", "no_quantity", "No number as written: neither 12, 34 nor 1,234."),
]


def _append(path: Path, rows: list[dict[str, str]]) -> None:
    existing = read_rows(path)
    write_rows(path, existing + [{column: row.get(column, "") for column in existing[0]} for row in rows])


def add_tricky_document(root: Path) -> None:
    """Add the tricky document to the project at root: the seed, its source row, its figures, their
    published ids and its exclusions. A project that has it already (a copy made for the issue's
    check, where `make test-fast` runs with it in data/) is left as it is."""
    if any(row["source_id"] == SOURCE_ID for row in read_rows(root / "data" / "sources.csv")):
        return
    shutil.copyfile(DOCUMENT, root / SEED)
    data = root / "data"
    _append(data / "sources.csv", [{
        "source_id": SOURCE_ID, "file": SEED, "title": "Guangdong counts its innovation centres", "language": "en",
        "sha256": hashlib.sha256(DOCUMENT.read_bytes()).hexdigest(),
        "note": "Written for the tests: numbers every reader of them must tell apart. Dated to the month only.",
    }])
    figures = [{"figure_id": figure_id, "region": "Guangdong", "metric": metric, "value": value, "unit": unit,
                "year": year, "qualifier": "exact", "status": "actual", "source_id": SOURCE_ID, "quote": quote,
                "year_basis": basis, "reading": "certain"}
               for figure_id, metric, value, unit, year, basis, quote in FIGURES]
    _append(data / "metrics.csv", figures)
    _append(data / "published_ids.csv", [{"id": row["figure_id"], "kind": "figure", "region": row["region"],
                                          "metric": row["metric"], "source_id": SOURCE_ID} for row in figures])
    _append(data / "exclusions.csv", [{"source_id": SOURCE_ID, "quote": quote, "number": number, "reason": reason,
                                       "note": note} for quote, number, reason, note in EXCLUSIONS])


@pytest.fixture
def tricky(project_copy: Path, monkeypatch) -> Path:
    add_tricky_document(project_copy)
    monkeypatch.setenv("DASHBOARD_ROOT", str(project_copy))  # validate reads the copy
    return project_copy


def test_its_true_figures_validate_and_the_audit_accounts_for_every_number(capsys, tricky: Path):
    assert validate.main([]) == 0, capsys.readouterr().err
    assert audit.main(["--root", str(tricky)]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    sources = [row["source_id"] for row in read_rows(tricky / "data" / "sources.csv")]
    assert SOURCE_ID in sources and f"complete: {len(sources)} document(s)" in out


MICS = "guangdong-provincial-mics-tricky"
RANK_SENTENCE = "The province ranked 12 in the national ranking of manufacturing innovation centres."
# A wrong reading of each tricky number, as a curator might record it: the row, what changes, and
# the column validation names.
WRONG_READINGS = [
    (MICS, {"value": "20"}, "value"),  # 'twenty-five' is one value
    (MICS, {"value": "5"}, "value"),
    ("guangdong-tech-transfer-enterprises-tricky", {"year": "2000", "year_basis": "stated"}, "year"),  # a count
    ("guangdong-joint-research-projects-tricky", {"value": "250"}, "value"),  # '1,250' is one value
    ("guangdong-technology-contract-turnover-2021-tricky", {"value": "100"}, "value"),  # 'one hundred and twenty'
    ("guangdong-technology-contract-turnover-2012-tricky", {"value": "2012"}, "value"),  # a year, no amount
    (MICS, {"quote": RANK_SENTENCE, "value": "12"}, "value"),  # a rank, no count
    (MICS, {"quote": SENTENCE_5G, "value": "5"}, "value"),  # 5G: a name
    (MICS, {"quote": SENTENCE_5G, "value": "2"}, "value"),  # CO2, and #2 a position
    (MICS, {"quote": SENTENCE_5G, "value": "3"}, "value"),  # version 3.14
    (MICS, {"quote": "the provincial department said at a briefing that began at 11:16.", "value": "11"}, "value"),
    (MICS, {"quote": "A garbled cell of the annex reads 12,34.", "value": "12"}, "value"),  # no number
    (MICS, {"quote": "Issued 2021-03", "value": "3"}, "value"),  # a date
]


@pytest.mark.parametrize(("figure_id", "changes", "column"), WRONG_READINGS)
def test_each_wrong_reading_is_refused_on_its_own_line(capsys, tricky: Path, figure_id, changes, column):
    line, err = validate_changed_figure(capsys, tricky, figure_id, changes)
    got = changes[column]
    assert err[-1] == "invalid: 1 problem(s)"
    assert err[0].startswith(f"data/metrics.csv:{line}: column '{column}': got '{got}'; expected a ")


@pytest.mark.parametrize(("quote", "number"), [(quote, number) for quote, number, _, _ in EXCLUSIONS])
def test_the_audit_names_a_number_without_its_exclusion_and_no_recorded_one(capsys, tricky: Path, quote, number):
    exclusions = tricky / "data" / "exclusions.csv"
    write_rows(exclusions, [row for row in read_rows(exclusions)
                            if not (row["source_id"] == SOURCE_ID and row["number"] == number and row["quote"] == quote)])
    code = audit.main(["--root", str(tricky)])
    err = capsys.readouterr().err.splitlines()
    assert code == 1
    assert [line.split('"')[1] for line in err[:-1]] == [number]
    assert err[0].startswith(f"{SEED}:")
