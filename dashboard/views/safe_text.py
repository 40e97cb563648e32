"""Data-derived text made inert for st.markdown (md), and a quote shown as the evidence it is.
"""

from __future__ import annotations

import re

import streamlit as st

from dashboard.i18n import _

# Every character Markdown, Streamlit's directives (:red[...], :material/...:) or LaTeX ($) read;
# '=' makes a setext heading ("===" under a line), '&' a character reference ("&lt;").
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$=&])")
# What GitHub-flavoured Markdown turns into a link by itself, even escaped: www., a scheme and its
# colon, an e-mail's @. A word joiner (U+2060, invisible) after "www"/the scheme and before "@"
# keeps them text.
_AUTOLINK = re.compile(r"(?i)(?<![a-z0-9])(www|https?|ftp|mailto|xmpp)(?=\\[.:])|(?=@)")
_WORD_JOINER = "\u2060"
_NO_INDENT = re.compile(r"(?<=\n)[ \t]++")  # a line's indentation (the text may start mid-line)


def source_text(quote: str) -> None:
    """A quote as the evidence it is: in its document's language, never translated, and labelled so."""
    st.caption(_("Source text: “{quote}”").format(quote=md(quote)))


def md(text: object, lines: bool = False) -> str:
    """Data-derived text made inert for st.markdown: it shows as the characters it has, with no
    heading, list, code block, quote, table or link it did not have as characters. Every Markdown
    and directive character is escaped and autolinks broken (see _AUTOLINK); whitespace, line
    breaks included, is folded into single spaces, so "line\\n===" or "\\n\\n    code" stay one
    line of text. With `lines` (a piece of a document's text), line breaks stay, and the
    indentation after each becomes no-break spaces (indentation would make a code block)."""
    text = str(text)
    if lines:
        text = _NO_INDENT.sub(lambda m: "\u00a0" * len(m.group()), text)
    else:
        text = " ".join(text.split())
    return _AUTOLINK.sub(lambda m: m.group() + _WORD_JOINER if m.group() else _WORD_JOINER,
                         _MARKDOWN_SPECIAL.sub(r"\\\1", text))
