"""Web vitals and accessibility of every page with Lighthouse, against the bare app in the same rounds.

Lighthouse is the npm package pinned in bench/lighthouse/package.json, installed there (never
globally) by `ensure_installed` with `npm ci`, and drives Debian's Chromium through CHROME_PATH,
desktop preset, in two modes (MODES): no throttling at all, and the CPU slowed 4x by Chrome itself
(`devtools` throttling; the network stays unthrottled, the pages are served on loopback; Lighthouse's
default *simulated* throttling would only recompute the timings, not slow the page, so it could not
show a shift that happens only on a slow CPU). Each round visits every page once, pages interleaved,
after a warm-up round; the table reports medians and the worst run's CLS.

Each run keeps what explains its numbers: every layout shift with the element Lighthouse blames
(`layout-shifts`) and the longest main-thread tasks with the script they are attributed to and how
their time splits into script evaluation, style and layout, paint, parsing and garbage collection
(the debug data of the `long-tasks` audit, from the run's trace). Lighthouse 13 asks for Node 22;
it runs on Debian's Node 20 (checked in every run: a run that fails is reported, never hidden).
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import tempfile
from pathlib import Path

from bench.common import BENCH, CHROMIUM, log

FOLDER = BENCH / "lighthouse"
BINARY = FOLDER / "node_modules" / ".bin" / "lighthouse"
CHROME_FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-background-networking "
                "--disable-component-update --disable-sync --no-first-run")
METRICS = {
    "fcp_ms": "first-contentful-paint",
    "lcp_ms": "largest-contentful-paint",
    "tbt_ms": "total-blocking-time",
    "cls": "cumulative-layout-shift",
}
# Throttling modes: the name used in bench.json and the tables, and Lighthouse's flags for it.
MODES = {
    "none": ["--throttling-method=provided"],
    "cpu4": ["--throttling-method=devtools", "--throttling.cpuSlowdownMultiplier=4",
             "--throttling.requestLatencyMs=0", "--throttling.downloadThroughputKbps=0",
             "--throttling.uploadThroughputKbps=0"],
}
MODE_TITLES = {"none": "no throttling", "cpu4": "CPU slowed 4x"}
# The baselines measured beside the pages: the bare app as Streamlit ships it (the targets' "bare
# app"), and the same app on a server that sends at once, as the dashboard's does (bench/bare_app_at_once.py).
BARE_AT_ONCE = "bare, sent at once"
BASELINES = ("bare", BARE_AT_ONCE)
LONG_TASKS_KEPT = 5
# The long-tasks audit's time groups, as the tables name them.
GROUPS = {"scriptEvaluation": "script", "scriptParseCompile": "compile", "styleLayout": "style+layout",
          "paintCompositeRender": "paint", "parseHTML": "parse HTML", "garbageCollection": "GC", "other": "other"}


def ensure_installed() -> Path:
    """Install the pinned Lighthouse into bench/lighthouse/node_modules when it is not there."""
    if not BINARY.exists():
        log("installing lighthouse into bench/lighthouse (npm ci)")
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=FOLDER, check=True)
    return BINARY


def script_name(url: str) -> str:
    """'http://127.0.0.1:8501/static/js/PlotlyChart.D9Z0_fxz.js' -> 'PlotlyChart.js' (the bundler's hash
    changes with every Streamlit release; the chunk's name says what it draws)."""
    name = url.rsplit("/", 1)[-1].split("?", 1)[0]
    return re.sub(r"\.[A-Za-z0-9_-]{8}\.js$", ".js", name) or url or "(no script)"


def audit(url: str, mode: str = "none", timeout: float = 300, assets: Path | None = None) -> dict:
    """One Lighthouse run: scores (0-100), FCP/LCP/TBT (ms), CLS, each shift's element and cause, the
    longest tasks and what they spent their time on, and failing accessibility audits. With `assets`
    (a path stem) the run's trace is kept there as well (`--save-assets`)."""
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as folder:
        report = Path(folder) / "report.json"
        command = [str(BINARY), url, "--preset=desktop", *MODES[mode],
                   "--only-categories=performance,accessibility", f"--chrome-flags={CHROME_FLAGS}",
                   "--output=json", f"--output-path={report}", "--quiet"]
        if assets:
            command.append("--save-assets")
        done = subprocess.run(command, env={**os.environ, "CHROME_PATH": CHROMIUM}, capture_output=True, text=True,
                              timeout=timeout)
        if done.returncode != 0 or not report.exists():
            return {"error": (done.stderr or done.stdout)[-500:]}
        if assets:
            assets.parent.mkdir(parents=True, exist_ok=True)
            for kept in Path(folder).glob("report-0.trace.json"):
                kept.replace(assets.with_suffix(".trace.json"))
        data = json.loads(report.read_text(encoding="utf-8"))
    audits = data["audits"]
    result = {
        "performance": round(100 * (data["categories"]["performance"]["score"] or 0)),
        "accessibility": round(100 * (data["categories"]["accessibility"]["score"] or 0)),
        **{name: round(audits[key]["numericValue"], 4) for name, key in METRICS.items()},
        "cpu_slowdown": data.get("configSettings", {}).get("throttling", {}).get("cpuSlowdownMultiplier"),
        "throttling_method": data.get("configSettings", {}).get("throttlingMethod"),
        "benchmark_index": data.get("environment", {}).get("benchmarkIndex"),
    }
    result["shifts"] = shifts(audits)
    result["long_tasks"] = long_tasks(audits)
    result["failed_accessibility"] = sorted(
        key for key, value in audits.items()
        if value.get("score") == 0 and value.get("scoreDisplayMode") == "binary"
        and key in _accessibility_ids(data)
    )
    return result


def shifts(audits: dict) -> list[dict]:
    """Every shift Lighthouse lists (it keeps the 15 largest), largest first: its score, the element
    that moved most (CSS selector and a label), and the root causes the trace engine found."""
    out = []
    for item in audits.get("layout-shifts", {}).get("details", {}).get("items", []):
        node = item.get("node") or {}
        causes = [sub.get("cause", "") for sub in (item.get("subItems") or {}).get("items", [])]
        out.append({"score": round(item.get("score", 0), 4), "element": node.get("selector", ""),
                    "label": (node.get("nodeLabel") or "")[:80], "causes": causes})
    return out


def long_tasks(audits: dict) -> list[dict]:
    """The longest top-level main-thread tasks: start and duration (ms), the script they are attributed
    to, and their time per group, largest first."""
    debug = audits.get("long-tasks", {}).get("details", {}).get("debugData") or {}
    urls = debug.get("urls", [])
    out = []
    for task in sorted(debug.get("tasks", []), key=lambda t: -t.get("duration", 0))[:LONG_TASKS_KEPT]:
        groups = {GROUPS.get(key, key): value for key, value in task.items()
                  if key not in ("urlIndex", "startTime", "duration")}
        index = task.get("urlIndex", -1)
        out.append({"start_ms": task.get("startTime"), "duration_ms": task.get("duration"),
                    "script": script_name(urls[index]) if 0 <= index < len(urls) else "(none)",
                    "groups": dict(sorted(groups.items(), key=lambda kv: -kv[1]))})
    return out


def cause(task: dict) -> str:
    """'PlotlyChart.js: script 120, style+layout 40 ms' for a long task."""
    parts = [f"{name} {ms:.0f}" for name, ms in list(task["groups"].items())[:2] if ms >= 5]
    return f"{task['script']}: {', '.join(parts)} ms" if parts else task["script"]


def element(shift: dict) -> str:
    """The last two steps of the moved element's CSS selector (the first ones are the app's frame)."""
    return " > ".join(shift["element"].split(" > ")[-2:])


def label(shift: dict) -> str:
    """The start of the moved element's text, on one line."""
    text = " / ".join(part for part in shift.get("label", "").split("\n") if part.strip())
    return text[:50] + ("…" if len(text) > 50 else "")


def _accessibility_ids(data: dict) -> set[str]:
    return {ref["id"] for ref in data["categories"]["accessibility"]["auditRefs"]}


def run(urls: dict[str, str], runs: int, warmups: int = 1, modes: tuple[str, ...] = tuple(MODES),
        traces: Path | None = None) -> dict:
    """`urls` maps a page name ('bare', '/', '/compare', ...) to its address. Warm-up rounds over every
    page, then per mode `runs` rounds over every page. Returns the samples per mode and page, and their
    summaries. With `traces` (a folder), every timed run's trace is kept there."""
    ensure_installed()
    samples: dict[str, dict[str, list[dict]]] = {mode: {name: [] for name in urls} for mode in modes}
    load = {"loadavg_at_start": os.getloadavg()[0]}
    for mode_number, mode in enumerate(modes):
        warm = warmups if mode_number == 0 else 0  # the servers' caches are warm after the first mode's warm-up
        for round_number in range(warm + runs):
            for name, url in urls.items():
                timed = round_number >= warm
                stem = None
                if traces and timed:
                    stem = traces / f"{mode}-{re.sub(r'[^A-Za-z0-9]+', '_', name).strip('_') or 'overview'}-{round_number}"
                result = audit(url, mode, assets=stem)
                if timed:
                    samples[mode][name].append(result)
                log(f"lighthouse {mode} {name} round {round_number + 1}: "
                    + ("FAILED " + result["error"][:120] if "error" in result else
                       f"perf {result['performance']} a11y {result['accessibility']} CLS {result['cls']:.3f} "
                       f"TBT {result['tbt_ms']:.0f}"))
    load["loadavg_at_end"] = os.getloadavg()[0]
    return {"samples": samples, "summary": {mode: summarise(by_page) for mode, by_page in samples.items()},
            "machine": {key: round(value, 2) for key, value in load.items()}}


def summarise(samples: dict[str, list[dict]]) -> dict:
    summary = {}
    for name, results in samples.items():
        ok = [r for r in results if "error" not in r]
        if not ok:
            summary[name] = {"error": results[0]["error"] if results else "no run"}
            continue
        summary[name] = {key: statistics.median(r[key] for r in ok) for key in ("performance", "accessibility", *METRICS)}
        worst = max(ok, key=lambda r: r["cls"])
        tasks = sorted((task for r in ok for task in r.get("long_tasks", [])), key=lambda t: -t["duration_ms"])
        summary[name].update(runs=len(ok), failed_runs=len(results) - len(ok),
                             cls_runs=[r["cls"] for r in ok], cls_max=worst["cls"],
                             failed_accessibility=sorted({a for r in ok for a in r["failed_accessibility"]}),
                             shifts=worst["shifts"], top_long_task=tasks[0] if tasks else None)
    return summary


def by_mode(vitals: dict) -> dict:
    """The summary per mode; a bench.json of before the modes held one unthrottled summary."""
    summary = vitals.get("summary", {})
    if summary and not set(summary) <= set(MODES):
        return {"none": summary}
    return summary


def render(vitals: dict) -> list[str]:
    """The markdown tables for bench/results/summary.md and the README: one per mode, then what moved."""
    modes = by_mode(vitals)
    if not modes:
        return []
    machine = vitals.get("machine", {})
    lines = ["## Web vitals (Lighthouse, desktop)", "",
             f"Load average {machine.get('loadavg_at_start', '?')} at the start, "
             f"{machine.get('loadavg_at_end', '?')} at the end of this section. Medians of the timed runs; "
             "CLS: median and (max); the top long task is the longest of all runs with what it spent its time on.", ""]
    for mode, summary in modes.items():
        lines += [f"### {MODE_TITLES.get(mode, mode)}", "",
                  "| page | performance | FCP | LCP | TBT | CLS (max) | accessibility | top long task |",
                  "| --- | --- | --- | --- | --- | --- | --- | --- |"]
        for name, row in summary.items():
            if "error" in row:
                lines.append(f"| {name} | failed: {row['error'][:80]} | | | | | | |")
                continue
            task = row.get("top_long_task")
            longest = f"{task['duration_ms']:.0f} ms, {cause(task)}" if task else "–"
            failing = ", ".join(row["failed_accessibility"])
            lines.append(f"| {name} | {row['performance']:.0f} | {row['fcp_ms']:.0f} ms | {row['lcp_ms']:.0f} ms | "
                         f"{row['tbt_ms']:.0f} ms | {row['cls']:.3f} ({row['cls_max']:.3f}) | {row['accessibility']:.0f}"
                         f"{' (' + failing + ')' if failing else ''} | {longest} |")
        lines.append("")
    chinese = {name: row for name, row in vitals.get("zh", {}).items() if "error" not in row}
    if chinese:
        lines += ["Accessibility of every page in Chinese (`?lang=zh`, one unthrottled run): "
                  + ", ".join(f"{name} {row['accessibility']:.0f}"
                              + (f" ({', '.join(row['failed_accessibility'])})" if row["failed_accessibility"] else "")
                              for name, row in chinese.items()) + ".", ""]
    moved = [(mode, name, shift) for mode, summary in modes.items() for name, row in summary.items()
             for shift in row.get("shifts", []) if shift["score"] >= 0.005]
    if moved:
        lines += ["### What moved (the worst run of each page, shifts of 0.005 or more)", "",
                  "| mode | page | shift | element (its text) | cause named by Lighthouse |",
                  "| --- | --- | --- | --- | --- |"]
        lines += [f"| {mode} | {name} | {shift['score']:.3f} | `{element(shift)}` ({label(shift)}) | "
                  f"{'; '.join(shift['causes']) or '–'} |" for mode, name, shift in moved]
        lines.append("")
    return lines
