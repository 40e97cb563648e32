"""Bring your own CSV on /explore: validated like the curated file, labelled, session-only, never saved."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import metrics as mx
from dashboard.data import MAX_UPLOAD_ROWS, load_dataset, validate_upload
from dashboard.files import InvalidData
from tests.conftest import ROOT, body, headings, scrolled

HEADER = (ROOT / "data" / "metrics.csv").read_text(encoding="utf-8").splitlines()[0]
COLUMNS = HEADER.split(",")


def csv_bytes(*rows: dict) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows({c: row.get(c, "") for c in COLUMNS} for row in rows)
    return out.getvalue().encode("utf-8")


UNVERIFIED = {
    "region": "Zhejiang", "metric": "provincial_manufacturing_innovation_centres", "value": "9", "unit": "centres",
    "year": "2023", "qualifier": "exact", "status": "actual", "source_id": "my-notes",
    "quote": "<img src=x onerror=alert(1)> my own count", "year_basis": "stated", "note": "=HYPERLINK(\"http://evil\")",
}
VERIFIED = {
    "region": "Shanxi", "metric": "national_st_awards", "value": "40", "unit": "awards", "year": "2022",
    "qualifier": "exact", "status": "actual", "source_id": "shanxi-tech-decade-2022",
    "quote": "Shanxi won 40 national science and technology awards", "as_of": "2022-11-23", "year_basis": "as_of",
}


def shown(markdown: str) -> str:
    """What a reader sees of escaped Markdown."""
    return re.sub(r"\\(.)", r"\1", markdown)


def explore() -> AppTest:
    return AppTest.from_file(str(ROOT / "dashboard" / "views" / "explore.py"), default_timeout=60).run()


def upload(at: AppTest, name: str, content: bytes) -> AppTest:
    at.file_uploader(key="upload").set_value((name, content, "text/csv"))
    return at.run()


def test_rows_naming_no_shipped_source_are_kept_and_labelled(dataset):
    rows = validate_upload(csv_bytes(UNVERIFIED, VERIFIED), "mine.csv", dataset.reference)
    enriched = mx.enrich_observations(dataset, rows)
    assert list(enriched[mx.PROVENANCE]) == [mx.USER_UNVERIFIED, mx.USER_VERIFIED]
    assert enriched[mx.SOURCE_TITLE].iloc[0] == "user-supplied, unverified: my-notes"
    assert enriched[mx.SOURCE_TITLE].iloc[1] == "Tech innovation flourishes in Shanxi"


def test_rows_naming_a_shipped_source_get_the_quote_checks(dataset):
    wrong = {**VERIFIED, "value": "41"}
    with pytest.raises(InvalidData) as raised:
        validate_upload(csv_bytes(UNVERIFIED, wrong), "mine.csv", dataset.reference)
    (problem,) = raised.value.problems
    assert (problem.line, problem.column, problem.value) == (3, "value", "'41'")


def test_upload_adds_labelled_rows_to_the_table_and_the_download(dataset):
    at = upload(explore(), "mine.csv", csv_bytes(UNVERIFIED, VERIFIED))
    assert not at.exception and not at.error
    assert shown(at.success[0].value).startswith("Added 2 rows from mine.csv for this session only; 1 of them are")
    n = len(dataset.metrics)
    assert body(at)[0].value == f"**{n + 2}** of {n + 2} figures match."
    table = at.dataframe[0].value
    zhejiang = table[table["Region"] == "Zhejiang"].iloc[0]
    assert zhejiang["Provenance"] == "user-supplied, unverified"
    assert zhejiang["Quote"] == "<img src=x onerror=alert(1)> my own count"  # shown as text, not markup
    at.multiselect(key="region").set_value(["Zhejiang"]).run()
    assert at.get("download_button")[0].proto.label == "Download CSV (1 rows)"


def test_problems_are_listed_as_a_table_and_nothing_is_added(dataset):
    bad = [{**UNVERIFIED, "region": "Atlantis"}, {**VERIFIED, "quote": "Shanxi won 41 awards"}]
    at = upload(explore(), "bad.csv", csv_bytes(*bad))
    assert shown(at.error[0].value) == "Not added: bad.csv has 3 problems; fix them and upload again."
    problems = at.dataframe[0].value
    assert list(problems.columns) == ["line", "column", "value", "expected"]
    assert problems.iloc[0].to_dict() == {
        "line": 2, "column": "region", "value": "'Atlantis'", "expected": "a region listed in data/regions.csv",
    }
    assert set(problems["column"]) == {"region", "quote", "value"}
    n = len(dataset.metrics)
    assert body(at)[0].value == f"**{n}** of {n} figures match."


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Not added: upload.csv: the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "Not added: upload.csv: this is a binary file (NUL byte at offset 8), not a CSV"),
        (b"region,metric\nZhejiang,caf\xe9\n", "Not added: upload.csv: not valid UTF-8 (byte 0xe9 at offset 26); save the file as UTF-8"),
        (b"region;metric;value\nShanxi;x;1\n", "Not added: upload.csv: not comma-separated (the header is split by semicolons); save it as a comma-separated CSV"),
        (HEADER.encode() + b"\n", "Not added: upload.csv: the file has a header but no rows"),
    ],
)
def test_unreadable_uploads_get_a_one_line_reason(content, message):
    at = upload(explore(), "upload.csv", content)
    assert not at.exception
    assert [shown(e.value) for e in at.error] == [message]


def test_row_limit_has_a_clear_message(dataset):
    row = ",".join([""] * len(COLUMNS))
    content = (HEADER + "\n" + "\n".join(["x" + row] * (MAX_UPLOAD_ROWS + 1)) + "\n").encode()
    at = upload(explore(), "big.csv", content)
    assert [shown(e.value) for e in at.error] == [f"Not added: big.csv: the file has {MAX_UPLOAD_ROWS + 1:,} rows; the limit is {MAX_UPLOAD_ROWS:,} rows"]


def test_one_size_limit_stated_the_same_everywhere(dataset):
    """5 MB = 5,000,000 bytes: the code refuses one byte more, the widget is given 5 (MB), the server's
    transport cap is 5 (MiB, just above), and the widget label and README say 5 MB (5,000,000 bytes)."""
    import tomllib

    from dashboard.data import MAX_UPLOAD_BYTES

    assert MAX_UPLOAD_BYTES == 5_000_000
    content = HEADER.encode() + b"\n"
    content += b"#" * (MAX_UPLOAD_BYTES + 1 - len(content))
    with pytest.raises(Exception) as raised:
        validate_upload(content, "huge.csv", dataset.reference)
    assert str(raised.value) == "huge.csv: the file is 5,000,001 bytes; the limit is 5 MB (5,000,000 bytes)"
    at = explore()
    widget = at.file_uploader(key="upload")
    assert widget.proto.max_upload_size_mb == 5  # the widget refuses it before the server
    assert "at most 5 MB (5,000,000 bytes)" in widget.label
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] == 5
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "5 MB (5,000,000 bytes)" in readme


def test_uploads_stay_in_the_session_and_never_touch_data_or_seeds():
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in [*(ROOT / "data").iterdir(), *(ROOT / "seeds").iterdir()]}
    app = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=60).run()
    app.switch_page("views/explore.py").run()
    upload(app, "mine.csv", csv_bytes(UNVERIFIED))
    app.switch_page("views/compare.py").run()
    scrolled(app.multiselect(key="region").set_value(["Shanxi", "Zhejiang"]).run())
    (side_by_side,) = [d.value for d in app.dataframe]
    assert "9 centres (2023) [user-supplied, unverified]" in set(side_by_side["Zhejiang"])
    assert body(explore())[0].value.startswith(f"**{len(load_dataset(ROOT).metrics)}** of")  # a new session sees none
    after = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in [*(ROOT / "data").iterdir(), *(ROOT / "seeds").iterdir()]}
    assert after == before


def test_an_uploaded_figure_has_a_page_in_its_session_only():
    app = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=60).run()
    app.switch_page("views/explore.py").run()
    upload(app, "mine.csv", csv_bytes(UNVERIFIED))
    app.switch_page("views/figure.py")
    app.query_params["id"] = "user.line-2"  # the upload's first row, on line 2 of its file
    scrolled(app.run())  # to its citations (views/near.py)
    assert not app.exception and headings(app, 1) == ["Zhejiang: Provincial manufacturing innovation centres"]
    assert shown(body(app)[0].value) == "## 9 centres"
    assert shown(app.warning[0].value) == "user-supplied, unverified: uploaded in this session, not part of the curated data."
    assert any(shown(m.value) == "“<img src=x onerror=alert(1)> my own count”" for m in app.markdown)  # escaped, as text
    assert "“user-supplied, unverified: my-notes” (n.d.)." in app.code[0].value  # the citation says what it is

    fresh = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=60).run()
    fresh.switch_page("views/figure.py")
    fresh.query_params["id"] = "user.line-2"
    fresh.run()
    assert shown(fresh.error[0].value) == ("No figure with id 'user.line-2' in this session. Uploaded figures live only in "
                                           "the browser tab that uploaded them; upload the file again on Explore.")


def centres_chart_regions(app: AppTest) -> set[str]:
    """The regions in the overview's centres chart (a figure the page caches per data version)."""
    app.switch_page("views/overview.py").run()
    chart = app.get("plotly_chart")[0]  # the coverage map follows it
    return {trace.get("name").split(" (")[0] for trace in json.loads(chart.proto.spec)["data"]}


def test_figures_computed_from_an_upload_stay_with_that_upload():
    """Pages cache what they compute per version of the data (session_data.derived); an upload is its own
    version, so neither another session nor the same session after a failed re-upload sees it."""
    mine = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=60).run()
    assert "Zhejiang" not in centres_chart_regions(mine)  # the curated version, computed first
    mine.switch_page("views/explore.py").run()
    upload(mine, "mine.csv", csv_bytes(UNVERIFIED))
    assert "Zhejiang" in centres_chart_regions(mine)

    other = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=60).run()
    assert "Zhejiang" not in centres_chart_regions(other)

    mine.switch_page("views/explore.py").run()
    upload(mine, "broken.csv", b"region,value\nShanxi,1\n")  # replaces the upload, and is refused
    assert any("Not added" in e.value for e in mine.error)
    assert "Zhejiang" not in centres_chart_regions(mine)


def test_uploaded_rows_get_session_ids_no_curated_figure_can_have(dataset):
    from dashboard.schema import ID_PATTERN

    taken = {**UNVERIFIED, "figure_id": dataset.metrics["figure_id"].iloc[0]}  # a curated id, claimed
    rows = validate_upload(csv_bytes(taken, VERIFIED), "mine.csv", dataset.reference)
    assert list(rows["figure_id"]) == ["user.line-2", "user.line-3"]
    assert not any(re.fullmatch(ID_PATTERN, i) for i in rows["figure_id"])
    assert not set(rows["figure_id"]) & set(dataset.metrics["figure_id"])


def test_an_upload_without_a_figure_id_column_is_accepted(dataset):
    old_format = csv_bytes(UNVERIFIED).decode("utf-8").split("\n")
    header = old_format[0].split(",")
    keep = [i for i, c in enumerate(header) if c != "figure_id"]
    text = "\n".join(",".join(next(csv.reader([line]))[i] for i in keep) for line in old_format if line)
    rows = validate_upload(text.encode("utf-8"), "old.csv", dataset.reference)
    assert list(rows["figure_id"]) == ["user.line-2"]


def test_an_upload_without_reading_columns_or_with_them_empty_reads_as_certain(dataset):
    old_format = [c for c in COLUMNS if c not in ("reading", "reading_note")]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=old_format, lineterminator="\n")
    writer.writeheader()
    writer.writerow({c: VERIFIED.get(c, "") for c in old_format})
    for raw in (out.getvalue().encode("utf-8"), csv_bytes(VERIFIED)):
        rows = validate_upload(raw, "mine.csv", dataset.reference)
        assert list(rows["reading"]) == ["certain"]


# --- hardening round 2 (issue 15) ---------------------------------------------------------------


def shipped_rows_repeated(n: int) -> bytes:
    """The shipped rows repeated to n rows: every row is a duplicate of n / (shipped rows) others, the worst
    case for the duplicate-key report (it once compared the whole frame per duplicate)."""
    header, *rows = (ROOT / "data" / "metrics.csv").read_bytes().rstrip(b"\n").split(b"\n")
    return header + b"\n" + b"\n".join((rows * (n // len(rows) + 1))[:n]) + b"\n"


def cpu_seconds(fn) -> float:
    import time

    started = time.process_time()
    fn()
    return time.process_time() - started


def test_the_worst_duplicate_upload_costs_about_what_a_clean_one_does(dataset):
    """Every check must be linear: 5,000 rows that all repeat a key (the worst within the limits:
    the duplicate report once compared the whole frame per duplicate cell) may cost a few times a
    clean 5,000-row upload, not hundreds. Both run here, one after the other, as each other's
    baseline, in CPU time of this process (other work on the machine does not count); no absolute
    time is asserted (timings are in bench/results/upload.md)."""
    clean = csv_bytes(*({**UNVERIFIED, "source_id": f"my-notes-{i}"} for i in range(MAX_UPLOAD_ROWS)))
    worst = shipped_rows_repeated(MAX_UPLOAD_ROWS)
    validate_upload(clean[:20_000].rsplit(b"\n", 1)[0] + b"\n", "warm-up.csv", dataset.reference)
    baseline = cpu_seconds(lambda: validate_upload(clean, "clean.csv", dataset.reference))
    problems = []

    def refused():
        with pytest.raises(InvalidData) as raised:
            validate_upload(worst, "worst.csv", dataset.reference)
        problems.extend(raised.value.problems)

    duplicates = cpu_seconds(refused)
    assert len(problems) == MAX_UPLOAD_ROWS  # one duplicate-key problem per row, each naming 5 others at most
    shipped = len(dataset.metrics)  # row 1 repeats every `shipped` lines: lines 2 + k * shipped
    copies = -(-MAX_UPLOAD_ROWS // shipped)
    lines = ", ".join(str(2 + k * shipped) for k in range(1, 6))
    assert problems[0].expected == f"a combination no other row has (lines {lines} and {copies - 6} more have the same)"
    assert duplicates < 10 * baseline, f"clean: {baseline:.2f} s CPU, all duplicates: {duplicates:.2f} s CPU"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b",".join([b"c%d" % i for i in range(540_000)]) + b"\n" + b"1\n",
         "Not added: wide.csv: the header line is longer than 10,000 characters; this is not a metrics CSV"),
        (b",".join([b"c%d" % i for i in range(101)]) + b"\n" + b"1\n",
         "Not added: wide.csv: the header has 101 columns; the limit is 100"),
        (b"x" * 140_000 + b",b\n1,2\n",
         "Not added: wide.csv: the header line is longer than 10,000 characters; this is not a metrics CSV"),
    ],
    ids=["540k-columns", "101-columns", "140k-char-header"],
)
def test_too_wide_or_too_long_headers_are_refused_before_reading_rows(content, message):
    at = upload(explore(), "wide.csv", content)
    assert not at.exception
    assert [shown(e.value) for e in at.error] == [message]


def test_a_duplicated_header_column_is_reported_on_line_1():
    header, row, _ = csv_bytes(UNVERIFIED).split(b"\n")
    at = upload(explore(), "twice.csv", header + b",note\n" + row + b",\n")
    assert not at.exception
    assert shown(at.error[0].value) == "Not added: twice.csv has 1 problem; fix it and upload again."
    assert at.dataframe[0].value.iloc[0].to_dict() == {
        "line": 1, "column": "note", "value": f"a duplicate column (columns {COLUMNS.index('note') + 1} and {len(COLUMNS) + 1})",
        "expected": "each column named once in the header",
    }
    n = len(load_dataset(ROOT).metrics)
    assert body(at)[0].value == f"**{n}** of {n} figures match."  # nothing added, the page still works


def test_validation_stops_at_its_next_checkpoint_when_the_visitor_has_gone(dataset):
    """The app passes a checkpoint that raises once the visitor has left (Streamlit's stop request);
    validation calls it between its steps, so at most one step runs for nobody."""
    from dashboard.data import validate_upload as validate

    class Gone(BaseException):  # like Streamlit's StopException: not an Exception, so nothing swallows it
        pass

    calls = []

    def checkpoint(done: float, step: str) -> None:
        calls.append(step)
        if len(calls) == 3:
            raise Gone

    with pytest.raises(Gone):
        validate(shipped_rows_repeated(MAX_UPLOAD_ROWS), "dup.csv", dataset.reference, checkpoint=checkpoint)
    assert len(calls) == 3
    assert calls[:2] == ["Reading the file", "Checking column types and allowed values"]


def test_an_upload_survives_moving_to_another_page_and_back(dataset):
    n = len(dataset.metrics)
    app = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=60).run()
    app.switch_page("views/explore.py").run()
    upload(app, "mine.csv", csv_bytes(UNVERIFIED))
    app.switch_page("views/compare.py").run()
    app.switch_page("views/explore.py").run()  # Streamlit forgets the widget's file when its page is left
    assert not app.exception and not app.error
    assert body(app)[0].value == f"**{n + 1}** of {n + 1} figures match."
    assert [shown(i.value) for i in app.info] == [
        "Still using 1 row from mine.csv, added earlier in this session (1 labelled user-supplied, unverified). "
        "Upload another file to replace it, or remove it."
    ]
    app.button(key="remove-upload").click().run()
    assert body(app)[0].value == f"**{n}** of {n} figures match."
    assert not app.info


def test_figures_derived_from_an_upload_live_in_its_session_not_the_shared_cache(monkeypatch):
    """The shared per-data-version cache is for the curated data; what pages compute from an
    upload is kept in the uploading session and goes with it (or with the next upload), so closed
    sessions leave nothing behind."""
    from dashboard import store
    from dashboard.views import session_data

    shared_keys = []
    real = store._derived
    monkeypatch.setattr(store, "_derived", lambda name, key, args, language, _fn, _data: (
        shared_keys.append(key), real(name, key, args, language, _fn=_fn, _data=_data))[1])
    app = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=60).run()
    app.switch_page("views/explore.py").run()
    upload(app, "mine.csv", csv_bytes(UNVERIFIED))
    shared_keys.clear()
    assert "Zhejiang" in centres_chart_regions(app)
    app.switch_page("views/trends.py").run()
    assert not app.exception
    file_id = app.session_state[session_data.UPLOAD_FILE]
    assert not [key for key in shared_keys if file_id in key]
    stored = app.session_state[session_data.UPLOAD_DERIVED]
    assert {name.rsplit(".", 1)[-1] for name, *_ in stored} >= {"growth_and_centres", "timeline", "series_charts"}

    upload(app.switch_page("views/explore.py").run(), "other.csv", csv_bytes({**UNVERIFIED, "value": "8"}))
    # The first upload's figures went with it: what is stored now is the second upload's alone.
    second = app.session_state[session_data.UPLOAD_FILE]
    assert second != file_id
    assert all(key[1][-1] == second for key in app.session_state[session_data.UPLOAD_DERIVED])
