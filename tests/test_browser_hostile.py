"""Hostile text in the data never runs: HTML, JavaScript and Markdown in titles, labels, region
names, quotes, events and uploaded cells are shown as inert text on every page, hover included.

Each payload would set `window.__xss` if a browser ever executed it.
"""

from __future__ import annotations

import urllib.parse
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from dashboard.data import load_dataset
from dashboard.views.chart_block import TABLE_LABEL
from tests.browser import CHROMIUM, CHROMIUM_ARGS, first_screen_drawn, screenshot, streamlit_server, wait_idle
from tests.conftest import EVIL_REGION, HOSTILE_TITLE

pytestmark = pytest.mark.browser

HOSTILE_LABEL = "=cmd|' /C calc'!A0 <b onmouseover=window.__xss=5>centres</b>"
PAGES = ["", "compare?" + urllib.parse.urlencode([("region", "Shanxi"), ("region", EVIL_REGION)]),
         "map?" + urllib.parse.urlencode([("metric", HOSTILE_LABEL)]), "trends", "explore", "sources",
         "figure?id=hostile-2021", "figure?id=hostile-event"]


def test_hostile_data_is_inert_on_every_page(hostile_project: Path, tmp_path: Path):
    dataset = load_dataset(hostile_project)  # the fixture is valid data, so pages show it, not an error
    assert EVIL_REGION in set(dataset.metrics["region"])
    dialogs: list[str] = []
    with streamlit_server(env={"DASHBOARD_ROOT": str(hostile_project)}) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        for path in PAGES:
            page.goto(f"{url}/{path}")
            first_screen_drawn(page)  # what waits just under the first screen too (a chart's table)
            page.wait_for_timeout(500)
            for expander in page.locator("[data-testid='stExpander']").all():
                expander.locator("summary").click()  # tables (sent only once opened) and highlighted full texts
                wait_idle(page)
                if TABLE_LABEL in expander.locator("summary").inner_text():
                    expect(expander.locator("[data-testid='stDataFrame']")).to_have_count(1, timeout=30_000)
            # Drawn points only: a legend entry that explains an encoding (charts.encoding_keys) is a
            # bar of no size, which nobody can point at.
            drawn = [p for p in page.locator(".js-plotly-plot .point").all() if (p.bounding_box() or {}).get("width")]
            for point in drawn[:12]:
                point.hover(force=True)  # hover labels render data-derived text
                page.wait_for_timeout(100)
            screenshot(page, f"hostile-{path.split('?')[0] or 'overview'}")
            assert page.evaluate("() => window.__xss") is None, path
            assert page.locator("[data-testid='stException']").count() == 0, path
        page.goto(f"{url}/sources")
        wait_idle(page)
        body = page.locator("[data-testid='stMain']").inner_text()
        assert HOSTILE_TITLE in body  # the title is shown as the literal text it is
        browser.close()
    assert dialogs == []


@contextmanager
def explore_with_upload(upload: Path, row: dict[str, str]):
    """/explore in a real browser after uploading `row` (keyed by the header's names, so it stays
    valid when columns are added) as the file `upload`; yields (page, dialogs seen)."""
    header = (Path(__file__).resolve().parent.parent / "data" / "metrics.csv").read_text(encoding="utf-8").splitlines()[0]
    cells = ['"' + row.get(column, "").replace('"', '""') + '"' if row.get(column) else "" for column in header.split(",")]
    upload.write_text(header + "\n" + ",".join(cells) + "\n", encoding="utf-8")
    dialogs: list[str] = []
    with streamlit_server() as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(f"{url}/explore")
        wait_idle(page)
        page.get_by_text("Add your own figures").click()
        page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(upload))
        page.get_by_text("for this session only").wait_for(timeout=30_000)
        wait_idle(page)
        yield page, dialogs
        browser.close()


def test_hostile_upload_is_inert(tmp_path: Path):
    upload = tmp_path / "<img src=x onerror=window.__xss=10>.csv"
    row = {"region": "Zhejiang", "metric": "provincial_manufacturing_innovation_centres", "value": "9", "unit": "centres",
           "year": "2023", "qualifier": "exact", "status": "actual", "source_id": "<script>window.__xss=11</script>",
           "quote": "<img src=x onerror=window.__xss=12>", "year_basis": "stated", "note": "=1+1"}
    with explore_with_upload(upload, row) as (page, dialogs):
        main = page.locator("[data-testid='stMain']").inner_text()
        assert f"Added 1 row from {upload.name} for this session only" in main  # the file name, literally
        total = len(load_dataset().metrics) + 1
        assert f"{total} of {total} figures match." in main
        assert page.get_by_text(f"Download CSV ({total} rows)").count() == 1
        screenshot(page, "hostile-upload")
        assert page.evaluate("() => window.__xss") is None
    assert dialogs == []


# Uploaded text that Markdown would read as structure or links (issue 20, point 5).
MARKDOWN_PAYLOADS = {
    "period_label": "first line\n===\nsecond",
    "note": "\n\n    indented code",
    "source_id": "https://evil.example/phish",
    "quote": 'see www.evil.example and =HYPERLINK("http://evil.example/x")',
}


def in_session(page, path: str) -> None:
    """Open `path` in the same session (a new page load would start a new one, without the upload):
    as the browser's back and forward buttons do, which Streamlit follows."""
    page.evaluate("path => { history.pushState({}, '', path); dispatchEvent(new PopStateEvent('popstate')); }", path)
    page.wait_for_timeout(500)
    wait_idle(page)


def test_uploaded_text_shows_as_text_not_markdown(tmp_path: Path):
    row = {"region": "Shanxi", "metric": "provincial_manufacturing_innovation_centres", "value": "99", "unit": "centres",
           "year": "2024", "qualifier": "exact", "status": "actual", "year_basis": "stated", **MARKDOWN_PAYLOADS}
    with explore_with_upload(tmp_path / "markdown.csv", row) as (page, _dialogs):
        main = page.locator("[data-testid='stMain']")
        checked = []
        for path in ["/figure?id=user.line-2", "/compare", "/map", "/trends", "/explore?region=Shanxi"]:
            in_session(page, path)
            text = main.inner_text().replace("\u2060", "")
            screenshot(page, f"markdown-payloads-{path.strip('/').split('?')[0]}")
            # No link, heading or code block the text did not have as characters.
            assert main.locator("a[href*='evil']").count() == 0, path
            assert main.locator("h1, h2, h3, h4").filter(has_text="second").count() == 0, path
            assert main.locator("pre, code").filter(has_text="indented").count() == 0, path
            checked.append((path, "evil.example" in text))
            if path.startswith("/figure"):
                assert "Figure not found" not in text
                assert "first line === second" in text  # the status line, one line of text
                assert "indented code" in text and MARKDOWN_PAYLOADS["source_id"] in text
        assert all(shown for path, shown in checked if path.startswith(("/figure", "/compare"))), checked
