"""The README's screenshot gallery (make screenshots, bench/screenshots.py) is complete: a picture of
every page of the registry (dashboard/pages.py) at each size, in each language and theme, each link pointing at a file that exists."""

from __future__ import annotations

import re

from bench import screenshots
from tests.conftest import ROOT


def test_the_readme_gallery_is_the_one_make_screenshots_writes_and_every_picture_is_there():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start, end = readme.index(screenshots.GALLERY_START), readme.index(screenshots.GALLERY_END)
    section = readme[start + len(screenshots.GALLERY_START):end].strip()
    assert section == screenshots.gallery()
    linked = re.findall(r"\]\((docs/screenshots/[^)]+\.png)\)", section)
    expected = len(screenshots.PAGES) * len(screenshots.SIZES) * len(screenshots.LANGUAGES) * len(screenshots.THEMES)
    assert len(set(linked)) == expected
    assert [path for path in linked if not (ROOT / path).is_file()] == []

