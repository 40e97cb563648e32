"""Turn bench.json into summary.md (tables, targets pass/fail) and scale.png.

    python -m bench.report [bench/results/bench.json]   # re-render summary.md and scale.png
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

from bench import images, lighthouse
from bench.common import RESULTS, median, ratio, spread

RATIO_TARGET = 1.3
# Issue 23: the 'r' rerun (same state) stays at or below 0.6x the bare app's, as measured before it.
HOTKEY_RERUN_TARGET = 0.6
LOAD_100K_TARGET_S = 2.0
RERUN_100K_TARGET_S = 1.0
MEMORY_RATIO_TARGET = 1.5
CLS_TARGET = 0.05  # in every run, unthrottled and 4x (Core Web Vitals' "good" is 0.1; issue 23 asks for half)
PERFORMANCE_MARGIN = 3  # Lighthouse performance at least the bare app's minus this, unthrottled, same run
# "No faster than linear": 10x the rows may cost at most this many times the time (slope <= ~1.08
# on the log-log plot, i.e. linear plus noise). Decades below 10k rows are dominated by fixed costs.
LINEAR_FACTOR_LIMIT = 12.0
GROWTH_FROM_ROWS = 10_000

# Which bare-app step each dashboard rerun is compared with.
RERUN_BASELINE = {"widget_rerun": "widget_rerun", "hotkey_rerun": "hotkey_rerun"}


# --- numbers ------------------------------------------------------------------------------------------


def summarise_pages(samples: dict[str, list[dict]]) -> dict:
    summary = {}
    for name, runs in samples.items():
        steps = {}
        for step in ("load", "widget_rerun", "first_rerun", "hotkey_rerun"):
            # A filter rerun that had to repeat an earlier pick timed the cache, not the work.
            values = [run[step] for run in runs if step in run
                      and not (step == "widget_rerun" and run.get("widget_option_repeated"))]
            if values:
                steps[step] = spread(values)
        steps["repeated_picks"] = sum(bool(run.get("widget_option_repeated")) for run in runs)
        steps["errors"] = [run["error"] for run in runs if "error" in run]
        steps["charts"] = sorted({run.get("load_charts") for run in runs if "load_charts" in run})
        summary[name] = steps
    bare = summary.get("bare", {})
    for name, steps in summary.items():
        if name == "bare":
            continue
        for step in ("load", "widget_rerun", "hotkey_rerun"):
            if step in steps and step in bare:
                steps[step]["ratio_to_bare"] = ratio(steps[step]["median"], bare[step]["median"])
    return summary


def _load_median(entry: dict) -> float | None:
    load = entry.get("load", {})
    return median(load["times_s"]) if load.get("status") == "ok" else None


def _rerun_median(entry: dict) -> float | None:
    """Median of the timed reruns; the warm-up rerun when no timed one finished within the budget."""
    explore = entry.get("explore", {})
    reruns = explore.get("rerun_ms") or []
    if reruns:
        return median(reruns) / 1000
    warmup = explore.get("warmup_rerun_ms")
    return warmup / 1000 if warmup is not None else None


def _first_load(entry: dict) -> float | None:
    ms = entry.get("explore", {}).get("first_load_ms")
    return ms / 1000 if ms is not None else None


METRIC_GETTERS = {"load_dataset": _load_median, "explore_rerun": _rerun_median, "explore_first_load": _first_load}


def _timeout_floor(entry: dict, metric: str) -> float | None:
    """For a timed-out step, the time it took at least."""
    if metric == "load_dataset" and entry.get("load", {}).get("status") == "timeout":
        return entry["load"]["timeout_s"]
    explore = entry.get("explore", {})
    if metric == "explore_first_load" and "first_load" in explore:
        return explore.get("first_load_timeout_s")
    return None


def growth(sizes: list[dict]) -> dict:
    """Time factor per 10x rows (and log-log slope) between consecutive sizes, for each measured time."""
    out = {}
    for metric, getter in METRIC_GETTERS.items():
        steps = []
        for small, big in zip(sizes, sizes[1:], strict=False):
            t_small, t_big = getter(small), getter(big)
            decades = math.log10(big["rows"] / small["rows"])
            step = {"from_rows": small["rows"], "to_rows": big["rows"]}
            if t_small and t_big:
                factor = (t_big / t_small) ** (1 / decades)
                step.update(factor_per_10x=round(factor, 2), slope=round(math.log10(factor), 2))
            elif t_small and _timeout_floor(big, metric):
                factor = (_timeout_floor(big, metric) / t_small) ** (1 / decades)
                step.update(factor_per_10x_at_least=round(factor, 2))
            steps.append(step)
        out[metric] = steps
    return out


def _linear_verdict(steps: list[dict]) -> tuple[str, str]:
    considered = [s for s in steps if s["from_rows"] >= GROWTH_FROM_ROWS]
    if not considered:
        return "n/a", "no decade from 10k rows up was measured"
    parts, verdict = [], "pass"
    for step in considered:
        label = f"{_rows(step['from_rows'])}→{_rows(step['to_rows'])}"
        if "factor_per_10x" in step:
            parts.append(f"{label}: ×{step['factor_per_10x']:.1f}")
            if step["factor_per_10x"] > LINEAR_FACTOR_LIMIT:
                verdict = "fail"
        elif "factor_per_10x_at_least" in step:
            parts.append(f"{label}: ≥ ×{step['factor_per_10x_at_least']:.1f} (timeout)")
            if step["factor_per_10x_at_least"] > LINEAR_FACTOR_LIMIT:
                verdict = "fail"
            elif verdict == "pass":
                verdict = "n/a"
        else:
            parts.append(f"{label}: not measured")
            if verdict == "pass":
                verdict = "n/a"
    return verdict, "; ".join(parts)


def targets(results: dict) -> list[dict]:
    rows = []

    def add(name: str, measured: str, target: str, verdict: str) -> None:
        rows.append({"target": name, "measured": measured, "goal": target, "result": verdict})

    def by_ratio(value: float | None, goal: float = RATIO_TARGET) -> str:
        return "n/a" if value is None else ("pass" if value <= goal else "fail")

    pages = results.get("pages", {}).get("summary", {})
    for page, step, label, goal in (("/", "load", "page load /", RATIO_TARGET),
                                    ("/compare", "load", "page load /compare", RATIO_TARGET),
                                    ("/", "hotkey_rerun", "rerun / ('r')", HOTKEY_RERUN_TARGET),
                                    ("/compare", "widget_rerun", "rerun /compare (region added)", RATIO_TARGET)):
        value = pages.get(page, {}).get(step, {}).get("ratio_to_bare")
        add(label, _x(value), f"≤ {goal}× bare", by_ratio(value, goal))

    sizes = {entry["rows"]: entry for entry in results.get("scale", {}).get("sizes", [])}
    entry = sizes.get(100_000)
    if entry:
        load = _load_median(entry)
        floor = _timeout_floor(entry, "load_dataset")
        add("100k rows: load + validate", _s(load) if load else f"> {floor:.0f} s (timeout)" if floor else "error",
            f"< {LOAD_100K_TARGET_S:.0f} s", "n/a" if load is None and not floor else
            "pass" if load is not None and load < LOAD_100K_TARGET_S else "fail")
        rerun = _rerun_median(entry)
        add("100k rows: /explore rerun", _s(rerun) if rerun else "not measured",
            f"< {RERUN_100K_TARGET_S:.0f} s",
            "n/a" if rerun is None else "pass" if rerun < RERUN_100K_TARGET_S else "fail")
    else:
        add("100k rows: load + validate", "not run", f"< {LOAD_100K_TARGET_S:.0f} s", "n/a")
        add("100k rows: /explore rerun", "not run", f"< {RERUN_100K_TARGET_S:.0f} s", "n/a")
    growth_steps = results.get("scale", {}).get("growth", {})
    for metric, label in (("load_dataset", "growth of load + validate"), ("explore_rerun", "growth of /explore rerun")):
        verdict, text = _linear_verdict(growth_steps.get(metric, []))
        add(label, text or "n/a", f"≤ ×{LINEAR_FACTOR_LIMIT:.0f} per 10× rows (linear)", verdict)
    entry = sizes.get(1_000_000)
    if entry:
        explore = entry.get("explore", {})
        answered = explore.get("server_healthy") and "first_load_ms" in explore
        measured = (f"healthy; /explore settled in {_s(explore['first_load_ms'] / 1000)}" if answered else
                    f"healthy: {bool(explore.get('server_healthy'))}; /explore: "
                    f"{explore.get('first_load') or explore.get('error') or 'not settled'}"
                    + ("; script started" if explore.get("script_started") else ""))
        add("1M rows: app starts and answers", measured, "/explore settles", "pass" if answered else "fail")
    else:
        add("1M rows: app starts and answers", "not run", "/explore settles", "n/a")
    rows += _vital_targets(results.get("vitals", {}))
    memory = results.get("memory", {})
    if memory.get("rss_1_bytes") and memory.get("rss_n_bytes"):
        value = memory["rss_n_bytes"] / memory["rss_1_bytes"]
        add(f"{memory['sessions']} sessions: server memory", f"{_x(value)} of 1 session",
            f"< {MEMORY_RATIO_TARGET}×", "pass" if value < MEMORY_RATIO_TARGET else "fail")
    else:
        add("20 sessions: server memory", "not run", f"< {MEMORY_RATIO_TARGET}×", "n/a")
    return rows


def _vital_targets(vitals: dict) -> list[dict]:
    rows = []
    for mode, summary in lighthouse.by_mode(vitals).items():
        measured = {name: row for name, row in summary.items()
                    if name not in lighthouse.BASELINES and "error" not in row}
        if not measured:
            continue
        title = lighthouse.MODE_TITLES.get(mode, mode)
        worst = max(measured.items(), key=lambda item: item[1]["cls_max"])
        over = sorted(name for name, row in measured.items() if row["cls_max"] >= CLS_TARGET)
        rows.append({"target": f"CLS on every page, every run ({title})",
                     "measured": f"worst {worst[1]['cls_max']:.3f} on {worst[0]}"
                                 + (f"; at or over on {', '.join(over)}" if over else ""),
                     "goal": f"< {CLS_TARGET}", "result": "fail" if over else "pass"})
        bare = summary.get("bare", {})
        if mode == "none" and "performance" in bare:
            floor = bare["performance"] - PERFORMANCE_MARGIN
            slowest = min(measured.items(), key=lambda item: item[1]["performance"])
            under = sorted(name for name, row in measured.items() if row["performance"] < floor)
            at_once = summary.get(lighthouse.BARE_AT_ONCE, {})
            rows.append({"target": "Lighthouse performance, every page (no throttling)",
                         "measured": f"lowest {slowest[1]['performance']:.0f} on {slowest[0]} (bare app "
                                     f"{bare['performance']:.0f}"
                                     + (f"; {at_once['performance']:.0f} sent at once" if "performance" in at_once else "")
                                     + ")" + (f"; under on {', '.join(under)}" if under else ""),
                         "goal": f"≥ bare app − {PERFORMANCE_MARGIN}", "result": "fail" if under else "pass"})
        if mode == "none":
            for language, pages in (("en", measured), ("zh", {k: v for k, v in vitals.get("zh", {}).items()
                                                              if "error" not in v})):
                if not pages:
                    continue
                lowest = min(pages.items(), key=lambda item: item[1]["accessibility"])
                rows.append({"target": f"Lighthouse accessibility, every page ({language})",
                             "measured": f"lowest {lowest[1]['accessibility']:.0f} on {lowest[0]}", "goal": "100",
                             "result": "pass" if lowest[1]["accessibility"] >= 100 else "fail"})
    return rows


# --- formatting ----------------------------------------------------------------------------------------


def _rows(n: int) -> str:
    return f"{n // 1_000_000}M" if n >= 1_000_000 and n % 1_000_000 == 0 else f"{n // 1000}k" if n >= 1000 else str(n)


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f} ms"


def _s(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s" if value < 100 else f"{value:.0f} s"


def _x(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}×"


def _mib(value: float | None) -> str:
    return "–" if not value else f"{value / 2**20:,.0f} MiB"


def _cell(stats: dict | None) -> str:
    if not stats or stats.get("median") is None:
        return "–"
    return f"{stats['median']:,.0f} ms ({stats['min']:,.0f}–{stats['max']:,.0f}, n={stats['n']})"


def render(results: dict) -> str:
    lines = [f"# Benchmark ({results.get('mode')} run)", ""]
    machine, git = results.get("machine", {}), results.get("git", {})
    dirty = git.get("dirty_files") or []
    lines += [
        f"Run {results.get('started')} on commit `{git.get('commit')}`"
        + (f" with uncommitted changes in {', '.join(f'`{d}`' for d in dirty[:8])}"
           + (f" and {len(dirty) - 8} more" if len(dirty) > 8 else "") if dirty else "")
        + f"; {machine.get('cpus')} CPUs, load average {machine.get('loadavg_1m_at_start')} (1 min) at the start, "
          f"Python {machine.get('python')}. Total {results.get('total_seconds', 0) / 60:.1f} min"
        + (" (" + ", ".join(f"{k} {v / 60:.1f}" for k, v in results.get("section_seconds", {}).items()) + " min)"
           if results.get("section_seconds") else "") + ".",
        "",
        *_code_changed_warning(results),
        "The machine is shared, so single numbers are noisy: every figure is a median after a warm-up, and the "
        "dashboard is only ever compared with the bare app (`bench/bare_app.py`) measured in the same rounds.",
        "",
        "## Targets", "",
        "| target | measured | goal | result |", "| --- | --- | --- | --- |",
    ]
    for row in targets(results):
        mark = {"pass": "✅ pass", "fail": "❌ fail"}.get(row["result"], "– n/a")
        lines.append(f"| {row['target']} | {row['measured']} | {row['goal']} | {mark} |")
    lines.append("")
    lines += _render_pages(results.get("pages", {}))
    lines += _render_memory(results.get("memory", {}))
    lines += _render_scale(results.get("scale", {}))
    lines += _render_profile(results.get("profile", {}))
    lines += lighthouse.render(results.get("vitals", {}))
    if "images" in results:
        lines += images.render(results["images"])
    return "\n".join(lines) + "\n"


def _code_changed_warning(results: dict) -> list[str]:
    prints = results.get("code_fingerprint", {})
    if len(set(prints.values())) <= 1:
        return []
    groups: dict[str, list[str]] = {}
    for step, value in prints.items():
        groups.setdefault(value, []).append(step)
    end = results.get("git_end", {})
    return [f"**Warning: the dashboard's code changed during this run** (commit `{end.get('commit')}` at the end"
            + (f", uncommitted changes in {', '.join(f'`{d}`' for d in end.get('dirty_files', [])[:8])}"
               if end.get("dirty_files") else "")
            + "), so sections measured different code: "
            + "; ".join(f"`{value}`: {', '.join(steps)}" for value, steps in groups.items())
            + " (code fingerprint: section started, or end of run). Re-run on a quiet tree to compare them.", ""]


def _render_pages(section: dict) -> list[str]:
    if not section:
        return []
    if "error" in section:
        return ["## Page load and reruns", "", f"Section failed: `{section['error']}`", ""]
    summary = section["summary"]
    lines = [
        "## Page load and reruns (headless Chromium)", "",
        "Median (min–max, n) in ms. Page load: navigation start to settled (script idle, no lazy-loading "
        "placeholder left, every chart drawn), fresh browser context each run, so it includes fetching "
        "Streamlit's and Plotly's JavaScript. Filter rerun: pointer-down on the option to settled; each "
        "run picks a region no earlier run picked (/compare and /explore: added to the multiselect; bare: "
        "chosen in its selectbox), so the dashboard computes a combination it has not cached. "
        "'r' rerun: Streamlit's rerun shortcut, same widget state, so the dashboard's pages reuse what "
        "they computed for that state (session_data.derived); the bare app recomputes its chart. It is "
        "the session's second rerun on every page: after the filter rerun, or on / (no filter) after a "
        "first 'r', as a session's first rerun runs the browser's update code cold.", "",
        "| page | charts | page load | ×bare | filter rerun | ×bare | 'r' rerun | ×bare |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name in ("bare", "/", "/compare", "/explore"):
        steps = summary.get(name)
        if not steps:
            continue
        cells = []
        for step in ("load", "widget_rerun", "hotkey_rerun"):
            stats = steps.get(step)
            cells += [_cell(stats), "" if name == "bare" else _x((stats or {}).get("ratio_to_bare"))]
        charts = ", ".join(str(c) for c in steps.get("charts", []))
        lines.append(f"| {'bare app' if name == 'bare' else name} | {charts} | " + " | ".join(cells) + " |")
    first = {name: steps["first_rerun"] for name, steps in summary.items() if steps.get("first_rerun")}
    if first:
        lines += ["", "The first 'r' after the page load, before the timed one: " + ", ".join(
            f"{name} {_cell(stats)}" for name, stats in first.items()) + "."]
    repeated = {name: steps["repeated_picks"] for name, steps in summary.items() if steps.get("repeated_picks")}
    if repeated:
        lines += ["", "Filter reruns that had to repeat an earlier pick (the data has too few regions; "
                  "they would time the cache) are left out of the filter medians: "
                  + ", ".join(f"{name} {count}" for name, count in repeated.items()) + "."]
    errors = {name: steps["errors"] for name, steps in summary.items() if steps.get("errors")}
    if errors:
        lines += ["", "Failed runs (left out of the medians):", ""]
        lines += [f"- {name}: {error}" for name, errs in errors.items() for error in errs]
    return lines + [""]


def _render_memory(section: dict) -> list[str]:
    if not section:
        return []
    if "error" in section:
        return ["## Server memory", "", f"Section failed: `{section['error']}`", ""]
    n = section.get("sessions")
    one, many = section.get("rss_1_bytes"), section.get("rss_n_bytes")
    per = (many - one) / (n - 1) if one and many and n and n > 1 else None
    lines = [
        "## Server memory (VmRSS of the `streamlit run` process, sessions on /explore held open)", "",
        "| no session | 1 session | " + f"{n} sessions | ×1 session | per extra session | peak (VmHWM) | after closing all |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        f"| {_mib(section.get('rss_idle_bytes'))} | {_mib(one)} | {_mib(many)} | "
        f"{_x(many / one if one and many else None)} | {_mib(per)} | {_mib(section.get('hwm_bytes'))} | "
        f"{_mib(section.get('rss_after_close_bytes'))} |",
    ]
    if section.get("failures"):
        lines += ["", "Sessions that did not settle: " + "; ".join(section["failures"])]
    return lines + [""]


def _render_scale(section: dict) -> list[str]:
    if not section:
        return []
    if "error" in section:
        return ["## Data scale", "", f"Section failed: `{section['error']}`", ""]
    lines = [
        "## Data scale (synthetic data, every check running)", "",
        f"Generated by `bench/datagen.py` (fixed seed; {section.get('rows_per_document')} rows per seed document, "
        "34 regions, 20 metrics, unique quotes that state their values). **load + validate**: `load_dataset` in a "
        "fresh process per size, after a warm-up load of 1k rows; peak RSS is that whole process. **/explore**: "
        "a server on that data and one browser page: first load with a cold cache (load, validate, enrich, "
        "render); a warm-up rerun picking the first region; then, repeated, removing it again (**clear**: back "
        "to every row) and picking it (**pick**: the timed filter rerun); then one page load with a warm cache "
        "in a fresh context. Steps after the first load share a time budget; what does not fit is left out.", "",
        "| rows | metrics.csv | load + validate | peak RSS | /explore first load | pick a region (rerun) | "
        "clear the filter (rerun) | page load, warm cache | server RSS after |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for entry in section.get("sizes", []):
        load, explore = entry.get("load", {}), entry.get("explore", {})
        if load.get("status") == "ok":
            times = load["times_s"]
            load_text = _s(median(times)) + (f" (n={len(times)})" if len(times) > 1 else "")
            peak = _mib(load.get("peak_rss_bytes"))
        elif load.get("status") == "timeout":
            load_text = f"timeout (> {load['timeout_s']:.0f} s)"
            peak = f"> {_mib(load.get('peak_rss_bytes_so_far'))} so far"
        else:
            load_text, peak = "error", "–"
        first = (_s(explore["first_load_ms"] / 1000) if "first_load_ms" in explore
                 else explore.get("first_load") or ("error" if explore.get("error") else "–"))
        reruns, clears = explore.get("rerun_ms") or [], explore.get("clear_rerun_ms") or []
        if reruns:
            pick = _s(median(reruns) / 1000) + f" (n={len(reruns)})"
        elif explore.get("warmup_rerun_ms") is not None:
            pick = _s(explore["warmup_rerun_ms"] / 1000) + " (warm-up only)"
        else:
            pick = "–"
        clear = (_s(median(clears) / 1000) + f" (n={len(clears)})") if clears else "–"
        warm = _s(explore["warm_load_ms"] / 1000) if "warm_load_ms" in explore else explore.get("warm_load", "–")
        lines.append(
            f"| {_rows(entry['rows'])} | {entry.get('metrics_csv_bytes', 0) / 2**20:,.1f} MiB | {load_text} | {peak} | "
            f"{first} | {pick} | {clear} | {warm} | {_mib(explore.get('server_rss_bytes'))} |"
        )
    notes = []
    for entry in section.get("sizes", []):
        load, explore = entry.get("load", {}), entry.get("explore", {})
        for text in (load.get("stderr"), explore.get("first_load_timeout_reason") and
                     f"/explore first load capped at {explore.get('first_load_timeout_s'):.0f} s: "
                     f"{explore['first_load_timeout_reason']}",
                     explore.get("stopped"), explore.get("error"),
                     explore.get("first_load") and f"script started: {explore.get('script_started')}",
                     explore.get("server_log_tail") and "server died: " + explore["server_log_tail"][-300:]):
            if text:
                notes.append(f"- {_rows(entry['rows'])}: {str(text).strip()[:600]}")
        if explore.get("filtered_text"):
            notes.append(f"- {_rows(entry['rows'])}: filter check: '{explore.get('all_rows_text')}' → picked "
                         f"{explore.get('region_picked')} → '{explore.get('filtered_text')}'")
    if notes:
        lines += ["", *notes]
    growth_steps = section.get("growth", {})
    header = growth_steps.get("load_dataset", [])
    lines += ["", "Time factor per 10× rows (×10 = linear, slope 1 on the log-log plot):", "",
              "| step | " + " | ".join(f"{_rows(s['from_rows'])}→{_rows(s['to_rows'])}" for s in header) + " |",
              "| --- |" + " --- |" * len(header)]
    for metric, label in (("load_dataset", "load + validate"), ("explore_first_load", "/explore first load"),
                          ("explore_rerun", "/explore pick a region")):
        cells = []
        for step in growth_steps.get(metric, []):
            if "factor_per_10x" in step:
                cells.append(f"×{step['factor_per_10x']:.1f}")
            elif "factor_per_10x_at_least" in step:
                cells.append(f"≥ ×{step['factor_per_10x_at_least']:.1f}")
            else:
                cells.append("–")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines + ["", "![time and memory against rows](scale.png)", ""]


def _render_profile(section: dict) -> list[str]:
    if not section:
        return []
    if "error" in section and len(section) == 1:
        return ["## Profiles", "", f"Section failed: `{section['error']}`", ""]
    label = _rows(section.get("rows", 0))
    lines = ["## Profiles (pyinstrument)", "",
             f"`load_dataset` and /explore at {label} generated rows; / and /compare on the checkout's data. Pages run "
             "under streamlit's AppTest (server side only: no websocket, no browser): first run with a cold cache, "
             "then a rerun (/explore, /compare: a region added to the filter; /: same state, as 'r' does). Call "
             "trees: `profile_*.txt` (text) and `profile_*.html` (interactive, resampled). 'Own code' is the "
             "inclusive time of the dashboard's functions; 'self' is where the CPU actually was.", ""]
    blocks = []
    if section.get("load"):
        blocks.append((f"load_dataset ({label} rows)", section["load"]))
    for name, where in (("explore", f"{label} rows"), ("compare", "checkout data"), ("overview", "checkout data")):
        data = section.get(name) or {}
        if "error" in data and "cold" not in data:
            blocks.append((f"/{'' if name == 'overview' else name} ({where})", data))
            continue
        for run, words in (("cold", "first run, cold cache"), ("rerun", "rerun")):
            if run in data:
                extra = f", {data['rerun_added']} added" if run == "rerun" and data.get("rerun_added") else ""
                blocks.append((f"/{'' if name == 'overview' else name} ({where}), {words}{extra}", data[run]))
    for title, data in blocks:
        if "error" in data:
            lines += [f"### {title}", "", f"Failed: `{data['error'][-500:]}`", ""]
            continue
        lines += [f"### {title}: {data.get('wall_seconds')} s wall, {data.get('cpu_seconds')} s CPU", ""]
        lines += _side_by_side(("own code, inclusive", data.get("top_project_inclusive", [])[:10]),
                               ("self time by package", data.get("self_by_package", [])[:10]))
        lines += [""] + _side_by_side(("self time by function", data.get("top_self", [])[:8]),)
        lines.append("")
    return lines


def _side_by_side(*tables: tuple[str, list[dict]]) -> list[str]:
    """Several (title, rows) tables in one Markdown table, an empty column between them."""
    header = " | | ".join(f"{title} | time | share" for title, _ in tables)
    lines = [f"| {header} |", "| " + " | --- | ".join(["--- | --- | ---"] * len(tables)) + " |"]
    for i in range(max(len(rows) for _, rows in tables)):
        cells = []
        for _, rows in tables:
            row = rows[i] if i < len(rows) else None
            cells.append(f"`{row['function']}` | {_s(row['seconds'])} | {row['share']:.0%}" if row else " | | ")
        lines.append("| " + " | | ".join(cells) + " |")
    return lines


# --- plot ----------------------------------------------------------------------------------------------


def plot_scale(results: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = results.get("scale", {}).get("sizes", [])
    if not sizes:
        return
    fig, (ax, mem) = plt.subplots(1, 2, figsize=(13, 5.2), gridspec_kw={"width_ratios": [3, 2]})
    series = (("load_dataset", "load_dataset (load + validate)", "tab:blue", "o"),
              ("explore_first_load", "/explore first load (cold cache)", "tab:orange", "s"),
              ("explore_rerun", "/explore rerun (region picked)", "tab:green", "D"))
    all_rows = [e["rows"] for e in sizes]
    for metric, label, colour, marker in series:
        xs, ys, tx, ty = [], [], [], []
        for entry in sizes:
            value = METRIC_GETTERS[metric](entry)
            if value:
                xs.append(entry["rows"])
                ys.append(value)
            elif _timeout_floor(entry, metric):
                tx.append(entry["rows"])
                ty.append(_timeout_floor(entry, metric))
        if xs:
            ax.plot(xs, ys, marker=marker, color=colour, label=label)
            # linear reference through the first point from 10k rows up: what "no faster than linear" allows
            anchor = next((i for i, x in enumerate(xs) if x >= GROWTH_FROM_ROWS), 0)
            ax.plot(all_rows, [ys[anchor] * r / xs[anchor] for r in all_rows], linestyle=":", color=colour, alpha=0.5)
        if metric == "explore_rerun":
            for entry in sizes:
                if not entry.get("explore", {}).get("rerun_ms") and METRIC_GETTERS[metric](entry):
                    ax.annotate("warm-up rerun only", (entry["rows"], METRIC_GETTERS[metric](entry)),
                                textcoords="offset points", xytext=(-100, 8), fontsize=7, color=colour)
        if tx:
            ax.scatter(tx, ty, marker="^", s=90, facecolors="none", edgecolors=colour,
                       label=f"{label.split(' (')[0]}: timeout (at least)")
            if xs:
                ax.plot([xs[-1], tx[0]], [ys[-1], ty[0]], linestyle="--", color=colour, alpha=0.6)
    ax.scatter([100_000], [LOAD_100K_TARGET_S], marker="*", s=160, color="tab:blue", zorder=5,
               label=f"target at 100k: load < {LOAD_100K_TARGET_S:.0f} s")
    ax.scatter([100_000], [RERUN_100K_TARGET_S], marker="*", s=160, color="tab:green", zorder=5,
               label=f"target at 100k: rerun < {RERUN_100K_TARGET_S:.0f} s")
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    rows_format = FuncFormatter(lambda value, _: _rows(int(round(value))))
    plain = FuncFormatter(lambda value, _: f"{value:g}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.xaxis.set_major_formatter(rows_format)
    ax.yaxis.set_major_formatter(plain)
    ax.set_xlabel("metrics rows")
    ax.set_ylabel("seconds (median)")
    ax.set_title("Time against data size (dotted: linear growth from 10k rows)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")

    xs, peaks, servers = [], [], []
    for entry in sizes:
        load = entry.get("load", {})
        peak = load.get("peak_rss_bytes") or load.get("peak_rss_bytes_so_far")
        xs.append(entry["rows"])
        peaks.append(peak / 2**20 if peak else math.nan)
        server = entry.get("explore", {}).get("server_rss_bytes")
        servers.append(server / 2**20 if server else math.nan)
    mem.plot(xs, peaks, marker="o", color="tab:purple", label="load_dataset process peak RSS")
    mem.plot(xs, servers, marker="s", color="tab:red", label="server RSS after /explore")
    mem.set_xscale("log")
    mem.set_yscale("log")
    mem.xaxis.set_major_formatter(rows_format)
    mem.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    mem.yaxis.set_major_formatter(plain)
    mem.yaxis.set_minor_formatter(NullFormatter())
    mem.set_xlabel("metrics rows")
    mem.set_ylabel("MiB")
    mem.set_title("Memory against data size")
    mem.grid(True, which="both", alpha=0.3)
    mem.legend(fontsize=8, loc="upper left")
    fig.suptitle(f"Dashboard scale benchmark ({results.get('mode')} run, {results.get('started')})", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else RESULTS / "bench.json"
    results = json.loads(path.read_text(encoding="utf-8"))
    (path.parent / "summary.md").write_text(render(results), encoding="utf-8")
    if results.get("scale", {}).get("sizes"):
        plot_scale(results, path.parent / "scale.png")
    print(path.parent / "summary.md")


if __name__ == "__main__":
    main()
