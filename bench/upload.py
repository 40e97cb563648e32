"""The worst uploads we can build within the limits (5 MB, 5,000 rows, 100 columns), timed.

    python -m bench.upload            # writes bench/results/upload.json and upload.md

Each candidate is validated in this process (`validate_upload`: CPU and wall time, median of
REPEAT) and then uploaded on /explore under Streamlit's AppTest, timing the script run that
answers it (validation, the problems table or the added rows): the server's time to answer,
without a browser. The candidates aim at what once grew faster than the rows:

- duplicates: the shipped rows repeated to 5,000 (every key repeated ~143 times), the upload
  that took 139 s in issue 15 (the duplicate report compared the whole frame per duplicate);
- every cell wrong: 5,000 rows, 15 problems each (75,000 problems to list and show);
- numbers everywhere: 5,000 rows naming a shipped source whose distinct ~960-character quotes
  are all digits and stray spaces, so the value check reads every number of every quote;
- widest: 100 columns (the cap), 5,000 rows, up to 5 MB.
"""

from __future__ import annotations

import csv
import io
import json
import statistics
import sys
import time

from bench.common import RESULTS, ROOT, machine_info

REPEAT = 3
HEADER = (ROOT / "data" / "metrics.csv").read_text(encoding="utf-8").splitlines()[0].split(",")


def _csv(rows: list[dict], header: list[str] = HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows({c: row.get(c, "") for c in header} for row in rows)
    return out.getvalue().encode("utf-8")


def candidates() -> dict[str, bytes]:
    from dashboard.data import MAX_UPLOAD_BYTES, MAX_UPLOAD_ROWS
    from dashboard.files import MAX_COLUMNS

    shipped = (ROOT / "data" / "metrics.csv").read_bytes().rstrip(b"\n").split(b"\n")
    header, rows = shipped[0], shipped[1:]
    duplicates = header + b"\n" + b"\n".join((rows * (MAX_UPLOAD_ROWS // len(rows) + 1))[:MAX_UPLOAD_ROWS]) + b"\n"
    wrong = {c: "x" for c in HEADER} | {"value": "-x", "year": "3000", "as_of": "2022-02-30"}
    every_cell_wrong = _csv([{**wrong, "quote": f"q{i}"} for i in range(MAX_UPLOAD_ROWS)])
    base = {"region": "Shanxi", "metric": "national_st_awards", "value": "41", "unit": "awards", "year": "2022",
            "qualifier": "exact", "status": "actual", "source_id": "shanxi-tech-decade-2022", "as_of": "2022-11-23",
            "year_basis": "stated"}
    numbers = _csv([{**base, "region": "Shanxi", "quote": f"{i} " + "1 2, 3 4, 2021-03-10 the 1 1 in 20 12; " * 22}
                    for i in range(MAX_UPLOAD_ROWS)])
    wide_header = HEADER + [f"extra_{i}" for i in range(MAX_COLUMNS - len(HEADER))]
    filler = "y" * ((MAX_UPLOAD_BYTES // MAX_UPLOAD_ROWS - 400) // (MAX_COLUMNS - len(HEADER)))
    widest = _csv([{**base, "source_id": f"notes-{i}", "quote": "mine", **{c: filler for c in wide_header[len(HEADER):]}}
                   for i in range(MAX_UPLOAD_ROWS)], wide_header)
    built = {"duplicates": duplicates, "every cell wrong": every_cell_wrong, "numbers everywhere": numbers,
             "widest": widest}
    for name, raw in built.items():
        assert len(raw) <= MAX_UPLOAD_BYTES, (name, len(raw))
    return built


def time_validation(raw: bytes, reference) -> dict:
    from dashboard.data import validate_upload
    from dashboard.files import InvalidData, UnreadableFile

    cpu, wall, outcome = [], [], ""
    for _ in range(REPEAT):
        c, w = time.process_time(), time.perf_counter()
        try:
            outcome = f"accepted: {len(validate_upload(raw, 'upload.csv', reference))} rows"
        except InvalidData as err:
            outcome = f"refused: {len(err.problems):,} problems"
        except UnreadableFile as err:
            outcome = f"refused: {err}"
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - w)
    return {"cpu_s": round(statistics.median(cpu), 3), "wall_s": round(statistics.median(wall), 3), "outcome": outcome}


def time_answer(raw: bytes) -> float:
    """The /explore script run that answers the upload (AppTest: the server's side only)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "dashboard" / "views" / "explore.py"), default_timeout=600).run()
    at.file_uploader(key="upload").set_value(("upload.csv", raw, "text/csv"))
    started = time.perf_counter()
    at.run()
    assert not at.exception, at.exception
    return round(time.perf_counter() - started, 3)


def main() -> int:
    from dashboard.data import load_dataset

    reference = load_dataset(ROOT).reference
    results = {"machine": machine_info(), "generated": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "candidates": {}}
    for name, raw in candidates().items():
        measured = {"bytes": len(raw), **time_validation(raw, reference), "answer_s": time_answer(raw)}
        results["candidates"][name] = measured
        print(f"{name}: {measured}", flush=True)
    (RESULTS / "upload.json").write_text(json.dumps(results, indent=1) + "\n")
    print(f"results: {RESULTS / 'upload.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
