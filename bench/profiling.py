"""pyinstrument profiles of `load_dataset` and of page runs under AppTest, plus their hotspots.

Run in a fresh subprocess by bench.run:

    python -m bench.profiling load ROOT OUT_STEM --warmup SMALL_ROOT
    python -m bench.profiling page ROOT OUT_STEM --page explore --widget region

Each profile writes OUT_STEM.html (interactive), OUT_STEM.txt (call tree) and OUT_STEM.json
(hotspots: the project's own functions by inclusive time, self time by package and by function,
each as seconds and share of the profiled wall time).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from pyinstrument import Profiler
from pyinstrument.renderers import ConsoleRenderer, HTMLRenderer
from pyinstrument.session import Session

TOP = 15
PAGE_WRAPPER = Path(__file__).resolve().parent / "page_profiled.py"


def _key(frame) -> str:
    return f"{frame.function} ({frame.file_path_short}:{frame.line_no})"


def _package(frame, parent_package: str) -> str:
    """Where a frame's code lives: the project's file, a site-packages package, or a stdlib module.
    Built-in functions (Pattern.sub, list.append) count for the package that called them."""
    path = (frame.file_path or "").replace("\\", "/")
    if not path or path.startswith("<"):
        return parent_package
    if "site-packages/" in path:
        return path.split("site-packages/", 1)[1].split("/", 1)[0].removesuffix(".py")
    if "/dashboard/" in path:
        return "dashboard/" + path.rsplit("/dashboard/", 1)[1]
    if "/bench/" in path:
        return "bench (profiling harness)"
    if "/lib/python" in path:
        module = path.split("/lib/python", 1)[1].split("/", 1)[1]
        return "stdlib " + module.split("/", 1)[0].removesuffix(".py")
    return parent_package or path


def hotspots(session: Session) -> dict:
    """Self time per function and per package, and inclusive time of the project's own functions
    (a recursive function counted once per stack)."""
    root = session.root_frame()
    total = session.duration or (root.time if root else 0.0)
    self_time: dict[str, float] = {}
    by_package: dict[str, float] = {}
    inclusive: dict[str, float] = {}

    def walk(frame, ancestors: frozenset[str], parent_package: str) -> None:
        key = _key(frame)
        package = _package(frame, parent_package)
        if not frame.is_synthetic:
            self_time[key] = self_time.get(key, 0.0) + frame.total_self_time
            by_package[package] = by_package.get(package, 0.0) + frame.total_self_time
            if key not in ancestors and "/dashboard/" in (frame.file_path or "").replace("\\", "/"):
                inclusive[key] = inclusive.get(key, 0.0) + frame.time
        for child in frame.children:
            walk(child, ancestors | {key}, package)

    if root is not None:
        walk(root, frozenset(), "")

    def table(values: dict[str, float]) -> list[dict]:
        ranked = sorted(values.items(), key=lambda item: item[1], reverse=True)[:TOP]
        return [{"function": k, "seconds": round(v, 3), "share": round(v / total, 4) if total else None} for k, v in ranked]

    return {"wall_seconds": round(total, 3), "cpu_seconds": round(session.cpu_time or 0.0, 3),
            "top_self": table(self_time), "top_project_inclusive": table(inclusive),
            "self_by_package": table(by_package)}


def save(session: Session, stem: Path) -> dict:
    stem.parent.mkdir(parents=True, exist_ok=True)
    # The HTML embeds every sample; resampled to about 1000 samples it stays around a MB.
    interval = max(0.001, (session.duration or 0.0) / 1000)
    stem.with_suffix(".html").write_text(HTMLRenderer().render(session.resample(interval)), encoding="utf-8")
    stem.with_suffix(".txt").write_text(
        ConsoleRenderer(unicode=True, color=False, show_all=False, short_mode=False).render(session), encoding="utf-8"
    )
    spots = hotspots(session)
    stem.with_suffix(".json").write_text(json.dumps(spots, indent=2) + "\n", encoding="utf-8")
    return spots


def profile_load(root: Path, stem: Path, warmup: Path | None) -> dict:
    from dashboard.data import load_dataset

    if warmup:
        load_dataset(warmup)  # imports and first-call costs stay out of the profile
    profiler = Profiler(interval=0.001, async_mode="disabled")
    profiler.start()
    dataset = load_dataset(root)
    session = profiler.stop()
    return {"rows": len(dataset.metrics), **save(session, stem)}


def profile_page(root: Path, stem: Path, page: str, widget_key: str | None) -> dict:
    """Two runs of a page under AppTest: the first (cold cache: load, validate, enrich, render) and a
    rerun, after adding the first region not yet chosen in the multiselect `widget_key` if given
    (what a click costs), else with the same widget state (what Streamlit's 'r' costs)."""
    from streamlit.testing.v1 import AppTest

    # Imported here, before the profile starts, so the profile shows the page's work, not imports.
    import dashboard.export
    import dashboard.store
    import dashboard.views.tables  # noqa: F401 - imported for its side effect, see above

    os.environ["DASHBOARD_ROOT"] = str(root)
    os.environ["BENCH_PROFILE_PAGE"] = page
    at = AppTest.from_file(str(PAGE_WRAPPER), default_timeout=900)
    results: dict = {"page": page}
    session_file = stem.parent / f"{stem.name}.pyisession"
    for run in ("cold", "rerun"):
        os.environ["BENCH_PROFILE_SESSION"] = str(session_file)
        if run == "rerun" and widget_key:
            box = at.multiselect(key=widget_key)
            region = next(o for o in box.options if o != "Select all" and o not in box.value)
            box.select(region)
            results["rerun_added"] = region
        started = time.perf_counter()
        at.run()
        elapsed = time.perf_counter() - started
        if at.exception:
            raise RuntimeError(f"{page} raised under AppTest: {at.exception[0].message}")
        session = Session.load(session_file)
        results[run] = {"apptest_seconds": round(elapsed, 3), **save(session, stem.with_name(f"{stem.name}_{run}"))}
    session_file.unlink(missing_ok=True)
    results["matching_text"] = next((m.value for m in at.markdown if "figures match" in m.value), None)
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["load", "page"])
    parser.add_argument("root", type=Path)
    parser.add_argument("stem", type=Path)
    parser.add_argument("--warmup", type=Path, help="load: a small dataset loaded first, outside the profile")
    parser.add_argument("--page", default="explore", help="page: module in dashboard/views/")
    parser.add_argument("--widget", help="page: key of the multiselect to add a region to before the rerun")
    args = parser.parse_args()
    if args.what == "load":
        result = profile_load(args.root, args.stem, args.warmup)
    else:
        result = profile_page(args.root, args.stem, args.page, args.widget)
    print(json.dumps(result))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
