"""Load and validate the curated files; the one loader used by the app and the command line.

`load_dataset` reads data/*.csv and the seed documents, validates every table with the schemas
in `dashboard.schema` (catalogues first, since the observations are checked against them) and
returns typed DataFrames. A file that cannot be read at all raises `UnreadableFile` with a
one-line reason; a file that reads but breaks rules raises `InvalidData` listing every
`Problem` found (file, CSV line, column, bad value, what was expected). Reading a file safely is
dashboard/files.py's job, turning Pandera's failures into problems dashboard/problems.py's; this
module puts them together, table by table. No Streamlit here.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from dashboard import schema
from dashboard.evidence import normalise_whitespace
from dashboard.files import (
    InvalidData,
    UnreadableFile,
    check_folders,
    read_raw_table,
    read_table_file,
)
from dashboard.problems import no_rows, validate_frame
from dashboard.tables import BY_KEY

ROOT = Path(__file__).resolve().parent.parent
# One upload limit, stated the same everywhere: 5 MB = 5,000,000 bytes. The widget's limit is given
# in MB (browsers on Linux and macOS count 1 MB as 1,000,000 bytes, on Windows as 1,048,576); the
# server's transport cap (server.maxUploadSize = 5, counted in MiB) sits just above; this module
# enforces the exact limit for every client.
MAX_UPLOAD_MB = 5
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1_000_000
MAX_UPLOAD_ROWS = 5_000
VERSION_LENGTH = 10
UPLOAD_ID_PREFIX = "user.line-"  # the "." keeps it out of the curated id form (schema.ID_PATTERN)


def data_root() -> Path:
    """Where the app reads data/ and seeds/ from: $DASHBOARD_ROOT if set (tests, staging), else this checkout."""
    return Path(os.environ.get("DASHBOARD_ROOT") or ROOT)


@dataclass(frozen=True)
class Dataset:
    """The validated curated data: typed frames plus the seed documents' text by source id."""

    sources: pd.DataFrame
    regions: pd.DataFrame
    tile_grid: pd.DataFrame  # where each division sits on the province map
    catalogue: pd.DataFrame
    metrics: pd.DataFrame
    events: pd.DataFrame
    documents: dict[str, str]
    reference: schema.Reference
    version: str = ""  # data_version() of the files this was loaded from
    exclusions: pd.DataFrame | None = None  # numbers deliberately not recorded (data/exclusions.csv)
    units: pd.DataFrame | None = None  # the units documents state values in, with factors (data/units.csv)


def _read_and_validate(
    path: Path, name: str, table_schema: pa.DataFrameSchema, ref: schema.Reference | None = None,
    may_be_empty: bool = False, digests: dict[str, str] | None = None,
) -> pd.DataFrame:
    frame, problems = read_table_file(path, name, digests)
    if not may_be_empty:
        no_rows(frame, problems, name)
    validated, more = validate_frame(frame, table_schema, name, ref)
    if problems or more:
        raise InvalidData(sorted(problems + more, key=lambda p: (p.line, p.column)))
    return validated.reset_index(drop=True)


def _seed_path(root: Path, seeds: Path, relative: str) -> Path | None:
    """The regular file `relative` names inside seeds/, or None: a path that leads out of seeds/
    (through '..' or a symbolic link) is never read. A plain "seeds/<name>" that is no symbolic
    link is answered with one stat call; anything else is resolved in full."""
    folder, _, name = relative.partition("/")
    if folder == "seeds" and name and "/" not in name and name not in (".", ".."):
        try:
            mode = os.lstat(seeds / name).st_mode
        except (OSError, ValueError):
            return None
        if not stat.S_ISLNK(mode):
            return seeds / name if stat.S_ISREG(mode) else None
    path = (root / relative).resolve()
    return path if path.is_relative_to(seeds) and path.is_file() else None


def _read_documents(root: Path, files: pd.Series) -> tuple[dict[str, str | None], dict[str, str | None]]:
    texts, digests = {}, {}
    seeds = (root / "seeds").resolve()
    for relative in files.dropna().unique():
        texts[relative] = digests[relative] = None
        path = _seed_path(root, seeds, relative)
        if path is not None:
            try:
                raw = path.read_bytes()
            except OSError as err:
                raise UnreadableFile(f"{relative}: cannot be read ({err.strerror})") from None
            digests[relative] = hashlib.sha256(raw).hexdigest()
            texts[relative] = raw.decode("utf-8", errors="replace")
    return texts, digests


def load_reference(
    root: Path = ROOT, digests: dict[str, str] | None = None
) -> tuple[schema.Reference, dict[str, pd.DataFrame], dict[str, str]]:
    """Validate the catalogues and seeds, and build what the observation checks look things up in.
    With `digests`, the SHA-256 of every file read (seeds included) is recorded there by name."""
    check_folders(root)
    digests = {} if digests is None else digests
    sources_frame, problems = read_table_file(root / BY_KEY["sources"].path, BY_KEY["sources"].path, digests)
    no_rows(sources_frame, problems, BY_KEY["sources"].path)
    raw_texts, seed_digests = _read_documents(root, sources_frame.get("file", pd.Series(dtype=object)))
    digests.update({path: digest for path, digest in seed_digests.items() if digest})
    normalised = {path: normalise_whitespace(text) if text else None for path, text in raw_texts.items()}
    sources, more = validate_frame(sources_frame, schema.sources_schema(normalised, seed_digests), BY_KEY["sources"].path)
    if problems or more:
        raise InvalidData(problems + more)
    sources = sources.reset_index(drop=True)
    regions, tile_grid = _regions_and_tiles(root, digests)
    catalogue = _read_and_validate(
        root / BY_KEY["catalogue"].path, BY_KEY["catalogue"].path, BY_KEY["catalogue"].model.to_schema(), digests=digests
    )
    catalogue["lower_is_better"] = catalogue["lower_is_better"].eq("true")
    units = _units(root, catalogue, digests)
    documents = {row.source_id: raw_texts[row.file] for row in sources.itertuples()}
    ref = schema.Reference(
        regions=frozenset(regions["region"]),
        region_names={row.region: schema.region_names(row.region, row.name_zh) for row in regions.itertuples()},
        metrics={row.metric: (row.unit, row.value_type) for row in catalogue.itertuples()},
        documents={row.source_id: normalised[row.file] for row in sources.itertuples()},
        published={row.source_id: (row.published if isinstance(row.published, str) else None) for row in sources.itertuples()},
        ledger=_read_and_validate(
            root / BY_KEY["published_ids"].path, BY_KEY["published_ids"].path, BY_KEY["published_ids"].model.to_schema(),
            digests=digests,
        ),
        units={(row.unit, row.canonical_unit if isinstance(row.canonical_unit, str) else ""):
               (row.value_type, Decimal(row.factor)) for row in units.itertuples()},
    )
    return ref, {"sources": sources, "regions": regions, "tile_grid": tile_grid, "catalogue": catalogue,
                 "units": units}, documents


def _units(root: Path, catalogue: pd.DataFrame, digests: dict[str, str]) -> pd.DataFrame:
    """data/units.csv, each canonical unit checked against the catalogue's units of its value type.
    A project whose documents state every value in its metric's unit may leave it without rows."""
    catalogue_units = {kind: frozenset(rows["unit"]) for kind, rows in catalogue.groupby("value_type")}
    return _read_and_validate(root / BY_KEY["units"].path, BY_KEY["units"].path, schema.units_schema(catalogue_units),
                              may_be_empty=True, digests=digests)


STATED_VALUE, STATED_UNIT = "stated_value", "stated_unit"


def in_canonical_units(metrics: pd.DataFrame, ref: schema.Reference) -> pd.DataFrame:
    """Validated figures with `value` and `unit` in each metric's canonical unit, converted exactly
    (Decimal: 1025.3 亿元 is 102.53 billion yuan, not 102.53000000000002), and the value and unit
    the document states kept as stated_value and stated_unit (the figure page shows both). What
    reads a figure against its quote (the audit, the draft's check) reads the stated ones."""
    # A few (unit, metric) pairs repeat over every row: each pair's unit and factor are found once
    # (the factor None when the value stays as it is: in its canonical unit, or not convertible),
    # and only the rows of a pair with a factor are converted, one by one.
    rows, pairs = schema.distinct_rows(metrics["unit"], metrics["metric"])
    converts = []
    for unit, metric in pairs:
        factor = ref.factor(unit, metric)
        converts.append((unit, None) if factor is None else (ref.metrics[metric][0], None if factor == 1 else factor))
    units = np.array([unit for unit, _ in converts] + [None], dtype=object)[rows]
    values = metrics["value"].to_numpy(dtype=float, copy=True)
    for pair, (_, factor) in enumerate(converts):
        if factor is not None:
            for i in np.flatnonzero(rows == pair):
                if not pd.isna(values[i]):
                    values[i] = float(Decimal(repr(float(values[i]))) * factor)
    return metrics.assign(**{STATED_VALUE: metrics["value"], STATED_UNIT: metrics["unit"],
                             "value": pd.Series(values, index=metrics.index, dtype=float),
                             "unit": pd.Series(units, index=metrics.index, dtype=metrics["unit"].dtype)})


def _regions_and_tiles(root: Path, digests: dict[str, str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The regions catalogue and the map's tile grid, each checked against the other: first the
    regions on their own, then the grid against them (known codes, Chinese names), then that every
    division but the country has a tile, reported at its line of data/regions.csv."""
    name = BY_KEY["regions"].path
    raw, problems = read_table_file(root / name, name, digests)
    regions, more = validate_frame(raw, BY_KEY["regions"].model.to_schema(), name)
    if problems or more:
        raise InvalidData(sorted(problems + more, key=lambda p: (p.line, p.column)))
    divisions = regions[regions["level"] != schema.COUNTRY_LEVEL]
    tile_grid = _read_and_validate(
        root / BY_KEY["tile_grid"].path, BY_KEY["tile_grid"].path,
        schema.tile_grid_schema(dict(zip(divisions["iso_code"], divisions["name_zh"], strict=True))), digests=digests,
    )
    _, untiled = validate_frame(raw, schema.regions_schema(frozenset(tile_grid["iso_code"])), name)
    if untiled:
        raise InvalidData(untiled)
    return regions.reset_index(drop=True), tile_grid


def data_version(digests: dict[str, str]) -> str:
    """A short content hash of the curated files and the seed documents, from each file's SHA-256
    as the loader read it (name -> hex digest): the same files give the same version on any
    machine, and any edit gives a new one. A citation or download names it, so a reader can tell
    which version of the data it saw."""
    digest = hashlib.sha256()
    for name in sorted(digests):
        digest.update(name.encode("utf-8") + b"\0" + bytes.fromhex(digests[name]))
    return digest.hexdigest()[:VERSION_LENGTH]


def load_dataset(root: Path = ROOT, metrics_path: Path | None = None) -> Dataset:
    """Read and validate every curated file; raise UnreadableFile or InvalidData on the first bad file."""
    digests: dict[str, str] = {}  # every file read, by name: the data version, with no second read
    ref, tables, documents = load_reference(root, digests)
    metrics_path = metrics_path or root / BY_KEY["metrics"].path
    metrics_name = BY_KEY["metrics"].path if metrics_path == root / BY_KEY["metrics"].path else str(metrics_path)
    metrics = in_canonical_units(
        _read_and_validate(metrics_path, metrics_name, schema.metrics_schema(ref), ref, digests=digests), ref)
    events = _read_and_validate(
        root / BY_KEY["events"].path, BY_KEY["events"].path, schema.events_schema(ref), ref, may_be_empty=True,
        digests=digests,
    )
    exclusions = _read_and_validate(  # a set of documents may well have no number to exclude
        root / BY_KEY["exclusions"].path, BY_KEY["exclusions"].path, schema.exclusions_schema(ref), ref, may_be_empty=True,
        digests=digests,
    )
    version = data_version(digests)
    return Dataset(metrics=metrics, events=events, documents=documents, reference=ref, version=version,
                   exclusions=exclusions, **tables)


def _no_checkpoint(done: float, step: str) -> None:
    pass


def validate_upload(
    raw: bytes, name: str, ref: schema.Reference, checkpoint: schema.Checkpoint = _no_checkpoint
) -> pd.DataFrame:
    """Validate a user's metrics CSV against the shipped catalogues; nothing is written anywhere.

    Raises UnreadableFile for a file that cannot be read or is over the size or row limit, and
    InvalidData listing every problem otherwise. Rows naming a shipped source get the quote checks.
    `checkpoint(done, step)` is called between steps (done: the fraction done, 0-1): the app shows
    progress with it, and its raising stops the work (a visitor who has left, or uploaded again).
    Every step is linear in the rows and the columns are capped, so no step runs long.
    """
    checkpoint(0.0, "Reading the file")
    if len(raw) > MAX_UPLOAD_BYTES:
        raise UnreadableFile(
            f"{name}: the file is {len(raw):,} bytes; the limit is {MAX_UPLOAD_MB} MB ({MAX_UPLOAD_BYTES:,} bytes)"
        )
    frame, problems = read_raw_table(raw, name)
    if len(frame) > MAX_UPLOAD_ROWS:
        raise UnreadableFile(f"{name}: the file has {len(frame):,} rows; the limit is {MAX_UPLOAD_ROWS:,} rows")
    no_rows(frame, problems, name)
    checkpoint(0.1, "Checking column types and allowed values")
    validated, more = validate_frame(frame, schema.metrics_schema(ref, user_supplied=True, checkpoint=checkpoint), name, ref)
    checkpoint(1.0, "Listing the problems" if problems or more else "Done")
    if problems or more:
        raise InvalidData(sorted(problems + more, key=lambda p: (p.line, p.column)))
    # Whatever ids the file gives, its rows get ones no curated figure can have, named after their
    # CSV line: they live in this session only, like the rows.
    readings = validated["reading"] if "reading" in validated.columns else pd.Series(None, index=validated.index, dtype=object)
    validated = validated.assign(reading=readings.astype(object).where(readings.notna(), "certain").astype("str"))
    if "reading_note" not in validated.columns:
        validated = validated.assign(reading_note=pd.Series(None, index=validated.index, dtype="str"))
    validated = in_canonical_units(validated, ref)
    ids = [f"{UPLOAD_ID_PREFIX}{line}" for line in validated.index]
    validated = validated.drop(columns=["figure_id"], errors="ignore")
    validated.insert(0, "figure_id", pd.Series(ids, index=validated.index, dtype="str"))
    return validated.reset_index(drop=True)


def describe_failure(err: UnreadableFile | InvalidData) -> tuple[str, list[str]]:
    """What the pages and the API say when the curated files cannot be used: a headline and the
    problems, one line each (empty for a file that cannot be read at all: the headline says why)."""
    if isinstance(err, InvalidData):
        return f"{len(err.problems)} problem(s) in the curated data", [str(p) for p in err.problems]
    return str(err), []
