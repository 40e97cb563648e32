"""Link previews (dashboard/previews.py) against `streamlit run`: /figure answers Streamlit's page
with the figure's Open Graph and Twitter tags (statement, source line, chart image), in the
link's language, escaped; the page still runs (tests/test_browser_figure.py opens it)."""

from __future__ import annotations

import html
import re

import pytest

from dashboard import citation, i18n, previews
from dashboard import metrics as mx
from tests.browser import streamlit_server
from tests.harness import fetch

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def server():
    with streamlit_server() as url:
        yield url


def meta(page: str) -> dict[str, str]:
    return {name: html.unescape(value) for name, value in
            re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)" />', page)}


@pytest.mark.parametrize("language", list(i18n.LANGUAGES))
def test_a_figure_link_previews_as_the_figure_with_its_image(server, obs, dataset, language):
    figure_id = obs["figure_id"].iloc[0]
    status, headers, body = fetch(f"{server}/figure?id={figure_id}&lang={language}")
    page = body.decode("utf-8")
    assert status == 200 and headers["content-type"].startswith("text/html")
    tags = meta(page)
    with i18n.speaking(language):
        figure = mx.localise(obs).set_index("figure_id").loc[figure_id].to_dict() | {"figure_id": figure_id}
        assert tags["og:title"] == citation.figure_statement(figure)
    assert figure[mx.SOURCE_TITLE] in tags["og:description"] and dataset.version in tags["og:description"]
    assert tags["og:image"] == f"{server}/api/figures/{figure_id}.png?lang={language}"
    assert tags["twitter:card"] == "summary_large_image"
    assert page.index('<meta charset="UTF-8" />') < page.index("og:title") < page.index("</head>")
    image, image_headers, _png = fetch(tags["og:image"])
    assert image == 200 and image_headers["content-type"] == "image/png"


def test_an_unknown_figure_previews_as_the_dataset_without_an_image(server):
    status, _headers, body = fetch(f"{server}/figure?id=no-such-figure")
    tags = meta(body.decode("utf-8"))
    assert status == 200 and tags["og:title"] == citation.DATASET_TITLE and "og:image" not in tags


def test_data_in_the_tags_is_escaped():
    head = previews.tags('A "quoted" <script>alert(1)</script> title', "d & e", "http://x/?a=1&b=2", None, "en")
    assert "<script>" not in head and "&quot;quoted&quot;" in head and "a=1&amp;b=2" in head


def test_every_page_is_served_with_its_stylesheets_from_the_first_paint(server):
    """Every page's address (the registry's, and /figure) answers Streamlit's page with the static
    stylesheets first in its <body>: before the app's root, so they apply to the loading skeleton
    and to every widget's placeholder (a style the script sends arrives after the first paint).
    The scripts follow them: where the app's server is (app.INDEX_SCRIPTS), and the tap script (app.SCRIPTS)."""
    from dashboard.app import INDEX_SCRIPTS, SCRIPTS, STYLESHEETS
    from dashboard.pages import VIEWS, addresses

    rules = {name: (VIEWS / name).read_text(encoding="utf-8") for name in STYLESHEETS + INDEX_SCRIPTS + SCRIPTS}
    paths = addresses()  # what app.py routes
    assert "/" in paths and "/compare" in paths and "/figure" in paths
    for path in paths:
        status, headers, body = fetch(f"{server}{path}?id=no-such-figure&lang=en")
        page = body.decode("utf-8")
        assert status == 200 and headers["content-type"].startswith("text/html"), path
        for name, css in rules.items():
            assert css in page, f"{path} is served without {name}"
            assert page.index("<body>") < page.index(css) < page.index('<div id="root">'), (path, name)
    # An address the registry does not name gets Streamlit's own page (its script adds them).
    status, _headers, body = fetch(f"{server}/no-such-page")
    assert status == 200 and not any(text in body.decode("utf-8") for text in rules.values())


def test_the_wide_rule_names_exactly_the_wide_pages_of_the_registry():
    """previews.wide_rules keys Streamlit's wide layout on the menu link of each wide page, and on no
    other (a centered page, the figure page and an embed have no such link marked current)."""
    from dashboard.pages import PAGES

    wide = [p.name for p in PAGES if p.layout == "wide"]
    rules = previews.wide_rules(wide)
    assert sorted(re.findall(r'\[href\$="/(\w+)"\]', rules)) == sorted(wide * 2)  # the block rule and the padding rule
    assert "max-width: initial" in rules and previews.wide_rules([]) == ""
