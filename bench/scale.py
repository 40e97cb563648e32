"""One data size, each part in a fresh process with a hard timeout: load_dataset, and /explore.

`python -m bench.scale load ROOT --repeat N --warmup SMALL_ROOT`: imports the loader, loads a
small dataset once (imports, regex and pandera first-call costs stay out of the timing), then
times `load_dataset(ROOT)` N times and prints one JSON line: the times, the process's peak RSS
(ru_maxrss) and RSS before the first timed load, and the loaded tables' own size in memory.

`python -m bench.scale explore ROOT ...`: a `streamlit run` server with DASHBOARD_ROOT=ROOT and
headless Chromium on /explore (bench.pages.explore_at_scale), plus the server's RSS afterwards.

`measure_load` and `measure_explore` run these with a timeout. On timeout the worker's whole
process group is killed (its streamlit server with it) and the timeout is the result, so a size
that takes too long never hangs the benchmark; a timed-out load records its peak RSS so far.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

from bench.common import proc_status
from tests.harness import DASHBOARD_APP, ROOT, streamlit_server


def _rss() -> int:
    return proc_status(os.getpid()).get("VmRSS", 0)


def worker(root: Path, repeat: int, warmup: Path | None) -> dict:
    from dashboard.data import load_dataset

    if warmup:
        load_dataset(warmup)
    rss_before = _rss()
    times = []
    rows = tables_bytes = None
    for _ in range(repeat):
        started = time.perf_counter()
        dataset = load_dataset(root)
        times.append(time.perf_counter() - started)
        rows = len(dataset.metrics)
        if tables_bytes is None:
            tables_bytes = int(sum(frame.memory_usage(deep=True).sum() for frame in
                                   (dataset.metrics, dataset.events, dataset.sources, dataset.regions, dataset.catalogue)))
        del dataset
    return {
        "status": "ok",
        "rows_loaded": rows,
        "times_s": [round(t, 4) for t in times],
        "rss_before_bytes": rss_before,
        "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "tables_bytes": tables_bytes,
    }


def explore_worker(root: Path, cold_timeout_s: float, step_timeout_s: float, runs: int, budget_s: float) -> dict:
    from playwright.sync_api import sync_playwright

    from bench import pages

    out: dict = {}
    with streamlit_server(DASHBOARD_APP, env={"DASHBOARD_ROOT": str(root)}) as server, \
            sync_playwright() as playwright:
        out["server_healthy"] = server.healthy()
        browser = pages.launch(playwright)
        try:
            out.update(pages.explore_at_scale(browser, server.url, cold_timeout_s, step_timeout_s, runs, budget_s))
        finally:
            browser.close()
        out["server_alive_after"] = server.alive()
        out["server_answers_after"] = server.healthy()
        if server.alive():
            status = proc_status(server.pid)
            out["server_rss_bytes"], out["server_hwm_bytes"] = status["VmRSS"], status["VmHWM"]
        else:
            out["server_log_tail"] = server.log_tail()
    return out


def _run(command: list[str], timeout_s: float, on_poll=None) -> tuple[str, dict | None]:
    """Run a worker in its own process group; ('ok', result), ('timeout', None) or ('error', {...})."""
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    started = time.monotonic()
    try:
        while True:
            try:
                out, err = process.communicate(timeout=0.5)
                break
            except subprocess.TimeoutExpired:
                if on_poll:
                    on_poll(process.pid)
                if time.monotonic() - started > timeout_s:
                    return "timeout", None
    finally:
        if process.poll() is None:
            _kill_group(process)
    if process.returncode != 0:
        return "error", {"status": "error", "returncode": process.returncode, "stderr": err[-3000:]}
    return "ok", json.loads(out.strip().splitlines()[-1])


def _kill_group(process: subprocess.Popen) -> None:
    """Stop the worker and everything it started (its process group): TERM, then KILL."""
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def measure_load(root: Path, repeat: int, warmup: Path | None, timeout_s: float) -> dict:
    """load_dataset times and peak RSS at this size; status ok, timeout or error."""
    command = [sys.executable, "-m", "bench.scale", "load", str(root), "--repeat", str(repeat)]
    if warmup:
        command += ["--warmup", str(warmup)]
    peak = [0]

    def poll(pid: int) -> None:
        try:
            peak[0] = max(peak[0], proc_status(pid).get("VmHWM", 0))
        except OSError:
            pass

    status, result = _run(command, timeout_s, poll)
    if status == "timeout":
        return {"status": "timeout", "timeout_s": timeout_s, "peak_rss_bytes_so_far": peak[0]}
    return result


def measure_explore(root: Path, cold_timeout_s: float, step_timeout_s: float, runs: int, budget_s: float,
                    slack_s: float = 120) -> dict:
    """/explore at this size (bench.pages.explore_at_scale) under a hard timeout."""
    command = [sys.executable, "-m", "bench.scale", "explore", str(root), "--cold-timeout", str(cold_timeout_s),
               "--step-timeout", str(step_timeout_s), "--runs", str(runs), "--budget", str(budget_s)]
    hard = cold_timeout_s + budget_s + slack_s
    status, result = _run(command, hard)
    if status == "timeout":
        return {"error": f"the explore worker did not finish within its hard limit of {hard:.0f} s"}
    if status == "error":
        return {"error": f"explore worker failed: {result['stderr'][-1500:]}"}
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["load", "explore"])
    parser.add_argument("root", type=Path)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--warmup", type=Path)
    parser.add_argument("--cold-timeout", type=float, default=300)
    parser.add_argument("--step-timeout", type=float, default=120)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--budget", type=float, default=150)
    args = parser.parse_args()
    if args.what == "load":
        result = worker(args.root, args.repeat, args.warmup)
    else:
        result = explore_worker(args.root, args.cold_timeout, args.step_timeout, args.runs, args.budget)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
