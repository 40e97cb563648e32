"""The page registry (dashboard/pages.py) is the one list of pages: every page module has an entry
and every entry a module, the router serves exactly those pages, and the screenshots, tests and
bench that walk every page read it."""

from __future__ import annotations

import ast
import re

import pytest
from streamlit.testing.v1 import AppTest

from bench import screenshots
from dashboard import pages
from tests.conftest import ROOT, headings

APP = str(ROOT / "dashboard" / "app.py")
# A page module's docstring opens with its title and its address: "Compare (/compare): ...".
PAGE_DOCSTRING = re.compile(r"^\w[\w ]* \((/[a-z]*)")


def page_modules() -> dict[str, str]:
    """Each module of views/ whose docstring names an address, with that address."""
    found = {}
    for path in sorted(pages.VIEWS.glob("*.py")):
        docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        if match := PAGE_DOCSTRING.match(docstring):
            found[path.stem] = match.group(1)
    return found


def test_every_page_module_has_an_entry_and_every_entry_a_module():
    modules = page_modules()
    assert sorted(modules) == sorted(pages.BY_NAME), "a page module without an entry, or an entry without a module"
    # The address the module's docstring gives is the one the registry serves it at.
    assert {name: address for name, address in modules.items()} == {p.name: p.path for p in pages.PAGES}


def test_the_registry_has_one_default_page_and_known_layouts():
    assert [p.name for p in pages.PAGES if p.default] == ["overview"]
    assert {p.layout for p in pages.PAGES} <= {"centered", "wide"}
    assert pages.named("") == pages.BY_NAME["overview"] and pages.named("figure").menu is False


def layout_calls(path) -> list[int]:
    """The lines of a file that call st.set_page_config with a layout."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Call)
            and getattr(node.func, "attr", "") == "set_page_config" and any(k.arg == "layout" for k in node.keywords)]


def test_a_page_layout_is_set_once_by_the_router_and_never_by_a_page():
    # A layout set by a page module came after the router's and moved the page from centered to
    # wide in the middle of a run (seen in CI: /compare's table measured in a centered column).
    assert {path.name: layout_calls(path) for path in pages.VIEWS.glob("*.py") if layout_calls(path)} == {}
    assert len(layout_calls(ROOT / "dashboard" / "app.py")) == 1


@pytest.fixture(scope="module")
def routed() -> dict[str, AppTest]:
    """Every page of the registry as the router serves it (run once for the tests below)."""
    served = {}
    for page in pages.PAGES:
        at = AppTest.from_file(APP, default_timeout=60).run()
        served[page.name] = at.switch_page(f"views/{page.name}.py").run()
    return served


def test_the_router_serves_every_page_of_the_registry(routed):
    assert list(routed) == [page.name for page in pages.PAGES]
    for name, at in routed.items():
        assert not at.exception, name
        assert headings(at, 1), name  # the page drew its title
        # ... as Markdown, as every heading (page_frame.heading): a heading element costs the browser
        # about twice as much on every rerun.
        assert not at.title and not at.header, name


def test_no_page_draws_a_segmented_control_of_the_scrolling_kind(routed):
    """Every segmented control is drawn with wrap=True (languages.language_control): the kind that
    scrolls, Streamlit's choice in a horizontal container or a column, measures the page after its
    first render, a forced layout on every page's load. The language control is on every page."""
    seen = set()
    for name, at in routed.items():
        for control in at.get("button_group"):
            seen |= {key for key in ("language-control", "status") if control.proto.id.endswith(f"-{key}")}
            assert control.proto.HasField("wrap") and control.proto.wrap, (name, control.proto.label)
    assert seen == {"language-control", "status"}  # the language control, and /compare's and /map's status


def test_a_heading_is_one_markdown_line_of_its_level():
    def page():
        from dashboard.views import page_frame

        page_frame.heading("Regional\n\ninnovation   metrics", level=1)  # a translation broken over lines
        page_frame.heading("Where the data is")

    at = AppTest.from_function(page).run()
    assert [m.value for m in at.markdown] == ["# Regional innovation metrics", "## Where the data is"]


def test_screenshots_photograph_every_page():
    assert screenshots.PAGES == tuple(p.name for p in pages.PAGES)


@pytest.mark.parametrize(("url", "styled"), [
    ("http://host:8501/", True), ("http://host:8501", True), ("http://host:8501/?lang=zh", True),
    ("http://host:8501/compare", True),
    ("http://host:8501/overview", True), ("http://host:8501/overview/", False), ("http://host/prefix/figure", False),
    ("http://host:8501/no-such-page", False), ("http://host:8501/compare/extra", False), (None, False), ("", False),
    ("http://[::1", False), ("http://host:8501/" + "%2F" * 50_000, False),
])
def test_an_address_is_served_styled_only_where_the_registry_serves_it(url, styled):
    """pages.served_styled: the app draws its stylesheets and script as elements only where the
    page's index.html lacks them (an address the registry does not serve, or one it cannot tell).
    The root is served with them: a session opened at an address no page has sees that address in
    its first run, not the root (test_browser: the stylesheets test)."""
    assert pages.served_styled(url) is styled
    assert not pages.served_styled(url, prefix="/dash")  # under a prefix the page routes may not apply
