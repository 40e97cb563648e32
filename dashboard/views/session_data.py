"""What a page run works on: the curated data from the one cache (dashboard/store.py) plus this
session's upload, in the reader's language and theme, and what is derived from them once per version
of the data. On bad curated data the run shows the error screen and stops (load_curated).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, store
from dashboard import metrics as mx
from dashboard.data import describe_failure
from dashboard.files import InvalidData, UnreadableFile
from dashboard.i18n import ngettext
from dashboard.views import errors, languages

UPLOAD_ROWS, UPLOAD_FILE, UPLOAD_NAME = "uploaded_rows", "uploaded_file_id", "uploaded_file_name"
UPLOAD_DERIVED, DATA_KEY, DATA_VERSION = "upload_derived", "curated_data_key", "curated_data_version"
UPLOAD_DERIVED_ENTRIES = 32


def load_curated():
    """The validated dataset and its enriched observations (in English: see load for the reader's
    language); on bad data, an error page and stop. Sets the run's language first."""
    languages.use_language()
    try:
        key, loaded = store.curated()
        st.session_state[DATA_KEY] = key  # download_data reuses it: one folder scan per run
        # Read by every chart's source line and the footer: a cache lookup each (hashing the key)
        # cost ~1-2 ms apiece per rerun.
        st.session_state[DATA_VERSION] = loaded[0].version
        return loaded
    except InvalidData as err:
        errors.show_data_error(ngettext("{count} problem in the curated data", "{count} problems in the curated data",
                                        len(err.problems)).format(count=len(err.problems)),
                        [errors.problem_line(p) for p in err.problems])
    except UnreadableFile as err:
        errors.show_data_error(*describe_failure(err))  # why the file cannot be read, as the loader says it
    st.stop()


def data_version() -> str:
    """The version (content hash of data/ and seeds/) of the curated data this run loaded."""
    return st.session_state[DATA_VERSION]


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
    kept = st.session_state.setdefault(UPLOAD_DERIVED, {})
    return store.derived_in(kept, UPLOAD_DERIVED_ENTRIES, data_key(), fn, data, *args)


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


def dark() -> bool:
    """Whether the viewer's page is dark (Streamlit follows the browser's colour scheme, or the
    theme picked in its settings menu). Charts are built for it: pass it to every chart builder,
    and so into session_data.derived's arguments, which keeps a figure per theme."""
    return st.context.theme.type == "dark"


def colours(dataset) -> dict[str, str]:
    """Region colours over the regions that have figures, so the palette is spent on them only, in
    the viewer's theme. Scans every row, so it is computed once per version of the data (see derived)."""
    return derived(charts.palette_of, dataset, dark())
