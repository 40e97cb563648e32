"""Reading a curated file safely, whatever it holds: its bytes (a regular file only: a FIFO or a
folder is refused by name), its text (UTF-8; UTF-16 named as such), its CSV header and rows (at most
MAX_COLUMNS columns, MAX_HEADER_CHARS of header, MAX_CELL_CHARS a cell), and the data/ and seeds/
folders. What cannot be read at all raises `UnreadableFile` with one line saying why; what reads
but breaks the format's rules is a `Problem` (file, CSV line, column, value, what was expected).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

HEADER_LINE = 1
# The widest file read at all (the formats have 4-16 columns) and the longest header line: a file
# over either is refused before its rows are read.
MAX_COLUMNS = 100
# The longest cell read (the csv module's default limit). Set on every careful read, because the
# limit is process-wide and a library may raise it (frictionless sets it to 2**31 on import).
MAX_CELL_CHARS = 131_072
MAX_HEADER_CHARS = 10_000


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
