"""python -m dashboard.draft: candidate rows for a new document, checked against curated ones."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from dashboard import audit
from dashboard.draft import MAX_QUOTE, check_draft, draft_document, main
from dashboard.numbers import find_numbers
from tests.conftest import ROOT, read_rows, write_rows
from tests.hostile_text import within

HEBEI = ROOT / "tests" / "documents" / "hebei_2024.txt"


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def drafted(dataset, text: str, source_id: str = "new", published: str | None = None):
    return draft_document(text, source_id, list(dataset.regions["region"]), dataset.catalogue, published)


def test_the_draft_recalls_every_curated_figure_of_the_shipped_documents_with_verbatim_quotes(dataset):
    recalled = curated = 0
    for source_id in dataset.sources["source_id"]:
        text = dataset.documents[source_id]
        draft = drafted(dataset, text, source_id)
        excluded = [f.mention for f in audit.audit_dataset(dataset, [source_id])[source_id] if f.status == audit.EXCLUDED]
        result = check_draft(text, draft, dataset.metrics[dataset.metrics["source_id"] == source_id], excluded)
        recalled, curated = recalled + result.recalled, curated + result.curated
        assert result.unmatched == [], source_id  # every candidate is a curated figure or an excluded number
        folded = " ".join(text.split())
        assert all(c.row["quote"] in folded for c in draft.candidates)
    assert recalled == curated == len(dataset.metrics)


def test_a_new_document_is_drafted_as_a_curator_would_record_it(dataset):
    """tests/documents/hebei_2024.txt, written for this test: figures, bounds, a target, a
    conversion, a stray space, a plan name and period, 'last year' and a date line."""
    text = HEBEI.read_text(encoding="utf-8")
    draft = drafted(dataset, text, "hebei-2024")
    rows = [(c.row["region"], c.row["value"], c.row["qualifier"], c.row["status"], c.row["year"], c.row["year_basis"])
            for c in draft.candidates]
    assert rows == [
        ("Hebei", "26", "exact", "actual", "2024", "as_of"),
        ("Hebei", "151.3", "approx", "actual", "2023", "stated"),  # 'last year' from the date line
        ("Hebei", "1200", "more_than", "actual", "2023", "stated"),
        ("Hebei", "5", "exact", "actual", "2024", "as_of"),  # 'ranks fifth'
        ("Hebei", "50", "at_least", "target", "2026", "stated"),
        ("Hebei", "15", "exact", "target", "2026", "stated"),  # '1 5': read joined, flagged below
        ("Hebei", "25", "more_than", "target", "2026", "stated"),
        ("Hebei", "2", "at_least", "target", "", "unstated"),  # 'two or three': two rows
        ("Hebei", "3", "at_most", "target", "", "unstated"),
        ("Hebei", "40", "approx", "actual", "2024", "as_of"),
    ]
    stray = draft.candidates[5].row
    assert (stray["reading"], stray["reading_note"]) == (
        "ambiguous", "the document writes '1 5': read as 15; check for a stray space or a lost dash (1-5)")
    assert draft.candidates[1].row["note"].startswith(
        "DRAFT, review: year resolved from 'last year' and the document's date 2024-04-18; the quote does not write it")
    assert [(m.text, why) for m, why in draft.skipped] == [
        ("2024-04-18", "date of publication"), ("$21 billion", "a conversion of the amount before it"),
        ("2023", "a year (of another number or event)"), ("Three", "part of a name"), ("2024-2026", "bounds a period"),
        ("2026", "a year (of another number or event)"), ("five", "a period, not a figure")]
    folded = " ".join(text.split())
    assert all(c.row["quote"] in folded for c in draft.candidates)


@pytest.mark.parametrize(
    ("sentence", "value", "qualifier"),
    [
        ("It has more than 20 centres.", "20", "more_than"),
        ("It has over 20 centres.", "20", "more_than"),
        ("It has about 20 centres.", "20", "approx"),
        ("It has nearly 20 centres.", "20", "approx"),
        ("It has approximately 20 centres.", "20", "approx"),
        ("It has at least 20 centres.", "20", "at_least"),
        ("It has no more than 20 centres.", "20", "at_most"),
        ("It has up to 20 centres.", "20", "at_most"),
        ("It has 20 centres.", "20", "exact"),
    ],
)
def test_qualifier_words_map_to_qualifiers(dataset, sentence, value, qualifier):
    (candidate,) = drafted(dataset, sentence).candidates
    assert (candidate.row["value"], candidate.row["qualifier"]) == (value, qualifier)


@pytest.mark.parametrize(
    ("sentence", "status"),
    [
        ("Shanxi has built 14 centres.", "actual"),
        ("Shanxi will build 14 centres by 2025.", "target"),
        ("Shanxi plans to build 14 centres.", "target"),
        ("Advisers suggest building 14 centres in Shanxi.", "proposed"),
    ],
)
def test_plans_and_proposals_are_not_results(dataset, sentence, status):
    candidates = [c for c in drafted(dataset, sentence).candidates]
    assert [c.row["status"] for c in candidates] == [status]


def test_the_draft_csv_has_the_metrics_columns(capsys, dataset):
    code, out, err = run(capsys, str(HEBEI), "--source-id", "hebei-2024")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    header = (ROOT / "data" / "metrics.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert list(rows[0]) == header and len(rows) == 10 and {r["source_id"] for r in rows} == {"hebei-2024"}
    assert err.splitlines()[0] == f'{HEBEI}:3: skipped "2024-04-18": date of publication'


@pytest.mark.parametrize("folder", ["data", "seeds"])
def test_it_refuses_to_write_into_data_or_seeds(capsys, folder):
    target = ROOT / folder / "draft.csv"
    code, out, err = run(capsys, str(HEBEI), "-o", str(target))
    assert (code, out) == (2, "")
    assert err == (f"error: {target}: the draft is never written into data/ or seeds/; write it elsewhere, review it, "
                   "then copy the rows you keep into data/metrics.csv\n")
    assert not target.exists()


def test_it_writes_the_draft_where_asked(capsys, tmp_path: Path):
    target = tmp_path / "draft.csv"
    code, out, err = run(capsys, str(HEBEI), "-o", str(target))
    assert (code, out) == (0, "")
    assert err.splitlines()[-1] == f"drafted 10 candidate row(s) into {target}; 7 number(s) skipped (listed above)"
    assert len(list(csv.DictReader(target.open(encoding="utf-8")))) == 10


@pytest.mark.parametrize(
    ("content", "reason"),
    [(None, "file not found"), (b"", "the file is empty"), (b"ab\x00c", "this is a binary file (NUL byte at offset 2), not text"),
     (b"caf\xe9", "not valid UTF-8 (byte 0xe9 at offset 3); save the file as UTF-8")],
)
def test_an_unreadable_document_exits_2_with_one_line(capsys, tmp_path: Path, content, reason):
    path = tmp_path / "doc.txt"
    if content is not None:
        path.write_bytes(content)
    code, out, err = run(capsys, str(path))
    assert (code, out, err) == (2, "", f"error: {path}: {reason}\n")


def test_check_prints_recall_and_precision_for_a_curated_document(capsys, dataset):
    code, out, _ = run(capsys, str(ROOT / "seeds" / "003_514a004910d82cf7.txt"), "--source-id",
                       "manufacturing-upgrading-overview", "--check")
    curated = int((dataset.metrics["source_id"] == "manufacturing-upgrading-overview").sum())
    assert code == 0
    recall, precision = out.splitlines()
    assert recall == (f"recall: {curated}/{curated} curated figures drafted (100.0%) with the same value, qualifier, "
                      "status and year, the quote overlapping")
    assert re.fullmatch(r"precision: (\d+)/\1 candidates \(100\.0%\) are curated figures or excluded numbers; "
                        r"\d+/\1 \(\d+\.\d%\) are curated figures", precision), precision


def test_check_needs_a_curated_source_id(capsys):
    code, out, err = run(capsys, str(HEBEI), "--source-id", "hebei-2024", "--check")
    assert (code, out) == (2, "")
    assert err.splitlines()[-1] == ("error: --check needs the source_id of a curated document; 'hebei-2024' is not in "
                                    "data/sources.csv")


# --- time in proportion to the document (issue 20, point 3) -----------------------------------------------

HOSTILE_DOCUMENTS = {  # the shapes that took 10-100 s at 5-140 KB, at about 50 KB
    "one sentence listing numbers": "Shanxi built " + ", ".join(str(i) for i in range(9000)) + " centres.",
    "a sentence per number": "".join(f"Shanxi built {i} centres in 2021. " for i in range(1500)),
    "ones": " ".join(["1"] * 25_000),
    "abbreviations": "Co. A " * 8000,
    "a line per number": "".join(f"Shanxi built {i} centres.\n" for i in range(2000)),
}


@pytest.mark.parametrize("name", HOSTILE_DOCUMENTS)
def test_drafting_and_auditing_a_long_hostile_document_keeps_pace_with_it(dataset, name):
    text = HOSTILE_DOCUMENTS[name]
    empty = dataset.metrics.iloc[0:0]
    with within(20, f"drafting and auditing {name} ({len(text):,} characters)"):
        draft = drafted(dataset, text)
        findings = audit.audit_document(text, empty, dataset.events.iloc[0:0], dataset.exclusions.iloc[0:0], {})
    numbers = find_numbers(text)
    assert [f.mention for f in findings] == numbers and all(f.status == audit.UNACCOUNTED for f in findings)
    assert [f.line for f in findings] == [text.count("\n", 0, m.start) + 1 for m in numbers]
    folded = " ".join(text.split())
    assert all(c.row["quote"] in folded and c.mention.text in c.row["quote"] for c in draft.candidates)
    assert {c.mention for c in draft.candidates} | {m for m, _ in draft.skipped} == set(numbers)


def test_a_sentence_with_many_numbers_gives_short_quotes_and_messages(dataset):
    """Each number of one long sentence is quoted and reported with the words around it, not
    the whole sentence again: the draft and the audit report grow with the document."""
    text = HOSTILE_DOCUMENTS["one sentence listing numbers"].replace(", ", " and then ")
    draft = drafted(dataset, text)
    findings = audit.audit_document(text, dataset.metrics.iloc[0:0], dataset.events.iloc[0:0], dataset.exclusions.iloc[0:0], {})
    assert len(draft.candidates) == 9000
    assert all(len(c.row["quote"]) <= MAX_QUOTE and c.mention.text in c.row["quote"].split() for c in draft.candidates)
    assert all(len(f.sentence) <= audit.WINDOW_SHOWN + 8 and f.mention.text in f.sentence.split() for f in findings)
    assert findings[0].sentence.startswith("Shanxi built 0 and then 1") and findings[0].sentence.endswith(" ...")
    assert findings[-1].sentence.startswith("... ") and findings[-1].sentence.endswith("8999 centres.")


# --- the write guard (issue 20, point 4) ---------------------------------------------------------------

REFUSED = ("the draft is never written into data/ or seeds/; write it elsewhere, review it, "
           "then copy the rows you keep into data/metrics.csv")


def guarded(capsys, output: Path, *args: str) -> tuple[int, str]:
    code, out, err = run(capsys, str(HEBEI), "-o", str(output), *args)
    assert out == ""
    return code, err


def test_it_refuses_the_served_copy_named_by_dashboard_root(capsys, monkeypatch, project_copy: Path):
    """DASHBOARD_ROOT=COPY draft doc.txt -o COPY/data/metrics.csv replaced the served copy's rows."""
    monkeypatch.setenv("DASHBOARD_ROOT", str(project_copy))
    target = project_copy / "data" / "metrics.csv"
    before = target.read_bytes()
    assert guarded(capsys, target) == (2, f"error: {target}: {REFUSED}\n")
    assert target.read_bytes() == before


@pytest.mark.parametrize("link", ["hard", "symbolic", "folder"])
def test_it_refuses_a_link_to_curated_data_by_any_name(capsys, tmp_path: Path, project_copy: Path, link):
    """-o a hard link to data/metrics.csv truncated it: resolving paths cannot see a hard link."""
    curated = project_copy / "data" / "metrics.csv"
    before = curated.read_bytes()
    if link == "hard":
        target = tmp_path / "draft.csv"
        target.hardlink_to(curated)
    elif link == "symbolic":
        target = tmp_path / "draft.csv"
        target.symlink_to(curated)
    else:
        (tmp_path / "elsewhere").symlink_to(project_copy / "seeds", target_is_directory=True)
        target = tmp_path / "elsewhere" / "draft.csv"
    assert guarded(capsys, target, "--root", str(project_copy)) == (2, f"error: {target}: {REFUSED}\n")
    assert curated.read_bytes() == before and not (project_copy / "seeds" / "draft.csv").exists()


def test_audit_reads_the_folder_dashboard_root_names(capsys, monkeypatch, project_copy: Path):
    rows = read_rows(project_copy / "data" / "metrics.csv")
    write_rows(project_copy / "data" / "metrics.csv",
               [r for r in rows if r["figure_id"] != "jilin-demonstration-factories-2025-target"])
    monkeypatch.setenv("DASHBOARD_ROOT", str(project_copy))
    code = audit.main([])
    out, err = capsys.readouterr()
    assert (code, out) == (1, "")
    assert err.splitlines()[0].startswith('seeds/003_514a004910d82cf7.txt:27: "100" in ')


def test_draft_reads_the_folder_dashboard_root_names(capsys, monkeypatch, project_copy: Path):
    """With no --root, draft checks against the copy $DASHBOARD_ROOT names, as validate and the
    audit do: a document only that copy has is known to --check."""
    from tests.test_new_document import FIGURES, SEED, SOURCE_ID, add_tricky_document

    add_tricky_document(project_copy)
    args = [str(project_copy / SEED), "--source-id", SOURCE_ID, "--check"]
    assert run(capsys, *args)[0] == 2  # this checkout does not have the document
    monkeypatch.setenv("DASHBOARD_ROOT", str(project_copy))
    code, out, err = run(capsys, *args)
    assert code == 0, err
    assert f"/{len(FIGURES)} curated figures drafted" in out.splitlines()[0]
