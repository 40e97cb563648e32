"""`make screenshots` (python -m bench.screenshots): what a reader sees on every page, at a desktop
(1440x900) and a phone (390x844) size, in English and Chinese, light and dark, written to
docs/screenshots/ and listed in the README's gallery (between the GALLERY markers).

Each picture is the first screen as the reader gets it (the viewport, not the whole scroll), drawn
by Debian's Chromium against `streamlit run`, and stored as a palette PNG so the committed files
stay small. The figure page shows the first figure of data/metrics.csv.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

from bench.common import log
from dashboard import pages as registry
from dashboard.citation import figure_path
from dashboard.data import load_dataset
from tests.harness import CHROMIUM, CHROMIUM_ARGS, ROOT, streamlit_server

OUT = ROOT / "docs" / "screenshots"
README = ROOT / "README.md"
GALLERY_START, GALLERY_END = "<!-- GALLERY START (make screenshots) -->", "<!-- GALLERY END -->"
PAGES = tuple(page.name for page in registry.PAGES)
SIZES = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}
LANGUAGES = ("en", "zh")
THEMES = ("light", "dark")
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
COLOURS = 128  # a palette PNG of the screen: text and charts stay sharp at a fraction of the size


def page_path(page: str, figure_id: str) -> str:
    return figure_path(figure_id) if page == "figure" else registry.BY_NAME[page].path


def file_name(page: str, size: str, language: str, theme: str) -> str:
    return f"{page}-{size}-{language}-{theme}.png"


def settle(page) -> None:
    """Wait until the script has run, then for the charts to draw (client-side, after the run)."""
    page.wait_for_selector(IDLE, timeout=60_000)
    page.wait_for_timeout(500)
    page.wait_for_selector(IDLE, timeout=60_000)
    page.wait_for_timeout(1500)


def save_small(png: bytes, path: Path) -> int:
    image = Image.open(io.BytesIO(png)).convert("RGB").quantize(COLOURS, method=Image.Quantize.MEDIANCUT)
    image.save(path, optimize=True)
    return path.stat().st_size


def take(base_url: str, figure_id: str, pages=PAGES) -> list[Path]:
    OUT.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        for size, viewport in SIZES.items():
            for language in LANGUAGES:
                for theme in THEMES:
                    context = browser.new_context(viewport=viewport, color_scheme=theme,
                                                  locale="zh-CN" if language == "zh" else "en-US",
                                                  is_mobile=size == "phone", has_touch=size == "phone")
                    page = context.new_page()
                    for name in pages:
                        path = page_path(name, figure_id)
                        page.goto(f"{base_url}{path}{'&' if '?' in path else '?'}lang={language}",
                                  wait_until="domcontentloaded", timeout=60_000)
                        settle(page)
                        target = OUT / file_name(name, size, language, theme)
                        bytes_written = save_small(page.screenshot(), target)
                        log(f"{target.relative_to(ROOT)}: {bytes_written:,} bytes")
                        written.append(target)
                    context.close()
        browser.close()
    return written


def gallery() -> str:
    """The README's gallery: a row per page, a link per size, language and theme."""
    columns = [(size, language, theme) for size in SIZES for language in LANGUAGES for theme in THEMES]
    head = "| page | " + " | ".join(f"{size} {language} {theme}" for size, language, theme in columns) + " |"
    rows = [head, "| --- " * (len(columns) + 1) + "|"]
    for name in PAGES:
        links = [f"[{language} {theme}](docs/screenshots/{file_name(name, size, language, theme)})"
                 for size, language, theme in columns]
        rows.append(f"| {name} | " + " | ".join(links) + " |")
    return "\n".join(rows)


def update_readme() -> None:
    text = README.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(GALLERY_START) + ".*?" + re.escape(GALLERY_END), re.S)
    if not pattern.search(text):
        sys.exit(f"README.md has no {GALLERY_START} ... {GALLERY_END} section to fill")
    README.write_text(pattern.sub(lambda _m: f"{GALLERY_START}\n{gallery()}\n{GALLERY_END}", text), encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", nargs="*", default=list(PAGES), choices=PAGES, help="only these pages")
    args = parser.parse_args(argv)
    figure_id = load_dataset(ROOT).metrics["figure_id"].iloc[0]
    with streamlit_server(ROOT / "dashboard" / "app.py") as server:
        written = take(server.url, figure_id, tuple(args.pages))
    update_readme()
    total = sum(path.stat().st_size for path in written)
    log(f"{len(written)} screenshots, {total:,} bytes in all, in {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
