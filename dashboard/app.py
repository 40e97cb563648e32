"""Entry point (`streamlit run dashboard/app.py`): the server with its read API, and the page router.

`streamlit run` finds the `app = st.App(...)` below, imports this file as a module to get it, and
serves the pages and the /api routes (dashboard/api.py) on one port. For every page view Streamlit
then runs this file as `__main__`: that run routes to one page per module in views/.
"""

from pathlib import Path

import streamlit as st

from dashboard.i18n import _

VIEWS = Path(__file__).parent / "views"


def pages() -> list:
    """The pages, titled in the reader's language (set before this is called)."""
    return [
        st.Page(VIEWS / "overview.py", title=_("Overview"), icon=":material/dashboard:", url_path="overview", default=True),
        st.Page(VIEWS / "compare.py", title=_("Compare"), icon=":material/compare_arrows:", url_path="compare"),
        st.Page(VIEWS / "map.py", title=_("Map"), icon=":material/grid_view:", url_path="map"),
        st.Page(VIEWS / "trends.py", title=_("Trends"), icon=":material/show_chart:", url_path="trends"),
        st.Page(VIEWS / "explore.py", title=_("Explore"), icon=":material/table:", url_path="explore"),
        st.Page(VIEWS / "sources.py", title=_("Sources"), icon=":material/description:", url_path="sources"),
        # A figure page needs an id, so it is reached from charts and tables, not from the menu.
        st.Page(VIEWS / "figure.py", title=_("Figure"), icon=":material/format_quote:", url_path="figure", visibility="hidden"),
    ]


if __name__ == "__main__":  # a page view (Streamlit's script run, or AppTest)
    from dashboard.views import languages, page_frame, share

    languages.use_language()
    # Centered, Streamlit's default: the loading skeleton is drawn centered before any page config
    # arrives, so a wide layout moved the whole page sideways after the first paint (Lighthouse:
    # CLS 0.23 on /compare from stMainBlockContainer going from 736 px to the full width).
    st.set_page_config(page_title=_("Regional innovation metrics"), page_icon=":material/insights:", layout="centered")
    # A visible keyboard focus on the page links (a static stylesheet: no data in it).
    st.html(Path(__file__).parent / "views" / "focus.css")
    # Tables on a wide screen, cards on a phone (tables.responsive_table).
    st.html(Path(__file__).parent / "views" / "layout.css")
    # A tap on a chart opens its figure page as a click does (a static script: no data in it).
    st.html(Path(__file__).parent / "views" / "tap.html", unsafe_allow_javascript=True)
    if share.embedded():  # ?embed=true: one chart, no menu, no widgets (share.run_embedded)
        share.run_embedded(st.navigation(pages(), position="hidden"))
    else:
        # Navigation at the top: a sidebar that arrives after the first paint shifted every page
        # sideways (Lighthouse: cumulative layout shift 0.23-0.29, the main container moving).
        navigation = st.navigation(pages(), position="top")
        # Every tab its own title: the page's (a figure page then names its figure, figure.py).
        st.set_page_config(page_title=page_frame.tab_title(navigation.title))
        languages.language_control()
        navigation.run()
        page_frame.footer()
else:  # the server importing this file to find the app
    from streamlit import file_util

    from dashboard import api, previews

    # /figure answers Streamlit's own index.html with the figure's link-preview tags (previews.py).
    index_html = Path(file_util.get_static_dir()) / "index.html"
    app = st.App(__file__, routes=[*api.ROUTES, *previews.routes(index_html)],
                 exception_handlers={Exception: api.server_error})
