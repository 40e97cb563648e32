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
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import pyarrow
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from dashboard import schema
from dashboard.evidence import normalise_whitespace
from dashboard.i18n import N_

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
    "units": "data/units.csv",
}
HEADER_LINE = 1
# One upload limit, stated the same everywhere: 5 MB = 5,000,000 bytes. The widget's limit is given
# in MB (browsers on Linux and macOS count 1 MB as 1,000,000 bytes, on Windows as 1,048,576); the
# server's transport cap (server.maxUploadSize = 5, counted in MiB) sits just above; this module
# enforces the exact limit for every client.
MAX_UPLOAD_MB = 5
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1_000_000
MAX_UPLOAD_ROWS = 5_000
VERSION_LENGTH = 10
UPLOAD_ID_PREFIX = "user.line-"  # the "." keeps it out of the curated id form (schema.ID_PATTERN)
# The widest file read at all (the formats have 4-16 columns) and the longest header line: a file
# over either is refused before its rows are read.
MAX_COLUMNS = 100
# The longest cell read (the csv module's default limit). Set on every careful read, because the
# limit is process-wide and a library may raise it (frictionless sets it to 2**31 on import).
MAX_CELL_CHARS = 131_072
MAX_HEADER_CHARS = 10_000


def data_root() -> Path:
    """Where the app reads data/ and seeds/ from: $DASHBOARD_ROOT if set (tests, staging), else this checkout."""
    return Path(os.environ.get("DASHBOARD_ROOT") or ROOT)


class UnreadableFile(Exception):
    """The file cannot be read as a UTF-8, comma-separated CSV: one line says why.

    The message names files as the project does (data/metrics.csv, seeds/): it is shown to anyone
    (pages, API responses). `command_line` is the same line with the server's own path in it,
    for the person at the command line who chose the folder; no page or response shows it."""

    def __init__(self, message: str, command_line: str | None = None):
        super().__init__(message)
        self.command_line = command_line or message


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
    units: pd.DataFrame | None = None  # the units documents state values in, with factors (data/units.csv)


def _utf16(raw: bytes) -> str | None:
    """How the bytes look like UTF-16 (a byte order mark, or NUL in every other byte of ASCII text), or None."""
    if raw[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return f"this is UTF-16 text (byte order mark {raw[0]:02X} {raw[1]:02X})"
    head = raw[:200]
    if len(head) >= 4 and len(head) % 2 == 0:
        if not any(head[1::2]) and all(head[0::2]):
            return "this looks like UTF-16 text (little-endian, no byte order mark)"
        if not any(head[0::2]) and all(head[1::2]):
            return "this looks like UTF-16 text (big-endian, no byte order mark)"
    return None


def decode_text(raw: bytes, name: str, kind: str = "a CSV") -> str:
    """UTF-8 text of a file's bytes; an empty, UTF-16, binary or non-UTF-8 file raises UnreadableFile."""
    if not raw.strip():
        raise UnreadableFile(f"{name}: the file is empty")
    utf16 = _utf16(raw)
    if utf16:
        raise UnreadableFile(f"{name}: {utf16}; expected UTF-8: save the file as UTF-8")
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
    """The header's column names. A header that is too long or too wide is refused before any
    row is read; a column named twice is reported on line 1."""
    end = text.find("\n", 0, MAX_HEADER_CHARS + 2)
    line = text[: end if end >= 0 else MAX_HEADER_CHARS + 2].rstrip("\r")
    if len(line) > MAX_HEADER_CHARS:
        raise UnreadableFile(
            f"{name}: the header line is longer than {MAX_HEADER_CHARS:,} characters; this is not a metrics CSV"
        )
    header = next(csv.reader(io.StringIO(line, newline="")), [""])
    if len(header) > MAX_COLUMNS:
        raise UnreadableFile(f"{name}: the header has {len(header):,} columns; the limit is {MAX_COLUMNS}")
    if len(header) == 1:
        for delimiter, label in ((";", "semicolons"), ("\t", "tabs"), ("|", "pipes")):
            if delimiter in header[0]:
                raise UnreadableFile(
                    f"{name}: not comma-separated (the header is split by {label}); save it as a comma-separated CSV"
                )
    header = [column.strip() for column in header]
    positions: dict[str, list[int]] = {}
    for position, column in enumerate(header, start=1):
        positions.setdefault(column, []).append(position)
    twice = [(column, where) for column, where in positions.items() if len(where) > 1]
    if twice:
        raise InvalidData([
            Problem(name, HEADER_LINE, column,
                    f"a duplicate column (columns {', '.join(map(str, where[:-1]))} and {where[-1]})",
                    "each column named once in the header")
            for column, where in twice
        ])
    return header


def _read_plain(raw: bytes, text: str, header: list[str]) -> pd.DataFrame | None:
    """pyarrow's CSV reader, for a plain file only: one physical line per record, every record as
    wide as the header, no blank line but at the end. Then record i sits on line i + 2. A record
    of empty cells is no row (as in the careful reader). None means 'not plain': the careful
    reader decides what is wrong and where."""
    if "\r" in text and "\r" in text.replace("\r\n", "\n"):
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
    if any((pc.max(pc.utf8_length(values)).as_py() or 0) > MAX_CELL_CHARS for values in table.columns):
        return None  # the careful reader refuses it with its line, as for any file
    columns = {}
    for column, values in zip(header, table.columns, strict=True):
        trimmed = pc.utf8_trim_whitespace(values)
        columns[column] = pc.if_else(pc.equal(trimmed, ""), pyarrow.scalar(None, pyarrow.string()), trimmed)
    frame = pyarrow.table(columns).to_pandas()
    frame.index = pd.RangeIndex(2, 2 + len(frame), name="line")
    blank = frame.isna().all(axis=1)  # a trailing blank line reads as one empty cell per column
    return frame[~blank].astype("str") if blank.any() else frame.astype("str")


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
    csv.field_size_limit(MAX_CELL_CHARS)
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
        if "field larger than field limit" in str(err):
            raise UnreadableFile(
                f"{name}: line {reader.line_num}: a cell is longer than {MAX_CELL_CHARS:,} characters"
            ) from None
        raise UnreadableFile(f"{name}: line {reader.line_num}: malformed CSV ({err})") from None
    frame = pd.DataFrame(rows, columns=header, index=pd.Index(lines, name="line"), dtype=object)
    frame = frame.apply(lambda column: column.str.strip()).replace("", None)
    return frame.astype("str").where(frame.notna(), None) if len(frame) else frame.astype(object), problems


_KINDS = {stat.S_IFIFO: "a FIFO", stat.S_IFSOCK: "a socket", stat.S_IFCHR: "a character device",
          stat.S_IFBLK: "a block device"}


def read_file_bytes(path: Path, name: str, kind: str = "a CSV file") -> bytes:
    """A regular file's bytes, or UnreadableFile with one line saying why not. A FIFO, socket or
    device is refused from its stat, never opened (opening a FIFO waits for a writer)."""
    try:
        mode = os.stat(path).st_mode
        if stat.S_ISDIR(mode):
            raise UnreadableFile(f"{name}: is a directory, not {kind}")
        if not stat.S_ISREG(mode):
            what = _KINDS.get(stat.S_IFMT(mode), "not a file")
            raise UnreadableFile(f"{name}: not a regular file ({what}); expected {kind}")
        return path.read_bytes()
    except FileNotFoundError:
        raise UnreadableFile(f"{name}: file not found") from None
    except OSError as err:
        raise UnreadableFile(f"{name}: cannot be read ({err.strerror})") from None


def read_table_file(path: Path, name: str, digests: dict[str, str] | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """`read_raw_table` on a file, turning OS errors into one-line reasons. With `digests`, the
    file's SHA-256 is recorded there under `name` (what the data version is made of)."""
    raw = read_file_bytes(path, name)
    if digests is not None:
        digests[name] = hashlib.sha256(raw).hexdigest()
    return read_raw_table(raw, name)


DATA_FOLDERS = ("data", "seeds")


def list_folder(root: Path, folder: str) -> list[os.DirEntry]:
    """The entries of root/folder (data or seeds), or UnreadableFile naming the folder when it is
    missing, a file, or cannot be listed (and the path, for the command lines)."""
    path = root / folder
    try:
        with os.scandir(path) as listing:
            return list(listing)
    except FileNotFoundError:
        raise UnreadableFile(f"{folder}/: folder not found", f"{folder}/: folder not found ({path})") from None
    except NotADirectoryError:
        raise UnreadableFile(f"{folder}/: not a folder (it is a file)", f"{folder}/: not a folder ({path} is a file)") from None
    except OSError as err:
        raise UnreadableFile(f"{folder}/: cannot be read ({err.strerror})",
                             f"{folder}/: cannot be read ({path}: {err.strerror})") from None


def _identity(path: Path | str) -> tuple[int, int] | None:
    """(device, inode) of what the path names, links followed; None if it names nothing."""
    try:
        found = os.stat(path)
    except (OSError, ValueError):
        return None
    return found.st_dev, found.st_ino


def lands_in_curated_folders(path: Path, roots: Iterable[Path]) -> bool:
    """Whether writing `path` would touch the data/ or seeds/ of any of these project roots, by any
    name. Files and folders are compared by device and inode, not by name: a hard link to
    data/metrics.csv, a symlink to seeds/, '..' or a second mount of the same folder are caught,
    where resolving paths sees only symlinks."""
    folders, files = set(), set()
    for root in roots:
        for folder in DATA_FOLDERS:
            for top, _, names in os.walk(Path(root) / folder, followlinks=True):
                folders.add(_identity(top))
                files.update(_identity(os.path.join(top, name)) for name in names)
    folders.discard(None)
    files.discard(None)
    target = Path(os.getcwd(), path)  # absolute, its '..' left for the kernel to follow as it will
    if _identity(target) in files | folders:
        return True
    return any(_identity(parent) in folders for parent in target.parents)


def check_folders(root: Path) -> None:
    """data/ and seeds/ exist under root, are folders and can be listed; else UnreadableFile naming the path."""
    for folder in DATA_FOLDERS:
        list_folder(root, folder)


def _describe(check: str) -> str:
    """Pandera's built-in check names, in words."""
    simple = {
        "not_nullable": N_("a value (this column cannot be empty)"),
        "field_uniqueness": N_("a value no other row has"),
        "column_in_dataframe": N_("this column in the header"),
        "column_in_schema": N_("no such column (it is not part of the format)"),
    }
    if check in simple:
        return simple[check]
    if check.startswith("isin("):
        return "one of " + check[len("isin(") : -1].replace("'", "")
    if check.startswith("str_matches("):
        pattern = check[len("str_matches(") : -1].strip("'")
        return {schema.ISO_DATE: N_("a date written YYYY-MM-DD"), schema.ID_PATTERN: schema.ID_IN_WORDS,
                schema.CHINESE_TEXT: N_("Chinese text (at least one Chinese character)")}.get(
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


# Free text, where characters beyond ASCII are expected; in other columns (names, ids, codes,
# numbers) they are shown by code point, so 'Shanxі' with a Cyrillic і does not read as Shanxi.
# Text where letters of any script are expected: its code points are not shown (every *_zh column,
# the Chinese names, too).
FREE_TEXT_COLUMNS = frozenset({"quote", "note", "title", "period_label", "definition", "label", "published_text",
                               "date_text", "name_zh", "publisher", "category", "reading_note", "unit",
                               "canonical_unit"})  # units as documents write them: 亿元, 家
CODE_POINTS_SHOWN = 3


def _code_points(text: str) -> str:
    """' (not ASCII: U+0456 CYRILLIC SMALL LETTER ... at character 6)' for a text with non-ASCII characters, else ''."""
    odd = [(i, char) for i, char in enumerate(text, start=1) if not char.isascii()]
    if not odd:
        return ""
    shown = ", ".join(f"U+{ord(char):04X} {unicodedata.name(char, 'UNNAMED')} at character {i}"
                      for i, char in odd[:CODE_POINTS_SHOWN])
    return f" (not ASCII: {shown}{f' and {len(odd) - CODE_POINTS_SHOWN} more' if len(odd) > CODE_POINTS_SHOWN else ''})"


def _shown(value: object, column: str = "") -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "(empty)"
    text = str(value)
    free = column in FREE_TEXT_COLUMNS or column.endswith("_zh")
    return repr(text) + ("" if free else _code_points(text))


SAME_LINES_SHOWN = 5


def _others(shown: list[int], total: int) -> str:
    """'line 7 has', 'lines 7, 9 and 12 have', 'lines 7, 9, 12, 14, 20 and 44 more have'."""
    if total == 1:
        return f"line {shown[0]} has"
    if total <= len(shown):
        return f"lines {', '.join(map(str, shown[:-1]))} and {shown[-1]} have"
    return f"lines {', '.join(map(str, shown))} and {total - len(shown)} more have"


def _duplicate_key_problems(frame: pd.DataFrame, name: str, key: list[str], lines: set[int]) -> list[Problem]:
    """One problem per line in `lines` whose key another row shares, naming a few of those rows.

    The rows are grouped by key once (a dict of key -> lines), so the report is linear in the
    rows however many duplicates there are; it names at most SAME_LINES_SHOWN other lines, so its
    size is linear too (with every row the same, naming all the others would be quadratic)."""
    key = [column for column in key if column in frame.columns]
    cells = [frame[column].astype(object).where(frame[column].notna(), "(empty)").astype(str).tolist() for column in key]
    groups: dict[tuple, list[int]] = {}
    for line, values in zip(frame.index.tolist(), zip(*cells)):
        groups.setdefault(values, []).append(line)
    problems = []
    for line, values in zip(frame.index.tolist(), zip(*cells)):
        if line in lines:
            same = groups[values]
            shown = [other for other in same[: SAME_LINES_SHOWN + 1] if other != line][:SAME_LINES_SHOWN]
            problems.append(Problem(
                name, line, ", ".join(key), repr(" / ".join(values)),
                f"a combination no other row has ({_others(shown, len(same) - 1)} the same)",
            ))
    return problems


def problems_from_errors(
    errors: pa.errors.SchemaErrors, frame: pd.DataFrame, name: str, ref: schema.Reference | None = None,
    unique: list[str] | None = None,
) -> list[Problem]:
    """One Problem per failing cell, from pandera's lazy failure cases. `unique` is the table's
    key (columns whose combination no two rows may share), named in a duplicate key's problem."""
    problems: dict[tuple, Problem] = {}
    lines_by_value: dict[str, dict] = {}
    duplicates: set[int] = set()
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
            duplicates.add(int(index))  # reported below, all at once
            continue
        elif check == "field_uniqueness" and column in frame.columns and index is not None and not pd.isna(index):
            if column not in lines_by_value:  # once per column: a file of many duplicates stays linear
                lines_by_value[column] = frame.groupby(column, sort=False).groups
            line = int(index)
            same = lines_by_value[column].get(frame.at[line, column], [])
            # At most SAME_LINES_SHOWN others: with every row the same, naming all would be quadratic.
            shown = [int(other) for other in same[: SAME_LINES_SHOWN + 1] if other != line][:SAME_LINES_SHOWN]
            value, expected = frame.at[line, column], f"a value no other row has ({_others(shown, len(same) - 1)} it too)"
        elif index is None or pd.isna(index):
            continue  # a whole-column failure that a per-row case already explains
        else:
            line = int(index)
            expected = _describe(check)
            value = frame.at[line, column] if column in frame.columns else case["failure_case"]
        problem = Problem(name, line, str(column), value if value == "(missing)" else _shown(value, str(column)),
                          str(expected))
        problems.setdefault((problem.line, problem.column, problem.expected), problem)
    if duplicates:
        for problem in _duplicate_key_problems(frame, name, list(unique or schema.METRICS_KEY), duplicates):
            problems.setdefault((problem.line, problem.column, problem.expected), problem)
    return sorted(problems.values(), key=lambda p: (p.line, p.column))


NOT_ASCII_NUMBER = (
    "a number in ASCII digits 0-9 (full-width and other scripts' digits, and '_' between digits, are not numbers "
    "in this data)"
)
_NOT_ASCII_NUMBER_CELL = r"[^\x00-\x7f]|_"


def _foreign_number_cells(frame: pd.DataFrame, table_schema: pa.DataFrameSchema, name: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Number cells holding non-ASCII characters or '_' ("１４", "١٤", "1_4"), which pandas would
    coerce to 14: one Problem each, and the frame with those cells emptied so no other check reads
    them as numbers."""
    problems, cleaned = [], frame
    for column, spec in table_schema.columns.items():
        if column not in frame.columns or not pd.api.types.is_numeric_dtype(spec.dtype.type):
            continue
        bad = frame[column].astype("string").str.contains(_NOT_ASCII_NUMBER_CELL, regex=True).fillna(False)
        if bad.any():
            cleaned = cleaned.copy() if cleaned is frame else cleaned
            for line in frame.index[bad.to_numpy(dtype=bool)]:
                problems.append(Problem(name, int(line), column, _shown(frame.at[line, column], column), NOT_ASCII_NUMBER))
            cleaned.loc[bad.to_numpy(dtype=bool), column] = None
    return cleaned, problems


def validate_frame(
    frame: pd.DataFrame, table_schema: pa.DataFrameSchema, name: str, ref: schema.Reference | None = None
) -> tuple[pd.DataFrame, list[Problem]]:
    """Validate lazily; return the coerced frame and every problem (empty when valid)."""
    checked, foreign = _foreign_number_cells(frame, table_schema, name)
    reported = {(p.line, p.column) for p in foreign}
    try:
        validated = table_schema.validate(checked, lazy=True)
        return (frame, foreign) if foreign else (validated, [])
    except pa.errors.SchemaErrors as errors:
        unique = table_schema.unique if isinstance(table_schema.unique, list) else None
        problems = problems_from_errors(errors, checked, name, ref, unique)
        problems = [p for p in problems if (p.line, p.column) not in reported]  # its own message says why
        return frame, sorted(foreign + problems, key=lambda p: (p.line, p.column))


def _no_rows(frame: pd.DataFrame, problems: list[Problem], name: str) -> None:
    if frame.empty and not problems:
        raise UnreadableFile(f"{name}: the file has a header but no rows")


def _read_and_validate(
    path: Path, name: str, table_schema: pa.DataFrameSchema, ref: schema.Reference | None = None,
    may_be_empty: bool = False, digests: dict[str, str] | None = None,
) -> pd.DataFrame:
    frame, problems = read_table_file(path, name, digests)
    if not may_be_empty:
        _no_rows(frame, problems, name)
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
    sources_frame, problems = read_table_file(root / DATA_FILES["sources"], DATA_FILES["sources"], digests)
    _no_rows(sources_frame, problems, DATA_FILES["sources"])
    raw_texts, seed_digests = _read_documents(root, sources_frame.get("file", pd.Series(dtype=object)))
    digests.update({path: digest for path, digest in seed_digests.items() if digest})
    normalised = {path: normalise_whitespace(text) if text else None for path, text in raw_texts.items()}
    sources, more = validate_frame(sources_frame, schema.sources_schema(normalised, seed_digests), DATA_FILES["sources"])
    if problems or more:
        raise InvalidData(problems + more)
    sources = sources.reset_index(drop=True)
    regions, tile_grid = _regions_and_tiles(root, digests)
    catalogue = _read_and_validate(
        root / DATA_FILES["catalogue"], DATA_FILES["catalogue"], schema.MetricCatalogue.to_schema(), digests=digests
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
        ids=_published_ids(root, digests),
        units={(row.unit, row.canonical_unit if isinstance(row.canonical_unit, str) else ""):
               (row.value_type, Decimal(row.factor)) for row in units.itertuples()},
    )
    return ref, {"sources": sources, "regions": regions, "tile_grid": tile_grid, "catalogue": catalogue,
                 "units": units}, documents


def _units(root: Path, catalogue: pd.DataFrame, digests: dict[str, str]) -> pd.DataFrame:
    """data/units.csv, each canonical unit checked against the catalogue's units of its value type.
    A project whose documents state every value in its metric's unit may leave it without rows."""
    catalogue_units = {kind: frozenset(rows["unit"]) for kind, rows in catalogue.groupby("value_type")}
    return _read_and_validate(root / DATA_FILES["units"], DATA_FILES["units"], schema.units_schema(catalogue_units),
                              may_be_empty=True, digests=digests)


STATED_VALUE, STATED_UNIT = "stated_value", "stated_unit"


def in_canonical_units(metrics: pd.DataFrame, ref: schema.Reference) -> pd.DataFrame:
    """Validated figures with `value` and `unit` in each metric's canonical unit, converted exactly
    (Decimal: 1025.3 亿元 is 102.53 billion yuan, not 102.53000000000002), and the value and unit
    the document states kept as stated_value and stated_unit (the figure page shows both). What
    reads a figure against its quote (the audit, the draft's check) reads the stated ones."""
    stated_values, stated_units = metrics["value"].tolist(), metrics["unit"].astype(object).tolist()
    values, units = [], []
    for value, unit, metric in zip(stated_values, stated_units, metrics["metric"].tolist(), strict=True):
        factor = ref.factor(unit, metric)
        if factor is None or factor == 1 or pd.isna(value):
            values.append(value)
            units.append(ref.metrics[metric][0] if factor is not None else unit)
        else:
            values.append(float(Decimal(repr(float(value))) * factor))
            units.append(ref.metrics[metric][0])
    return metrics.assign(**{STATED_VALUE: metrics["value"], STATED_UNIT: metrics["unit"],
                             "value": pd.Series(values, index=metrics.index, dtype=float),
                             "unit": pd.Series(units, index=metrics.index, dtype=metrics["unit"].dtype)})


def _regions_and_tiles(root: Path, digests: dict[str, str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The regions catalogue and the map's tile grid, each checked against the other: first the
    regions on their own, then the grid against them (known codes, Chinese names), then that every
    division but the country has a tile, reported at its line of data/regions.csv."""
    name = DATA_FILES["regions"]
    raw, problems = read_table_file(root / name, name, digests)
    regions, more = validate_frame(raw, schema.Regions.to_schema(), name)
    if problems or more:
        raise InvalidData(sorted(problems + more, key=lambda p: (p.line, p.column)))
    divisions = regions[regions["level"] != schema.COUNTRY_LEVEL]
    tile_grid = _read_and_validate(
        root / DATA_FILES["tile_grid"], DATA_FILES["tile_grid"],
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


def _published_ids(root: Path, digests: dict[str, str]) -> dict[str, tuple[str, str, str | None, str]]:
    frame = _read_and_validate(
        root / DATA_FILES["published_ids"], DATA_FILES["published_ids"], schema.PublishedIds.to_schema(), digests=digests
    )
    return {
        row.id: (row.kind, row.region, row.metric if isinstance(row.metric, str) else None, row.source_id)
        for row in frame.itertuples()
    }


def load_dataset(root: Path = ROOT, metrics_path: Path | None = None) -> Dataset:
    """Read and validate every curated file; raise UnreadableFile or InvalidData on the first bad file."""
    digests: dict[str, str] = {}  # every file read, by name: the data version, with no second read
    ref, tables, documents = load_reference(root, digests)
    metrics_path = metrics_path or root / DATA_FILES["metrics"]
    metrics_name = DATA_FILES["metrics"] if metrics_path == root / DATA_FILES["metrics"] else str(metrics_path)
    metrics = in_canonical_units(
        _read_and_validate(metrics_path, metrics_name, schema.metrics_schema(ref), ref, digests=digests), ref)
    events = _read_and_validate(
        root / DATA_FILES["events"], DATA_FILES["events"], schema.events_schema(ref), ref, may_be_empty=True,
        digests=digests,
    )
    exclusions = _read_and_validate(  # a set of documents may well have no number to exclude
        root / DATA_FILES["exclusions"], DATA_FILES["exclusions"], schema.exclusions_schema(ref), ref, may_be_empty=True,
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
    _no_rows(frame, problems, name)
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


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    """Problems as a table a person can sort: line, column, value, expected."""
    return pd.DataFrame(
        [(p.line, p.column, p.value, p.expected) for p in problems], columns=["line", "column", "value", "expected"]
    )
