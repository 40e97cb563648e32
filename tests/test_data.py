"""The shipped dataset: it validates, and its structure is what the dashboard relies on."""

from __future__ import annotations

import csv
import re
import signal
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import pytest

from dashboard import schema, tables
from dashboard.data import load_dataset
from dashboard.files import InvalidData, UnreadableFile
from tests.conftest import FOLDER_FAULTS, ROOT, read_rows, write_rows


def test_shipped_data_validates_with_typed_columns(dataset):
    metrics = dataset.metrics
    assert len(metrics) >= 30
    assert str(metrics["year"].dtype) == "Int64"
    assert metrics["value"].dtype == float
    assert set(metrics["source_id"]) <= set(dataset.sources["source_id"])
    assert set(dataset.documents) == set(dataset.sources["source_id"])


@pytest.mark.parametrize("table", tables.TABLES, ids=lambda t: t.key)
def test_csv_header_matches_schema(table):
    with (ROOT / table.path).open(newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert header == list(table.model.to_schema().columns)


def test_every_schema_column_is_documented():
    for model in (table.model for table in tables.TABLES):  # published_ids too: it had been left out
        for name, column in model.to_schema().columns.items():
            assert column.description, f"{model.__name__}.{name} has no description"


def test_regions_cover_every_iso_3166_2_cn_subdivision(dataset):
    codes = set(dataset.regions["iso_code"])
    assert len(codes) == 35 and "CN" in codes  # the country and its 34 subdivisions
    assert set(dataset.metrics["region"]) <= set(dataset.regions["region"])


def test_shanxi_and_shaanxi_cannot_be_confused(dataset):
    regions = dataset.regions.set_index("region")
    assert regions.loc["Shanxi", "iso_code"] == "CN-SX"
    assert regions.loc["Shaanxi", "iso_code"] == "CN-SN"
    assert regions.loc["Shanxi", "name_zh"] == "山西省"
    assert regions.loc["Shaanxi", "name_zh"] == "陕西省"


def test_documented_reference_figures(dataset):
    """Spot-check figures a reader would look up first against their documents' wording."""
    m = dataset.metrics.set_index(["region", "metric", "year"])
    assert m.loc[("Shanxi", "technology_contract_turnover", 2012), "value"] == 12.42
    assert m.loc[("Shanxi", "technology_contract_turnover", 2021), "value"] == 52.18
    assert m.loc[("China", "global_innovation_index_rank", 2012), "value"] == 34
    assert m.loc[("China", "global_innovation_index_rank", 2022), "value"] == 11
    cultivated = m.loc[("Shandong", "manufacturing_innovation_centres_in_cultivation", 2022)]
    assert (cultivated["value"], cultivated["qualifier"]) == (20, "more_than")


def test_targets_and_unstated_years_are_marked(dataset):
    metrics = dataset.metrics
    jilin = metrics[metrics["region"] == "Jilin"]
    assert set(jilin["status"]) == {"target"}
    assert (jilin["period_start"] == 2023).all() and (jilin["period_end"] == 2025).all()
    unstated = metrics[metrics["year_basis"] == "unstated"]
    assert len(unstated) > 0 and unstated["year"].isna().all()
    undated = dataset.sources[dataset.sources["published"].isna()]["source_id"]
    assert metrics[metrics["source_id"].isin(undated)]["as_of"].isna().all()


def test_events_with_unknown_dates_keep_their_wording(dataset):
    events = dataset.events
    regulation = events[events["event_type"] == "regulation"].iloc[0]
    assert regulation["date_precision"] == "unknown"
    assert pd.isna(regulation["date"])
    assert regulation["date_text"] == "May 1"
    started = events[events["date_precision"] == "year"].iloc[0]
    assert started["date"] == "2018"


def test_sources_state_no_guessed_dates(dataset):
    sources = dataset.sources.set_index("source_id")
    for source_id, row in sources.iterrows():
        if isinstance(row["published"], str):
            # The date line quoted from the document must contain the ISO date's parts.
            year, month, day = row["published"].split("-")
            assert all(part in row["published_text"] for part in (year, month, day)), source_id


def test_changed_seed_document_is_rejected(project_copy: Path):
    seed = project_copy / "seeds" / "002_ee4fd5ed85ea2616.txt"
    seed.write_text(seed.read_text(encoding="utf-8").replace("52.18", "62.18"), encoding="utf-8")
    with pytest.raises(InvalidData) as raised:
        load_dataset(project_copy)
    messages = [str(p) for p in raised.value.problems]
    assert any("data/sources.csv" in m and "'sha256'" in m and "seeds must stay unchanged" in m for m in messages)


def test_missing_seed_is_reported_against_sources(project_copy: Path):
    (project_copy / "seeds" / "004_0d5b3f8e658acd8b.txt").unlink()
    with pytest.raises(InvalidData) as raised:
        load_dataset(project_copy)
    assert any(p.column == "file" and p.line == 6 for p in raised.value.problems)


def test_invalid_catalogue_names_its_file_and_line(project_copy: Path):
    path = project_copy / "data" / "regions.csv"
    rows = read_rows(path)
    shanxi = next(i for i, row in enumerate(rows) if row["region"] == "Shanxi")
    rows[shanxi]["iso_code"] = "CN-sx"
    write_rows(path, rows)
    with pytest.raises(InvalidData) as raised:
        load_dataset(project_copy)
    (problem,) = raised.value.problems
    assert (problem.file, problem.line, problem.column, problem.value) == ("data/regions.csv", shanxi + 2, "iso_code", "'CN-sx'")


def the_one_problem(root: Path, name: str, change):
    """Change the first row of data/<name> (a dict of column -> value) and return the one problem
    loading the data then reports."""
    path = root / "data" / name
    rows = read_rows(path)
    rows[0].update(change)
    write_rows(path, rows)
    with pytest.raises(InvalidData) as raised:
        load_dataset(root)
    (problem,) = raised.value.problems
    return problem


def test_event_date_must_match_its_precision(project_copy: Path):
    problem = the_one_problem(project_copy, "events.csv", {"date": "2018-05"})
    assert (problem.file, problem.line, problem.column) == ("data/events.csv", 2, "date")
    assert "YYYY for year" in problem.expected


def test_missing_curated_file_is_unreadable(project_copy: Path):
    (project_copy / "data" / "events.csv").unlink()
    with pytest.raises(UnreadableFile, match=re.escape("data/events.csv: file not found")):
        load_dataset(project_copy)


def _variants() -> list[tuple[str, bytes]]:
    shipped = [(f"data/{p.name}", p.read_bytes()) for p in sorted((ROOT / "data").glob("*.csv"))]
    metrics = (ROOT / "data" / "metrics.csv").read_bytes()
    return shipped + [
        ("bom+crlf", b"\xef\xbb\xbf" + metrics.replace(b"\n", b"\r\n")),
        ("no final newline", metrics.rstrip(b"\n")),
        ("padded cells", b" a , b \n x ,  \n\"q, \"\"r\"\"\", s \n"),
        ("header only", b"a,b\n"),
    ]


@pytest.mark.parametrize(("name", "raw"), _variants(), ids=[n for n, _ in _variants()])
def test_fast_reader_agrees_with_the_careful_one(name, raw):
    from dashboard.files import read_raw_table

    fast, fast_problems = read_raw_table(raw, name)
    careful, careful_problems = read_raw_table(raw, name, careful=True)
    pd.testing.assert_frame_equal(fast, careful)
    assert fast_problems == careful_problems == []


@pytest.mark.parametrize(
    ("raw", "line"),
    [
        (b"a,b\n1,2\n\n3,4,5\n", 4),  # a blank line before a ragged row
        (b"a,b\n\"multi\nline\",2\n3,4,5\n", 4),  # a quoted newline before a ragged row
    ],
)
def test_unusual_files_keep_exact_line_numbers(raw, line):
    from dashboard.files import read_raw_table

    frame, problems = read_raw_table(raw, "x.csv")
    assert [p.line for p in problems] == [line]
    assert list(frame.index) == [2]


def _point_first_source_at(project: Path, file: str) -> None:
    path = project / "data" / "sources.csv"
    rows = read_rows(path)
    rows[0]["file"] = file
    write_rows(path, rows)


@pytest.mark.parametrize("file", ["seeds/../data/metrics.csv", "data/metrics.csv", "seeds/", "seeds/..", "/etc/hostname"])
def test_a_source_file_outside_seeds_is_never_read(project_copy: Path, file: str):
    _point_first_source_at(project_copy, file)
    with pytest.raises(InvalidData) as raised:
        load_dataset(project_copy)
    assert any(p.line == 2 and p.column == "file" for p in raised.value.problems)


def test_a_symbolic_link_out_of_seeds_is_never_read(project_copy: Path):
    link = project_copy / "seeds" / "escape.txt"
    link.symlink_to(project_copy / "data" / "metrics.csv")
    _point_first_source_at(project_copy, "seeds/escape.txt")
    with pytest.raises(InvalidData) as raised:
        load_dataset(project_copy)
    assert any(p.line == 2 and p.column == "file" for p in raised.value.problems)


def test_a_symbolic_link_within_seeds_is_followed(project_copy: Path):
    first = read_rows(project_copy / "data" / "sources.csv")[0]["file"]
    (project_copy / "seeds" / "alias.txt").symlink_to(project_copy / first)
    _point_first_source_at(project_copy, "seeds/alias.txt")
    assert load_dataset(project_copy).sources.loc[0, "file"] == "seeds/alias.txt"


def test_a_check_that_cannot_tell_fails_every_row_instead_of_passing_it():
    """A fault inside a cross-file check must never read as 'verified' (a crash on one quote once
    turned the whole value check into a pass). Only a missing column passes: it is reported anyway."""
    frame = pd.DataFrame({"value": [1.0, 2.0]})

    def broken(df):
        raise ValueError("cannot compare")

    def needs_missing_column(df):
        return df["quote"].notna()

    failing = pa.DataFrameSchema(checks=[schema._row_check("value_in_quote", broken)])
    with pytest.raises(pa.errors.SchemaErrors) as raised:
        failing.validate(frame, lazy=True)
    assert sorted(raised.value.failure_cases["index"]) == [0, 1]
    assert schema._row_check("x", needs_missing_column)(frame).check_passed.item()


def test_every_figure_and_event_has_a_unique_published_id(dataset):
    ids = [*dataset.metrics["figure_id"], *dataset.events["event_id"]]
    assert len(ids) == len(set(ids)) == len(dataset.metrics) + len(dataset.events)
    ledger = dataset.reference.ids
    for row in dataset.metrics.itertuples():
        assert ledger[row.figure_id] == ("figure", row.region, row.metric, row.source_id)
    for row in dataset.events.itertuples():
        assert ledger[row.event_id] == ("event", row.region, None, row.source_id)


def test_an_event_id_published_for_another_event_is_rejected(project_copy: Path):
    path = project_copy / "data" / "events.csv"
    rows = read_rows(path)
    rows[0]["event_id"] = rows[1]["event_id"]  # line 2 takes line 3's id
    write_rows(path, rows)
    with pytest.raises(InvalidData) as raised:
        load_dataset(project_copy)
    assert [(p.line, p.column, p.expected) for p in raised.value.problems] == [
        (2, "event_id", "a value no other row has (line 3 has it too)"),
        (3, "event_id", "a value no other row has (line 2 has it too)"),
    ]


def test_a_removed_figure_keeps_its_id_out_of_reach(project_copy: Path):
    """The ledger outlives the row: a new figure cannot take the id a removed one was cited by."""
    path = project_copy / "data" / "metrics.csv"
    rows = read_rows(path)
    removed = rows.pop(2)  # Beijing's national centres
    rows[0]["figure_id"] = removed["figure_id"]
    write_rows(path, rows)
    with pytest.raises(InvalidData) as raised:
        load_dataset(project_copy)
    (problem,) = raised.value.problems
    assert (problem.line, problem.column) == (2, "figure_id")
    assert problem.expected.startswith("an id published for this figure; it was published as a figure for Beijing")


def test_the_ledger_itself_is_validated(project_copy: Path):
    problem = the_one_problem(project_copy, "published_ids.csv", {"kind": "chart"})
    assert str(problem) == "data/published_ids.csv:2: column 'kind': got 'chart'; expected one of [figure, event]"


def test_the_data_version_is_a_content_hash_of_data_and_seeds(project_copy: Path):
    first = load_dataset(project_copy).version
    assert re.fullmatch(r"[0-9a-f]{10}", first)
    assert load_dataset(ROOT).version == first  # the same files anywhere give the same version
    path = project_copy / "data" / "metrics.csv"
    rows = read_rows(path)
    rows[0]["note"] = "A curator's clarification."
    write_rows(path, rows)
    assert load_dataset(project_copy).version not in ("", first)


def test_implied_rank_rows_say_they_are_implied_by_shandongs_sentence(dataset):
    notes = dataset.metrics.set_index("figure_id")["note"]
    for figure_id in ("beijing-national-manufacturing-innovation-centres-2022", "guangdong-national-manufacturing-innovation-centres-2022",
                      "shanghai-national-mic-rank-2022", "jiangsu-national-mic-rank-2022",
                      "beijing-national-mic-rank-2022", "guangdong-national-mic-rank-2022",
                      "shanghai-national-manufacturing-innovation-centres-2022", "jiangsu-national-manufacturing-innovation-centres-2022"):
        assert notes[figure_id].startswith("Not stated directly: Shandong's"), figure_id


def test_every_region_shandongs_sentence_names_gets_both_a_count_and_a_rank(dataset):
    """'2 ..., second only to Beijing and Guangdong, and ranks third ... with Shanghai, Jiangsu':
    Beijing and Guangdong have more than 2 and rank at most 2; Shanghai and Jiangsu have 2 and rank 3."""
    rows = dataset.metrics[dataset.metrics["source_id"] == "shandong-mic-2022"]
    by = {(r.region, r.metric): (r.value, r.qualifier) for r in rows.itertuples()}
    count, rank = "national_manufacturing_innovation_centres", "national_mic_rank"
    shandong_count, shandong_rank = by[("Shandong", count)][0], by[("Shandong", rank)][0]
    for region in ("Beijing", "Guangdong"):
        assert by[(region, count)] == (shandong_count, "more_than")
        assert by[(region, rank)] == (shandong_rank - 1, "at_most")
    for region in ("Shanghai", "Jiangsu"):
        assert by[(region, count)] == (shandong_count, "exact")
        assert by[(region, rank)] == (shandong_rank, "exact")


def test_shanxi_decade_figures_carry_the_period_or_say_why_not(dataset):
    """'Over the past decade' frames document 002: a cumulative figure carries that period; a stock
    the province 'has formed' says in its note why it has none."""
    shanxi = dataset.metrics[dataset.metrics["source_id"] == "shanxi-tech-decade-2022"].set_index("figure_id")
    labelled = shanxi["period_label"].dropna()
    assert set(labelled) == {"the past decade"}
    for figure_id in ("shanxi-joint-research-projects-2022", "shanxi-joint-research-project-funds-2022",
                      "shanxi-international-cooperation-projects-2022", "shanxi-national-st-awards-2022",
                      "shanxi-key-laboratories-growth-2022", "shanxi-tech-transfer-policy-documents-2022"):
        assert figure_id in labelled.index, figure_id
    for figure_id, row in shanxi.drop(labelled.index).iterrows():
        dated = row["year_basis"] == "stated"  # the turnover of 2012 and of 2021
        assert dated or "no period" in row["note"], figure_id


def test_a_lost_dash_reading_is_a_stated_value_only_on_a_row_marked_ambiguous(project_copy: Path):
    """'build 1 2 lighthouse factories' states 1 and 2 (1 to 2) only as the other reading of an
    ambiguous row; marked certain, the quote states 12 and the value 1 is refused at its line."""
    path = project_copy / "data" / "metrics.csv"
    rows = read_rows(path)
    line = next(i for i, r in enumerate(rows, start=2) if r["figure_id"] == "jilin-lighthouse-factories-2025-target")
    assert load_dataset(project_copy).metrics.set_index("figure_id").at["jilin-lighthouse-factories-2025-target", "value"] == 1
    rows[line - 2]["reading"], rows[line - 2]["reading_note"] = "certain", ""
    write_rows(path, rows)
    with pytest.raises(InvalidData) as caught:
        load_dataset(project_copy)
    assert [(p.line, p.column, p.value) for p in caught.value.problems] == [(line, "value", "'1'")]


def test_shanxis_proposed_centres_and_national_level_centre_are_events_not_figures(dataset):
    events = dataset.events.set_index("event_id")
    assert "states no number of centres" in events.loc["shanxi-cppcc-national-centre-proposals", "note"]
    milestone = events.loc["shanxi-intelligent-manufacturing-innovation-center-national-level"]
    assert milestone["event_type"] == "milestone" and milestone["date_precision"] == "unknown"
    assert "has transformed into a national-level" in milestone["quote"]
    shanxi_national = dataset.metrics[(dataset.metrics["region"] == "Shanxi")
                                      & (dataset.metrics["metric"] == "national_manufacturing_innovation_centres")]
    assert shanxi_national.empty


# --- hardening round 2 (issue 15) ---------------------------------------------------------------


@pytest.mark.parametrize(
    "tail",
    [b"\n", b"\r\n", b"\n\n\n", b"\n  \n", b"\r\n\r\n"],
    ids=["LF", "CRLF", "three", "spaces", "two-CRLF"],
)
@pytest.mark.parametrize("careful", [False, True], ids=["fast", "careful"])
def test_trailing_blank_lines_are_not_rows_on_either_reader_path(tail, careful):
    from dashboard.files import read_raw_table

    raw = (ROOT / "data" / "metrics.csv").read_bytes()
    if tail.startswith(b"\r"):
        raw = raw.replace(b"\n", b"\r\n")
    frame, problems = read_raw_table(raw + tail, "metrics.csv", careful=careful)
    n = len(read_rows(ROOT / "data" / "metrics.csv"))
    assert (len(frame), problems) == (n, [])
    assert list(frame.index) == list(range(2, n + 2))


@pytest.mark.parametrize("careful", [False, True], ids=["fast", "careful"])
def test_blank_lines_anywhere_are_not_rows_and_keep_line_numbers(careful):
    from dashboard.files import read_raw_table

    frame, problems = read_raw_table(b"a,b\n\n1,2\n \n3,4\n,\n5,6\n\n", "x.csv", careful=careful)
    assert problems == []
    assert frame.to_dict("index") == {3: {"a": "1", "b": "2"}, 5: {"a": "3", "b": "4"}, 7: {"a": "5", "b": "6"}}


def test_a_trailing_blank_line_in_the_curated_file_changes_nothing(project_copy: Path):
    path = project_copy / "data" / "metrics.csv"
    path.write_bytes(path.read_bytes() + b"\n")
    assert len(load_dataset(project_copy).metrics) == len(read_rows(ROOT / "data" / "metrics.csv"))


@pytest.mark.parametrize(
    ("date", "precision"),
    [("2018-02-30", "day"), ("2018-13", "month"), ("2018-00", "month"), ("2018-04-31", "day"), ("0000", "year")],
)
def test_impossible_event_dates_are_rejected_at_their_precision(project_copy: Path, date, precision):
    path = project_copy / "data" / "events.csv"
    rows = read_rows(path)
    rows[0].update(date=date, date_precision=precision)
    write_rows(path, rows)
    with pytest.raises(InvalidData) as raised:
        load_dataset(project_copy)
    assert [str(p) for p in raised.value.problems] == [
        f"data/events.csv:2: column 'date': got '{date}'; expected a real date from 1949 to 2100 at its precision "
        "(YYYY-MM-DD for day, YYYY-MM with month 01-12 for month, YYYY for year, empty for unknown)"
    ]


def test_real_dates_at_each_precision_still_pass(project_copy: Path):
    path = project_copy / "data" / "events.csv"
    rows = read_rows(path)
    rows[0].update(date="2020-02-29", date_precision="day")  # a leap day
    rows[1].update(date="2018-12", date_precision="month")
    write_rows(path, rows)
    events = load_dataset(project_copy).events
    assert list(events["date"][:2]) == ["2020-02-29", "2018-12"]


@pytest.mark.parametrize(("fault", "message"), FOLDER_FAULTS.values(), ids=FOLDER_FAULTS.keys())
def test_a_missing_or_replaced_folder_is_unreadable_and_named(project_copy: Path, fault, message):
    fault(project_copy)
    with pytest.raises(UnreadableFile) as raised:
        load_dataset(project_copy)
    assert str(raised.value) == message and str(project_copy) not in str(raised.value)


def deny(monkeypatch, denied: Path) -> None:
    """Make `denied` unreadable as EACCES would (the tests run as root, where chmod cannot)."""
    import builtins
    import os

    real_scandir, real_open = os.scandir, builtins.open
    real_read_bytes = Path.read_bytes

    def refuse(path):
        if Path(path) == denied:
            raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(os, "scandir", lambda path=".": (refuse(path), real_scandir(path))[1])
    monkeypatch.setattr(builtins, "open", lambda path, *a, **k: (refuse(path), real_open(path, *a, **k))[1])
    monkeypatch.setattr(Path, "read_bytes", lambda self: (refuse(self), real_read_bytes(self))[1])


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("data", "data/: cannot be read (Permission denied)"),
        ("seeds", "seeds/: cannot be read (Permission denied)"),
        ("seeds/002_ee4fd5ed85ea2616.txt", "seeds/002_ee4fd5ed85ea2616.txt: cannot be read (Permission denied)"),
    ],
)
def test_an_unreadable_folder_or_seed_is_unreadable_and_named(project_copy: Path, monkeypatch, target, message):
    deny(monkeypatch, project_copy / target)
    with pytest.raises(UnreadableFile) as raised:
        load_dataset(project_copy)
    assert str(raised.value) == message  # what pages and the API show: no server path
    if "/:" in message:  # a folder: the command lines name its path
        assert raised.value.command_line == message.replace("(", f"({project_copy}/{target}: ")


def test_a_fifo_in_place_of_a_data_file_is_refused_without_opening_it(project_copy: Path):
    import os

    path = project_copy / "data" / "events.csv"
    path.unlink()
    os.mkfifo(path)  # opening it for reading would block until a writer comes

    def hung(signum, frame):
        raise TimeoutError("load_dataset opened the FIFO and waited for a writer")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(20)
    try:
        with pytest.raises(UnreadableFile) as raised:
            load_dataset(project_copy)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert str(raised.value) == "data/events.csv: not a regular file (a FIFO); expected a CSV file"


def test_a_curated_table_with_a_header_and_no_rows_says_so(project_copy: Path):
    path = project_copy / "data" / "metrics.csv"
    path.write_bytes(path.read_bytes().split(b"\n")[0] + b"\n\n")
    with pytest.raises(UnreadableFile) as raised:
        load_dataset(project_copy)
    assert str(raised.value) == "data/metrics.csv: the file has a header but no rows"


@pytest.mark.parametrize(
    ("encoding", "message"),
    [
        ("utf-16", "x.csv: this is UTF-16 text (byte order mark FF FE); expected UTF-8: save the file as UTF-8"),
        ("utf-16-le", "x.csv: this looks like UTF-16 text (little-endian, no byte order mark); expected UTF-8: save the file as UTF-8"),
        ("utf-16-be", "x.csv: this looks like UTF-16 text (big-endian, no byte order mark); expected UTF-8: save the file as UTF-8"),
    ],
)
def test_utf16_is_named_as_such(encoding, message):
    from dashboard.files import read_raw_table

    with pytest.raises(UnreadableFile) as raised:
        read_raw_table("region,value\nShanxi,14\n".encode(encoding), "x.csv")
    assert str(raised.value) == message


def test_duplicate_key_report_names_a_few_other_lines_not_all():
    """With every row the same, a report naming all the others would be quadratic in size."""
    from dashboard.problems import validate_frame
    from dashboard.schema import Metrics

    rows = [read_rows(ROOT / "data" / "metrics.csv")[0]] * 50
    frame = pd.DataFrame(rows, index=pd.Index(range(2, 52), name="line"))
    _, problems = validate_frame(frame, Metrics.to_schema(), "m.csv")
    duplicates = [p for p in problems if p.column.startswith("region, metric")]
    assert len(duplicates) == 50
    assert duplicates[0].expected == "a combination no other row has (lines 3, 4, 5, 6, 7 and 44 more have the same)"
    assert duplicates[-1].expected == "a combination no other row has (lines 2, 3, 4, 5, 6 and 44 more have the same)"


def test_a_report_grows_with_its_file_however_many_rows_share_an_id(tmp_path: Path):
    """2,600 rows sharing one figure_id printed 39 MB: each problem listed every other line. Now each
    names a few (and how many more), so twice the rows make twice the report, not four times."""
    rows = read_rows(ROOT / "data" / "metrics.csv")

    def report(count: int) -> list[str]:
        path = tmp_path / f"same-{count}.csv"
        write_rows(path, [dict(rows[i % len(rows)], figure_id="same-id") for i in range(count)])
        with pytest.raises(InvalidData) as raised:
            load_dataset(ROOT, metrics_path=path)
        return [str(problem) for problem in raised.value.problems]

    small, large = report(150), report(300)
    assert len("".join(large)) < 2.2 * len("".join(small))
    unique = [p for p in large if "a value no other row has" in p]
    assert len(unique) == 300
    assert unique[0].endswith("expected a value no other row has (lines 3, 4, 5, 6, 7 and 294 more have it too)")
