"""The Streamlit pieces every page shares: the cached dataset, the error screen, a chart block.

The loader is cached on a fingerprint of the curated files (path, size, modification time), so
an edited file is picked up on the next page load without a restart. It is a cache_resource:
every session and rerun shares the one read-only copy (cache_data would unpickle a fresh copy
per run, a cost that grows with the data); pages only derive new frames from it.
"""

from __future__ import annotations

import gc
import re
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import charts, export
from dashboard import metrics as mx
from dashboard.data import (
    DATA_FOLDERS,
    MAX_UPLOAD_BYTES,
    MAX_UPLOAD_MB,
    InvalidData,
    UnreadableFile,
    data_root,
    list_folder,
    load_dataset,
    problems_frame,
    validate_upload,
)

DEFAULT_REGIONS = ("Shanxi", "Shandong")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$])")
MAX_PROBLEMS_SHOWN = 20
UPLOAD_ROWS, UPLOAD_FILE, UPLOAD_NAME = "uploaded_rows", "uploaded_file_id", "uploaded_file_name"
UPLOAD_DERIVED, DATA_KEY = "upload_derived", "curated_data_key"
UPLOAD_DERIVED_ENTRIES = 32
LAZY_DOWNLOAD_ROWS = 20_000


def _fingerprint(root: Path) -> tuple:
    """(folder, name, size, mtime) of every curated file; cheap enough to take on every run. A
    missing or unreadable folder raises UnreadableFile naming it (the error screen shows it)."""
    entries = []
    for folder in DATA_FOLDERS:
        for entry in list_folder(root, folder):
            try:
                if entry.is_file():
                    info = entry.stat()
                    entries.append((folder, entry.name, info.st_size, info.st_mtime_ns))
            except OSError:  # gone since the listing; the loader reports what is missing
                continue
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
def _curated_csv(root: str, fingerprint: tuple, filters: mx.Filters) -> bytes:
    _, obs = _load(root, fingerprint)
    return export.to_csv_bytes(mx.filter_observations(obs, filters))


def download_data(rows: pd.DataFrame, filters: mx.Filters):
    """What a download button gets for these filtered rows.

    Bytes, cached across sessions on the data and the filters (Streamlit stores identical files
    once). Only past LAZY_DOWNLOAD_ROWS is the CSV built on click instead: Streamlit 1.67 does not
    tie such on-click files to a session, so under concurrent reruns one can be cleaned up before
    it is fetched (seen as 404s in the load test), but building a huge CSV on every rerun is worse.
    The callable then holds only the cache key, never a per-session copy of the rows.
    """
    if st.session_state.get(UPLOAD_ROWS) is not None:
        make = lambda: export.to_csv_bytes(rows)  # noqa: E731 - uploads are per session, never cached
    else:
        key = (*st.session_state[DATA_KEY], filters)  # the data this run loaded, not a fresh scan
        make = lambda: _curated_csv(*key)  # noqa: E731
    return make if len(rows) > LAZY_DOWNLOAD_ROWS else make()


def load_curated():
    """The validated dataset and its enriched observations; on bad data, an error page and stop."""
    try:
        root = data_root()
        key = (str(root), _fingerprint(root))
        loaded = _load(*key)
        st.session_state[DATA_KEY] = key  # download_data reuses it: one folder scan per run
        return loaded
    except UnreadableFile as err:
        show_data_error(str(err), [])
    except InvalidData as err:
        show_data_error(f"{len(err.problems)} problem(s) in the curated data", [str(p) for p in err.problems])
    st.stop()


def data_key() -> tuple:
    """What this run's figures are computed from: the curated files (as load_curated saw them) and
    this session's upload, if one is in use."""
    upload = st.session_state.get(UPLOAD_FILE) if st.session_state.get(UPLOAD_ROWS) is not None else None
    return (*st.session_state[DATA_KEY], upload)


@st.cache_resource(show_spinner=False, max_entries=256)
def _derived(name: str, key: tuple, args: tuple, _fn, _data):
    return _fn(_data, *args)


def derived(fn, data, *args):
    """fn(data, *args), computed once per version of the data and per arguments, then reused.

    On the curated data the result is shared by every rerun and session (the data is the same for
    everyone). With an upload in use it is kept in this session's state instead (at most
    UPLOAD_DERIVED_ENTRIES results, dropped with the upload or when the session ends): a shared
    cache bounded by entries kept ~12 MB per closed session that had uploaded 5,000 rows.

    `data` is what load() returned on this run (the observations, or the dataset and them); it is
    identified by data_key(), never hashed. `args` are hashed (for an upload, compared by repr).
    The result is shared: never mutate it. `fn` must be a named function: its qualified name is
    part of the key.
    """
    if fn.__name__ == "<lambda>":
        raise TypeError("ui.derived needs a named function: two lambdas would share one cache entry")
    name = f"{fn.__module__}.{fn.__qualname__}"
    if st.session_state.get(UPLOAD_ROWS) is None:
        return _derived(name, data_key(), args, _fn=fn, _data=data)
    store = st.session_state.setdefault(UPLOAD_DERIVED, {})
    key = (name, data_key(), repr(args))
    if key in store:
        store[key] = store.pop(key)  # most recently used last
    else:
        store[key] = fn(data, *args)
        while len(store) > UPLOAD_DERIVED_ENTRIES:
            del store[next(iter(store))]
    return store[key]


def with_uploads(obs: pd.DataFrame) -> pd.DataFrame:
    """The curated observations plus what this session uploaded (kept in the session only)."""
    uploaded = st.session_state.get(UPLOAD_ROWS)
    return obs if uploaded is None else pd.concat([obs, uploaded], ignore_index=True)


def load():
    """What every page shows: the dataset, and the curated plus this session's uploaded figures."""
    dataset, obs = load_curated()
    return dataset, with_uploads(obs)


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
        f"Your metrics CSV (same columns as data/metrics.csv; at most {MAX_UPLOAD_MB} MB ({MAX_UPLOAD_BYTES:,} bytes))",
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
            f"Still using {rows} row(s) from {name}, added earlier in this session ({unverified} labelled "
            "user-supplied, unverified). Upload another file to replace it, or remove it.", icon=":material/info:",
        )
        st.button("Remove my figures", key="remove-upload", on_click=_forget_upload, icon=":material/delete:")
    else:
        st.success(
            f"Added {rows} row(s) from {name} for this session only; {unverified} of them are "
            "labelled user-supplied, unverified (they name no shipped source). Nothing is saved on the server.",
            icon=":material/check_circle:",
        )


def _validate_upload(file, dataset) -> bool:
    """Validate the file and keep its rows in the session; show why not and return False if refused.

    The progress bar is also what stops the work for a visitor who has left (or uploaded again):
    each update goes through Streamlit's script runner, which raises its stop (or rerun) request
    there, between two validation steps."""
    progress = st.progress(0.0, text=f"Checking {md(file.name)}")

    def checkpoint(done: float, step: str) -> None:
        progress.progress(done, text=f"{md(file.name)}: {step}")

    try:
        rows = validate_upload(file.getvalue(), file.name, dataset.reference, checkpoint=checkpoint)
    except UnreadableFile as err:
        st.error(f"Not added: {md(err)}", icon=":material/error:")
        return False
    except InvalidData as err:
        st.error(f"Not added: {md(file.name)} has {len(err.problems)} problem(s); fix them and upload again.",
                 icon=":material/error:")
        st.dataframe(problems_frame(err.problems), hide_index=True, width="stretch")
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


def show_data_error(headline: str, problems: list[str]) -> None:
    st.error(f"The dashboard cannot show data: {md(headline)}.", icon=":material/error:")
    if problems:
        st.code("\n".join(problems[:MAX_PROBLEMS_SHOWN]) + (f"\n... and {len(problems) - MAX_PROBLEMS_SHOWN} more" if len(problems) > MAX_PROBLEMS_SHOWN else ""), language=None)
    st.caption("Check the files with `python -m dashboard.validate`; the page recovers on reload once they are fixed.")


def md(text: object) -> str:
    """Data-derived text made inert for st.markdown: every Markdown/directive character escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


def highlighted(document: str, spans: list[tuple[int, int]]) -> str:
    """The document as Markdown with the spans on a highlighted background, everything escaped."""
    parts, position = [], 0
    for start, end in spans:
        parts.append(md(document[position:start]))
        # Highlight each line separately: a directive cannot span a paragraph break.
        parts.append("\n".join(f":orange-background[{md(line)}]" if line.strip() else line
                                for line in document[start:end].split("\n")))
        position = end
    parts.append(md(document[position:]))
    return "".join(parts)


def _region_colours(dataset) -> dict[str, str]:
    with_data = pd.concat([dataset.metrics["region"], dataset.events["region"]])
    return charts.region_colours(mx.present_in_order(dataset.regions["region"], with_data), first=DEFAULT_REGIONS)


def colours(dataset) -> dict[str, str]:
    """Region colours over the regions that have figures, so the palette is spent on them only.
    Scans every row, so it is computed once per version of the data (see derived)."""
    return derived(_region_colours, dataset)


TABLE_LABEL = "Show the numbers as a table"


def chart_block(fig: go.Figure, rows: pd.DataFrame, key: str, table: pd.DataFrame | None = None) -> None:
    """A chart, the source line under it, and its data as a table in an expander.

    The expander is lazy (it tracks its state under `<key>-table`): the table is built and sent
    only while the reader has it open, so a page of charts does not ship, and the browser does
    not redraw on every rerun, tables nobody is looking at.
    """
    st.plotly_chart(fig, width="stretch", key=key, config={"displaylogo": False})
    st.caption(md(mx.cite_sources(rows)))
    box = st.expander(TABLE_LABEL, key=f"{key}-table", on_change="rerun")
    if box.open:
        with box:
            st.dataframe(table if table is not None else observation_table(rows), hide_index=True, width="stretch")


def observation_table(rows: pd.DataFrame) -> pd.DataFrame:
    """The columns a reader checks a figure with, for tables under charts and on pages."""
    columns = {"region": "Region", mx.LABEL: "Metric", mx.DISPLAY: "Value", "status": "Status",
               mx.REFERENCE: "Refers to", mx.SOURCE_TITLE: "Source", "quote": "Quote", mx.PROVENANCE: "Provenance"}
    return rows[list(columns)].rename(columns=columns)
