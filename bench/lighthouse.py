"""Web vitals and accessibility of every page with Lighthouse, against the bare app in the same rounds.

Lighthouse is the npm package pinned in bench/lighthouse/package.json, installed there (never
globally) by `ensure_installed` with `npm ci`, and drives Debian's Chromium through CHROME_PATH:
desktop preset, no throttling (the pages are served on loopback; simulated throttling would
measure a phone on a slow network, not this code). Each round visits every page once, pages
interleaved, after a warm-up round; the table reports medians. Lighthouse 13 asks for Node 22;
it runs on Debian's Node 20 (checked in every run: a run that fails is reported, never hidden).
"""

from __future__ import annotations

import json
import os
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


def ensure_installed() -> Path:
    """Install the pinned Lighthouse into bench/lighthouse/node_modules when it is not there."""
    if not BINARY.exists():
        log("installing lighthouse into bench/lighthouse (npm ci)")
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=FOLDER, check=True)
    return BINARY


def audit(url: str, timeout: float = 240) -> dict:
    """One Lighthouse run: scores (0-100), FCP/LCP/TBT (ms), CLS, and what shifted or failed."""
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as folder:
        report = Path(folder) / "report.json"
        command = [str(BINARY), url, "--preset=desktop", "--throttling-method=provided",
                   "--only-categories=performance,accessibility", f"--chrome-flags={CHROME_FLAGS}",
                   "--output=json", f"--output-path={report}", "--quiet"]
        done = subprocess.run(command, env={**os.environ, "CHROME_PATH": CHROMIUM}, capture_output=True, text=True,
                              timeout=timeout)
        if done.returncode != 0 or not report.exists():
            return {"error": (done.stderr or done.stdout)[-500:]}
        data = json.loads(report.read_text(encoding="utf-8"))
    audits = data["audits"]
    result = {
        "performance": round(100 * (data["categories"]["performance"]["score"] or 0)),
        "accessibility": round(100 * (data["categories"]["accessibility"]["score"] or 0)),
        **{name: round(audits[key]["numericValue"], 4) for name, key in METRICS.items()},
    }
    shifts = audits.get("layout-shifts", {}).get("details", {}).get("items", [])
    result["shifts"] = [{"score": round(item.get("score", 0), 4), "element": item.get("node", {}).get("selector", "")}
                        for item in shifts[:5]]
    result["failed_accessibility"] = sorted(
        key for key, value in audits.items()
        if value.get("score") == 0 and value.get("scoreDisplayMode") == "binary"
        and key in _accessibility_ids(data)
    )
    return result


def _accessibility_ids(data: dict) -> set[str]:
    return {ref["id"] for ref in data["categories"]["accessibility"]["auditRefs"]}


def run(urls: dict[str, str], runs: int, warmups: int = 1) -> dict:
    """`urls` maps a page name ('bare', '/', '/compare', ...) to its address. Returns the samples
    per page and their medians."""
    ensure_installed()
    samples: dict[str, list[dict]] = {name: [] for name in urls}
    for round_number in range(warmups + runs):
        for name, url in urls.items():
            result = audit(url)
            if round_number >= warmups:
                samples[name].append(result)
            log(f"lighthouse {name} round {round_number + 1}: "
                + ("FAILED " + result["error"][:120] if "error" in result else
                   f"perf {result['performance']} a11y {result['accessibility']} CLS {result['cls']:.3f}"))
    return {"samples": samples, "summary": summarise(samples)}


def summarise(samples: dict[str, list[dict]]) -> dict:
    summary = {}
    for name, results in samples.items():
        ok = [r for r in results if "error" not in r]
        if not ok:
            summary[name] = {"error": results[0]["error"] if results else "no run"}
            continue
        summary[name] = {key: statistics.median(r[key] for r in ok) for key in ("performance", "accessibility", *METRICS)}
        summary[name].update(runs=len(ok), failed_runs=len(results) - len(ok),
                             cls_max=max(r["cls"] for r in ok),
                             failed_accessibility=sorted({a for r in ok for a in r["failed_accessibility"]}),
                             shifts=max(ok, key=lambda r: r["cls"])["shifts"])
    return summary


def render(vitals: dict) -> list[str]:
    """The markdown table for bench/results/summary.md and the README."""
    summary = vitals.get("summary", {})
    if not summary:
        return []
    lines = ["## Web vitals (Lighthouse, desktop, no throttling, medians)", "",
             "| page | performance | FCP | LCP | TBT | CLS (max) | accessibility | failing a11y audits |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for name, row in summary.items():
        if "error" in row:
            lines.append(f"| {name} | failed: {row['error'][:80]} | | | | | | |")
            continue
        lines.append(f"| {name} | {row['performance']:.0f} | {row['fcp_ms']:.0f} ms | {row['lcp_ms']:.0f} ms | "
                     f"{row['tbt_ms']:.0f} ms | {row['cls']:.3f} ({row['cls_max']:.3f}) | {row['accessibility']:.0f} | "
                     f"{', '.join(row['failed_accessibility']) or '–'} |")
    return [*lines, ""]
