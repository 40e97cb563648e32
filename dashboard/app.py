"""Entry point (`streamlit run dashboard/app.py`): routes to one page per module in views/."""

from pathlib import Path

import streamlit as st

VIEWS = Path(__file__).parent / "views"

st.set_page_config(page_title="Regional innovation metrics", page_icon=":material/insights:", layout="wide")
page = st.navigation(
    [
        st.Page(VIEWS / "overview.py", title="Overview", icon=":material/dashboard:", url_path="overview", default=True),
        st.Page(VIEWS / "compare.py", title="Compare", icon=":material/compare_arrows:", url_path="compare"),
        st.Page(VIEWS / "map.py", title="Map", icon=":material/grid_view:", url_path="map"),
        st.Page(VIEWS / "trends.py", title="Trends", icon=":material/show_chart:", url_path="trends"),
        st.Page(VIEWS / "explore.py", title="Explore", icon=":material/table:", url_path="explore"),
        st.Page(VIEWS / "sources.py", title="Sources", icon=":material/description:", url_path="sources"),
        # A figure page needs an id, so it is reached from charts and tables, not from the menu.
        st.Page(VIEWS / "figure.py", title="Figure", icon=":material/format_quote:", url_path="figure", visibility="hidden"),
    ]
)
page.run()
