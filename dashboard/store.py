"""The one cache: the curated dataset as loaded and validated, and what is derived from it, shared
by the pages (views/) and the read API (api.py) alike. Nothing else in the project caches data.

The loader is cached on a fingerprint of the curated files (path, size, modification time), so an
edited file is picked up on the next page load or API request without a restart. The caches are
Streamlit's cache_resource: every session, rerun and request shares the one read-only copy
(cache_data would unpickle a fresh copy per run, a cost that grows with the data); callers only
derive new frames from it. What is derived from a session's upload is kept in that session's
state instead (derived_in), so it goes with the session. A key is (root, fingerprint) as curated()
returns it; the views add their session's upload to it (views/session_data.py), the API None.
What a page draws from one of those shared results on every run (a figure's serialised form, its
rows' source line) is kept beside that object for as long as it lives (derived_from).
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import MutableMapping
from pathlib import Path

import streamlit as st

from dashboard import export, i18n, images, package
from dashboard import metrics as mx
from dashboard.data import data_root, load_dataset
from dashboard.files import DATA_FOLDERS, list_folder


def fingerprint(root: Path) -> tuple:
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


def loaded(key: tuple):
    """(dataset, enriched observations) of the curated files `key` (from curated()) names."""
    return _load(*key)


def curated() -> tuple[tuple[str, tuple], tuple]:
    """(key, (dataset, observations)) of the curated files as they are now; raises UnreadableFile
    or InvalidData. No session needed."""
    root = data_root()
    key = (str(root), fingerprint(root))
    return key, _load(*key)


@st.cache_resource(show_spinner=False, max_entries=32)
def _curated_file(root: str, fingerprint: tuple, filters: mx.Filters, fmt: str, base: str) -> bytes:
    dataset, obs = _load(root, fingerprint)
    return export.download_bytes(fmt, mx.filter_observations(obs, filters), dataset.version, dataset.sources, base)


def curated_file(key: tuple, filters: mx.Filters, fmt: str, base: str) -> bytes:
    """The download (export.download_bytes) of the curated rows these filters keep, in one of
    export.FORMATS, with links after `base`; built once per version of the data and filters."""
    return _curated_file(*key, filters, fmt, base)


@st.cache_resource(show_spinner=False, max_entries=2)
def _package_zip(root: str, fingerprint: tuple) -> bytes:
    return package.package_zip(_load(root, fingerprint)[0], Path(root))


def package_zip(key: tuple) -> bytes:
    """The data package (package.package_zip) of the curated files `key` (from curated()) names;
    built once per version of the data."""
    return _package_zip(*key)


@st.cache_resource(show_spinner=False, max_entries=64)
def _chart_image(key: tuple, caption: images.Caption, fmt: str, size: str, _fig) -> bytes:
    return images.image(_fig, caption, fmt, size)


def chart_image(key: tuple, caption: images.Caption, fmt: str, size: str, fig) -> bytes:
    """The image (images.image) of a page's chart with its caption drawn in, rendered once per `key`
    (what the chart shows: the data, the chart's place, the theme), caption, format and size."""
    return _chart_image(key, caption, fmt, size, _fig=fig)


@st.cache_resource(show_spinner=False, max_entries=256)
def _derived(name: str, key: tuple, args: tuple, language: str, _fn, _data):
    with i18n.speaking(language):  # a cache miss computes in the language it is cached under
        return _fn(_data, *args)


def check_named(fn) -> None:
    if fn.__name__ == "<lambda>":
        raise TypeError("a derived value needs a named function: two lambdas would share one cache entry")


def derived_in(kept: MutableMapping, most: int, key: tuple, fn, data, *args):
    """derived_for, kept in `kept` (a session's own state) instead of the shared cache, at most
    `most` results, the least recently used dropped first: for data only one session has (an
    upload), which a shared cache would keep after the session ended. `args` are compared by repr."""
    check_named(fn)
    entry = (f"{fn.__module__}.{fn.__qualname__}", key, repr(args), i18n.active())
    if entry in kept:
        kept[entry] = kept.pop(entry)  # most recently used last
    else:
        kept[entry] = fn(data, *args)
        while len(kept) > most:
            del kept[next(iter(kept))]
    return kept[entry]


def derived_for(key: tuple, fn, data, *args):
    """fn(data, *args), computed once per version of the data, per arguments and per language (its
    text is the reader's), then shared: never mutate it. `key` says what `data` is: curated()'s key
    and what is added to it (None for 'no upload'); `data` is never hashed, `args` are. `fn` must be
    a named function: its qualified name is part of the key."""
    check_named(fn)
    return _derived(f"{fn.__module__}.{fn.__qualname__}", key, args, i18n.active(), _fn=fn, _data=data)


_BY_OBJECT: dict[tuple, tuple[weakref.ref, object]] = {}


def derived_from(obj, fn):
    """fn(obj), computed once per object (by identity, while it lives) and per language, then
    reused: for what every run derives again from a figure or frame that derived_for hands to every
    run (a chart's serialised figure, its rows' source line). The entry goes when the object does.
    Neither `obj` nor the result may be changed after the first call (derived_for's results never
    are). `fn` must be a named function: its qualified name is part of the key."""
    check_named(fn)
    key = (id(obj), f"{fn.__module__}.{fn.__qualname__}", i18n.active())
    entry = _BY_OBJECT.get(key)
    if entry is not None and entry[0]() is obj:
        return entry[1]
    value = fn(obj)
    _BY_OBJECT[key] = (weakref.ref(obj, lambda _gone, key=key: _BY_OBJECT.pop(key, None)), value)
    return value
