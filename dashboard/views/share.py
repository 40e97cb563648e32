"""Share and embed: "Copy link" under every page, "Share this chart" (the chart as a PNG or SVG with
its source drawn in, and its embed code) under every chart, and the embed itself.

Every page's address carries its state (filters bound to the URL, ?lang=), so a link is the page
as the reader sees it. A chart's image is drawn by the server (dashboard/images.py) only when its
"Share" popover is opened, and cached per data version, chart, caption, size, format and theme.
An embed is the page's own address with ?embed=true (Streamlit then drops its menu and header)
and ?chart=<the chart's key>: app.py runs the page out of sight and chart_block draws that one
chart, its title, source line and a link back into the visible slot.

The filters a page's bound widgets hold (widgets.bound) are recorded here during its run, in words
for an image's caption and as options for its address.
"""

from __future__ import annotations

import contextvars
import html
import re
from urllib.parse import urlencode, urlsplit

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import citation, i18n, images, store
from dashboard import metrics as mx
from dashboard.i18n import N_, _

# These modules import share too: use their names inside functions only.
from dashboard.views import downloads, languages, page_frame, safe_text, session_data

_filters_in_words: contextvars.ContextVar[dict | None] = contextvars.ContextVar("filters_in_words", default=None)
_FILTER_VALUES = "~values"  # key -> the options chosen, for page_url


def record_filter(label: str, value, names: dict[str, dict[str, str]], language: str, key: str):
    """Remember a bound widget's label and value in words (and its options for the page's
    address) for this run; return the value."""
    recorded = _filters_in_words.get()
    if recorded is not None:
        values = value if isinstance(value, list) else [] if value is None else [value]
        recorded[label] = [names[v][language] if isinstance(names.get(v), dict) and language in names[v] else str(v)
                           for v in values]
        recorded.setdefault(_FILTER_VALUES, {})[key] = [str(v) for v in values]
    return value


def filters_in_words() -> str:
    """'Regions: Shanxi, Shandong · Status: actual': the bound filters this run has read so far."""
    recorded = _filters_in_words.get() or {}
    return " · ".join(_("{label}: {values}").format(label=label, values=_(", ").join(values) or _("none"))
                      for label, values in recorded.items() if label != _FILTER_VALUES)


def start_run() -> None:
    """A new run records its own filters (languages.use_language calls it before any widget)."""
    _filters_in_words.set({})


EMBED_CHART = "chart"
EMBED_EXTRA_PX = 260  # the embed's title, source line, link and Streamlit's padding around the chart
EMBED_SLOT_KEY = "embedded-chart"  # the visible slot (views/embed.css sizes its heading)
SHARE_LABEL = N_("Share this chart")
# The chart's title as the embed's h1, sized in its markdown (a page title's size took a fifth of
# the frame; sized by a stylesheet, which applies a moment later, it moved the chart).
EMBED_HEADING = "# :small[{title}]"
EMBED_HIDDEN_KEY = "embedded-page"  # the page runs in this container when embedded (views/embed.css hides it)
_embed_slot: contextvars.ContextVar[dict | None] = contextvars.ContextVar("embed_slot", default=None)


def embedding() -> bool:
    """Whether this run is drawing an embed (inside run_embedded)."""
    return _embed_slot.get() is not None


def embedded() -> bool:
    """Whether this page is shown as an embed (?embed=true; Streamlit keeps it out of st.query_params)."""
    return bool(st.context.is_embedded)


def _reader_address() -> tuple[str, str]:
    """(base, /page) of this page: the base every absolute link starts with (downloads.public_base: the
    configured public address, else the checked one the reader's browser used) and the page's path."""
    path = urlsplit(st.context.url or "").path.strip("/")
    return downloads.public_base(), "/" + (path.rsplit("/", 1)[-1] if path else "")


def page_url(**extra: str) -> str:
    """This page's address with its state: every query parameter (the figure id, ...), every bound
    filter (Streamlit leaves a default value out of the address; here it is stated, so the link
    keeps showing the same thing if a default changes), the language, then `extra`."""
    base, path = _reader_address()
    query = [(k, v) for k in st.query_params for v in st.query_params.get_all(k) if k != EMBED_CHART]
    chosen = (_filters_in_words.get() or {}).get(_FILTER_VALUES, {})
    query += [(k, v) for k, values in chosen.items() if k not in st.query_params for v in values]
    if languages.LANGUAGE_PARAM not in st.query_params:
        query.append((languages.LANGUAGE_PARAM, i18n.active()))
    query += list(extra.items())
    return f"{base}{path}?{urlencode(query)}"


def embed_code(key: str, title: str, chart_px: int) -> str:
    """The <iframe> snippet of one chart: the page's address with ?chart=key and ?embed=true, as
    tall as the chart plus its title, source line and link."""
    src = page_url(**{EMBED_CHART: key, "embed": "true"})
    return (f'<iframe src="{html.escape(src)}" title="{html.escape(title)}" width="100%" '
            f'height="{chart_px + EMBED_EXTRA_PX}" style="border:0" loading="lazy"></iframe>')


def _title_of(fig: go.Figure, title: str | None) -> str:
    shown = title if title is not None else fig.layout.title.text or ""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", shown)).split()) or _("Chart")


def chart_caption(fig: go.Figure, rows: pd.DataFrame, title: str | None = None, filters: str | None = None,
                  url: str | None = None) -> images.Caption:
    """What an image of this chart says about it: title, filters in words, source line, address, version."""
    return images.Caption(title=_title_of(fig, title), filters=filters_in_words() if filters is None else filters,
                          source=citation.cite_chart(mx.cite_sources(rows), session_data.data_version()),
                          url=url or page_url(), version=session_data.data_version())


def share_chart(fig: go.Figure, rows: pd.DataFrame, key: str, title: str | None = None, filters: str | None = None,
                url: str | None = None) -> None:
    """"Share this chart": the image (PNG, SVG; slide or phone size) with its source drawn in, and
    the embed code. Lazy: nothing is drawn until the popover is opened, then cached."""
    if embedding():
        embed_chart(fig, rows, key, title)
        return
    box = st.popover(_(SHARE_LABEL), icon=":material/share:", key=f"{key}-share", on_change="rerun")
    if not box.open:
        return
    with box:
        size = st.segmented_control(_("Image size"), list(images.SIZES), default="slide", key=f"{key}-image-size",
                                    format_func=lambda s: _(images.SIZE_NAMES[s]), wrap=True) or "slide"
        caption = chart_caption(fig, rows, title, filters, url)
        try:
            chart = (session_data.data_key(), key, session_data.dark())
            files = {fmt: store.chart_image(chart, caption, fmt, size, fig) for fmt in images.FORMATS}
        except images.ImageUnavailable as err:
            st.error(safe_text.md(err), icon=":material/error:")
        else:
            with st.container(horizontal=True):
                for fmt, data in files.items():
                    st.download_button(_("Download image ({format})").format(format=fmt.upper()), data,
                                       file_name=images.filename(key, size, fmt), mime=images.FORMATS[fmt],
                                       key=f"{key}-image-{fmt}", on_click="ignore", icon=":material/download:")
            st.caption(_("The image carries the chart's title, filters, sources, address and data version."))
        st.markdown("**{}**".format(_("Embed")))
        st.caption(_("Paste this into a web page: the chart, its sources and a link back, without the menu."))
        st.code(embed_code(key, _title_of(fig, title), int(fig.layout.height or 450)), language="html", wrap_lines=True)


def embed_chart(fig: go.Figure, rows: pd.DataFrame, key: str, title: str | None = None) -> None:
    """Into the embed's visible slot: the chart the address names (the first one when it names
    none), its title, its source line and a link back to the page."""
    state = _embed_slot.get()
    wanted = st.query_params.get(EMBED_CHART)
    if state["shown"] or (wanted and wanted != key):
        return
    state["shown"] = True
    with state["slot"]:
        st.markdown(EMBED_HEADING.format(title=safe_text.md(_title_of(fig, title))))
        shown = go.Figure(fig).update_layout(title_text="")  # the heading above says it
        st.plotly_chart(shown, width="stretch", key=f"embed-{key}", config={"displaylogo": False, "displayModeBar": False})
        st.caption(safe_text.md(citation.cite_chart(mx.cite_sources(rows), session_data.data_version())))
        st.markdown(_("[Open this chart in the dashboard]({url})").format(url=page_url()))


def run_embedded(navigation) -> None:
    """An embed: the page runs out of sight (its texts and tables are not shown, and it has no
    widgets: see bound) and only the chart the address names is drawn, in a slot above it."""
    st.html(page_frame.VIEWS / "embed.css")
    state = {"slot": st.container(key=EMBED_SLOT_KEY), "shown": False}
    token = _embed_slot.set(state)
    try:
        # One pixel tall as well as hidden by embed.css: the stylesheet applies a moment after the
        # page starts to arrive, and until then the page drawn at full height shifted the chart
        # (layout shift 0.1-0.24 on / and /figure embeds).
        with st.container(key=EMBED_HIDDEN_KEY, height=1, border=False):
            navigation.run()
    finally:
        _embed_slot.reset(token)
    if not state["shown"]:
        with state["slot"]:
            st.markdown("# " + safe_text.md(_("Chart not found")))
            st.info(_("This page has no chart {chart} now.").format(chart=safe_text.md(st.query_params.get(EMBED_CHART, ""))))
            st.markdown(_("[Open the page in the dashboard]({url})").format(url=page_url()))


SHARE_PAGE_KEY = "share-page"


def share_page() -> None:
    """Under every page, "Copy link": its address with its state (filters, language) in a block
    with a copy button. Lazy, like the chart's: built when opened, from the state at that moment."""
    box = st.popover(_("Copy link"), icon=":material/link:", key=SHARE_PAGE_KEY, on_change="rerun")
    if box.open:
        with box:
            st.caption(_("This page with its filters and language; copy it with the icon on the right."))
            st.code(page_url(), language=None, wrap_lines=True)
