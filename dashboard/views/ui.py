"""The Streamlit pieces every page shares: the reader's language, the cached dataset, the error
screen, a chart block, tables whose rows link to their figure's page, widgets bound to the URL in
every language, and the data version in the footer.

The loader is cached on a fingerprint of the curated files (path, size, modification time), so
an edited file is picked up on the next page load without a restart. It is a cache_resource:
every session and rerun shares the one read-only copy (cache_data would unpickle a fresh copy
per run, a cost that grows with the data); pages only derive new frames from it.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from streamlit.errors import StreamlitAPIException

from dashboard import charts, citation, export, i18n, store
from dashboard import metrics as mx
from dashboard.audit import CAPTURED, EXCLUDED, Finding
from dashboard.data import (
    MAX_UPLOAD_BYTES,
    MAX_UPLOAD_MB,
    InvalidData,
    UnreadableFile,
    describe_failure,
    problems_frame,
    validate_upload,
)
from dashboard.i18n import N_, _, ngettext
from dashboard.views import share

VIEWS = Path(__file__).parent
FIGURE_PAGE, SOURCES_PAGE = VIEWS / "figure.py", VIEWS / "sources.py"
COMPARE_PAGE, TRENDS_PAGE, EXPLORE_PAGE = VIEWS / "compare.py", VIEWS / "trends.py", VIEWS / "explore.py"
# Every character Markdown, Streamlit's directives (:red[...], :material/...:) or LaTeX ($) read;
# '=' makes a setext heading ("===" under a line), '&' a character reference ("&lt;").
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$=&])")
# What GitHub-flavoured Markdown turns into a link by itself, even escaped: www., a scheme and its
# colon, an e-mail's @. A word joiner (U+2060, invisible) after "www"/the scheme and before "@"
# keeps them text.
_AUTOLINK = re.compile(r"(?i)(?<![a-z0-9])(www|https?|ftp|mailto|xmpp)(?=\\[.:])|(?=@)")
_WORD_JOINER = "\u2060"
_NO_INDENT = re.compile(r"(?<=\n)[ \t]++")  # a line's indentation (the text may start mid-line)
MAX_PROBLEMS_SHOWN = 20
UPLOAD_ROWS, UPLOAD_FILE, UPLOAD_NAME = "uploaded_rows", "uploaded_file_id", "uploaded_file_name"
UPLOAD_DERIVED, DATA_KEY = "upload_derived", "curated_data_key"
UPLOAD_DERIVED_ENTRIES = 32
LAZY_DOWNLOAD_ROWS = 20_000
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
    st.session_state[LANGUAGE_WIDGET] = i18n.active()
    with st.container(horizontal=True, horizontal_alignment="right"):
        st.segmented_control(_("Language"), list(i18n.LANGUAGES), format_func=i18n.LANGUAGES.get,
                             key=LANGUAGE_WIDGET, on_change=_switch_language, label_visibility="collapsed")


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

    # Another page's list widget may hold this key (explore's metrics): a one-value widget takes its first.
    reshaped = not multiple and isinstance(st.session_state.get(key), list)
    if key not in st.session_state or st.session_state.get(marker) != language or reshaped:
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


def source_text(quote: str) -> None:
    """A quote as the evidence it is: in its document's language, never translated, and labelled so."""
    st.caption(_("Source text: “{quote}”").format(quote=md(quote)))


def region_names(dataset) -> dict[str, dict[str, str]]:
    return {r: {"en": r, "zh": z} for r, z in zip(dataset.regions["region"], dataset.regions["name_zh"], strict=True)}


def metric_names(dataset) -> dict[str, dict[str, str]]:
    c = dataset.catalogue
    return {m: {"en": en, "zh": zh} for m, en, zh in zip(c["metric"], c["label"], c["label_zh"], strict=True)}


def category_names(dataset) -> dict[str, dict[str, str]]:
    c = dataset.catalogue
    return {en: {"en": en, "zh": zh} for en, zh in zip(c["category"], c["category_zh"], strict=True)}


def public_base() -> str:
    """The address links in citations and downloads start with: the configured public address, else
    the one the reader's browser shows (citation.reader_base)."""
    return citation.reader_base(st.context.url, st.get_option("server.baseUrlPath") or "")


def download_data(rows: pd.DataFrame, filters: mx.Filters, fmt: str = "csv"):
    """What a download button gets for these filtered rows, in one of export.FORMATS.

    Bytes, cached across sessions on the data and the filters (Streamlit stores identical files
    once). Only past LAZY_DOWNLOAD_ROWS is the CSV built on click instead: Streamlit 1.67 does not
    tie such on-click files to a session, so under concurrent reruns one can be cleaned up before
    it is fetched (seen as 404s in the load test), but building a huge CSV on every rerun is worse.
    The callable then holds only the cache key, never a per-session copy of the rows.
    """
    base = public_base()
    if st.session_state.get(UPLOAD_ROWS) is not None:
        dataset = store.loaded(st.session_state[DATA_KEY])[0]
        make = lambda: export.download_bytes(fmt, rows, dataset.version, dataset.sources, base)  # noqa: E731 - uploads are per session, never cached
    else:
        key = (st.session_state[DATA_KEY], filters, fmt, base)  # the data this run loaded, not a fresh scan
        make = lambda: store.curated_file(*key)  # noqa: E731
    return make if len(rows) > LAZY_DOWNLOAD_ROWS else make()


def package_download():
    """What the data package button gets: the zip of the curated files this run loaded; past
    LAZY_DOWNLOAD_ROWS figures it is built on click instead (see download_data)."""
    key = st.session_state[DATA_KEY]
    make = lambda: store.package_zip(key)  # noqa: E731
    return make if len(store.loaded(key)[0].metrics) > LAZY_DOWNLOAD_ROWS else make()


def load_curated():
    """The validated dataset and its enriched observations (in English: see load for the reader's
    language); on bad data, an error page and stop. Sets the run's language first."""
    use_language()
    try:
        key, loaded = store.curated()
        st.session_state[DATA_KEY] = key  # download_data reuses it: one folder scan per run
        return loaded
    except InvalidData as err:
        show_data_error(ngettext("{count} problem in the curated data", "{count} problems in the curated data",
                                 len(err.problems)).format(count=len(err.problems)),
                        [problem_line(p) for p in err.problems])
    except UnreadableFile as err:
        show_data_error(*describe_failure(err))  # why the file cannot be read, as the loader says it
    st.stop()


def problem_line(problem) -> str:
    """'data/metrics.csv:3: column 'value': got -1; expected ...' with the fixed words and every
    fixed expectation (schema.CHECK_TARGETS) in the reader's language; values stay as they are."""
    return _("{file}:{line}: column '{column}': got {value}; expected {expected}").format(
        file=problem.file, line=problem.line, column=problem.column, value=problem.value, expected=_(problem.expected))


def tab_title(page: str) -> str:
    """The browser tab's title: what this page shows, then the dashboard's name."""
    return _("{page} · {dashboard}").format(page=page, dashboard=_(citation.DATASET_TITLE))


def footer() -> None:
    """Under every page (the router calls it after the page ran): the data version and how to cite.
    In the page, not the sidebar: a sidebar arriving after the first paint shifts the whole page."""
    if DATA_KEY in st.session_state:
        st.divider()
        st.caption(_("Data version {version}. Tap or click a bar, point or table link to open a figure's page "
                     "and cite it.").format(version=data_version()))
        share.share_page()


def data_version() -> str:
    """The version (content hash of data/ and seeds/) of the curated data this run loaded."""
    return store.loaded(st.session_state[DATA_KEY])[0].version


def data_key() -> tuple:
    """What this run's figures are computed from: the curated files (as load_curated saw them) and
    this session's upload, if one is in use."""
    upload = st.session_state.get(UPLOAD_FILE) if st.session_state.get(UPLOAD_ROWS) is not None else None
    return (st.session_state[DATA_KEY], upload)


def derived(fn, data, *args):
    """fn(data, *args), computed once per version of the data, per arguments and per language (its
    text is the reader's), then reused.

    On the curated data the result is shared by every rerun and session (the data is the same for
    everyone). With an upload in use it is kept in this session's state instead (at most
    UPLOAD_DERIVED_ENTRIES results, dropped with the upload or when the session ends): a shared
    cache bounded by entries kept ~12 MB per closed session that had uploaded 5,000 rows.

    `data` is what load() returned on this run (the observations, or the dataset and them); it is
    identified by data_key(), never hashed. `args` are hashed (for an upload, compared by repr).
    The result is shared: never mutate it. `fn` must be a named function: its qualified name is
    part of the key.
    """
    if st.session_state.get(UPLOAD_ROWS) is None:
        return store.derived_for(data_key(), fn, data, *args)
    store.check_named(fn)
    kept = st.session_state.setdefault(UPLOAD_DERIVED, {})
    key = (f"{fn.__module__}.{fn.__qualname__}", data_key(), repr(args), i18n.active())
    if key in kept:
        kept[key] = kept.pop(key)  # most recently used last
    else:
        kept[key] = fn(data, *args)
        while len(kept) > UPLOAD_DERIVED_ENTRIES:
            del kept[next(iter(kept))]
    return kept[key]


def with_uploads(obs: pd.DataFrame) -> pd.DataFrame:
    """The curated observations plus what this session uploaded (kept in the session only)."""
    uploaded = st.session_state.get(UPLOAD_ROWS)
    return obs if uploaded is None else pd.concat([obs, uploaded], ignore_index=True)


def load():
    """What every page shows: the dataset, and the curated plus this session's uploaded figures,
    in the reader's language (metrics.localise, once per data version and language)."""
    dataset, obs = load_curated()
    return dataset, localised(with_uploads(obs))


def localised(obs: pd.DataFrame) -> pd.DataFrame:
    """These observations (curated, plus any upload) with their text in the reader's language."""
    return derived(mx.localise, obs)


def _forget_upload() -> None:
    for key in (UPLOAD_ROWS, UPLOAD_FILE, UPLOAD_NAME, UPLOAD_DERIVED):
        st.session_state.pop(key, None)


def _upload_changed() -> None:
    # Only the visitor's own action changes the widget: removing the file forgets the upload. A
    # widget that comes back empty after a page switch triggers no change, so the upload stays.
    if st.session_state.get("upload") is None:
        _forget_upload()


def upload_section(dataset) -> None:
    """Bring your own CSV: validated like the curated file, kept for this session, never saved.

    Streamlit forgets a widget's file once its page is left; the validated rows live in the session
    state instead, so they stay while the visitor moves between pages, until removed or replaced."""
    file = st.file_uploader(
        _("Your metrics CSV (same columns as data/metrics.csv; at most {mb} MB ({size} bytes))").format(
            mb=MAX_UPLOAD_MB, size=i18n.format_number(MAX_UPLOAD_BYTES)),
        type=["csv"], key="upload", max_upload_size=MAX_UPLOAD_MB, on_change=_upload_changed,
    )
    if file is not None and st.session_state.get(UPLOAD_FILE) != file.file_id:
        _forget_upload()
        if not _validate_upload(file, dataset):
            return
    uploaded = st.session_state.get(UPLOAD_ROWS)
    if uploaded is None:
        return
    name, rows = md(st.session_state[UPLOAD_NAME]), len(uploaded)
    unverified = int((uploaded[mx.PROVENANCE] == mx.USER_UNVERIFIED).sum())
    if file is None:
        st.info(
            ngettext("Still using {rows} row from {file}, added earlier in this session ({unverified} labelled "
                     "user-supplied, unverified). Upload another file to replace it, or remove it.",
                     "Still using {rows} rows from {file}, added earlier in this session ({unverified} labelled "
                     "user-supplied, unverified). Upload another file to replace it, or remove it.", rows).format(
                rows=rows, file=name, unverified=unverified), icon=":material/info:",
        )
        st.button(_("Remove my figures"), key="remove-upload", on_click=_forget_upload, icon=":material/delete:")
    else:
        st.success(
            ngettext("Added {rows} row from {file} for this session only; {unverified} of them are labelled "
                     "user-supplied, unverified (they name no shipped source). Nothing is saved on the server.",
                     "Added {rows} rows from {file} for this session only; {unverified} of them are labelled "
                     "user-supplied, unverified (they name no shipped source). Nothing is saved on the server.", rows).format(
                rows=rows, file=name, unverified=unverified),
            icon=":material/check_circle:",
        )


def _validate_upload(file, dataset) -> bool:
    """Validate the file and keep its rows in the session; show why not and return False if refused.

    The progress bar is also what stops the work for a visitor who has left (or uploaded again):
    each update goes through Streamlit's script runner, which raises its stop (or rerun) request
    there, between two validation steps."""
    progress = st.progress(0.0, text=_("Checking {file}").format(file=md(file.name)))

    def checkpoint(done: float, step: str) -> None:
        progress.progress(done, text=f"{md(file.name)}: {step}")

    try:
        rows = validate_upload(file.getvalue(), file.name, dataset.reference, checkpoint=checkpoint)
    except UnreadableFile as err:
        st.error(_("Not added: {reason}").format(reason=md(err)), icon=":material/error:")
        return False
    except InvalidData as err:
        st.error(ngettext("Not added: {file} has {count} problem; fix it and upload again.",
                          "Not added: {file} has {count} problems; fix them and upload again.", len(err.problems)).format(
            file=md(file.name), count=len(err.problems)), icon=":material/error:")
        st.dataframe(translated_problems(problems_frame(err.problems)), hide_index=True, width="stretch")
        return False
    finally:
        progress.empty()
    st.session_state[UPLOAD_ROWS] = mx.enrich_observations(dataset, rows)
    st.session_state[UPLOAD_FILE] = file.file_id
    st.session_state[UPLOAD_NAME] = file.name
    return True


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


PROBLEM_COLUMNS = {"line": N_("line"), "column": N_("column"), "value": N_("value"), "expected": N_("expected")}


def translated_problems(frame: pd.DataFrame) -> pd.DataFrame:
    """data.problems_frame with its headers and fixed expectations in the reader's language."""
    return frame.assign(expected=[_(e) for e in frame["expected"]]).rename(
        columns={c: _(w) for c, w in PROBLEM_COLUMNS.items()})


def show_data_error(headline: str, problems: list[str]) -> None:
    st.error(_("The dashboard cannot show data: {headline}.").format(headline=md(headline)), icon=":material/error:")
    if problems:
        more = len(problems) - MAX_PROBLEMS_SHOWN
        st.code("\n".join(problems[:MAX_PROBLEMS_SHOWN]) + (_("\n... and {count} more").format(count=more) if more > 0 else ""),
                language=None)
    st.caption(_("Check the files with `python -m dashboard.validate`; the page recovers on reload once they are fixed."))


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


def number_markup(text: str, finding: Finding, labels: dict[str, tuple[str, str]] | None = None) -> str:
    """One number of a document as Markdown: a captured figure links to its page (further figures
    it states follow, named by `labels`, id -> (region, metric label): by region where it differs
    from the first figure's, else by metric); an excluded number gives its reason; an
    unaccounted one says so. Plain bold, italics and links only, so it also works inside a
    highlighted quote. `text` is the number as written; everything from the data is escaped."""
    labels = labels or {}
    if finding.figure_ids:
        first, *more = finding.figure_ids
        region = labels.get(first, ("", ""))[0]
        names = {i: labels[i][0] if labels[i][0] != region else labels[i][1] for i in more if i in labels}
        also = ", ".join(f"[{md(names.get(i, i))}]({citation.figure_path(i)})" for i in more)
        also = " *({})*".format(_("also {figures}").format(figures=also)) if also else ""
        return f"[**{md(text)}**]({citation.figure_path(first)})" + also
    if finding.status == CAPTURED:
        return "**{}** *({})*".format(md(text), _("date or period of an event"))
    if finding.status == EXCLUDED:
        reason = EXCLUSION_WORDS.get(str(finding.reason))
        reason = _(reason) if reason else md(str(finding.reason).replace("_", " "))
        return "{} *({})*".format(md(text), _("excluded: {reason}").format(reason=reason))
    return "**{}** *({})*".format(md(text), _("not accounted for"))


EXCLUSION_WORDS = {  # schema.EXCLUSION_REASONS in words
    "conversion": N_("conversion"), "date_of_publication": N_("date of publication"), "part_of_name": N_("part of name"),
    "period_of_another_figure": N_("period of another figure"), "restates_a_figure": N_("restates a figure"),
    "no_quantity": N_("no quantity"), "out_of_scope": N_("out of scope"),
}


def _marked(document: str, start: int, end: int, findings: list[Finding], labels: dict | None) -> str:
    """document[start:end] escaped, with each number that lies wholly inside it marked up."""
    parts, position = [], start
    for finding in findings:
        mention = finding.mention
        if start <= mention.start and mention.end <= end and mention.start >= position:
            parts.append(md(document[position:mention.start], lines=True))
            parts.append(number_markup(document[mention.start:mention.end], finding, labels))
            position = mention.end
    parts.append(md(document[position:end], lines=True))
    return "".join(parts)


def highlighted(document: str, spans: list[tuple[int, int]], findings: list[Finding] = (),
                labels: dict[str, tuple[str, str]] | None = None) -> str:
    """The document as Markdown with the spans on a highlighted background and its numbers marked
    (see number_markup), everything escaped."""
    parts, position = [], 0
    for start, end in spans:
        parts.append(_marked(document, position, start, findings, labels))
        # Highlight each line separately: a directive cannot span a paragraph break.
        line_start = start
        lines = []
        for line in document[start:end].split("\n"):
            marked = _marked(document, line_start, line_start + len(line), findings, labels)
            lines.append(f":orange-background[{marked}]" if line.strip() else line)
            line_start += len(line) + 1
        parts.append("\n".join(lines))
        position = end
    parts.append(_marked(document, position, len(document), findings, labels))
    return "".join(parts)


def dark() -> bool:
    """Whether the viewer's page is dark (Streamlit follows the browser's colour scheme, or the
    theme picked in its settings menu). Charts are built for it: pass it to every chart builder,
    and so into ui.derived's arguments, which keeps a figure per theme."""
    return st.context.theme.type == "dark"


def colours(dataset) -> dict[str, str]:
    """Region colours over the regions that have figures, so the palette is spent on them only, in
    the viewer's theme. Scans every row, so it is computed once per version of the data (see derived)."""
    return derived(charts.palette_of, dataset, dark())


TABLE_LABEL = N_("Show the numbers as a table")


def open_figure(figure_id: str | None) -> None:
    """Go to the figure page of this id (in this session, so uploaded figures open too)."""
    if figure_id:
        st.switch_page(FIGURE_PAGE, query_params={"id": figure_id})


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
        open_figure(charts.selected_id(event))
    else:
        st.plotly_chart(fig, width="stretch", key=key, config=config)
    st.caption(md(citation.cite_chart(mx.cite_sources(rows), data_version())))
    share.share_chart(fig, rows, key, title, filters)
    box = st.expander(_(TABLE_LABEL), key=f"{key}-table", on_change="rerun")
    if box.open:
        with box:
            if table is not None:
                responsive_table(table, f"{key}-rows", column_config=link_columns())
            else:
                show_figures(rows, key=f"{key}-rows")


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
                lines.append(_("{label}: {value}").format(label=md(column), value=f"[{md(unquote(text))}]({link})")
                             if text else f"[{md(links[column])}]({link})")
            elif position == 0:
                lines.append(f"**{md(value)}**")
            else:
                lines.append(_("{label}: {value}").format(label=md(column), value=md(value)))  # '：' in Chinese
        cards.append("  \n".join(lines))
    return "\n\n---\n\n".join(cards)


def responsive_table(table: pd.DataFrame, key: str, column_config: dict | None = None, cards: pd.DataFrame | None = None,
                     links: dict[str, str] | None = None, **options) -> None:
    """`table` as st.dataframe on a wide screen and as cards (card_markdown of `cards`, default the
    table itself) on a phone. `links`: the link columns and their words (default: the figure and
    event link columns)."""
    links = {_(c): _(w) for c, w in LINK_TEXTS.items()} if links is None else links
    options = {"hide_index": True, "width": "stretch", "height": table_height(len(table)), **options}
    with st.container(key=TABLE_KEY.format(key)):
        st.dataframe(table, column_config=column_config, **options)
    with st.container(key=CARDS_KEY.format(key)):
        st.markdown(card_markdown(table if cards is None else cards, links))
