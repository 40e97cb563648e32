"""Share controls under AppTest: every chart has its "Share this chart", every page its "Copy
link", and the link carries the page's state (filters, stated even at their defaults, and the
language). What the images and the embed show is read back in a real browser
(tests/test_browser_share.py)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import metrics as mx
from dashboard.pages import MENU
from dashboard.views import safe_text, share, widgets
from tests.conftest import ROOT, scrolled

APP = str(ROOT / "dashboard" / "app.py")
CHART_PAGES = [page.name for page in MENU if page.charts]


def open_page(name: str, **query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    if name != "overview":
        at.switch_page(f"views/{name}.py").run()
    assert not at.exception
    return scrolled(at)  # read to its end: every chart below the first screen drawn (views/near.py)


def popovers(at: AppTest, label: str) -> int:
    return sum(p.proto.popover.label == label for p in at.get("popover"))


@pytest.mark.parametrize("name", CHART_PAGES)
def test_every_chart_has_its_share_control_and_every_page_copy_link(name):
    at = open_page(name)
    assert popovers(at, share.SHARE_LABEL) == len(at.get("plotly_chart")) > 0
    assert popovers(at, "Copy link") == 1


def test_a_figure_page_offers_its_image_even_without_a_chart(obs, dataset):
    """A figure alone in its metric has no chart on its page, but its image still has a control."""
    from dashboard import metrics as mx

    alone = next(i for i in obs.index if len(mx.same_metric_by_region(obs, obs.loc[i], dataset.regions["region"])) == 1)
    at = open_page("figure", id=obs.loc[alone, "figure_id"])
    assert len(at.get("plotly_chart")) == 0 and popovers(at, share.SHARE_LABEL) == 1


def test_copy_link_gives_the_page_with_its_filters_and_language(dataset):
    at = open_page("compare", region=["Shanxi", "Jilin"], status="target", lang="zh")
    at.session_state[share.SHARE_PAGE_KEY] = True  # open the popover (it is built only when open)
    at.run()
    query = parse_qs(urlparse(at.code[-1].value.strip()).query)
    # A Chinese page names its values as its widgets show them (the address keeps them that way).
    regions = widgets.region_names(dataset)
    statuses = widgets.names_in_every_language(words=mx.STATUS_WORDS)
    assert query["region"] == [regions["Shanxi"]["zh"], regions["Jilin"]["zh"]]
    assert query["status"] in (["target"], [statuses["target"]["zh"]]) and query["lang"] == ["zh"]


def test_copy_link_states_default_filters_and_the_browser_language():
    at = open_page("compare")
    at.session_state[share.SHARE_PAGE_KEY] = True
    at.run()
    query = parse_qs(urlparse(at.code[-1].value.strip()).query)
    assert query["region"] == list(mx.DEFAULT_REGIONS) and query["status"] == ["actual", "target"] and query["lang"] == ["en"]


def test_an_embed_of_an_unknown_chart_names_it_as_text(monkeypatch):
    """?chart= is read from the address: a hostile value is shown as the characters it is (no link,
    no markup), under 'Chart not found', with a link back to the page."""
    monkeypatch.setattr(share, "embedded", lambda: True)
    hostile = "[x](https://evil.example) <b>*no*</b>"
    at = open_page("compare", chart=hostile)
    assert [m.value for m in at.markdown if m.value.startswith("# ")][0] == "# " + safe_text.md(share._("Chart not found"))
    (info,) = [i.value for i in at.info if "evil" in i.value]
    assert info == share._("This page has no chart {chart} now.").format(chart=safe_text.md(hostile))
    assert "](https://evil" not in info  # the brackets are escaped: Markdown draws no link


@pytest.mark.parametrize("name", [page.name for page in MENU if page.charts])
def test_an_embed_sends_its_chart_and_no_table(monkeypatch, name):
    """An embed draws one chart; its page runs out of sight, and a table there was sent and drawn
    unseen (the table's code loaded for nothing). The same page not embedded has its tables."""
    shown = open_page(name)
    monkeypatch.setattr(share, "embedded", lambda: True)
    at = open_page(name)
    assert len(at.get("plotly_chart")) == 1, name
    assert len(at.dataframe) == 0, f"{name} as an embed sends {len(at.dataframe)} table(s)"
    if name == "compare":  # the page itself has one (the side by side table): the test can fail
        assert len(shown.dataframe) > 0
