"""Link previews: the Open Graph and Twitter card tags of a figure page, so a shared link previews
as the figure (its statement, its source, its chart image) instead of a generic "Streamlit" page.

Streamlit has no way to set <meta> tags: st.set_page_config sets the title from JavaScript, after
the page has loaded, and a link preview's crawler runs none. But st.App's own routes come before
Streamlit's static files, so /figure is answered here with Streamlit's own index.html (the very
file its static handler would send for that address) with the tags written into its <head>; the
browser then starts the app as usual. Every value from the data is HTML-escaped. No Streamlit
import here: app.py passes the path of Streamlit's index.html.

Every other page's address is answered the same way with the page as it is. Both carry the app's
static stylesheets (app.STYLESHEETS) in their <head>: a style the script sends arrives after the
first paint, and what is drawn before it (the loading skeleton, a widget's placeholder) moved.
"""

from __future__ import annotations

import html
import logging
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

import pandas as pd
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from dashboard import api, citation, i18n, images, pages
from dashboard import metrics as mx

LOGGER = logging.getLogger(__name__)
HEAD, CHARSET = "<head>", '<meta charset="UTF-8" />'  # the tags go after the charset, which must come first


@lru_cache(maxsize=1)
def _index(path: str) -> str:
    return Path(path).read_text(encoding="utf-8")


def tags(title: str, description: str, url: str, image: str | None, language: str) -> str:
    """The <meta> tags of a preview, each value escaped."""
    pairs = [("og:type", "article"), ("og:site_name", i18n.translations(language).gettext(citation.DATASET_TITLE)),
             ("og:title", title), ("og:description", description), ("og:url", url),
             ("og:locale", "zh_CN" if language == "zh" else "en_US")]
    if image:
        width, height = images.SIZES["slide"]
        pairs += [("og:image", image), ("og:image:width", str(width)), ("og:image:height", str(height)),
                  ("og:image:alt", title)]
    card = [("twitter:card", "summary_large_image" if image else "summary"), ("twitter:title", title),
            ("twitter:description", description)] + ([("twitter:image", image)] if image else [])
    lines = [f'<meta property="{name}" content="{html.escape(value)}" />' for name, value in pairs]
    lines += [f'<meta name="{name}" content="{html.escape(value)}" />' for name, value in card]
    lines.append(f'<meta name="description" content="{html.escape(description)}" />')
    return "\n    ".join(lines)


def figure_preview(obs: pd.DataFrame, figure_id: str, version: str, base: str, language: str) -> str:
    """The tags of /figure?id=<figure_id> in `language` (obs localised to it): the figure's statement,
    its source line, its address and its chart image (/api/figures/<id>.png)."""
    figure = mx.find_by_id(obs, "figure_id", figure_id)
    url = f"{citation.figure_url(figure_id, base)}&lang={language}"
    if figure is None:
        return tags(i18n.translations(language).gettext(citation.DATASET_TITLE), citation.DATASET_DESCRIPTION, url,
                    None, language)
    source = mx.cite_sources(obs[obs["figure_id"] == figure_id])
    description = citation.cite_chart(source, version)
    image = f"{base}/api/figures/{quote(figure_id, safe='')}.png?lang={language}"
    return tags(citation.figure_statement(figure), description, url, image, language)


def page_with(index_html: str, head_tags: str) -> str:
    """Streamlit's index.html with these tags at the top of its <head>, after its charset."""
    anchor = CHARSET if CHARSET in index_html else HEAD
    return index_html.replace(anchor, f"{anchor}\n    {head_tags}", 1)


def with_static(index_html: str, css: str, scripts: str = "") -> str:
    """Streamlit's index.html with a static style sheet first in its <body>, so it applies from the
    first paint (a style the script sends arrives after it), then the static `scripts` (<script>
    elements). In the body, not the head: Streamlit adds its own styles to the head as it draws, and
    of two rules as specific, the later wins."""
    added = ([f"    <style>\n{css}\n</style>"] if css else []) + ([scripts] if scripts else [])
    return index_html.replace("<body>", "\n".join(["<body>", *added]), 1)


# Streamlit's own wide layout at 1.67 (its main block's style: no maximum width, and from a window
# of its content width plus twice (5rem - 1rem) up, 5rem of padding at each side).
WIDE_RULES = """html:has({current}) [data-testid="stMainBlockContainer"] {{
  min-width: auto;
  max-width: initial;
}}
@media (min-width: calc(736px + 2 * (5rem - 1rem))) {{
  html:has({current}) [data-testid="stMainBlockContainer"] {{
    padding-left: 5rem;
    padding-right: 5rem;
  }}
}}"""


def wide_rules(names: list[str]) -> str:
    """A static rule giving the main block Streamlit's wide layout while the current page (the menu
    link marked aria-current) is one of the wide pages `names` (dashboard/pages.py).

    The layout is set before anything is drawn, but on a slow CPU Streamlit's front end can draw
    a wide page's first elements centered and apply the layout a frame later, moving them all
    (Lighthouse at 4x CPU: CLS 0.23 on /compare in one run of three). This rule holds from the
    first paint that has a menu. Keyed on the menu, not on the address the page was opened at:
    moving to another page without a reload (the menu) drops it with the link's mark; an embed
    has no menu, and stays centered, as a figure page does."""
    if not names:
        return ""
    # :has() takes a list: the rule holds while any one of the wide pages' links is the current one.
    return WIDE_RULES.format(current=", ".join(
        f'header [data-testid="stTopNavLink"][aria-current="page"][href$="/{name}"]' for name in names))


def routes(index_path: Path, page_paths: list[str] = (), stylesheets: list[Path] = (),
           wide_pages: list[str] = (), scripts: list[Path] = ()) -> list[Route]:
    """The /figure route, answered from the pages' shared cached dataset (as the API reads it), and
    every other page's address (`page_paths`), answered with Streamlit's index.html as it is; each
    with the static `stylesheets` and the wide layout of the `wide_pages` (wide_rules) first in its
    <body>, then the static `scripts` (files of <script> elements)."""
    css = "\n".join(part for part in (pages.static_text(tuple(stylesheets)), wide_rules(list(wide_pages))) if part)
    script = pages.static_text(tuple(scripts))

    def index() -> str:
        return with_static(_index(str(index_path)), css, script)

    def plain_page(_request: Request) -> HTMLResponse:
        return HTMLResponse(index(), headers={"Cache-Control": "no-cache"})

    def figure_page(request: Request) -> HTMLResponse:
        page = index()
        try:
            data = api.Loaded()
            language = i18n.language_for(request.query_params.get("lang"))
            base = citation.base_url() or citation.base_url(str(request.base_url))
            with i18n.speaking(language):
                obs = data.derived(api.localised)
                head = figure_preview(obs, request.query_params.get("id", ""), data.version, base, language)
            page = page_with(page, head)
        except Exception:
            LOGGER.exception("no link preview for %s", request.url)
        return HTMLResponse(page, headers={"Cache-Control": "no-cache"})

    return [Route("/figure", figure_page, methods=["GET"]),
            *(Route(path, plain_page, methods=["GET"]) for path in page_paths if path != "/figure")]
