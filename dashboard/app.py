"""Entry point (`streamlit run dashboard/app.py`): the server with its read API, and the page router.

`streamlit run` finds the `app = st.App(...)` below, imports this file as a module to get it, and
serves the pages and the /api routes (dashboard/api.py) on one port. For every page view Streamlit
then runs this file as `__main__`: that run routes to one page per module in views/.
"""

from pathlib import Path

import streamlit as st

from dashboard import pages as registry
from dashboard.i18n import _
from dashboard.pages import VIEWS

# Static stylesheets (no data in them) in every page from its first paint: a visible keyboard focus
# on the page links; tables on a wide screen and cards on a phone (tables.responsive_table); nothing
# that moves while the page arrives (first_paint.css).
STYLESHEETS = ("focus.css", "layout.css", "first_paint.css")
# A static script (no data in it) in every page as well: a tap on a chart opens its figure page as
# a click does.
SCRIPTS = ("tap.html",)
# In every page's index.html only, as it must run before Streamlit's front end starts: where the
# front end finds the server, so a page at its own address connects without a failed try first.
INDEX_SCRIPTS = ("connect.html",)
SERVED_STYLED = "served-styled"  # session state: whether this session's index.html carries them all


def pages() -> list:
    """The pages of the registry (dashboard/pages.py), titled in the reader's language (set before
    this is called)."""
    return [st.Page(page.script, title=_(page.title), icon=page.icon, url_path=page.name, default=page.default,
                    visibility="visible" if page.menu else "hidden") for page in registry.PAGES]


if __name__ == "__main__":  # a page view (Streamlit's script run, or AppTest)
    from dashboard.views import languages, page_frame, share

    languages.use_language()
    embedded = share.embedded()  # ?embed=true: one chart, no menu, no widgets (share.run_embedded)
    # Navigation at the top: a sidebar that arrives after the first paint shifted every page
    # sideways (Lighthouse: cumulative layout shift 0.23-0.29, the main container moving).
    navigation = st.navigation(pages(), position="hidden" if embedded else "top")
    # The page's layout, once and before anything is drawn: a layout changed later in the run drew
    # the page centered first and then moved it (and a test measuring in between saw a wide table
    # in a centered column). An embed stays centered: a frame that turns wide shifts its chart.
    # Every tab its own title: the page's (a figure page then names its figure, figure.py).
    st.set_page_config(page_title=page_frame.tab_title(navigation.title), page_icon=":material/insights:",
                       layout="centered" if embedded else registry.named(navigation.url_path).layout)
    if embedded:
        share.run_embedded(navigation)
    else:
        languages.language_control()
        navigation.run()
        page_frame.footer()
    # Last, under everything: Streamlit draws an HTML element as a 40 px skeleton until its code has
    # loaded, then 0 px tall; at the top of the page that moved the whole page up (CLS 0.02-0.05).
    # The stylesheets and the tap script are in every page's index.html (STYLESHEETS, SCRIPTS,
    # previews.py), so they apply from the first paint; these copies serve an address the registry
    # does not list, and only that (each is an element to sanitise, render and redraw on every
    # rerun: DOMPurify took 20-90 ms of a cold load). The session's first address decides: a
    # session runs in the index.html it was opened with, and moving to another page keeps it.
    prefix = st.get_option("server.baseUrlPath") or ""
    if not st.session_state.setdefault(SERVED_STYLED, registry.served_styled(st.context.url, prefix)):
        # One element for all three stylesheets.
        st.html(f"<style>{registry.static_text(tuple(VIEWS / name for name in STYLESHEETS))}</style>")
        for name in SCRIPTS:  # the script runs once per page even if a later copy is drawn again
            st.html(VIEWS / name, unsafe_allow_javascript=True)
else:  # the server importing this file to find the app
    from streamlit import file_util

    from dashboard import api, previews, serving

    # /figure answers Streamlit's own index.html with the figure's link-preview tags (previews.py).
    index_html = Path(file_util.get_static_dir()) / "index.html"
    # Every page's address answers the same index.html with the first-paint style (previews.py).
    paths = registry.addresses()
    wide = [page.name for page in registry.PAGES if page.layout == "wide"]
    routes = [*api.ROUTES, *previews.routes(index_html, paths, [VIEWS / s for s in STYLESHEETS], wide,
                                            [VIEWS / s for s in INDEX_SCRIPTS + SCRIPTS])]
    # Responses sent at once, without Nagle's 40 ms wait on a kept-alive connection (serving.py).
    app = st.App(__file__, routes=routes, lifespan=serving.lifespan, exception_handlers={Exception: api.server_error})
