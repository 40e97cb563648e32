"""What a download contains: the provenance columns, formula-injection escaping, the file formats
(CSV, Excel, JSON, Parquet) and the file name.

A downloaded row must stand on its own when cited: region and its ISO code, metric label (both in
English and in Chinese: scripts read the English machine column names either way), value
with unit and qualifier, status, year and as-of date, source title, published date, file and the
verbatim quote, and where to find and cite it: the figure's id and page, and the version of the
data it was taken from. Text cells that a spreadsheet would run as a formula are neutralised
(OWASP CSV injection) in every format, so all of them carry the same values; numeric columns stay
numeric. The Excel file also writes every text cell as text, so no cell can be a formula. The
read API (dashboard/api.py) serves these same bytes and records.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass

import pandas as pd

from dashboard import citation, schema
from dashboard import metrics as mx
from dashboard.data import STATED_UNIT, STATED_VALUE
from dashboard.schema import Events as E
from dashboard.schema import Metrics as M

FIGURE_URL, DATA_VERSION = "figure_url", "data_version"
EXPORT_COLUMNS = {
    M.figure_id: "figure_id",
    FIGURE_URL: FIGURE_URL,
    M.region: "region",
    mx.NAME_ZH: "region_zh",
    mx.ISO_CODE: "iso_code",
    M.metric: "metric",
    mx.LABEL_EN: "metric_label",  # English whatever the reader's language (LABEL is theirs)
    mx.LABEL_ZH: "metric_label_zh",
    M.value: "value",
    M.unit: "unit",
    STATED_VALUE: STATED_VALUE,  # as the document states it (1025.3, 亿元); value and unit are converted
    STATED_UNIT: STATED_UNIT,
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


def export_frame(obs: pd.DataFrame, version: str, base: str | None = None) -> pd.DataFrame:
    """The provenance columns of these rows, in a fixed order, with text cells neutralised.

    `version` is the data version the rows come from (data.Dataset.version); `base` the address
    figure_url starts with (citation.base_url: default the configured one, else none)."""
    links = pd.Series(citation.figure_urls(obs[M.figure_id].astype(object), base), index=obs.index, dtype="str")
    stated = {STATED_VALUE: obs.get(STATED_VALUE, obs[M.value]), STATED_UNIT: obs.get(STATED_UNIT, obs[M.unit])}  # a frame
    # built elsewhere (not by the loader) is in its stated units
    frame = obs.assign(**{FIGURE_URL: links, DATA_VERSION: version, **stated})[list(EXPORT_COLUMNS)].rename(
        columns=EXPORT_COLUMNS)
    return neutralised(frame)


def neutralised(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with every formula-like text cell prefixed (neutralise_formula), index reset."""
    frame = frame.copy()
    for column in frame.columns:
        if not pd.api.types.is_numeric_dtype(frame[column]):
            text = frame[column].astype("str")
            risky = text.str.startswith(FORMULA_STARTS).fillna(False).astype(bool)
            if risky.any():  # vectorised: a Python call per cell is slow at 100k+ rows
                frame[column] = frame[column].mask(risky, "'" + text)
    return frame.reset_index(drop=True)


EVENT_COLUMNS = {
    E.event_id: "event_id",
    E.region: "region",
    mx.ISO_CODE: "iso_code",
    E.date: "date",
    E.date_precision: "date_precision",
    E.date_text: "date_text",
    E.title: "title",
    E.event_type: "event_type",
    E.period_start: "period_start",
    E.period_end: "period_end",
    E.source_id: "source_id",
    mx.SOURCE_TITLE: "source_title",
    mx.PUBLISHED: "source_published",
    mx.FILE: "source_file",
    E.quote: "quote",
    E.note: "note",
    DATA_VERSION: DATA_VERSION,
}


def events_frame(events: pd.DataFrame, version: str) -> pd.DataFrame:
    """The columns of a downloaded event (from metrics.enrich_events), text cells neutralised."""
    frame = events.assign(**{DATA_VERSION: version})[list(EVENT_COLUMNS)].rename(columns=EVENT_COLUMNS)
    return neutralised(frame)


def to_csv_bytes(obs: pd.DataFrame, version: str, base: str | None = None) -> bytes:
    """UTF-8 CSV of `export_frame(obs, version, base)`: what the download buttons hand to the browser."""
    return csv_bytes(export_frame(obs, version, base))


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV of an export frame (export_frame, events_frame), lines ending in \\n."""
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def _slug(values: tuple[str, ...], limit: int = 3) -> str:
    words = [re.sub(r"[^A-Za-z0-9]+", "-", v).strip("-") for v in values]
    words = [w for w in words if w]
    if len(words) > limit:
        return "-".join(words[:limit]) + f"-and-{len(words) - limit}-more"
    return "-".join(words)


def export_filename(filters: mx.Filters, extension: str = "csv") -> str:
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
    return "_".join([FILE_PREFIX, *parts] if parts else [FILE_PREFIX, "all"]) + "." + extension


# --- what each column holds: the schema's descriptions, and ours for the columns we add ----------

_DESCRIBED_BY = {  # export column -> (Pandera model, column) whose description it carries
    "figure_id": (schema.Metrics, M.figure_id), "region": (schema.Metrics, M.region),
    "iso_code": (schema.Regions, "iso_code"), "metric": (schema.Metrics, M.metric),
    "region_zh": (schema.Regions, "name_zh"), "metric_label_zh": (schema.MetricCatalogue, "label_zh"),
    "metric_label": (schema.MetricCatalogue, "label"), STATED_VALUE: (schema.Metrics, M.value),
    STATED_UNIT: (schema.Metrics, M.unit), "qualifier": (schema.Metrics, M.qualifier), "status": (schema.Metrics, M.status),
    "year": (schema.Metrics, M.year), "year_basis": (schema.Metrics, M.year_basis), "as_of": (schema.Metrics, M.as_of),
    "period_start": (schema.Metrics, M.period_start), "period_end": (schema.Metrics, M.period_end),
    "period_label": (schema.Metrics, M.period_label), "source_id": (schema.Metrics, M.source_id),
    "source_title": (schema.Sources, "title"), "source_published": (schema.Sources, "published"),
    "source_file": (schema.Sources, "file"), "quote": (schema.Metrics, M.quote), "note": (schema.Metrics, M.note),
    "reading": (schema.Metrics, M.reading), "reading_note": (schema.Metrics, M.reading_note),
}
_OWN_DESCRIPTIONS = {
    "value": "The value in the metric's canonical unit (the catalogue's unit), converted exactly from stated_value by "
             "data/units.csv (1025.3 亿元 is 102.53 billion yuan); the same as stated_value when the document uses that unit.",
    "unit": "The metric's canonical unit, the catalogue's: every value of a metric is in it, whatever its document's unit.",
    FIGURE_URL: "The figure's page: its permalink (the public address when one is configured, else the address the "
                "download was made from; from the read API without a configured address, the path).",
    mx.PROVENANCE: "curated (checked against its document), or for uploaded rows: user-supplied, quote verified or "
                   "unverified.",
    DATA_VERSION: "Version of the data the row was taken from: a content hash of the curated files and documents.",
}


def column_guide(columns: tuple[str, ...] | None = None) -> list[tuple[str, str]]:
    """(column, what it holds) for the columns of a figures download."""
    described = {name: model.to_schema().columns[column].description for name, (model, column) in _DESCRIBED_BY.items()}
    columns = tuple(EXPORT_COLUMNS.values()) if columns is None else columns
    return [(name, described.get(name) or _OWN_DESCRIPTIONS[name]) for name in columns]


# --- file formats ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class FileFormat:
    label: str
    extension: str
    mime: str


FORMATS = {
    "csv": FileFormat("CSV", "csv", "text/csv"),
    "xlsx": FileFormat("Excel", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "json": FileFormat("JSON", "json", "application/json"),
    "parquet": FileFormat("Parquet", "parquet", "application/vnd.apache.parquet"),
}
SOURCE_COLUMNS = ["source_id", "title", "publisher", "published", "published_text", "file", "sha256", "note"]


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts of plain Python values, missing cells as None (JSON null)."""
    plain = frame.astype(object)
    return plain.where(frame.notna(), None).to_dict("records")


def json_bytes(document: object) -> bytes:
    """UTF-8 JSON. '<', '>' and '&' are written as \\u escapes (JSON strings only can hold them),
    so the text stays inert even if someone pastes the JSON into an HTML page."""
    text = json.dumps(document, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").encode("utf-8")


def to_json_bytes(obs: pd.DataFrame, version: str, base: str | None = None) -> bytes:
    """A JSON array of the rows of export_frame: the same columns and values as the CSV."""
    return json_bytes(records(export_frame(obs, version, base)))


def to_parquet_bytes(obs: pd.DataFrame, version: str, base: str | None = None) -> bytes:
    """Parquet of export_frame (typed: value a double, years integers, missing cells null)."""
    buffer = io.BytesIO()
    export_frame(obs, version, base).to_parquet(buffer, index=False, engine="pyarrow")
    return buffer.getvalue()


def _text_cell(sheet, value: object):
    """A write-only cell; text is always stored as text (never a formula), control characters that
    the file format cannot hold replaced by U+FFFD."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return WriteOnlyCell(sheet, None)
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, ILLEGAL_CHARACTERS_RE.sub("\ufffd", value))
        cell.data_type = "s"  # openpyxl reads a leading '=' as a formula; this cell is text
        return cell
    return WriteOnlyCell(sheet, value.item() if hasattr(value, "item") else value)


def _add_sheet(book, title: str, frame: pd.DataFrame) -> None:
    from openpyxl.styles import Font

    sheet = book.create_sheet(title)
    sheet.freeze_panes = "A2"
    header = []
    for name in frame.columns:
        cell = _text_cell(sheet, str(name))
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in frame.itertuples(index=False, name=None):
        sheet.append([_text_cell(sheet, value) for value in row])


def to_xlsx_bytes(obs: pd.DataFrame, version: str, sources: pd.DataFrame, base: str | None = None) -> bytes:
    """An Excel workbook: 'figures' (export_frame), 'sources' (the documents behind them) and
    'README' (citation, licence note, column guide). Every text cell is stored as text."""
    from openpyxl import Workbook

    figures = export_frame(obs, version, base)
    behind = sources[sources["source_id"].isin(set(obs[M.source_id].dropna()))][SOURCE_COLUMNS]
    readme = pd.DataFrame(
        [(citation.DATASET_TITLE, citation.DATASET_DESCRIPTION), ("Data version", version),
         ("Rows", len(figures)), ("Cite as", citation.dataset_citation(version, base)), ("Licence", citation.LICENCE_NOTE),
         ("", ""), ("Column of 'figures'", "What it holds"), *column_guide()],
        columns=["about", "text"],
    )
    book = Workbook(write_only=True)
    _add_sheet(book, "figures", figures)
    _add_sheet(book, "sources", neutralised(behind))
    _add_sheet(book, "README", neutralised(readme))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def download_bytes(fmt: str, obs: pd.DataFrame, version: str, sources: pd.DataFrame, base: str | None = None) -> bytes:
    """The download of these rows in one of FORMATS, figure_url starting with `base` (see export_frame)."""
    if fmt == "csv":
        return to_csv_bytes(obs, version, base)
    if fmt == "xlsx":
        return to_xlsx_bytes(obs, version, sources, base)
    if fmt == "json":
        return to_json_bytes(obs, version, base)
    if fmt == "parquet":
        return to_parquet_bytes(obs, version, base)
    raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
