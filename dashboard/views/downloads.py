"""What the download buttons get: the filtered rows in every export format and the data package,
built from the cache (dashboard/store.py) and, past LAZY_DOWNLOAD_ROWS, only when clicked.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import citation, export, store
from dashboard import metrics as mx
from dashboard.views import session_data

LAZY_DOWNLOAD_ROWS = 20_000


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
    if st.session_state.get(session_data.UPLOAD_ROWS) is not None:
        dataset = store.loaded(st.session_state[session_data.DATA_KEY])[0]
        make = lambda: export.download_bytes(fmt, rows, dataset.version, dataset.sources, base)
    else:
        key = (st.session_state[session_data.DATA_KEY], filters, fmt, base)  # the data this run loaded, not a fresh scan
        make = lambda: store.curated_file(*key)
    return make if len(rows) > LAZY_DOWNLOAD_ROWS else make()


def package_download():
    """What the data package button gets: the zip of the curated files this run loaded; past
    LAZY_DOWNLOAD_ROWS figures it is built on click instead (see download_data)."""
    key = st.session_state[session_data.DATA_KEY]
    make = lambda: store.package_zip(key)
    return make if len(store.loaded(key)[0].metrics) > LAZY_DOWNLOAD_ROWS else make()
