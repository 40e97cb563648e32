"""Pieces the benchmarks share: paths, logging, /proc readings, statistics, the JSON they write.

The servers, HTTP requests and Chromium they drive are the tests' harness (tests/harness.py)."""

from __future__ import annotations

import json
import math
import os
import statistics
import sys
import time
from pathlib import Path

from tests.harness import CHROMIUM, ROOT

BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
BARE_APP = BENCH / "bare_app.py"
BARE_APP_AT_ONCE = BENCH / "bare_app_at_once.py"  # the same app, its server sending at once
VIEWPORT = {"width": 1400, "height": 900}


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def proc_status(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of a process in bytes, from /proc/PID/status."""
    values = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0]) * 1024
    return values


def median(values: list[float]) -> float | None:
    values = [v for v in values if v is not None and not math.isnan(v)]
    return statistics.median(values) if values else None


def spread(values: list[float]) -> dict:
    """Median, min, max and the raw values (seconds), for the JSON."""
    clean = [v for v in values if v is not None]
    return {
        "median": median(clean),
        "min": min(clean) if clean else None,
        "max": max(clean) if clean else None,
        "n": len(clean),
        "values": [round(v, 4) for v in clean],
    }


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def write_json(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, sort_keys=False, default=str) + "\n", encoding="utf-8")


def machine_info() -> dict:
    load1, load5, _ = os.getloadavg()
    return {
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "loadavg_1m_at_start": round(load1, 2),
        "loadavg_5m_at_start": round(load5, 2),
        "chromium": CHROMIUM,
    }
