"""Chart images (dashboard/images.py): time to the first image, time per image after it, and the
memory each image costs. `make bench` runs it as the `images` section of bench.run; alone:

    python -m bench.images            # writes bench/results/images.json and images.md

Two measurements, each in fresh processes so the first image really is the first:

- in process: a child Python draws the figure page's chart (the /api/figures/<id>.png chart) as
  PNG and SVG at both sizes, REPEAT times; its RSS and that of the Chromium kaleido starts (every
  process below it) before the first image, after it, and after all of them;
- over HTTP: a fresh `streamlit run`; the first /api/figures/<id>.png (starts Chromium), the same
  again (the server's cache), a repeat with its ETag (304), and each other figure's image once.

Timing goals are reported, never asserted (tests carry none).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.common import RESULTS, log, machine_info, proc_status, write_json
from deploy.processes import descendants
from tests.harness import ROOT, fetch, streamlit_server

REPEAT = 10
CHILD = r"""
import json, statistics, sys, time
from pathlib import Path
from dashboard import charts, images
from dashboard import metrics as mx
from dashboard.data import load_dataset
from deploy.processes import descendants

def rss(pid):
    # PSS: Chromium's processes share much of their memory, which RSS would count once per process.
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) * 1024
    return 0

def memory():
    import os
    me = os.getpid()
    return {"python": rss(me), "chromium": sum(rss(p) for p in descendants(me) if Path(f"/proc/{p}").exists())}

repeat = int(sys.argv[1])
dataset = load_dataset(Path("."))
obs = mx.enrich_observations(dataset)
figure = next(obs.loc[i] for i in obs.index
              if len(mx.same_metric_by_region(obs, obs.loc[i], dataset.regions["region"])) > 1)
by_region = mx.same_metric_by_region(obs, figure, dataset.regions["region"])
fig = charts.build_same_metric_chart(by_region, charts.region_colours(list(by_region["region"])))
caption = images.figure_caption(figure, by_region, dataset.version, "http://localhost:8501/figure?id=x&lang=en")
out = {"figure_id": figure["figure_id"], "before": memory()}
started = time.perf_counter()
first = images.image(fig, caption, "png", "slide")
out["first_png_s"] = time.perf_counter() - started
out["after_first"] = memory()
times = {}
sizes = {}
for fmt in images.FORMATS:
    for size in images.SIZES:
        runs = []
        for _ in range(repeat):
            started = time.perf_counter()
            body = images.image(fig, caption, fmt, size)
            runs.append(time.perf_counter() - started)
        times[f"{fmt} {size}"] = statistics.median(runs)
        sizes[f"{fmt} {size}"] = len(body)
out["median_s"] = times
out["bytes"] = sizes
out["images_drawn"] = 1 + repeat * len(times)
out["after_all"] = memory()
images.stop()
print(json.dumps(out))
"""


def pss(pid: int) -> int:
    """Proportional set size in bytes (shared pages split between the processes sharing them)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def in_process(repeat: int = REPEAT) -> dict:
    """Cold and warm image times and memory in a fresh child process (see CHILD)."""
    done = subprocess.run([sys.executable, "-c", CHILD, str(repeat)], cwd=ROOT, capture_output=True, text=True,
                          timeout=600, check=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    before, first, after = result["before"], result["after_first"], result["after_all"]
    total = lambda m: m["python"] + m["chromium"]
    result["chromium_start_mb"] = round((total(first) - total(before)) / 2**20, 1)
    result["per_image_kb"] = round((total(after) - total(first)) / 1024 / max(result["images_drawn"] - 1, 1), 1)
    return result


def over_http() -> dict:
    """A fresh server: the first /api/figures/<id>.png, the same again, a 304, and every other figure once."""
    with streamlit_server() as server:
        status, _headers, body = fetch(f"{server.url}/api/figures.json?_size=1000")
        ids = [row["figure_id"] for row in json.loads(body)["rows"]]
        timed = {}
        for name, url, headers in (("first", ids[0], None), ("again (cached)", ids[0], None)):
            started = time.perf_counter()
            status, answer, body = fetch(f"{server.url}/api/figures/{url}.png", headers=headers, timeout=120)
            timed[name] = {"status": status, "s": round(time.perf_counter() - started, 3), "bytes": len(body)}
            etag = answer.get("etag")
        started = time.perf_counter()
        status, _headers, _body = fetch(f"{server.url}/api/figures/{ids[0]}.png", headers={"If-None-Match": etag})
        timed["repeat with ETag"] = {"status": status, "s": round(time.perf_counter() - started, 3)}
        others = []
        for figure_id in ids[1:]:
            started = time.perf_counter()
            fetch(f"{server.url}/api/figures/{figure_id}.png", timeout=120)
            others.append(time.perf_counter() - started)
        timed["each other figure"] = {"n": len(others), "median_s": round(statistics.median(others), 3) if others else None,
                                      "max_s": round(max(others), 3) if others else None}
        timed["server_rss_mb_after"] = round(proc_status(server.process.pid)["VmRSS"] / 2**20, 1)
        timed["chromium_pss_mb_after"] = round(sum(map(pss, descendants(server.process.pid))) / 2**20, 1)
    return timed


def measure(repeat: int = REPEAT) -> dict:
    log("images: in a fresh process")
    result = {"in_process": in_process(repeat)}
    log("images: over HTTP on a fresh server")
    result["http"] = over_http()
    return result


def render(images: dict) -> list[str]:
    if not images or "error" in images:
        return ["## Chart images", "", f"Not measured: {images.get('error') if images else 'section not run'}", ""]
    inner, http = images["in_process"], images["http"]
    lines = ["## Chart images", "",
             "Figure page's chart (`dashboard/images.py`, kaleido driving Debian's Chromium), fresh process each time.", "",
             "| measure | value |", "| --- | --- |",
             f"| time to first image (Chromium start + PNG 1200x675) | {inner['first_png_s']:.2f} s |",
             *[f"| next images, median: {name} | {seconds * 1000:.0f} ms ({inner['bytes'][name] / 1024:.0f} KB) |"
               for name, seconds in inner["median_s"].items()],
             f"| memory (PSS) of the started Chromium (+ kaleido) | {inner['chromium_start_mb']} MB |",
             f"| memory per further image (PSS growth over {inner['images_drawn'] - 1} images) | {inner['per_image_kb']} KB |",
             f"| HTTP: first /api/figures/<id>.png on a fresh server | {http['first']['s']:.2f} s |",
             f"| HTTP: the same again (server cache) | {http['again (cached)']['s'] * 1000:.0f} ms |",
             f"| HTTP: repeat with its ETag | {http['repeat with ETag']['status']} in "
             f"{http['repeat with ETag']['s'] * 1000:.0f} ms |",
             f"| HTTP: each other figure's first image, median / max ({http['each other figure']['n']}) | "
             f"{(http['each other figure']['median_s'] or 0) * 1000:.0f} / {(http['each other figure']['max_s'] or 0) * 1000:.0f} ms |",
             f"| server RSS after every figure's image: Python / its Chromium | {http['server_rss_mb_after']} / "
             f"{http['chromium_pss_mb_after']} MB (PSS) |", ""]
    return lines


def main() -> int:
    result = {"machine": machine_info(), "images": measure()}
    RESULTS.mkdir(parents=True, exist_ok=True)
    write_json(RESULTS / "images.json", result)
    (RESULTS / "images.md").write_text("\n".join(render(result["images"])) + "\n", encoding="utf-8")
    print("\n".join(render(result["images"])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
