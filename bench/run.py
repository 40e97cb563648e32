"""`make bench`, part one: how fast and how big the dashboard is, against a bare Streamlit app.

    python -m bench.run            # full run (12-20 minutes, depending on how slow the code is), results in bench/results/
    python -m bench.run --quick    # a short run for development, results in bench/results/quick/
    python -m bench.run --only pages,memory   # some sections (pages, memory, scale, profile)

Sections:

1. pages: page load of /, /compare, /explore and of bench/bare_app.py in headless Chromium,
   navigation start to settled (idle, charts drawn; see bench/pages.py); then a rerun caused by a
   filter change (a region picked in /compare's and /explore's multiselect, the bare app's
   selectbox) and a rerun with Streamlit's 'r' shortcut (the only rerun / has). Fresh browser
   context per run, warm-up round first, rounds interleaved, medians; ratios to the bare app.
2. memory: VmRSS of one fresh dashboard server with 1 and with N sessions open on /explore.
3. scale: synthetic datasets of 1k-1M rows (bench/datagen.py) in a temp dir; per size, in a fresh
   process, load_dataset time and peak RSS; then a server on that data: /explore's first load and
   its rerun after picking a region. Slow sizes are recorded as timeouts, never waited on forever.
5. vitals: Lighthouse (bench/lighthouse.py) on every page and the bare app (also on a server that
   sends at once, as the dashboard's does: bench/bare_app_at_once.py), unthrottled and with the
   CPU slowed 4x: performance, FCP, LCP, TBT, CLS (every run's, with the elements that moved) and
   accessibility, medians of 3 rounds after a warm-up, and each page's longest tasks with their cause;
   then one round of every page in Chinese for its accessibility. --pages picks some pages,
   --traces keeps the runs' traces (in <out>/traces/, not committed).
6. images: time to the first chart image and per image after it, and the memory each costs
   (bench/images.py), in a fresh process and over HTTP (/api/figures/<id>.png) on a fresh server.
4. profile: pyinstrument on load_dataset and on /explore (first run and rerun) at 100k rows, and
   on / and /compare (first run and rerun) with the checkout's data.

Both apps read a snapshot of this checkout's data/ and seeds/ taken at the start (other work on
the files cannot change a run half-way). Results: bench/results/bench.json (everything),
summary.md (tables, targets pass/fail), scale.png, profile_*.{txt,html,json} (not committed). Targets are
reported, never asserted. Generated data is deterministic (fixed seed) and cached in
$TMPDIR/dashboard-bench-data/ across runs (--fresh-data regenerates it, --clean-data removes it).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench import datagen, report
from bench import images as bench_images
from bench.common import BARE_APP, BARE_APP_AT_ONCE, BENCH, RESULTS, ROOT, log, machine_info, proc_status, write_json
from dashboard import pages as registry
from dashboard.citation import figure_path
from tests.harness import DASHBOARD_APP, streamlit_server

SECTIONS = ("pages", "memory", "scale", "profile", "vitals", "images")
# The pages Lighthouse measures (path after the server address); the bare app is measured beside them.
# Every page of the registry; the figure page with a figure of the checkout's data, and /compare
# as an embed snippet shows it (layout shift, accessibility).
VITAL_FIGURE_ID = "shanxi-provincial-manufacturing-innovation-centres-2021"
VITAL_PAGES = [figure_path(VITAL_FIGURE_ID) if page.name == "figure" else page.path for page in registry.PAGES]
VITAL_PAGES.append("/compare?embed=true")
DATA_CACHE = Path(tempfile.gettempdir()) / "dashboard-bench-data"


@dataclass
class Config:
    quick: bool = False
    runs: int = 7
    warmups: int = 1
    sessions: int = 20
    sizes: list[int] = field(default_factory=lambda: [1_000, 10_000, 100_000, 1_000_000])
    load_repeats: dict[int, int] = field(default_factory=lambda: {1_000: 5, 10_000: 3, 100_000: 2, 1_000_000: 1})
    load_timeout_s: float = 300
    explore_cold_timeout_s: float = 300
    explore_cold_timeout_after_load_timeout_s: float = 60
    explore_step_timeout_s: float = 120
    explore_runs: int = 3
    explore_budget_s: float = 240
    profile_rows: int = 100_000
    profile_timeout_s: float = 600
    vitals_runs: int = 3
    vitals_modes: tuple[str, ...] = ("none", "cpu4")

    @classmethod
    def quick_mode(cls) -> Config:
        return cls(quick=True, runs=2, sessions=5, sizes=[1_000, 10_000], load_repeats={1_000: 3, 10_000: 1},
                   load_timeout_s=120, explore_cold_timeout_s=120, explore_runs=2, explore_budget_s=60,
                   profile_rows=10_000, profile_timeout_s=300, vitals_runs=1)


# --- data ----------------------------------------------------------------------------------------------


def generator_version() -> str:
    return hashlib.sha256((BENCH / "datagen.py").read_bytes()).hexdigest()[:12]


def dataset(rows: int, fresh: bool = False) -> Path:
    """The generated dataset of this size, from the cache when the generator has not changed."""
    version_dir = DATA_CACHE / f"v-{generator_version()}"
    root = version_dir / f"rows-{rows}"
    stamp = root / ".complete"
    if fresh and root.exists():
        shutil.rmtree(root)
    if not stamp.exists():
        if DATA_CACHE.exists():  # datasets of older generator versions are of no use any more
            for old in DATA_CACHE.iterdir():
                if old != version_dir:
                    shutil.rmtree(old, ignore_errors=True)
        shutil.rmtree(root, ignore_errors=True)
        log(f"data: generating {rows:,} rows in {root}")
        started = time.monotonic()
        counts = datagen.generate(root, rows)
        stamp.write_text(json.dumps(counts))
        log(f"data: {counts} in {time.monotonic() - started:.0f} s")
    return root


def snapshot_checkout_data() -> Path:
    """A private copy of this checkout's data/ and seeds/ for both apps to read."""
    root = Path(tempfile.mkdtemp(prefix="dashboard-bench-shipped-"))
    for folder in ("data", "seeds"):
        shutil.copytree(ROOT / folder, root / folder)
    return root


def git_info() -> dict:
    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10).stdout
        except (OSError, subprocess.SubprocessError):
            return ""

    status = git("status", "--porcelain", "--", "dashboard", "data", "seeds", "requirements.txt")
    return {"commit": git("rev-parse", "--short", "HEAD").strip(),
            "dirty_files": [line[3:] for line in status.splitlines() if len(line) > 3]}


def code_fingerprint() -> str:
    """A hash of the dashboard's code and pinned requirements, to tell if they changed during a run."""
    digest = hashlib.sha256()
    for path in sorted([*(ROOT / "dashboard").rglob("*.py"), ROOT / "requirements.txt", ROOT / ".streamlit" / "config.toml"]):
        if path.is_file():
            digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


# --- sections --------------------------------------------------------------------------------------------


def section_pages(config: Config, shipped: Path) -> dict:
    from playwright.sync_api import sync_playwright

    from bench import pages

    env = {"DASHBOARD_ROOT": str(shipped)}
    with streamlit_server(DASHBOARD_APP, env=env) as dashboard, streamlit_server(BARE_APP, env=env) as bare, \
            sync_playwright() as playwright:
        browser = pages.launch(playwright)
        try:
            samples = pages.run_page_benchmarks(browser, {"dashboard": dashboard.url, "bare": bare.url},
                                                runs=config.runs, warmups=config.warmups)
        finally:
            browser.close()
    return {"samples": samples, "summary": report.summarise_pages(samples)}


def section_vitals(config: Config, shipped: Path, traces: Path | None = None) -> dict:
    """Lighthouse on every page and the bare app, unthrottled and with the CPU slowed 4x; then one
    unthrottled round of every page in Chinese, for its accessibility (the interface's other language)."""
    from bench import lighthouse

    env = {"DASHBOARD_ROOT": str(shipped)}
    with streamlit_server(DASHBOARD_APP, env=env) as dashboard, streamlit_server(BARE_APP, env=env) as bare, \
            streamlit_server(BARE_APP_AT_ONCE, env=env) as bare_at_once:
        urls = {"bare": bare.url + "/", lighthouse.BARE_AT_ONCE: bare_at_once.url + "/",
                **{page: dashboard.url + page for page in VITAL_PAGES}}
        result = lighthouse.run(urls, runs=config.vitals_runs, warmups=config.warmups, modes=config.vitals_modes,
                                traces=traces)
        chinese = {page: dashboard.url + page + ("&" if "?" in page else "?") + "lang=zh" for page in VITAL_PAGES}
        result["zh"] = lighthouse.run(chinese, runs=1, warmups=0, modes=("none",))["summary"]["none"]
        return result


def section_memory(config: Config, shipped: Path) -> dict:
    from playwright.sync_api import sync_playwright

    from bench import pages

    with streamlit_server(DASHBOARD_APP, env={"DASHBOARD_ROOT": str(shipped)}) as server, \
            sync_playwright() as playwright:
        browser = pages.launch(playwright)
        try:
            result = pages.session_memory(browser, server.url + "/explore", server.pid, config.sessions, proc_status)
        finally:
            browser.close()
    return result


def section_scale(config: Config, fresh_data: bool) -> dict:
    from bench import scale

    warmup_root = dataset(1_000, fresh_data)
    roots = {rows: dataset(rows, fresh_data) for rows in config.sizes}
    results = []
    for rows in config.sizes:
        root = roots[rows]
        entry: dict = {"rows": rows, "documents": json.loads((root / ".complete").read_text())["documents"],
                       "metrics_csv_bytes": (root / "data" / "metrics.csv").stat().st_size}
        repeat = config.load_repeats.get(rows, 1)
        log(f"scale: load_dataset at {rows:,} rows ({repeat}x, timeout {config.load_timeout_s:.0f} s)")
        started = time.monotonic()
        entry["load"] = scale.measure_load(root, repeat, warmup_root, config.load_timeout_s)
        log(f"scale: load_dataset at {rows:,} rows: {entry['load'].get('status')} {entry['load'].get('times_s', '')} "
            f"({time.monotonic() - started:.0f} s wall)")

        load_timed_out = entry["load"].get("status") == "timeout"
        cold_timeout = (config.explore_cold_timeout_after_load_timeout_s if load_timed_out
                        else config.explore_cold_timeout_s)
        log(f"scale: /explore at {rows:,} rows (first load timeout {cold_timeout:.0f} s, "
            f"then {config.explore_budget_s:.0f} s for reruns)")
        started = time.monotonic()
        explore = scale.measure_explore(root, cold_timeout, config.explore_step_timeout_s, config.explore_runs,
                                        config.explore_budget_s)
        explore["first_load_timeout_s"] = cold_timeout
        if load_timed_out:
            explore["first_load_timeout_reason"] = "load_dataset alone exceeded its timeout"
        entry["explore"] = explore
        log(f"scale: /explore at {rows:,} rows: first load {explore.get('first_load_ms', explore.get('first_load'))}, "
            f"reruns {explore.get('rerun_ms')} ({time.monotonic() - started:.0f} s wall) "
            f"{explore.get('error', '')} {explore.get('stopped', '')}")
        results.append(entry)
    return {"sizes": results, "growth": report.growth(results), "generator_version": generator_version(),
            "rows_per_document": datagen.ROWS_PER_DOCUMENT}


PROFILED_PAGES = (  # (label, page module, multiselect to add a region to, dataset)
    ("explore", "explore", "region", "generated"),
    ("compare", "compare", "region", "checkout"),
    ("overview", "overview", None, "checkout"),
)


def section_profile(config: Config, out: Path, fresh_data: bool, shipped: Path) -> dict:
    """load_dataset and /explore at profile_rows generated rows; / and /compare on the checkout's data
    (their rerun ratios to the bare app are targets too)."""
    rows = config.profile_rows
    root, warmup = dataset(rows, fresh_data), dataset(1_000, fresh_data)
    label = f"{rows // 1000}k"
    result: dict = {"rows": rows}
    for stale in out.glob("profile_*"):  # reports of an earlier run (maybe of another size)
        stale.unlink()
    jobs = [("load", f"profile_load_{label}", ["load", str(root), "--warmup", str(warmup)])]
    for name, page, widget, data in PROFILED_PAGES:
        target, suffix = (root, label) if data == "generated" else (shipped, "checkout")
        jobs.append((name, f"profile_{name}_{suffix}", ["page", str(target), "--page", page]
                     + (["--widget", widget] if widget else [])))
    for name, stem_name, args in jobs:
        log(f"profile: {name} -> {stem_name}*")
        command = [sys.executable, "-m", "bench.profiling", args[0], args[1], str(out / stem_name), *args[2:]]
        try:
            done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=config.profile_timeout_s)
            result[name] = ({"error": done.stderr[-3000:]} if done.returncode != 0
                            else json.loads(done.stdout.strip().splitlines()[-1]))
        except subprocess.TimeoutExpired:
            result[name] = {"error": f"timeout after {config.profile_timeout_s:.0f} s"}
        result[name]["files"] = stem_name
    return result


# --- main -------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="short run for development (results in results/quick/)")
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"comma-separated subset of {','.join(SECTIONS)}")
    parser.add_argument("--out", type=Path, help="results folder (default bench/results, or bench/results/quick)")
    parser.add_argument("--runs", type=int, help="page rounds after the warm-up (default 7, quick 2)")
    parser.add_argument("--sessions", type=int, help="sessions held open for the memory section (default 20)")
    parser.add_argument("--sizes", help="comma-separated row counts for the scale section")
    parser.add_argument("--pages", help="comma-separated subset of the vitals pages (default: all of VITAL_PAGES)")
    parser.add_argument("--traces", action="store_true",
                        help="keep every timed Lighthouse run's trace in <out>/traces/ (large; not committed)")
    parser.add_argument("--fresh-data", action="store_true", help="regenerate the synthetic datasets")
    parser.add_argument("--clean-data", action="store_true", help="delete the cached synthetic datasets and exit")
    args = parser.parse_args(argv)

    if args.clean_data:
        shutil.rmtree(DATA_CACHE, ignore_errors=True)
        log(f"removed {DATA_CACHE}")
        return 0
    config = Config.quick_mode() if args.quick else Config()
    if args.runs:
        config.runs = args.runs
    if args.sessions:
        config.sessions = args.sessions
    if args.sizes:
        config.sizes = [int(float(size)) for size in args.sizes.split(",")]
    if args.pages:
        VITAL_PAGES[:] = [page for page in VITAL_PAGES if page in args.pages.split(",")]
    sections = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section(s): {', '.join(sorted(unknown))}")
    out = args.out or (RESULTS / "quick" if config.quick else RESULTS)
    out.mkdir(parents=True, exist_ok=True)

    started = time.monotonic()
    results: dict = {
        "mode": "quick" if config.quick else "full",
        "started": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "config": asdict(config),
        "sections": sections,
        "machine": machine_info(),
        "git": git_info(),
    }
    json_path = out / "bench.json"
    shipped = snapshot_checkout_data() if {"pages", "memory", "profile", "vitals"} & set(sections) else None
    try:
        for section in sections:
            section_started = time.monotonic()
            results.setdefault("code_fingerprint", {})[section] = code_fingerprint()
            log(f"=== {section} ===")
            try:
                if section == "pages":
                    results["pages"] = section_pages(config, shipped)
                elif section == "memory":
                    results["memory"] = section_memory(config, shipped)
                elif section == "scale":
                    results["scale"] = section_scale(config, args.fresh_data)
                elif section == "profile":
                    results["profile"] = section_profile(config, out, args.fresh_data, shipped)
                elif section == "vitals":
                    results["vitals"] = section_vitals(config, shipped, out / "traces" if args.traces else None)
                elif section == "images":
                    results["images"] = bench_images.measure(repeat=3 if config.quick else bench_images.REPEAT)
            except Exception as err:
                log(f"{section} FAILED: {err!r}")
                results[section] = {"error": repr(err)}
            results.setdefault("section_seconds", {})[section] = round(time.monotonic() - section_started, 1)
            results["total_seconds"] = round(time.monotonic() - started, 1)
            write_json(json_path, results)
    finally:
        if shipped:
            shutil.rmtree(shipped, ignore_errors=True)
    results["total_seconds"] = round(time.monotonic() - started, 1)
    results.setdefault("code_fingerprint", {})["end"] = code_fingerprint()
    results["git_end"] = git_info()
    write_json(json_path, results)
    (out / "summary.md").write_text(report.render(results), encoding="utf-8")
    if "scale" in results and "sizes" in results["scale"]:
        report.plot_scale(results, out / "scale.png")
    log(f"done in {results['total_seconds'] / 60:.1f} min: {out / 'summary.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
