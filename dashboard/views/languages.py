"""The reader's language: which one this run speaks (?lang=, the session's choice, the browser's),
and the English / 中文 control that switches it, keeping every filter across the switch.
"""

from __future__ import annotations

import streamlit as st

from dashboard import i18n
from dashboard.i18n import _
from dashboard.views import share

# ?lang=zh / ?lang=en; the control's own state, and the language a reader chose in this session
# (so it follows them to a page whose address lacks the parameter).
LANGUAGE_PARAM, LANGUAGE_WIDGET, CHOSEN_LANGUAGE = "lang", "language-control", "chosen-language"


def use_language() -> str:
    """Set this run's language, once, before anything is written: ?lang= when it names a language
    we have, else what the reader chose earlier in this session, else the browser's (any zh* is
    Chinese), else English. A value we do not have is ignored, never an error."""
    requested = st.query_params.get(LANGUAGE_PARAM)
    chosen = st.session_state.get(CHOSEN_LANGUAGE)
    if requested in i18n.LANGUAGES:
        st.session_state[CHOSEN_LANGUAGE] = requested  # it follows the reader to the next page
    elif chosen in i18n.LANGUAGES:
        requested = chosen
        st.query_params[LANGUAGE_PARAM] = chosen  # the address says what the page shows
    language = i18n.language_for(requested, st.context.locale)
    i18n.activate(language)
    share.start_run()  # bound() records this run's filters for image captions and links
    return language


def _switch_language() -> None:
    chosen = st.session_state.get(LANGUAGE_WIDGET)
    if chosen in i18n.LANGUAGES:  # clicking the active option deselects it: nothing to do
        st.query_params[LANGUAGE_PARAM] = chosen
        st.session_state[CHOSEN_LANGUAGE] = chosen


def language_control() -> None:
    """English / 中文. It writes ?lang= itself (a bound widget would write its label, 中文, there);
    pages keep every filter across a switch (see bound)."""
    # Set only when it differs: a value the script sets is sent to the browser as set (set_value)
    # and applied again there on every rerun, on every page.
    if st.session_state.get(LANGUAGE_WIDGET) != i18n.active():
        st.session_state[LANGUAGE_WIDGET] = i18n.active()
    # wrap=True, as every segmented control here (two short options never wrap): in a horizontal
    # container or a column Streamlit draws one that scrolls instead, and that one measures the
    # page in the effect after its first render, a forced layout while the page is drawn (its code's
    # own time in a cold load of /compare: 19.8 against 0.3 ms, CPU profiles, 3 loads each).
    with st.container(horizontal=True, horizontal_alignment="right"):
        st.segmented_control(_("Language"), list(i18n.LANGUAGES), format_func=i18n.LANGUAGES.get,
                             key=LANGUAGE_WIDGET, on_change=_switch_language, label_visibility="collapsed",
                             wrap=True)
