"""Pandera's failures as `Problem`s a person can act on: each at its file, CSV line and column, the
value shown as written (characters beyond ASCII by code point where a name or number is expected),
what was expected in words (a check's name from schema.CHECK_TARGETS, or Pandera's built-in checks
described), duplicate keys naming the lines they share, numbers in other digits refused by name.
"""

from __future__ import annotations

import unicodedata

import pandas as pd
import pandera.pandas as pa

from dashboard import schema
from dashboard.files import HEADER_LINE, Problem, UnreadableFile
from dashboard.i18n import N_


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
    for line, values in zip(frame.index.tolist(), zip(*cells, strict=False), strict=False):
        groups.setdefault(values, []).append(line)
    problems = []
    for line, values in zip(frame.index.tolist(), zip(*cells, strict=False), strict=False):
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


def no_rows(frame: pd.DataFrame, problems: list[Problem], name: str) -> None:
    if frame.empty and not problems:
        raise UnreadableFile(f"{name}: the file has a header but no rows")


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    """Problems as a table a person can sort: line, column, value, expected."""
    return pd.DataFrame(
        [(p.line, p.column, p.value, p.expected) for p in problems], columns=["line", "column", "value", "expected"]
    )
