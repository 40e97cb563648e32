"""A chart as every page shows it: clickable marks that open their figure's page, the citation
under it, "Share this chart", and its numbers as a table in a lazy expander.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import charts, citation
from dashboard import metrics as mx
from dashboard.i18n import N_, _
from dashboard.views import page_frame, safe_text, session_data, share, tables

TABLE_LABEL = N_("Show the numbers as a table")


def chart_block(fig: go.Figure, rows: pd.DataFrame, key: str, table: pd.DataFrame | None = None,
                clickable: bool = True, title: str | None = None, filters: str | None = None) -> None:
    """A chart, the citation under it, and its data as a table in an expander.

    A click on a bar or point opens its figure page: every chart puts the figure (or event) id
    last in each point's customdata (charts.selected_id); `clickable=False` for charts whose
    marks are not figures (a coverage heatmap). The expander is lazy (it tracks its state under
    `<key>-table`): the table is built and sent only while the reader has it open, so a page of
    charts does not ship, and the browser does not redraw on every rerun, tables nobody is looking at.

    Under the citation, "Share this chart" (share.share_chart) downloads it as an image and gives
    its embed code; `title` and `filters` name it there (default: the chart's own title and the
    page's bound filters). In an embed only the chart the address names is drawn (share.embed_chart).
    """
    if share.embedding():
        share.embed_chart(fig, rows, key, title)
        return
    # No plotly toolbar: on a phone (no hover) it stays on top of the title; Streamlit's own
    # fullscreen button remains, the numbers are in the table, and a double click resets a zoom.
    config = {"displaylogo": False, "displayModeBar": False}
    if clickable:
        event = st.plotly_chart(fig, width="stretch", key=key, config=config, on_select="rerun", selection_mode="points")
        page_frame.open_figure(charts.selected_id(event))
    else:
        st.plotly_chart(fig, width="stretch", key=key, config=config)
    st.caption(safe_text.md(citation.cite_chart(mx.cite_sources(rows), session_data.data_version())))
    share.share_chart(fig, rows, key, title, filters)
    box = st.expander(_(TABLE_LABEL), key=f"{key}-table", on_change="rerun")
    if box.open:
        with box:
            if table is not None:
                tables.responsive_table(table, f"{key}-rows", column_config=tables.link_columns())
            else:
                tables.show_figures(rows, key=f"{key}-rows")
