"""A chart as every page shows it: clickable marks that open their figure's page, the citation
under it, "Share this chart", and its numbers as a table in a lazy expander. What a rerun would
derive again from the same figure and rows (the figure as st.plotly_chart serialises it, the rows'
source line) is derived once per object (store.derived_from).
"""

from __future__ import annotations

from functools import partial

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from plotly.basedatatypes import BaseFigure

from dashboard import charts, citation, store
from dashboard import metrics as mx
from dashboard.i18n import N_, _
from dashboard.views import near, page_frame, safe_text, session_data, share, tables

TABLE_LABEL = N_("Show the numbers as a table")
# A chart's source line, "Share this chart" and table expander waiting below the first screen
# (lazy_extras): their box, its height (a source line of one to three lines, the share control and
# the expander: ~180 px on a desktop, ~224 on a phone, measured) and what it says.
EXTRAS_KEY = "{}-extras"
EXTRAS_PX = 210
EXTRAS_WAITING = N_("The chart's sources, share control and table are shown when you scroll to them.")


class SerialisedFigure(BaseFigure):
    """A figure as st.plotly_chart reads it: Streamlit asks a plotly figure for to_dict() (a deep
    copy of every trace, then numpy arrays to base64: 2-8 ms a chart, on every rerun), then encodes
    that dict. This one answers with the dict made once (store.derived_from), so a rerun that draws
    the same figure object encodes it without copying it again. Nothing else of a figure is read."""

    def __init__(self, fig: go.Figure):  # BaseFigure.__init__ is not called: no traces are built
        self._serialised = fig.to_dict()

    def to_dict(self) -> dict:
        return self._serialised


def serialised(fig: go.Figure) -> SerialisedFigure:
    """The figure st.plotly_chart is given: made once per figure object."""
    return store.derived_from(fig, SerialisedFigure)


def chart_height(fig: go.Figure) -> int:
    """The height a chart is drawn at, in pixels (Plotly's default when its layout sets none)."""
    return int(fig.layout.height or 450)


def plotly_chart(fig: go.Figure, key: str, clickable: bool) -> None:
    """The chart itself; with `clickable`, a click on a mark opens its figure's page."""
    # No plotly toolbar: on a phone (no hover) it stays on top of the title; Streamlit's own
    # fullscreen button remains, the numbers are in the table, and a double click resets a zoom.
    config = {"displaylogo": False, "displayModeBar": False}
    if clickable:
        event = st.plotly_chart(serialised(fig), width="stretch", key=key, config=config, on_select="rerun",
                                selection_mode="points")
        page_frame.open_figure(charts.selected_id(event))
    else:
        st.plotly_chart(serialised(fig), width="stretch", key=key, config=config)


def chart_block(fig: go.Figure, rows: pd.DataFrame, key: str, table: pd.DataFrame | None = None,
                clickable: bool = True, title: str | None = None, filters: str | None = None,
                lazy: bool = False, lazy_extras: bool = False) -> None:
    """A chart, the citation under it, and its data as a table in an expander.

    A click on a bar or point opens its figure page: every chart puts the figure (or event) id
    last in each point's customdata (charts.selected_id); `clickable=False` for charts whose
    marks are not figures (a coverage heatmap). The expander is lazy (it tracks its state under
    `<key>-table`): the table is built and sent only while the reader has it open, so a page of
    charts does not ship, and the browser does not redraw on every rerun, tables nobody is looking at.

    Under the citation, "Share this chart" (share.share_chart) downloads it as an image and gives
    its embed code; `title` and `filters` name it there (default: the chart's own title and the
    page's bound filters). In an embed only the chart the address names is drawn (share.embed_chart).

    `lazy=True`: the chart is drawn when the reader scrolls near it (views/near.py); its citation,
    share control and table are there from the start. Used where the page measured faster with
    it (views/near.py): the figure page's chart, the last chart of /, /compare and /trends, and
    /trends' series charts after the first.

    `lazy_extras=True`: the chart is drawn with the page, its source line, share control and table
    wait in a box (EXTRAS_PX) until the reader scrolls near them. Used where they fall below the
    first screen at every width and the page measured faster with it: /compare's charts (Lighthouse
    73 against 71, blocking time 621 against 710 ms, alternating; README, Web vitals). Nothing
    under the box is in the first screen, so its height, which cannot match every width, moves
    nothing the reader sees.
    """
    if share.embedding():
        share.embed_chart(fig, rows, key, title)
        return
    if lazy:  # a box of the chart's height stands in its place until the reader scrolls near it
        near.drawn_near(key, chart_height(fig), partial(plotly_chart, fig, key, clickable))
    else:
        plotly_chart(fig, key, clickable)
    if lazy_extras:
        # The waiting block reruns alone, without the page that records its filters and address
        # (share.record_filter): they are taken now, as this run of the page shows them.
        near.drawn_near(EXTRAS_KEY.format(key), EXTRAS_PX, partial(
            extras, fig, rows, key, table, title, share.filters_in_words() if filters is None else filters,
            share.page_url()), EXTRAS_WAITING)
    else:
        extras(fig, rows, key, table, title, filters)


def extras(fig: go.Figure, rows: pd.DataFrame, key: str, table: pd.DataFrame | None = None, title: str | None = None,
           filters: str | None = None, url: str | None = None) -> None:
    """What is under a chart: its source line, "Share this chart" and its numbers in a lazy expander."""
    st.caption(safe_text.md(citation.cite_chart(store.derived_from(rows, mx.cite_sources), session_data.data_version())))
    share.share_chart(fig, rows, key, title, filters, url)
    box = st.expander(_(TABLE_LABEL), key=f"{key}-table", on_change="rerun")
    if box.open:
        with box:
            if table is not None:
                tables.responsive_table(table, f"{key}-rows", column_config=tables.link_columns())
            else:
                tables.show_figures(rows, key=f"{key}-rows")
