"""Widgets bound to the URL, in every language: a filter's state lives in the address (so a view
can be shared) under names any language can read back, and a range slider always low-to-high.
"""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitAPIException

from dashboard import i18n
from dashboard.views import share


def names_in_every_language(names: dict[str, dict[str, str]] | None = None, *, words: dict[str, str] | None = None):
    """option -> {language: name}: given, or from catalogue messages (`words`: option -> msgid)."""
    if words is not None:
        return {option: {lang: i18n.translations(lang).gettext(msgid) for lang in i18n.LANGUAGES}
                for option, msgid in words.items()}
    return names or {}


def bound(widget, label: str, options, *, key: str, names: dict[str, dict[str, str]], default=None,
          multiple: bool = False, **kwargs):
    """`widget` (st.multiselect, st.selectbox, st.segmented_control) bound to the URL under `key`,
    showing each option by its name in the reader's language; `names` is option -> {language: name}.

    A bound widget keeps its shown name in the URL (?region=山西省), so a switch of language would
    drop the selection and an English address would not open in Chinese. Before creating it, the
    names in the URL (first run) or the session (after a switch of language), in any language, are
    mapped back to options and seeded as its state."""
    options = list(options)
    language = i18n.active()
    if share.embedded():  # an embed has no widgets: the state comes from its address
        return share.record_filter(label, _from_address(options, names, key, default, multiple), names, language, key)
    marker = f"{key}~language"

    def shown(option) -> str:
        try:
            return names[option][language]
        except (KeyError, TypeError):  # an option without names (or AppTest probing with a list)
            return str(option)

    # A one-value widget holding what another page's widget of this key left, and it does not offer,
    # starts again: a list (explore's metrics; it takes its first), or a value (/compare's "every
    # metric", "", reached /map's metric after a run of only a waiting block there, views/near.py,
    # had kept it, and /map wrote ?metric= to the address). A list widget keeps what a link asked
    # for: a region /trends has no series of stays in its address, as the page says.
    held = st.session_state.get(key)
    stray = not multiple and held is not None and (isinstance(held, list) or held not in options)
    if key not in st.session_state or st.session_state.get(marker) != language or stray:
        known = _by_name(options, names)
        if key in st.session_state:
            current = st.session_state[key]
            given = current if isinstance(current, list) else [] if current is None else [current]
        else:
            given = st.query_params.get_all(key)
        chosen = list(dict.fromkeys(known[str(v)] for v in given if str(v) in known))
        if key not in st.session_state and chosen:
            _address_in_shown_names(key, given, [shown(o) for o in (chosen if multiple else chosen[:1])])
        if chosen or key in st.session_state:
            st.session_state[key] = chosen if multiple else (chosen[0] if chosen else default)
    st.session_state[marker] = language
    if widget is st.selectbox:  # a selectbox takes its default as an index
        kwargs["index"] = options.index(default) if default in options else 0
    else:
        kwargs["default"] = default

    value = widget(label, options, key=key, bind="query-params", format_func=shown, **kwargs)
    return share.record_filter(label, value, names, language, key)


def _by_name(options: list, names: dict[str, dict[str, str]]) -> dict:
    """Each option under its own text and under its name in every language."""
    known = {str(o): o for o in options}
    known.update({name: o for o in options for name in names.get(o, {}).values()})
    return known


def _from_address(options: list, names: dict[str, dict[str, str]], key: str, default, multiple: bool):
    """What a bound widget would hold, read from the address alone (names in any language)."""
    known = _by_name(options, names)
    chosen = list(dict.fromkeys(known[v] for v in st.query_params.get_all(key) if v in known))
    if multiple:
        return chosen if chosen or key in st.query_params else list(default or [])
    return chosen[0] if chosen else default


def _address_in_shown_names(key: str, given: list[str], wanted: list[str]) -> None:
    """Rerun once with the address naming the options as the widget shows them: a bound widget
    seeds itself from the address as it was when the run began, and drops what it does not show
    (吉林省 on an English page, Shanxi on a Chinese one) from the address, so a reload or a
    shared link lost the selection it had made from it."""
    rewritten = f"{key}~address"
    if given == wanted or st.session_state.get(rewritten):
        return
    st.session_state[rewritten] = True
    try:
        st.query_params[key] = wanted
    except StreamlitAPIException:  # already bound to a widget on this page: it keeps the address itself
        return
    st.rerun()


def region_names(dataset) -> dict[str, dict[str, str]]:
    return {r: {"en": r, "zh": z} for r, z in zip(dataset.regions["region"], dataset.regions["name_zh"], strict=True)}


def metric_names(dataset) -> dict[str, dict[str, str]]:
    c = dataset.catalogue
    return {m: {"en": en, "zh": zh} for m, en, zh in zip(c["metric"], c["label"], c["label_zh"], strict=True)}


def category_names(dataset) -> dict[str, dict[str, str]]:
    c = dataset.catalogue
    return {en: {"en": en, "zh": zh} for en, zh in zip(c["category"], c["category_zh"], strict=True)}


def range_slider(where, label: str, bounds: tuple[int, int], key: str) -> tuple[int, int]:
    """A range slider bound to the URL whose pair is always low-to-high.

    Streamlit seeds it from the URL as given, so ?years=2021&years=2012 drew a reversed slider:
    such a pair is put in order and the page rerun once, the slider then reading the ordered pair
    from the session state (with no `value`, so Streamlit does not warn about two defaults)."""
    pending = st.session_state.pop(f"{key}-in-order", None)
    if pending is not None:
        st.session_state[key] = pending
    chosen = tuple(where.slider(label, *bounds, value=None if key in st.session_state else bounds, key=key,
                                bind="query-params"))
    if chosen[0] > chosen[1]:
        st.session_state[f"{key}-in-order"] = chosen[::-1]
        st.rerun()
    return chosen
