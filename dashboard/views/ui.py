"""The Streamlit pieces every page shares: the cached dataset, the error screen, a chart block,
tables whose rows link to their figure's page, and the data version in the footer.

The loader is cached on a fingerprint of the curated files (path, size, modification time), so
an edited file is picked up on the next page load without a restart. It is a cache_resource:
every session and rerun shares the one read-only copy (cache_data would unpickle a fresh copy
per run, a cost that grows with the data); pages only derive new frames from it.
"""

from __future__ import annotations

import gc
import os
import re
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import charts, citation, export, package
from dashboard import metrics as mx
from dashboard.audit import CAPTURED, EXCLUDED, Finding
from dashboard.data import (
    MAX_UPLOAD_MB,
    InvalidData,
    UnreadableFile,
    data_root,
    describe_failure,
    load_dataset,
    problems_frame,
    validate_upload,
)

VIEWS = Path(__file__).parent
FIGURE_PAGE, SOURCES_PAGE = VIEWS / "figure.py", VIEWS / "sources.py"
COMPARE_PAGE, TRENDS_PAGE, EXPLORE_PAGE = VIEWS / "compare.py", VIEWS / "trends.py", VIEWS / "explore.py"
DEFAULT_REGIONS = ("Shanxi", "Shandong")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$])")
MAX_PROBLEMS_SHOWN = 20
UPLOAD_ROWS, UPLOAD_FILE, DATA_KEY = "uploaded_rows", "uploaded_file_id", "curated_data_key"
LAZY_DOWNLOAD_ROWS = 20_000


def _fingerprint(root: Path) -> tuple:
    """(folder, name, size, mtime) of every curated file; cheap enough to take on every run."""
    entries = []
    for folder in ("data", "seeds"):
        with os.scandir(root / folder) as listing:
            for entry in listing:
                if entry.is_file():
                    info = entry.stat()
                    entries.append((folder, entry.name, info.st_size, info.st_mtime_ns))
    return tuple(sorted(entries))


@st.cache_resource(show_spinner=False, max_entries=2)
def _load(root: str, fingerprint: tuple):
    gc.unfreeze()  # what an earlier version of the data left behind becomes collectable again
    dataset = load_dataset(Path(root))
    loaded = dataset, mx.enrich_observations(dataset)
    # Streamlit runs a full garbage collection after every script run (runner.postScriptGC). With
    # pandas, pyarrow, plotly and the data in memory that walks ~160k objects, 25-80 ms added to
    # every rerun, while almost all of them (modules, this dataset) live as long as the server.
    # Freezing them moves them out of the collector's sight; runs' own garbage is still collected.
    gc.collect()
    gc.freeze()
    return loaded


@st.cache_resource(show_spinner=False, max_entries=32)
def _curated_file(root: str, fingerprint: tuple, filters: mx.Filters, fmt: str) -> bytes:
    dataset, obs = _load(root, fingerprint)
    return export.download_bytes(fmt, mx.filter_observations(obs, filters), dataset.version, dataset.sources)


def download_data(rows: pd.DataFrame, filters: mx.Filters, fmt: str = "csv"):
    """What a download button gets for these filtered rows, in one of export.FORMATS.

    Bytes, cached across sessions on the data and the filters (Streamlit stores identical files
    once). Only past LAZY_DOWNLOAD_ROWS is the CSV built on click instead: Streamlit 1.67 does not
    tie such on-click files to a session, so under concurrent reruns one can be cleaned up before
    it is fetched (seen as 404s in the load test), but building a huge CSV on every rerun is worse.
    The callable then holds only the cache key, never a per-session copy of the rows.
    """
    if st.session_state.get(UPLOAD_ROWS) is not None:
        dataset = _load(*st.session_state[DATA_KEY])[0]
        make = lambda: export.download_bytes(fmt, rows, dataset.version, dataset.sources)  # noqa: E731 - uploads are per session, never cached
    else:
        key = (*st.session_state[DATA_KEY], filters, fmt)  # the data this run loaded, not a fresh scan
        make = lambda: _curated_file(*key)  # noqa: E731
    return make if len(rows) > LAZY_DOWNLOAD_ROWS else make()


@st.cache_resource(show_spinner=False, max_entries=2)
def _package_zip(root: str, fingerprint: tuple) -> bytes:
    return package.package_zip(_load(root, fingerprint)[0], Path(root))


def package_zip(key: tuple) -> bytes:
    """The data package (package.package_zip) of the curated files `key` (from curated()) names;
    built once per version of the data."""
    return _package_zip(*key)


def package_download():
    """What the data package button gets: the zip of the curated files this run loaded; past
    LAZY_DOWNLOAD_ROWS figures it is built on click instead (see download_data)."""
    key = st.session_state[DATA_KEY]
    make = lambda: _package_zip(*key)  # noqa: E731
    return make if len(_load(*key)[0].metrics) > LAZY_DOWNLOAD_ROWS else make()


def curated() -> tuple[tuple[str, tuple], tuple]:
    """(key, (dataset, observations)) of the curated files as they are now, from the one cache the
    pages and the read API share; raises UnreadableFile or InvalidData. No session needed."""
    root = data_root()
    key = (str(root), _fingerprint(root))
    return key, _load(*key)


def load_curated():
    """The validated dataset and its enriched observations; on bad data, an error page and stop."""
    try:
        key, loaded = curated()
        st.session_state[DATA_KEY] = key  # download_data reuses it: one folder scan per run
        return loaded
    except (UnreadableFile, InvalidData) as err:
        show_data_error(*describe_failure(err))
    st.stop()


def footer() -> None:
    """Under every page (the router calls it after the page ran): the data version and how to cite.
    In the page, not the sidebar: a sidebar arriving after the first paint shifts the whole page."""
    if DATA_KEY in st.session_state:
        st.divider()
        st.caption(f"Data version {data_version()}. Click a bar, point or table link to open a figure's page "
                   "and cite it.")


def data_version() -> str:
    """The version (content hash of data/ and seeds/) of the curated data this run loaded."""
    return _load(*st.session_state[DATA_KEY])[0].version


def data_key() -> tuple:
    """What this run's figures are computed from: the curated files (as load_curated saw them) and
    this session's upload, if one is in use."""
    upload = st.session_state.get(UPLOAD_FILE) if st.session_state.get(UPLOAD_ROWS) is not None else None
    return (*st.session_state[DATA_KEY], upload)


@st.cache_resource(show_spinner=False, max_entries=256)
def _derived(name: str, key: tuple, args: tuple, _fn, _data):
    return _fn(_data, *args)


def derived(fn, data, *args):
    """fn(data, *args), computed once per version of the data and per arguments, then shared by
    every rerun and session (curated data is the same for everyone; an upload has its own key).

    `data` is what load() returned on this run (the observations, or the dataset and them); it is
    identified by data_key(), never hashed. `args` are hashed. The result is shared: never mutate it.
    `fn` must be a named function: its qualified name is part of the key.
    """
    return derived_for(data_key(), fn, data, *args)


def derived_for(key: tuple, fn, data, *args):
    """derived() for a caller outside a session (the read API): `key` says what `data` is, as
    curated() returned it, with None for 'no upload'."""
    if fn.__name__ == "<lambda>":
        raise TypeError("ui.derived needs a named function: two lambdas would share one cache entry")
    return _derived(f"{fn.__module__}.{fn.__qualname__}", key, args, _fn=fn, _data=data)


def with_uploads(obs: pd.DataFrame) -> pd.DataFrame:
    """The curated observations plus what this session uploaded (kept in the session only)."""
    uploaded = st.session_state.get(UPLOAD_ROWS)
    return obs if uploaded is None else pd.concat([obs, uploaded], ignore_index=True)


def load():
    """What every page shows: the dataset, and the curated plus this session's uploaded figures."""
    dataset, obs = load_curated()
    return dataset, with_uploads(obs)


def upload_section(dataset) -> None:
    """Bring your own CSV: validated like the curated file, kept in this session only, never saved."""
    file = st.file_uploader(
        f"Your metrics CSV (same columns as data/metrics.csv; at most {MAX_UPLOAD_MB} MB)",
        type=["csv"], key="upload", max_upload_size=MAX_UPLOAD_MB,
    )
    if file is None:
        st.session_state.pop(UPLOAD_ROWS, None)
        st.session_state.pop(UPLOAD_FILE, None)
        return
    if st.session_state.get(UPLOAD_FILE) != file.file_id:
        st.session_state.pop(UPLOAD_ROWS, None)
        st.session_state.pop(UPLOAD_FILE, None)
        try:
            rows = validate_upload(file.getvalue(), file.name, dataset.reference)
        except UnreadableFile as err:
            st.error(f"Not added: {md(err)}", icon=":material/error:")
            return
        except InvalidData as err:
            st.error(f"Not added: {md(file.name)} has {len(err.problems)} problem(s); fix them and upload again.",
                     icon=":material/error:")
            st.dataframe(problems_frame(err.problems), hide_index=True, width="stretch")
            return
        st.session_state[UPLOAD_ROWS] = mx.enrich_observations(dataset, rows)
        st.session_state[UPLOAD_FILE] = file.file_id
    uploaded = st.session_state.get(UPLOAD_ROWS)
    if uploaded is not None:
        unverified = int((uploaded[mx.PROVENANCE] == mx.USER_UNVERIFIED).sum())
        st.success(
            f"Added {len(uploaded)} row(s) from {md(file.name)} for this session only; {unverified} of them are "
            "labelled user-supplied, unverified (they name no shipped source). Nothing is saved on the server.",
            icon=":material/check_circle:",
        )


def show_data_error(headline: str, problems: list[str]) -> None:
    st.error(f"The dashboard cannot show data: {md(headline)}.", icon=":material/error:")
    if problems:
        st.code("\n".join(problems[:MAX_PROBLEMS_SHOWN]) + (f"\n... and {len(problems) - MAX_PROBLEMS_SHOWN} more" if len(problems) > MAX_PROBLEMS_SHOWN else ""), language=None)
    st.caption("Check the files with `python -m dashboard.validate`; the page recovers on reload once they are fixed.")


def md(text: object) -> str:
    """Data-derived text made inert for st.markdown: every Markdown/directive character escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


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
        return f"[**{md(text)}**]({citation.figure_path(first)})" + (f" *(also {also})*" if also else "")
    if finding.status == CAPTURED:
        return f"**{md(text)}** *(date or period of an event)*"
    if finding.status == EXCLUDED:
        return f"{md(text)} *(excluded: {md(str(finding.reason).replace('_', ' '))})*"
    return f"**{md(text)}** *(not accounted for)*"


def _marked(document: str, start: int, end: int, findings: list[Finding], labels: dict | None) -> str:
    """document[start:end] escaped, with each number that lies wholly inside it marked up."""
    parts, position = [], start
    for finding in findings:
        mention = finding.mention
        if start <= mention.start and mention.end <= end and mention.start >= position:
            parts.append(md(document[position:mention.start]))
            parts.append(number_markup(document[mention.start:mention.end], finding, labels))
            position = mention.end
    parts.append(md(document[position:end]))
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


def _region_colours(dataset, dark: bool) -> dict[str, str]:
    with_data = pd.concat([dataset.metrics["region"], dataset.events["region"]])
    return charts.region_colours(mx.present_in_order(dataset.regions["region"], with_data), first=DEFAULT_REGIONS,
                                 dark=dark)


def colours(dataset) -> dict[str, str]:
    """Region colours over the regions that have figures, so the palette is spent on them only, in
    the viewer's theme. Scans every row, so it is computed once per version of the data (see derived)."""
    return derived(_region_colours, dataset, dark())


TABLE_LABEL = "Show the numbers as a table"


def open_figure(figure_id: str | None) -> None:
    """Go to the figure page of this id (in this session, so uploaded figures open too)."""
    if figure_id:
        st.switch_page(FIGURE_PAGE, query_params={"id": figure_id})


def chart_block(fig: go.Figure, rows: pd.DataFrame, key: str, table: pd.DataFrame | None = None,
                clickable: bool = True) -> None:
    """A chart, the citation under it, and its data as a table in an expander.

    A click on a bar or point opens its figure page: every chart puts the figure (or event) id
    last in each point's customdata (charts.selected_id); `clickable=False` for charts whose
    marks are not figures (a coverage heatmap). The expander is lazy (it tracks its state under
    `<key>-table`): the table is built and sent only while the reader has it open, so a page of
    charts does not ship, and the browser does not redraw on every rerun, tables nobody is looking at.
    """
    # No plotly toolbar: on a phone (no hover) it stays on top of the title; Streamlit's own
    # fullscreen button remains, the numbers are in the table, and a double click resets a zoom.
    config = {"displaylogo": False, "displayModeBar": False}
    if clickable:
        event = st.plotly_chart(fig, width="stretch", key=key, config=config, on_select="rerun", selection_mode="points")
        open_figure(charts.selected_id(event))
    else:
        st.plotly_chart(fig, width="stretch", key=key, config=config)
    st.caption(md(citation.cite_chart(mx.cite_sources(rows), data_version())))
    box = st.expander(TABLE_LABEL, key=f"{key}-table", on_change="rerun")
    if box.open:
        with box:
            if table is not None:
                st.dataframe(table, hide_index=True, width="stretch", height=table_height(len(table)),
                             column_config=LINK_COLUMNS)
            else:
                show_figures(rows)


# Streamlit's own automatic table height (a header and 35 px rows, at most 400 px), stated: a table's
# code loads after the page is drawn, and until then an automatic height holds a 40 px placeholder,
# so the table arriving pushed everything under it down (Lighthouse: 0.05-0.1 of layout shift on
# /explore). With a height the placeholder already takes the table's space.
TABLE_ROW_PX, TABLE_HEADER_PX, TABLE_MAX_PX = 35, 37, 400


def table_height(rows: int) -> int:
    """The height in pixels st.dataframe draws a table of this many rows at (with a header)."""
    return min(TABLE_HEADER_PX + TABLE_ROW_PX * max(rows, 1), TABLE_MAX_PX)


FIGURE_LINK, EVENT_LINK = "Figure", "Event"
LINK_COLUMNS = {
    name: st.column_config.LinkColumn(name, display_text="Open", help=f"This {name.lower()}'s page: its "
                                      "sentence in its document, and how to cite it", width="small")
    for name in (FIGURE_LINK, EVENT_LINK)
}


def figure_links(ids: pd.Series) -> list[str]:
    """Each id's page address, for a LinkColumn."""
    base = citation.base_url()
    return [citation.figure_url(i, base) for i in ids.astype(object)]


def observation_table(rows: pd.DataFrame) -> pd.DataFrame:
    """The columns a reader checks a figure with, for tables under charts and on pages; the first
    links to the figure's page."""
    columns = {"region": "Region", mx.LABEL: "Metric", mx.DISPLAY: "Value", "status": "Status",
               mx.REFERENCE: "Refers to", mx.SOURCE_TITLE: "Source", "quote": "Quote", mx.PROVENANCE: "Provenance"}
    table = rows[list(columns)].rename(columns=columns)
    table.insert(0, FIGURE_LINK, figure_links(rows["figure_id"]))
    return table


def event_table(rows: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """These event columns (renamed), the first linking to each event's page."""
    table = rows[list(columns)].rename(columns=columns)
    table.insert(0, EVENT_LINK, figure_links(rows["event_id"]))
    return table


def show_figures(rows: pd.DataFrame) -> None:
    """A table of figures, each row linking to its figure's page."""
    st.dataframe(observation_table(rows), hide_index=True, width="stretch", height=table_height(len(rows)),
                 column_config=LINK_COLUMNS)
