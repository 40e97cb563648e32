"""`make bench`, the curation commands: how `draft` and `audit` scale with the document's size.

    python -m bench.curation            # sizes 128 KB to 1 MB (a few minutes)
    python -m bench.curation --quick    # 32 KB to 128 KB

For each hostile shape an adversarial pass found quadratic (issue 20: a sentence listing numbers,
a sentence per number, a run of ones, "Co. A" abbreviations, a line per number; and a Chinese
sentence listing numbers, which the Chinese draft read quadratically after issue 20) and each size,
the real command lines run in a fresh process: `python -m dashboard.draft DOC -o OUT` and
`python -m dashboard.audit --root COPY` on a copy of data/ and seeds/ with the document added as
a source. Each time includes the interpreter's start-up, measured alone first (`audit` on the
unchanged copy, `draft` on an empty document) and subtracted before the fit.

The fit: least squares of log(time - start-up) on log(size); an exponent near 1 is linear, near 2
quadratic. Also the seconds per MB of a straight line through the points. The fit uses CPU time
(user + system of the child): on a shared machine other work stretches wall time, hardly CPU
time; wall times are recorded and shown beside it. Results in
bench/results/curation.json (or quick/curation.json) and a table on stdout. Targets (1 MB under
10 s, exponent under 1.3) are reported, never asserted.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import RESULTS, ROOT, log, machine_info, write_json


def chinese_list(size: int) -> str:
    """One Chinese sentence listing numbers, no 。: '山西省有1家、2家、…' of about `size` UTF-8 bytes (a
    48,000-character one took 53 s to draft while each number searched the sentence for its words)."""
    parts, written, number = ["山西省有"], 12, 1
    while written < size:
        parts.append(f"{number}家、")
        written, number = written + len(str(number)) + 6, number + 1
    return "".join(parts)


SHAPES = {  # name -> a unit repeated to the size, in English
    "sentence listing numbers": lambda size: "Shanxi built " + ", ".join(str(i) for i in range(size // 6)) + " centres.",
    "sentence per number": lambda size: "".join(f"Shanxi built {i} centres in 2021. " for i in range(size // 34)),
    "run of ones": lambda size: " ".join(["1"] * (size // 2)),
    "Co. A abbreviations": lambda size: "Co. A " * (size // 6),
    "line per number": lambda size: "".join(f"Shanxi built {i} centres.\n" for i in range(size // 27)),
    "Chinese sentence listing numbers": chinese_list,
}
LANGUAGE = {"Chinese sentence listing numbers": "zh"}  # a shape's language in sources.csv, when not English
SIZES, QUICK_SIZES = [128_000, 256_000, 512_000, 1_024_000], [32_000, 64_000, 128_000]
TIMEOUT_S = 120
TARGET_1MB_S, TARGET_EXPONENT = 10.0, 1.3
SOURCE_ID, SEED, TITLE = "bench-hostile", "seeds/999_bench_hostile.txt", "Benchmark document"


def project_with(document: str, root: Path, language: str = "en") -> Path:
    """A copy of this checkout's data/ and seeds/ under `root`, the document added as a source."""
    for folder in ("data", "seeds"):
        shutil.rmtree(root / folder, ignore_errors=True)
        shutil.copytree(ROOT / folder, root / folder)
    if document:
        (root / SEED).write_text(document, encoding="utf-8")
        with (root / "data" / "sources.csv").open(newline="", encoding="utf-8") as file:
            columns = next(csv.reader(file))
        row = dict.fromkeys(columns, "")
        row.update(source_id=SOURCE_ID, file=SEED, title=TITLE, language=language, note="bench/curation.py",
                   sha256=hashlib.sha256(document.encode("utf-8")).hexdigest())
        with (root / "data" / "sources.csv").open("a", newline="", encoding="utf-8") as file:
            csv.DictWriter(file, fieldnames=columns, lineterminator="\n").writerow(row)
    return root


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def timed(command: list[str]) -> dict:
    """Wall time of one command (None past TIMEOUT_S), its CPU time (what the fit uses: other work
    on a shared machine stretches wall time, hardly CPU time) and its exit code."""
    start, cpu = time.perf_counter(), _children_cpu()
    try:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return {"seconds": None, "cpu_seconds": None, "exit": None, "timeout_s": TIMEOUT_S}
    return {"seconds": round(time.perf_counter() - start, 3), "cpu_seconds": round(_children_cpu() - cpu, 3),
            "exit": done.returncode, "stderr_bytes": len(done.stderr), "stdout_bytes": len(done.stdout)}


def fastest(command: list[str], repeat: int) -> dict:
    """The fastest of `repeat` runs: the machine is shared, and other work only ever adds time."""
    runs = [timed(command) for _ in range(repeat)]
    done = [r for r in runs if r["seconds"] is not None]
    return min(done, key=lambda r: r["cpu_seconds"]) if done else runs[0]


def run_commands(document: str, work: Path, repeat: int, language: str = "en") -> dict:
    """Both commands on the document, headed by its title (validation looks for the title in it)."""
    document = f"{TITLE}\n{document}" if document else document
    doc, out = work / "document.txt", work / "draft.csv"
    doc.write_text(document, encoding="utf-8")
    root = project_with(document, work / "project", language)
    return {
        "draft": fastest([sys.executable, "-m", "dashboard.draft", str(doc), "-o", str(out)], repeat),
        "audit": fastest([sys.executable, "-m", "dashboard.audit", "--root", str(root)], repeat),
    }


MIN_FIT_S = 0.5  # CPU seconds above start-up the largest size must take for its exponent to mean anything


def fit(points: list[tuple[int, float]], startup: float) -> dict:
    """Exponent of time above start-up against size (log-log least squares), and seconds per MB.
    None when even the largest size takes under MIN_FIT_S above start-up: too fast to tell."""
    usable = [(size, seconds - startup) for size, seconds in points if seconds is not None and seconds - startup > 0.01]
    if len(usable) < 2 or max(t for _, t in usable) < MIN_FIT_S:
        return {"exponent": None, "seconds_per_mb": None, "points": len(usable)}
    xs, ys = [math.log(s) for s, _ in usable], [math.log(t) for _, t in usable]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    exponent = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)
    per_mb = sum(t * s for s, t in usable) / sum(s * s for s, _ in usable) * 1_000_000
    return {"exponent": round(exponent, 2), "seconds_per_mb": round(per_mb, 2), "points": len(usable)}


def measure(sizes: list[int], repeat: int) -> dict:
    results: dict = {"machine": machine_info(), "sizes": sizes, "shapes": {}}
    with tempfile.TemporaryDirectory(prefix="dashboard-bench-curation-") as tmp:
        work = Path(tmp)
        results["startup"] = startup = run_commands("", work, repeat)
        log(f"start-up: draft {startup['draft']['seconds']} s, audit {startup['audit']['seconds']} s")
        for name, make in SHAPES.items():
            rows = []
            for size in sizes:
                document = make(size)
                measured = run_commands(document, work, repeat, LANGUAGE.get(name, "en"))
                rows.append({"bytes": len(document.encode("utf-8")), **measured})
                log(f"{name}, {len(document):,} chars: draft {measured['draft']['seconds']} s "
                    f"({measured['draft']['cpu_seconds']} s CPU), audit {measured['audit']['seconds']} s "
                    f"({measured['audit']['cpu_seconds']} s CPU)")
            results["shapes"][name] = {"runs": rows}
    return results


def summarise(results: dict, quick: bool) -> None:
    """Fits and targets into `results`, and the table on stdout."""
    startup, sizes = results["startup"], results["sizes"]
    for shape in results["shapes"].values():
        for command in ("draft", "audit"):  # exit 2 (data unreadable) measured no work: left out
            shape[f"{command}_fit"] = fit([(r["bytes"], r[command]["cpu_seconds"] if r[command]["exit"] in (0, 1) else None)
                                           for r in shape["runs"]], startup[command]["cpu_seconds"])
    print(f"\nwall seconds (CPU seconds); the fit is of CPU time above start-up\n"
          f"\n| shape | command | {' | '.join(f'{s // 1000} KB' for s in sizes)} | exponent | CPU s/MB |\n"
          f"|---|---|{'---|' * len(sizes)}---|---|")
    for name, shape in results["shapes"].items():
        for command in ("draft", "audit"):
            times = " | ".join("timeout" if r[command]["seconds"] is None
                               else f"{r[command]['seconds']:.2f} ({r[command]['cpu_seconds']:.2f})" for r in shape["runs"])
            found = shape[f"{command}_fit"]
            print(f"| {name} | {command} | {times} | {found['exponent'] or 'too fast to fit'} | "
                  f"{found['seconds_per_mb'] or ''} |")
    exponents = [s[f"{c}_fit"]["exponent"] for s in results["shapes"].values() for c in ("draft", "audit")]
    largest = [r[c] for s in results["shapes"].values() for r in s["runs"][-1:] for c in ("draft", "audit")]
    results["targets"] = {
        "exponent_below": TARGET_EXPONENT,
        "all_linear": all(e is None or e < TARGET_EXPONENT for e in exponents),  # None: too fast to tell
        "under_10s_at_1mb_wall": None if quick else all(r["seconds"] is not None and r["seconds"] < TARGET_1MB_S for r in largest),
        "under_10s_at_1mb_cpu": None if quick else all(r["cpu_seconds"] is not None and r["cpu_seconds"] < TARGET_1MB_S
                                                       for r in largest),
    }
    targets = results["targets"]
    print(f"\ntargets: every exponent < {TARGET_EXPONENT}: {targets['all_linear']}; 1 MB under {TARGET_1MB_S:.0f} s: "
          f"wall {targets['under_10s_at_1mb_wall']}, CPU {targets['under_10s_at_1mb_cpu']} "
          f"(load average at start {results['machine'].get('loadavg_1m_at_start')})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.curation", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for development")
    parser.add_argument("--repeat", type=int, default=2, help="runs per point, the fastest kept (default 2)")
    parser.add_argument("--summarise", type=Path, help="only refit and print the results in this JSON")
    args = parser.parse_args(argv)
    out = (RESULTS / "quick" if args.quick else RESULTS) / "curation.json"
    if args.summarise:
        results = json.loads(args.summarise.read_text(encoding="utf-8"))
        out = args.summarise
    else:
        results = measure(QUICK_SIZES if args.quick else SIZES, args.repeat)
    summarise(results, args.quick)
    write_json(out, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
