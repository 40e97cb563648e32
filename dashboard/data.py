"""Load and validate the curated files; the one loader used by the app and the command line.

`load_dataset` reads data/*.csv and the seed documents, validates every table with the schemas
in `dashboard.schema` (catalogues first, since the observations are checked against them) and
returns typed DataFrames. A file that cannot be read at all raises `UnreadableFile` with a
one-line reason; a file that reads but breaks rules raises `InvalidData` listing every
`Problem` found (file, CSV line, column, bad value, what was expected). No Streamlit here.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import os
import stat
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import pyarrow
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from dashboard import schema
from dashboard.evidence import normalise_whitespace

ROOT = Path(__file__).resolve().parent.parent
DATA_FILES = {
    "sources": "data/sources.csv",
    "regions": "data/regions.csv",
    "tile_grid": "data/tile_grid.csv",
    "catalogue": "data/metric_catalogue.csv",
    "metrics": "data/metrics.csv",
    "events": "data/events.csv",
    "published_ids": "data/published_ids.csv",
    "exclusions": "data/exclusions.csv",
}
HEADER_LINE = 1
MAX_UPLOAD_MB = 5
MAX_UPLOAD_ROWS = 5_000
VERSION_LENGTH = 10
UPLOAD_ID_PREFIX = "user.line-"  # the "." keeps it out of the curated id form (schema.ID_PATTERN)


def data_root() -> Path:
    """Where the app reads data/ and seeds/ from: $DASHBOARD_ROOT if set (tests, staging), else this checkout."""
    return Path(os.environ.get("DASHBOARD_ROOT") or ROOT)


class UnreadableFile(Exception):
    """The file cannot be read as a UTF-8, comma-separated CSV: one line says why."""


@dataclass(frozen=True)
class Problem:
    """One broken rule: where it is and what was expected."""

    file: str
    line: int
    column: str
    value: str
    expected: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: column '{self.column}': got {self.value}; expected {self.expected}"


class InvalidData(Exception):
    """The file reads, but rows break the schema; `problems` lists every one."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s)")


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


def decode_text(raw: bytes, name: str, kind: str = "a CSV") -> str:
    """UTF-8 text of a file's bytes; an empty, binary or non-UTF-8 file raises UnreadableFile."""
    if not raw.strip():
        raise UnreadableFile(f"{name}: the file is empty")
    if b"\x00" in raw:
        offset = raw.index(b"\x00")
        raise UnreadableFile(f"{name}: this is a binary file (NUL byte at offset {offset}), not {kind}")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise UnreadableFile(
            f"{name}: not valid UTF-8 (byte 0x{raw[err.start]:02x} at offset {err.start}); save the file as UTF-8"
        ) from None


def _parse_header(text: str, name: str) -> list[str]:
    header = next(csv.reader(io.StringIO(text.split("\n", 1)[0], newline="")), [""])
    if len(header) == 1:
        for delimiter, label in ((";", "semicolons"), ("\t", "tabs"), ("|", "pipes")):
            if delimiter in header[0]:
                raise UnreadableFile(
                    f"{name}: not comma-separated (the header is split by {label}); save it as a comma-separated CSV"
                )
    return [column.strip() for column in header]


def _read_plain(raw: bytes, text: str, header: list[str]) -> pd.DataFrame | None:
    """pyarrow's CSV reader, for a plain file only: one physical line per record, every record as
    wide as the header, no blank line, no duplicate column. Then record i sits on line i + 2.
    None means 'not plain': the careful reader decides what is wrong and where."""
    if len(set(header)) != len(header) or "\r" in text and "\r" in text.replace("\r\n", "\n"):
        return None
    body = raw[len(codecs.BOM_UTF8):] if raw.startswith(codecs.BOM_UTF8) else raw
    try:
        table = pa_csv.read_csv(
            io.BytesIO(body),
            read_options=pa_csv.ReadOptions(column_names=header, skip_rows=1),
            parse_options=pa_csv.ParseOptions(newlines_in_values=False, ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(
                column_types={column: pyarrow.string() for column in header}, strings_can_be_null=False
            ),
        )
    except (pyarrow.ArrowInvalid, pyarrow.ArrowTypeError, UnicodeDecodeError):
        return None
    physical_lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    if table.num_rows == 0 or table.num_rows != physical_lines - 1:
        return None
    columns = {}
    for column, values in zip(header, table.columns, strict=True):
        trimmed = pc.utf8_trim_whitespace(values)
        columns[column] = pc.if_else(pc.equal(trimmed, ""), pyarrow.scalar(None, pyarrow.string()), trimmed)
    frame = pyarrow.table(columns).to_pandas()
    frame.index = pd.RangeIndex(2, 2 + len(frame), name="line")
    return frame.astype("str")


def read_raw_table(raw: bytes, name: str, careful: bool = False) -> tuple[pd.DataFrame, list[Problem]]:
    """Parse CSV bytes into a frame of strings (empty cells are missing) indexed by CSV line number.

    Rows whose field count differs from the header's are not kept; each becomes a Problem. Plain
    files go through pyarrow's reader (fast); anything else, or `careful`, through the csv module,
    which tracks physical line numbers through quoted newlines and blank lines.
    """
    text = decode_text(raw, name)
    header = _parse_header(text, name)
    plain = None if careful else _read_plain(raw, text, header)
    if plain is not None:
        return plain, []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        next(reader)
        rows, lines, problems = [], [], []
        line = reader.line_num + 1
        for record in reader:
            if record and any(cell.strip() for cell in record):
                if len(record) == len(header):
                    rows.append(record)
                    lines.append(line)
                else:
                    problems.append(
                        Problem(name, line, "(row)", f"{len(record)} fields", f"{len(header)} fields, as in the header")
                    )
            line = reader.line_num + 1
    except csv.Error as err:
        raise UnreadableFile(f"{name}: line {reader.line_num}: malformed CSV ({err})") from None
    frame = pd.DataFrame(rows, columns=header, index=pd.Index(lines, name="line"), dtype=object)
    frame = frame.apply(lambda column: column.str.strip()).replace("", None)
    return frame.astype("str").where(frame.notna(), None) if len(frame) else frame.astype(object), problems


def read_file_bytes(path: Path, name: str, kind: str = "a CSV file") -> bytes:
    """The file's bytes, with OS errors turned into one-line reasons (UnreadableFile)."""
    if path.is_dir():
        raise UnreadableFile(f"{name}: is a directory, not {kind}")
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise UnreadableFile(f"{name}: file not found") from None
    except OSError as err:
        raise UnreadableFile(f"{name}: cannot be read ({err.strerror})") from None


def read_table_file(path: Path, name: str) -> tuple[pd.DataFrame, list[Problem]]:
    """`read_raw_table` on a file, turning OS errors into one-line reasons."""
    return read_raw_table(read_file_bytes(path, name), name)


def _describe(check: str) -> str:
    """Pandera's built-in check names, in words."""
    simple = {
        "not_nullable": "a value (this column cannot be empty)",
        "field_uniqueness": "a value no other row has",
        "column_in_dataframe": "this column in the header",
        "column_in_schema": "no such column (it is not part of the format)",
    }
    if check in simple:
        return simple[check]
    if check.startswith("isin("):
        return "one of " + check[len("isin(") : -1].replace("'", "")
    if check.startswith("str_matches("):
        pattern = check[len("str_matches(") : -1].strip("'")
        return {schema.ISO_DATE: "a date written YYYY-MM-DD", schema.ID_PATTERN: schema.ID_IN_WORDS,
                schema.CHINESE_TEXT: "Chinese text (at least one Chinese character)"}.get(
            pattern, f"text matching {pattern}")
    if check.startswith("str_length("):
        return f"text of at most {schema.ID_MAX_LENGTH} characters" if check.endswith(f", {schema.ID_MAX_LENGTH})") else check
    for prefix, words in (
        ("greater_than_or_equal_to(", "a number of at least "),
        ("less_than_or_equal_to(", "a number of at most "),
    ):
        if check.startswith(prefix):
            return words + check[len(prefix) : -1]
    if "int64" in check.lower():
        return "a whole number"
    if "float" in check.lower():
        return "a number"
    if check.startswith("dtype(") or check.startswith("coerce_dtype("):
        return f"a value of type {check}"
    return check


def _shown(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "(empty)"
    return repr(str(value))


def _duplicate_key_problem(frame: pd.DataFrame, name: str, line: int, unique: list[str]) -> Problem:
    key = [column for column in unique if column in frame.columns]
    values = frame[key].fillna("(empty)")
    same = values.eq(values.loc[line]).all(axis=1)
    others = [str(other) for other in frame.index[same] if other != line]
    return Problem(
        name,
        line,
        ", ".join(key),
        repr(" / ".join(values.loc[line])),
        f"a combination no other row has (line {', '.join(others)} has the same)",
    )


def problems_from_errors(
    errors: pa.errors.SchemaErrors, frame: pd.DataFrame, name: str, ref: schema.Reference | None = None,
    unique: list[str] | None = None,
) -> list[Problem]:
    """One Problem per failing cell, from pandera's lazy failure cases. `unique` is the table's
    key (columns whose combination no two rows may share), named in a duplicate key's problem."""
    problems: dict[tuple, Problem] = {}
    lines_by_value: dict[str, dict] = {}
    for case in errors.failure_cases.to_dict("records"):
        check, column, index = str(case["check"]), case["column"], case["index"]
        target = schema.CHECK_TARGETS.get(check)
        if target is not None:
            target_column, expected = target
            if column != target_column:  # dataframe-level checks report every column of a failing row
                continue
            line = int(index)
            if callable(expected):
                expected = expected(frame.loc[line], ref)
            value = frame.at[line, column] if column in frame.columns else None
        elif check == "column_in_schema":
            line, column, value, expected = HEADER_LINE, str(case["failure_case"]), None, _describe(check)
        elif check == "column_in_dataframe":
            line, column, value, expected = HEADER_LINE, str(case["failure_case"]), None, _describe(check)
            value = "(missing)"
        elif check.startswith("multiple_fields_uniqueness"):
            problem = _duplicate_key_problem(frame, name, int(index), unique or schema.METRICS_KEY)
            problems.setdefault((problem.line, problem.column, problem.expected), problem)
            continue
        elif check == "field_uniqueness" and column in frame.columns and index is not None and not pd.isna(index):
            if column not in lines_by_value:  # once per column: a file of many duplicates stays linear
                lines_by_value[column] = frame.groupby(column, sort=False).groups
            line = int(index)
            others = [str(other) for other in lines_by_value[column].get(frame.at[line, column], []) if other != line]
            value, expected = frame.at[line, column], f"a value no other row has (line {', '.join(others)} has it too)"
        elif index is None or pd.isna(index):
            continue  # a whole-column failure that a per-row case already explains
        else:
            line = int(index)
            expected = _describe(check)
            value = frame.at[line, column] if column in frame.columns else case["failure_case"]
        problem = Problem(name, line, str(column), value if value == "(missing)" else _shown(value), str(expected))
        problems.setdefault((problem.line, problem.column, problem.expected), problem)
    return sorted(problems.values(), key=lambda p: (p.line, p.column))


def validate_frame(
    frame: pd.DataFrame, table_schema: pa.DataFrameSchema, name: str, ref: schema.Reference | None = None
) -> tuple[pd.DataFrame, list[Problem]]:
    """Validate lazily; return the coerced frame and every problem (empty when valid)."""
    try:
        return table_schema.validate(frame, lazy=True), []
    except pa.errors.SchemaErrors as errors:
        return frame, problems_from_errors(errors, frame, name, ref, unique=table_schema.unique)


def _read_and_validate(
    path: Path, name: str, table_schema: pa.DataFrameSchema, ref: schema.Reference | None = None
) -> pd.DataFrame:
    frame, problems = read_table_file(path, name)
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
            raw = path.read_bytes()
            digests[relative] = hashlib.sha256(raw).hexdigest()
            texts[relative] = raw.decode("utf-8", errors="replace")
    return texts, digests


def load_reference(root: Path = ROOT) -> tuple[schema.Reference, dict[str, pd.DataFrame], dict[str, str]]:
    """Validate the catalogues and seeds, and build what the observation checks look things up in."""
    sources_frame, problems = read_table_file(root / DATA_FILES["sources"], DATA_FILES["sources"])
    raw_texts, digests = _read_documents(root, sources_frame.get("file", pd.Series(dtype=object)))
    normalised = {path: normalise_whitespace(text) if text else None for path, text in raw_texts.items()}
    sources, more = validate_frame(sources_frame, schema.sources_schema(normalised, digests), DATA_FILES["sources"])
    if problems or more:
        raise InvalidData(problems + more)
    sources = sources.reset_index(drop=True)
    regions, tile_grid = _regions_and_tiles(root)
    catalogue = _read_and_validate(
        root / DATA_FILES["catalogue"], DATA_FILES["catalogue"], schema.MetricCatalogue.to_schema()
    )
    catalogue["lower_is_better"] = catalogue["lower_is_better"].eq("true")
    documents = {row.source_id: raw_texts[row.file] for row in sources.itertuples()}
    ref = schema.Reference(
        regions=frozenset(regions["region"]),
        metrics={row.metric: (row.unit, row.value_type) for row in catalogue.itertuples()},
        documents={row.source_id: normalised[row.file] for row in sources.itertuples()},
        published={row.source_id: (row.published if isinstance(row.published, str) else None) for row in sources.itertuples()},
        ids=_published_ids(root),
    )
    return ref, {"sources": sources, "regions": regions, "tile_grid": tile_grid, "catalogue": catalogue}, documents


def _regions_and_tiles(root: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The regions catalogue and the map's tile grid, each checked against the other: first the
    regions on their own, then the grid against them (known codes, Chinese names), then that every
    division but the country has a tile, reported at its line of data/regions.csv."""
    name = DATA_FILES["regions"]
    raw, problems = read_table_file(root / name, name)
    regions, more = validate_frame(raw, schema.Regions.to_schema(), name)
    if problems or more:
        raise InvalidData(sorted(problems + more, key=lambda p: (p.line, p.column)))
    divisions = regions[regions["level"] != schema.COUNTRY_LEVEL]
    tile_grid = _read_and_validate(
        root / DATA_FILES["tile_grid"], DATA_FILES["tile_grid"],
        schema.tile_grid_schema(dict(zip(divisions["iso_code"], divisions["name_zh"], strict=True))),
    )
    _, untiled = validate_frame(raw, schema.regions_schema(frozenset(tile_grid["iso_code"])), name)
    if untiled:
        raise InvalidData(untiled)
    return regions.reset_index(drop=True), tile_grid


def data_version(root: Path, files: list[str]) -> str:
    """A short content hash of the curated files and the seed documents (paths relative to root):
    the same files give the same version on any machine, and any edit gives a new one. A
    citation or download names it, so a reader can tell which version of the data it saw."""
    digest = hashlib.sha256()
    for relative in sorted(set(files)):
        digest.update(relative.encode("utf-8") + b"\0")
        try:
            digest.update(hashlib.sha256((root / relative).read_bytes()).digest())
        except OSError:
            digest.update(b"(unreadable)")
    return digest.hexdigest()[:VERSION_LENGTH]


def _published_ids(root: Path) -> dict[str, tuple[str, str, str | None, str]]:
    frame = _read_and_validate(
        root / DATA_FILES["published_ids"], DATA_FILES["published_ids"], schema.PublishedIds.to_schema()
    )
    return {
        row.id: (row.kind, row.region, row.metric if isinstance(row.metric, str) else None, row.source_id)
        for row in frame.itertuples()
    }


def load_dataset(root: Path = ROOT, metrics_path: Path | None = None) -> Dataset:
    """Read and validate every curated file; raise UnreadableFile or InvalidData on the first bad file."""
    ref, tables, documents = load_reference(root)
    metrics_path = metrics_path or root / DATA_FILES["metrics"]
    metrics_name = DATA_FILES["metrics"] if metrics_path == root / DATA_FILES["metrics"] else str(metrics_path)
    metrics = _read_and_validate(metrics_path, metrics_name, schema.metrics_schema(ref), ref)
    events = _read_and_validate(root / DATA_FILES["events"], DATA_FILES["events"], schema.events_schema(ref), ref)
    exclusions = _read_and_validate(
        root / DATA_FILES["exclusions"], DATA_FILES["exclusions"], schema.exclusions_schema(ref), ref
    )
    version = data_version(root, [*DATA_FILES.values(), *tables["sources"]["file"]])
    return Dataset(metrics=metrics, events=events, documents=documents, reference=ref, version=version,
                   exclusions=exclusions, **tables)


def validate_upload(raw: bytes, name: str, ref: schema.Reference) -> pd.DataFrame:
    """Validate a user's metrics CSV against the shipped catalogues; nothing is written anywhere.

    Raises UnreadableFile for a file that cannot be read or is over the size or row limit, and
    InvalidData listing every problem otherwise. Rows naming a shipped source get the quote checks.
    """
    if len(raw) > MAX_UPLOAD_MB * 1024 * 1024:
        raise UnreadableFile(f"{name}: the file is {len(raw) / 1024 / 1024:.1f} MB; the limit is {MAX_UPLOAD_MB} MB")
    frame, problems = read_raw_table(raw, name)
    if len(frame) > MAX_UPLOAD_ROWS:
        raise UnreadableFile(f"{name}: the file has {len(frame):,} rows; the limit is {MAX_UPLOAD_ROWS:,} rows")
    if frame.empty and not problems:
        raise UnreadableFile(f"{name}: the file has a header but no rows")
    validated, more = validate_frame(frame, schema.metrics_schema(ref, user_supplied=True), name, ref)
    if problems or more:
        raise InvalidData(sorted(problems + more, key=lambda p: (p.line, p.column)))
    # Whatever ids the file gives, its rows get ones no curated figure can have, named after their
    # CSV line: they live in this session only, like the rows.
    readings = validated["reading"] if "reading" in validated.columns else pd.Series(None, index=validated.index, dtype=object)
    validated = validated.assign(reading=readings.astype(object).where(readings.notna(), "certain").astype("str"))
    if "reading_note" not in validated.columns:
        validated = validated.assign(reading_note=pd.Series(None, index=validated.index, dtype="str"))
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


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    """Problems as a table a person can sort: line, column, value, expected."""
    return pd.DataFrame(
        [(p.line, p.column, p.value, p.expected) for p in problems], columns=["line", "column", "value", "expected"]
    )
