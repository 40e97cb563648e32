"""Blocks drawn when the reader scrolls near them: the figure page's chart and citation blocks,
the charts at the end of /, /compare and /trends, /trends' series after the first, /compare's
table and its phone cards, and what is under /compare's charts (their source line, share control
and table: chart_block's lazy_extras).

The citations' code blocks loaded Streamlit's syntax highlighter on every figure page (0.44 s of
the main thread; Lighthouse 65 -> 73 without it at load). A block drawn by `drawn_near(key,
height, draw)` keeps its place (a box of its height, so nothing moves) until it comes within its
margin of the screen; then its fragment reruns once and draws it (the rest of the page is not run,
sent or redrawn), and it stays drawn for the rest of the session. Used
only where an A/B of the page with and without the box measured it faster (README, Web vitals):
/'s coverage map (Lighthouse 70 against 67), /compare's table (66.5 against 61) and coverage
heatmap (68 against 66), /trends' events chart (67 against 67, blocking time 792 against 997 ms)
and its series charts after the first (66 against 64.5, blocking time 786 against 964 ms).
A block on a part of the page hidden at the reader's width never comes near, and is never sent.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import streamlit as st

from dashboard import i18n
from dashboard.i18n import N_, _

HERE = Path(__file__).parent
MARGIN_PX = 200  # under the first chart below a desktop screen (/trends: 221 px under 940)
SETTLE_MS = 600  # while a page arrives, how long a block must stay near before it is drawn (near.js)
IDLE_MS = 200  # after a press on a chart, how long the app must have shown no run before a block asks (near.js)
NAME = "dashboard.near"
FLAG, WATCH = "-near", "-watch"  # session state: <key>-near once drawn; the watching box: <key>-near-watch
CHART_LABEL = N_("The chart is drawn when you scroll to it.")

_watch = st.components.v2.component(
    NAME,
    html='<div class="near"><span></span></div>',
    css=".near { display: flex; align-items: center; justify-content: center; box-sizing: border-box;"
        " border: 1px dashed rgba(128, 128, 128, 0.45); border-radius: 0.5rem; color: rgba(128, 128, 128, 0.9);"
        " font-size: 0.875rem; }",
    js=(HERE / "near.js").read_text(encoding="utf-8"),
)


def _came_near(flag: str) -> None:
    st.session_state[flag] = True


def _near(key: str, height: int, label: str = CHART_LABEL, margin: int = MARGIN_PX) -> bool:
    """Whether the block under `key` is to be drawn: True once the reader has scrolled within
    `margin` pixels of it in this session. Until then it draws a box `height` pixels tall in the
    block's place, saying `label` (a message id, translated here)."""
    flag = key + FLAG
    if st.session_state.get(flag):
        return True
    _watch(key=flag + WATCH, data={"height": int(height), "margin": int(margin), "settle": SETTLE_MS, "idle": IDLE_MS, "label": _(label)},
           default={"near": False}, height=int(height), on_near_change=partial(_came_near, flag))
    return False


def drawn_near(key: str, height: int, draw, label: str = CHART_LABEL, margin: int = MARGIN_PX) -> None:
    """`draw()` in the block's place once the reader has scrolled within `margin` pixels of it
    (near); until then its box. The box and the block are one fragment (st.fragment), so the rerun
    that draws the block runs only it: the page's other elements are neither sent nor redrawn
    (/compare with a region added, which brings its table into the first screen: a second run of
    the whole page before). `draw` must not write outside the block; a widget in it (a chart's
    selection) reruns the block, and st.switch_page from it still switches the page."""
    _fragment(key, height, draw, label, margin, i18n.active())


@st.fragment
def _fragment(key: str, height: int, draw, label: str, margin: int, language: str) -> None:
    # A fragment's rerun does not run the page, which sets the run's language (languages.use_language).
    i18n.activate(language)
    if _near(key, height, label, margin):
        draw()
