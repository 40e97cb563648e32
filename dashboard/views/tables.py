"""Tables of figures and events whose rows link to their pages: st.dataframe on a wide screen, one
card per row on a phone (layout.css shows one or the other), widths that fit the page.
"""

from __future__ import annotations

import math
import re
from functools import partial
from urllib.parse import unquote

import pandas as pd
import streamlit as st

from dashboard import citation
from dashboard import metrics as mx
from dashboard.i18n import N_, _
from dashboard.views import near, safe_text, share

# Streamlit's own automatic table height (a header and 35 px rows, at most 400 px), stated: a table's
# code loads after the page is drawn, and until then an automatic height holds a 40 px placeholder,
# so the table arriving pushed everything under it down (Lighthouse: 0.05-0.1 of layout shift on
# /explore). With a height the placeholder already takes the table's space.
TABLE_ROW_PX, TABLE_HEADER_PX, TABLE_MAX_PX = 35, 37, 400


def table_height(rows: int) -> int:
    """The height in pixels st.dataframe draws a table of this many rows at (with a header)."""
    return min(TABLE_HEADER_PX + TABLE_ROW_PX * max(rows, 1), TABLE_MAX_PX)


FIGURE_LINK, EVENT_LINK = N_("Figure"), N_("Event")
LINK_HELP = {FIGURE_LINK: N_("This figure's page: its sentence in its document, and how to cite it"),
             EVENT_LINK: N_("This event's page: its sentence in its document, and how to cite it")}


def link_columns() -> dict:
    """Column settings of the link column of figure and event tables, in the reader's language."""
    return {_(name): st.column_config.LinkColumn(_(name), display_text=_("Open"), help=_(LINK_HELP[name]), width=60)
            for name in (FIGURE_LINK, EVENT_LINK)}


def figure_links(ids: pd.Series) -> list[str]:
    """Each id's page address, for a LinkColumn."""
    return citation.figure_urls(ids.astype(object))


def observation_table(rows: pd.DataFrame) -> pd.DataFrame:
    """The columns a reader checks a figure with, for tables under charts and on pages; the first
    links to the figure's page."""
    columns = {mx.REGION_NAME: _("Region"), mx.LABEL: _("Metric"), mx.DISPLAY: _("Value"), "status": _("Status"),
               mx.REFERENCE: _("Refers to"), mx.SOURCE_TITLE: _("Source"), "quote": _("Quote"),
               mx.PROVENANCE: _("Provenance")}
    table = rows[list(columns)].rename(columns=columns)
    table[_("Status")] = [mx.status_word(s) for s in rows["status"]]
    table[_("Provenance")] = [mx.provenance_word(p) for p in rows[mx.PROVENANCE]]
    table.insert(0, _(FIGURE_LINK), figure_links(rows["figure_id"]))
    return table


def event_table(rows: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """These event columns (renamed), the first linking to each event's page."""
    table = rows[list(columns)].rename(columns=columns)
    table.insert(0, _(EVENT_LINK), figure_links(rows["event_id"]))
    return table


# Widths that add up to a wide page's ~1,280 px at 1440 (the table had scrolled its status, date,
# source and quote off to the right); with three-line rows the long texts wrap instead of being cut.
FIGURE_COLUMN_PX = {N_("Region"): 100, N_("Metric"): 200, N_("Value"): 140, N_("Status"): 70, N_("Refers to"): 130,
                    N_("Source"): 180, N_("Quote"): 290, N_("Provenance"): 90}
WRAPPED_ROW_PX = 84  # four lines; Streamlit wraps a cell's text only in rows taller than 4rem (64 px)
# In a centred page (~700 px) a table shows fewer columns: on /sources the document itself is the
# source, its quotes are highlighted in its text, and its figures are all curated.
COMPACT_DROPS = (N_("Source"), N_("Quote"), N_("Provenance"))
COMPACT_COLUMN_PX = {N_("Region"): 90, N_("Metric"): 180, N_("Value"): 130, N_("Status"): 70, N_("Refers to"): 120}


def show_figures(rows: pd.DataFrame, key: str = "figures", compact: bool = False) -> None:
    """A table of figures, each row linking to its figure's page; on a phone, one card per figure
    (value, region and metric, qualifier, status, date, source, link). `compact`: without the
    columns COMPACT_DROPS names, for a centred page."""
    table = observation_table(rows)
    qualifiers = [_(mx.QUALIFIER_NAMES.get(q, q)) if isinstance(q, str) else "" for q in rows["qualifier"]]
    cards = table.drop(columns=[_("Quote")]).assign(**{_("Qualifier"): qualifiers})
    order = [_("Value"), _("Region"), _("Metric"), _("Qualifier"), _("Status"), _("Refers to"), _("Source"),
             _("Provenance"), _(FIGURE_LINK)]
    if compact:
        table = table.drop(columns=[_(c) for c in COMPACT_DROPS])
    widths = {_(c): st.column_config.Column(width=px)
              for c, px in (COMPACT_COLUMN_PX if compact else FIGURE_COLUMN_PX).items() if _(c) in table}
    responsive_table(table, key, column_config={**widths, **link_columns()}, cards=cards[order],
                     row_height=None if compact else WRAPPED_ROW_PX,
                     height=table_height(len(table)) if compact else wrapped_height(len(table)))


def wrapped_height(rows: int) -> int:
    """table_height for rows of WRAPPED_ROW_PX."""
    return min(TABLE_HEADER_PX + WRAPPED_ROW_PX * max(rows, 1), 2 * TABLE_MAX_PX)


# A phone's page is ~360 px wide: a table of many columns shows its first one or two and hides
# the rest past its right edge. Under CARDS_BELOW_PX wide, layout.css hides every table kept in a
# `table-` container and shows the cards kept beside it in a `cards-` container (the wide page
# the reverse), so each page needs no knowledge of the screen and no rerun when it turns.
TABLE_KEY, CARDS_KEY = "table-{}", "cards-{}"
CARD_LINE, CARD_RULE = "  \n", "\n\n---\n\n"  # a line break in a card, and the rule between cards
LINK_TEXTS = {FIGURE_LINK: N_("Open the figure's page"), EVENT_LINK: N_("Open the event's page")}


def card_markdown(table: pd.DataFrame, links: dict[str, str] | None = None) -> str:
    """Each row of `table` as a card in Markdown: its first column in bold, then the other
    non-empty cells as 'Column: value'; a link column (`links`: column -> the link's words; a cell
    in citation.labelled_link form shows its own words) as a link, after the rest. Everything from the data is
    escaped; cards are separated by a rule."""
    links = links or {}
    cards = []
    # Links last: a card opens with what it is about, and ends with where to read more.
    table = table[[c for c in table.columns if c not in links] + [c for c in table.columns if c in links]]
    for record in table.to_dict("records"):
        lines = []
        for position, (column, value) in enumerate(record.items()):
            if value is None or (isinstance(value, float) and pd.isna(value)) or str(value) == "":
                continue
            if column in links:
                url, _hash, text = str(value).partition("#")
                link = url.replace(")", "%29").replace(" ", "%20")
                lines.append(_("{label}: {value}").format(label=safe_text.md(column), value=f"[{safe_text.md(unquote(text))}]({link})")
                             if text else f"[{safe_text.md(links[column])}]({link})")
            elif position == 0:
                lines.append(f"**{safe_text.md(value)}**")
            else:
                lines.append(_("{label}: {value}").format(label=safe_text.md(column), value=safe_text.md(value)))  # '：' in Chinese
        cards.append(CARD_LINE.join(lines))
    return CARD_RULE.join(cards)


TABLE_WAITING = N_("The table is drawn when you scroll to it.")
# A phone's cards (measured at 390 px wide: 358 px of text, 16 px type, 25.6 px lines, a rule and
# its margins 65 px); a Latin character ~6.9 px wide on average, a Chinese one 16 px.
CARD_TEXT_PX, CARD_LINE_PX, CARD_RULE_PX, CARD_END_PX, LATIN_PX, CJK_PX = 358, 25.6, 65, 16, 6.9, 16
MARKUP = re.compile(r"\]\([^)]*\)|\\|\*\*|\[")  # a link's address, escapes, bold: not drawn


def cards_height(markdown: str) -> int:
    """About the height card_markdown's text takes on a phone: each line's drawn characters
    wrapped at the text's width, and the rules between cards (a box of this height keeps their place)."""
    cards = markdown.split(CARD_RULE)
    widths = [sum(CJK_PX if ord(c) >= 0x2E80 else LATIN_PX for c in MARKUP.sub("", line))
              for card in cards for line in card.split(CARD_LINE)]
    lines = sum(max(1, math.ceil(width / CARD_TEXT_PX)) for width in widths)
    return round(lines * CARD_LINE_PX + (len(cards) - 1) * CARD_RULE_PX + CARD_END_PX)


def responsive_table(table: pd.DataFrame, key: str, column_config: dict | None = None, cards: pd.DataFrame | None = None,
                     links: dict[str, str] | None = None, lazy: bool = False, **options) -> None:
    """`table` as st.dataframe on a wide screen and as cards (card_markdown of `cards`, default the
    table itself) on a phone. `links`: the link columns and their words (default: the figure and
    event link columns).

    `lazy=True`: the table and the cards each wait in a box of their height until the reader
    scrolls near it (views/near.py). The one of them hidden at the reader's width never comes near,
    so a wide screen never sends or parses the cards, and a phone never loads the table's code."""
    if share.embedding():
        # An embed shows one chart; the rest of its page runs out of sight (share.run_embedded). A
        # table there was sent and drawn unseen, and loaded the table's code (Lighthouse: 0.4-1 s of
        # the main thread on /compare?embed=true, a page whose only table was hidden).
        return
    links = {_(c): _(w) for c, w in LINK_TEXTS.items()} if links is None else links
    options = {"hide_index": True, "width": "stretch", "height": table_height(len(table)), **options}
    with st.container(key=TABLE_KEY.format(key)):
        draw = partial(st.dataframe, table, column_config=column_config, **options)
        if lazy:
            near.drawn_near(TABLE_KEY.format(key), options["height"], draw, TABLE_WAITING)
        else:
            draw()
    with st.container(key=CARDS_KEY.format(key)):
        text = card_markdown(table if cards is None else cards, links)
        draw = partial(st.markdown, text)
        if lazy:
            near.drawn_near(CARDS_KEY.format(key), cards_height(text), draw, TABLE_WAITING)
        else:
            draw()
