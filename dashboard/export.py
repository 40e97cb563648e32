"""What a download contains: the provenance columns, formula-injection escaping and the file name.

A downloaded row must stand on its own when cited: region and its ISO code, metric label, value
with unit and qualifier, status, year and as-of date, source title, published date, file and the
verbatim quote, and where to find and cite it: the figure's id and page, and the version of the
data it was taken from. Text cells that a spreadsheet would run as a formula are neutralised
(OWASP CSV injection); numeric columns stay numeric.
"""

from __future__ import annotations

import re

import pandas as pd

from dashboard import citation
from dashboard import metrics as mx
from dashboard.schema import Metrics as M

FIGURE_URL, DATA_VERSION = "figure_url", "data_version"
EXPORT_COLUMNS = {
    M.figure_id: "figure_id",
    FIGURE_URL: FIGURE_URL,
    M.region: "region",
    mx.ISO_CODE: "iso_code",
    M.metric: "metric",
    mx.LABEL: "metric_label",
    M.value: "value",
    M.unit: "unit",
    M.qualifier: "qualifier",
    M.status: "status",
    M.year: "year",
    M.year_basis: "year_basis",
    M.as_of: "as_of",
    M.period_start: "period_start",
    M.period_end: "period_end",
    M.period_label: "period_label",
    M.source_id: "source_id",
    mx.SOURCE_TITLE: "source_title",
    mx.PUBLISHED: "source_published",
    mx.FILE: "source_file",
    M.quote: "quote",
    M.note: "note",
    M.reading: "reading",
    M.reading_note: "reading_note",
    mx.PROVENANCE: "provenance",
    DATA_VERSION: DATA_VERSION,
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FILE_PREFIX = "innovation-metrics"


def neutralise_formula(cell: object) -> object:
    """Prefix a text cell that a spreadsheet would evaluate with a single quote."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def export_frame(obs: pd.DataFrame, version: str) -> pd.DataFrame:
    """The provenance columns of these rows, in a fixed order, with text cells neutralised.

    `version` is the data version the rows come from (data.Dataset.version)."""
    base = citation.base_url()
    links = pd.Series([citation.figure_url(i, base) for i in obs[M.figure_id].astype(object)], index=obs.index, dtype="str")
    frame = obs.assign(**{FIGURE_URL: links, DATA_VERSION: version})[list(EXPORT_COLUMNS)].rename(columns=EXPORT_COLUMNS)
    for column in frame.columns:
        if not pd.api.types.is_numeric_dtype(frame[column]):
            text = frame[column].astype("str")
            risky = text.str.startswith(FORMULA_STARTS).fillna(False).astype(bool)
            if risky.any():  # vectorised: a Python call per cell is slow at 100k+ rows
                frame[column] = frame[column].mask(risky, "'" + text)
    return frame.reset_index(drop=True)


def to_csv_bytes(obs: pd.DataFrame, version: str) -> bytes:
    """UTF-8 CSV of `export_frame(obs, version)`: what the download buttons hand to the browser."""
    return export_frame(obs, version).to_csv(index=False, lineterminator="\n").encode("utf-8")


def _slug(values: tuple[str, ...], limit: int = 3) -> str:
    words = [re.sub(r"[^A-Za-z0-9]+", "-", v).strip("-") for v in values]
    words = [w for w in words if w]
    if len(words) > limit:
        return "-".join(words[:limit]) + f"-and-{len(words) - limit}-more"
    return "-".join(words)


def export_filename(filters: mx.Filters) -> str:
    """A file name that says what was filtered: innovation-metrics_Shanxi-Shandong_2012-2021.csv."""
    parts = [
        _slug(filters.regions),
        _slug(filters.metrics, limit=2),
        _slug(filters.categories, limit=2),
        f"{filters.years[0]}-{filters.years[1]}" if filters.years else "",
        _slug(filters.statuses),
        _slug(filters.qualifiers),
    ]
    parts = [p for p in parts if p]
    return "_".join([FILE_PREFIX, *parts] if parts else [FILE_PREFIX, "all"]) + ".csv"
