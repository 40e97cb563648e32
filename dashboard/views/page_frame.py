"""What frames every page: the browser tab's title, the footer (data version, how to cite, share
this page), and the page files a view links or switches to, from the registry (dashboard/pages.py).
"""

from __future__ import annotations

import streamlit as st

from dashboard import citation, pages
from dashboard.i18n import _
from dashboard.views import session_data, share

VIEWS = pages.VIEWS
FIGURE_PAGE, SOURCES_PAGE = pages.BY_NAME["figure"].script, pages.BY_NAME["sources"].script
COMPARE_PAGE, TRENDS_PAGE = pages.BY_NAME["compare"].script, pages.BY_NAME["trends"].script
EXPLORE_PAGE = pages.BY_NAME["explore"].script


def tab_title(page: str) -> str:
    """The browser tab's title: what this page shows, then the dashboard's name."""
    return _("{page} · {dashboard}").format(page=page, dashboard=_(citation.DATASET_TITLE))


def heading(text: str, level: int = 2) -> None:
    """A page's title (level 1) or a section's heading (level 2) as one Markdown element. `text` is
    Markdown: escape data with safe_text.md. It is drawn as st.title and st.header draw it (same
    size, spacing and anchor), but a heading element costs the browser about twice a Markdown one
    on every rerun (40 of each on a page, 'r': 147-171 against 97-107 ms; README, issue 23)."""
    st.markdown(f"{'#' * level} {' '.join(text.split())}")


def footer() -> None:
    """Under every page (the router calls it after the page ran): the data version and how to cite.
    In the page, not the sidebar: a sidebar arriving after the first paint shifts the whole page."""
    if session_data.DATA_KEY in st.session_state:
        st.divider()
        st.caption(_("Data version {version}. Tap or click a bar, point or table link to open a figure's page "
                     "and cite it.").format(version=session_data.data_version()))
        share.share_page()


def open_figure(figure_id: str | None) -> None:
    """Go to the figure page of this id (in this session, so uploaded figures open too)."""
    if figure_id:
        st.switch_page(FIGURE_PAGE, query_params={"id": figure_id})
