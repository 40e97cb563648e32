"""Shared fixtures: a private copy of the curated data that a test may break without touching data/."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def dataset():
    """The shipped, validated dataset (read-only: tests that break data use project_copy)."""
    from dashboard.data import load_dataset

    return load_dataset(ROOT)


@pytest.fixture(scope="session")
def obs(dataset):
    """The shipped figures, enriched as the pages see them."""
    from dashboard import metrics as mx

    return mx.enrich_observations(dataset)


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A copy of data/ and seeds/ in a temporary project root."""
    for folder in ("data", "seeds"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    return tmp_path


def link_text(cell: object) -> str | None:
    """What a link cell of a table (citation.labelled_link) shows: its decoded fragment."""
    from urllib.parse import unquote

    return unquote(cell.split("#", 1)[1]) if isinstance(cell, str) and "#" in cell else None


def _replace_by_a_file(path: Path) -> None:
    shutil.rmtree(path)
    path.write_text("x")


# A broken data/ or seeds/ folder and the one-line reason pages and API responses give: the folder
# as the project names it, never the server's path.
FOLDER_FAULTS = {
    "no-data": (lambda root: shutil.rmtree(root / "data"), "data/: folder not found"),
    "no-seeds": (lambda root: shutil.rmtree(root / "seeds"), "seeds/: folder not found"),
    "data-is-a-file": (lambda root: _replace_by_a_file(root / "data"), "data/: not a folder (it is a file)"),
    "seeds-is-a-file": (lambda root: _replace_by_a_file(root / "seeds"), "seeds/: not a folder (it is a file)"),
}
# The same reasons at the command line, where the person chose the folder: with its path ({root}).
FOLDER_FAULTS_COMMAND_LINE = {
    "no-data": "data/: folder not found ({root}/data)",
    "no-seeds": "seeds/: folder not found ({root}/seeds)",
    "data-is-a-file": "data/: not a folder ({root}/data is a file)",
    "seeds-is-a-file": "seeds/: not a folder ({root}/seeds is a file)",
}


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def publish_ids(data: Path, rows: list[dict[str, str]], kind: str) -> None:
    """List these rows' figure or event ids in data/published_ids.csv, as a curator does on publishing."""
    ledger = read_rows(data / "published_ids.csv")
    ledger += [{"id": row[f"{kind}_id"], "kind": kind, "region": row["region"],
                "metric": row.get("metric", "") if kind == "figure" else "", "source_id": row["source_id"]} for row in rows]
    write_rows(data / "published_ids.csv", ledger)


def write_rows(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path



def validate_changed_figure(capsys, project: Path, figure_id: str, changes: dict[str, str]) -> tuple[int, list[str]]:
    """Change one figure's row in a copy's data/metrics.csv (DASHBOARD_ROOT names the copy) and run
    validation, which must refuse it: the row's CSV line and what validation printed, line by line."""
    from dashboard import validate

    metrics = project / "data" / "metrics.csv"
    rows = read_rows(metrics)
    line = next(n for n, row in enumerate(rows, start=2) if row["figure_id"] == figure_id)
    rows[line - 2].update(changes)
    write_rows(metrics, rows)
    assert validate.main([]) == 1
    return line, capsys.readouterr().err.splitlines()

THIRD_REGION_TEXT = """Zhejiang builds more innovation centres

Updated: 2023-06-01

Zhejiang now has 9 provincial manufacturing innovation centers.

Technology contract turnover reached 150.5 billion yuan in 2020 and 200.25 billion yuan in 2022.

Zhejiang issued its innovation plan in 2021.
"""


@pytest.fixture
def third_region_project(project_copy: Path) -> Path:
    """The shipped data plus a region the code has never heard of, with its own document."""
    import hashlib

    seed = project_copy / "seeds" / "900_zhejiang.txt"
    seed.write_text(THIRD_REGION_TEXT, encoding="utf-8")
    data = project_copy / "data"
    sources = read_rows(data / "sources.csv")
    sources.append({**{k: "" for k in sources[0]}, "source_id": "zhejiang-2023", "file": "seeds/900_zhejiang.txt",
                    "title": "Zhejiang builds more innovation centres", "language": "en", "published": "2023-06-01",
                    "published_text": "Updated: 2023-06-01", "sha256": hashlib.sha256(seed.read_bytes()).hexdigest()})
    write_rows(data / "sources.csv", sources)
    # Zhejiang is in the regions reference table but has no figure in the shipped data.
    assert "Zhejiang" in {row["region"] for row in read_rows(data / "regions.csv")}
    metrics = read_rows(data / "metrics.csv")
    blank = {**{k: "" for k in metrics[0]}, "reading": "certain"}
    new = [
        {**blank, "figure_id": "zhejiang-provincial-manufacturing-innovation-centres-2023", "region": "Zhejiang",
         "metric": "provincial_manufacturing_innovation_centres", "value": "9",
         "unit": "centres", "year": "2023", "qualifier": "exact", "status": "actual", "source_id": "zhejiang-2023",
         "quote": "Zhejiang now has 9 provincial manufacturing innovation centers.", "as_of": "2023-06-01", "year_basis": "as_of"},
        {**blank, "figure_id": "zhejiang-technology-contract-turnover-2020", "region": "Zhejiang",
         "metric": "technology_contract_turnover", "value": "150.5", "unit": "billion yuan",
         "year": "2020", "qualifier": "exact", "status": "actual", "source_id": "zhejiang-2023", "as_of": "2023-06-01",
         "quote": "Technology contract turnover reached 150.5 billion yuan in 2020", "year_basis": "stated"},
        {**blank, "figure_id": "zhejiang-technology-contract-turnover-2022", "region": "Zhejiang",
         "metric": "technology_contract_turnover", "value": "200.25", "unit": "billion yuan",
         "year": "2022", "qualifier": "exact", "status": "actual", "source_id": "zhejiang-2023", "as_of": "2023-06-01",
         "quote": "200.25 billion yuan in 2022", "year_basis": "stated"},
    ]
    write_rows(data / "metrics.csv", metrics + new)
    publish_ids(data, new, "figure")
    events = read_rows(data / "events.csv")
    event = {**{k: "" for k in events[0]}, "event_id": "zhejiang-innovation-plan-2021", "region": "Zhejiang",
             "date": "2021", "date_precision": "year", "date_text": "in 2021", "title": "Zhejiang innovation plan",
             "event_type": "plan", "source_id": "zhejiang-2023", "quote": "Zhejiang issued its innovation plan in 2021."}
    write_rows(data / "events.csv", events + [event])
    publish_ids(data, [event], "event")
    return project_copy


EVIL_REGION = "Evil<svg onload=window.__xss=4>"
HOSTILE_TITLE = "<script>window.__xss=1</script>Hostile <img src=x onerror=window.__xss=2> news"
HOSTILE_TEXT = f"""{HOSTILE_TITLE}

Updated: 2023-01-01

{EVIL_REGION} reports its counts.

In 2021 the <b onmouseover=window.__xss=3>count</b> was 7 [click](javascript:window.__xss=7) :red[styled].

In 2022 it was 9 <iframe src=javascript:window.__xss=6></iframe> $x$.
"""


@pytest.fixture
def hostile_project(project_copy: Path) -> Path:
    """A valid dataset whose titles, labels, region name, quotes and events carry HTML/JS and Markdown."""
    import hashlib

    seed = project_copy / "seeds" / "901_hostile.txt"
    seed.write_text(HOSTILE_TEXT, encoding="utf-8")
    data = project_copy / "data"

    def append(name: str, row: dict) -> None:
        rows = read_rows(data / name)
        rows.append({**{k: "" for k in rows[0]}, **row})
        write_rows(data / name, rows)

    append("sources.csv", {"source_id": "hostile", "file": "seeds/901_hostile.txt", "title": HOSTILE_TITLE, "language": "en",
                           "published": "2023-01-01", "published_text": "Updated: 2023-01-01",
                           "sha256": hashlib.sha256(seed.read_bytes()).hexdigest()})
    append("regions.csv", {"region": EVIL_REGION, "iso_code": "CN-ZZ", "name_zh": "恶", "level": "province"})
    append("tile_grid.csv", {"iso_code": "CN-ZZ", "row": "7", "col": "0", "short_name_en": EVIL_REGION, "short_name_zh": "恶"})
    append("metric_catalogue.csv", {"metric": "hostile_metric", "label": "=cmd|' /C calc'!A0 <b onmouseover=window.__xss=5>centres</b>",
                                    "label_zh": "恶意<b onmouseover=window.__xss=10>指标</b>", "unit": "centres",
                                    "unit_zh": "个", "value_type": "count", "category": "Manufacturing innovation centres",
                                    "category_zh": "制造业创新中心", "lower_is_better": "false",
                                    "definition": "<script>window.__xss=8</script>",
                                    "definition_zh": "<script>window.__xss=11</script>定义"})
    common = {"region": EVIL_REGION, "metric": "hostile_metric", "unit": "centres", "qualifier": "exact", "reading": "certain",
              "status": "actual", "source_id": "hostile", "as_of": "2023-01-01", "year_basis": "stated"}
    append("metrics.csv", {**common, "figure_id": "hostile-2021", "value": "7", "year": "2021",
                           "quote": "In 2021 the <b onmouseover=window.__xss=3>count</b> was 7 [click](javascript:window.__xss=7) :red[styled]."})
    append("metrics.csv", {**common, "figure_id": "hostile-2022", "value": "9", "year": "2022",
                           "quote": "In 2022 it was 9 <iframe src=javascript:window.__xss=6></iframe> $x$."})
    append("events.csv", {"event_id": "hostile-event", "region": EVIL_REGION, "date": "2021", "date_precision": "year", "date_text": "In 2021",
                          "title": "<img src=x onerror=window.__xss=9>event", "event_type": "plan", "source_id": "hostile",
                          "quote": "In 2021 the <b onmouseover=window.__xss=3>count</b> was 7"})
    publish_ids(data, [{"figure_id": f"hostile-{year}", **common} for year in (2021, 2022)], "figure")
    publish_ids(data, [{"event_id": "hostile-event", "region": EVIL_REGION, "source_id": "hostile"}], "event")
    return project_copy


def headings(at, level: int = 2) -> list[str]:
    """An AppTest page's headings of this level, in order (views.page_frame.heading draws each as
    one Markdown element: "# Title", "## Section")."""
    mark = "#" * level + " "
    return [element.value.removeprefix(mark) for element in at.markdown if element.value.startswith(mark)]


def texts(at) -> str:
    """An AppTest page's Markdown and captions (headings included), one element a line."""
    return "\n".join([*(element.value for element in at.markdown), *(element.value for element in at.caption)])


def body(at) -> list:
    """An AppTest page's Markdown elements under its title (the title is one, "# ...")."""
    return [element for element in at.markdown if not element.value.startswith("# ")]


def scrolled(at):
    """An AppTest page as a reader sees it after scrolling to its end: every block waiting for the
    reader to come near it (views/near.py) drawn, as the watching box's callback does."""
    from dashboard.views import near

    for _ in range(5):  # a drawn block may hold another
        waiting = [element.key for element in at.get("bidi_component") if element.proto.component_name == near.NAME]
        if not waiting:
            return at
        for key in waiting:
            at.session_state[key.removesuffix(near.WATCH)] = True
        at.run()
    raise AssertionError("blocks still waiting after five reruns")
