"""The pages, in one registry: the router (app.py), the tests and the bench all read this list.

Adding a page is a change here and a module views/<name>.py; tests that walk every page pick it up
(tests/test_pages.py fails naming a view module with no entry, or an entry with no module). No
Streamlit here: the bench and the tests read it without starting a page.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from dashboard.i18n import N_

VIEWS = Path(__file__).parent / "views"


@dataclass(frozen=True)
class Page:
    name: str  # the module views/<name>.py, and the URL path (the default page is also served at /)
    title: str  # in the menu and the tab, translated (a message id)
    icon: str
    # "wide" for a page whose tables need the window's width. Set once per run, before anything
    # is drawn (app.py): a layout set later in the run drew the page centered first, then moved it.
    layout: str = "centered"
    menu: bool = True  # a figure page needs an id, so it is reached from charts and tables only
    default: bool = False
    charts: bool = True  # has charts to share and embed

    @property
    def script(self) -> Path:
        return VIEWS / f"{self.name}.py"

    @property
    def path(self) -> str:
        """The address a reader opens: / for the default page."""
        return "/" if self.default else f"/{self.name}"


PAGES: tuple[Page, ...] = (
    Page("overview", N_("Overview"), ":material/dashboard:", default=True),
    Page("compare", N_("Compare"), ":material/compare_arrows:", layout="wide"),
    Page("map", N_("Map"), ":material/grid_view:"),
    Page("trends", N_("Trends"), ":material/show_chart:"),
    Page("explore", N_("Explore"), ":material/table:", layout="wide", charts=False),
    Page("sources", N_("Sources"), ":material/description:", charts=False),
    Page("figure", N_("Figure"), ":material/format_quote:", menu=False),
)
MENU: tuple[Page, ...] = tuple(p for p in PAGES if p.menu)
BY_NAME: dict[str, Page] = {p.name: p for p in PAGES}


def named(url_path: str) -> Page:
    """The page Streamlit's navigation chose, by its url_path ("" is the default page)."""
    return next(p for p in PAGES if p.default) if not url_path else BY_NAME[url_path]


def addresses() -> list[str]:
    """Every address a page of the registry is served at (previews.py answers each with the app's
    stylesheets and scripts in its index.html): /, and /<name> for every page."""
    return sorted({path for page in PAGES for path in (page.path, f"/{page.name}")})


def served_styled(url: str | None, prefix: str = "") -> bool:
    """Whether a browser at this address (st.context.url of a session's first run) got an index.html
    carrying the static stylesheets and scripts: its path is one of `addresses()`, exactly; the root
    too ("/", or none). An address no page has gets Streamlit's own index.html, and the session's
    first run still sees that address (Streamlit shows the default page there without changing it),
    so the root is never mistaken for it. Unknown (None, as under AppTest), or an app served under a
    path prefix (server.baseUrlPath, where the page routes may not apply), or not a URL (a client
    can send any text): no."""
    if not url or prefix.strip("/"):
        return False
    try:
        path = urlsplit(url).path
    except ValueError:  # "http://[::1": the copies are drawn, never an error
        return False
    return (path or "/") in set(addresses())


@cache
def static_text(paths: tuple[Path, ...]) -> str:
    """The static files' text (stylesheets' rules, the scripts), read once per process: every
    page's index.html carries them (previews.routes), and a page whose index.html lacks them gets
    the stylesheets and app.SCRIPTS as elements (app.py; app.INDEX_SCRIPTS would run too late)."""
    return "\n".join(path.read_text(encoding="utf-8") for path in paths)
