"""Completeness audit: `python -m dashboard.audit [--root DIR]`, and the pure function behind it.

Every number in every seed document (see dashboard.numbers) must be accounted for:

- captured: a figure or event states it. The number sits inside one of the row's quotes in the
  document and is the row's value, its year or the bound of its period (or the words of its
  period_label, or an event's date as worded);
- excluded: data/exclusions.csv lists it, inside its quote, with a reason;
- otherwise it is unaccounted, and the audit fails: a figure was missed, or a non-figure was
  never looked at.

Exit 0 with a one-line summary when nothing is unaccounted; exit 1 listing each unaccounted number
as `file:line: "number" in "sentence"`; exit 2 with a one-line reason when the data cannot be read
or is invalid. Never a traceback. Reads only; writes nothing.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dashboard.data import Dataset, data_root, load_dataset
from dashboard.files import InvalidData, UnreadableFile
from dashboard.i18n import _, ngettext
from dashboard.numbers import (
    YEAR,
    Mention,
    find_numbers,
    line_finder,
    lost_dash_values,
    occurrences,
    same_number_text,
    sentence_at,
    sentence_spans,
)
from dashboard.schema import KIND_OF_VALUE

EXIT_COMPLETE, EXIT_UNACCOUNTED, EXIT_UNREADABLE = 0, 1, 2
CAPTURED, EXCLUDED, UNACCOUNTED = "captured", "excluded", "unaccounted"
SENTENCE_SHOWN = 1000  # characters of a sentence a finding quotes whole; of a longer one, a window:
WINDOW_SHOWN = 160  # the words around the number (a sentence listing thousands of numbers would
# otherwise put a thousand characters on the report per number)


@dataclass(frozen=True)
class Finding:
    """One number of one document and what accounts for it."""

    mention: Mention
    line: int
    sentence: str  # whitespace folded, for messages
    status: str  # captured, excluded or unaccounted
    figure_ids: tuple[str, ...] = ()
    event_ids: tuple[str, ...] = ()
    reason: str | None = None
    note: str | None = None


def _number(value: object) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _words_in(text: object, words: str) -> bool:
    return isinstance(text, str) and re.search(rf"(?<!\w){re.escape(words)}(?!\w)", text, re.I) is not None


def _period_states(mention: Mention, start: float | None, end: float | None, label: object) -> bool:
    """Whether the mention is the period a row records: its bounds, or words of its period_label."""
    if mention.kind == "year_range":
        return (start, end) == mention.values
    if mention.kind in ("year", "cardinal") and mention.value is not None and mention.value in (start, end):
        return True
    return mention.kind != "date" and _words_in(label, mention.text)


def figure_states(mention: Mention, row: dict, value_type: str | None, text: str | None = None) -> bool:
    """Whether a figure row states this mention (which lies inside the row's quote): the mention
    reads as the row's value, as the kind of number validation wants for its value type (a count
    as a cardinal, a rank as an ordinal: 'second only to' is no count of 2, 'a total of 2' no rank
    of 2); or as its stated year; or it bounds the row's period. The same reading as validation's,
    from the one reader (dashboard.numbers). `text` is kept for callers; the mention knows its reading."""
    # The value as the document states it (1025.3, in 亿元), not as converted for the charts.
    value, year = _number(row.get("stated_value", row.get("value"))), _number(row.get("year"))
    wanted = KIND_OF_VALUE.get(value_type) if value_type else None
    if value is not None and any(v == value and (wanted is None or kind == wanted) for kind, v in mention.reads):
        return True
    if row.get("reading") == "ambiguous" and value in lost_dash_values(mention):
        return True  # "build 1 2 lighthouse factories", read as 1 to 2
    if row.get("year_basis") == "stated" and year is not None and (YEAR, year) in mention.reads:
        return True
    return _period_states(mention, _number(row.get("period_start")), _number(row.get("period_end")), row.get("period_label"))


def event_states(mention: Mention, row: dict) -> bool:
    """Whether an event row states this mention: its date (as worded, or its year) or its period."""
    if _words_in(row.get("date_text"), mention.text):
        return True
    date = row.get("date")
    if mention.kind in ("year", "cardinal") and isinstance(date, str) and mention.value == _number(date[:4]):
        return True
    return _period_states(mention, _number(row.get("period_start")), _number(row.get("period_end")), None)


def _sentence_shown(text: str, start: int, end: int, mention: Mention) -> str:
    """The sentence of a number, whitespace folded, for a message: a sentence longer than
    SENTENCE_SHOWN characters is cut to the words within WINDOW_SHOWN characters around the number,
    so a report grows with its document, not with its numbers times its longest sentence."""
    if end - start <= SENTENCE_SHOWN:
        return " ".join(text[start:end].split())
    half = max(0, WINDOW_SHOWN - len(mention.text)) // 2
    left, right = max(start, mention.start - half), min(end, mention.end + half)
    words = text[left:right].split()
    if left > start and words and not text[left - 1].isspace():
        words = words[1:]  # a word cut in two is left out
    if right < end and words and not text[right].isspace():
        words = words[:-1]
    return ("... " if left > start else "") + " ".join(words) + (" ..." if right < end else "")


def _inside(mention: Mention, spans: list[tuple[int, int]]) -> bool:
    return any(start <= mention.start and mention.end <= end for start, end in spans)


def audit_document(text: str, figures: pd.DataFrame, events: pd.DataFrame, exclusions: pd.DataFrame,
                   value_types: dict[str, str]) -> list[Finding]:
    """Every number of one document with what accounts for it, in document order.

    `figures`, `events` and `exclusions` are that document's rows; `value_types` maps a metric id
    to its value type (count, money, percent, rank)."""
    mentions = find_numbers(text)
    spans_of: dict[str, list[tuple[int, int]]] = {}

    def spans(quote: object) -> list[tuple[int, int]]:
        if not isinstance(quote, str):
            return []
        if quote not in spans_of:
            spans_of[quote] = occurrences(quote, text)
        return spans_of[quote]

    figure_rows = figures.to_dict("records")
    event_rows = events.to_dict("records")
    exclusion_rows = exclusions.to_dict("records")
    sentences = sentence_spans(text)
    line_at = line_finder(text)
    findings = []
    for mention in mentions:
        figure_ids = tuple(
            row["figure_id"] for row in figure_rows
            if _inside(mention, spans(row["quote"])) and figure_states(mention, row, value_types.get(row["metric"]), text)
        )
        event_ids = tuple(
            row["event_id"] for row in event_rows if _inside(mention, spans(row["quote"])) and event_states(mention, row)
        )
        excluded = next(
            (row for row in exclusion_rows
             if same_number_text(mention.text, row["number"]) and _inside(mention, spans(row["quote"]))), None)
        start, end = sentence_at(text, mention.start, sentences)
        status = CAPTURED if figure_ids or event_ids else EXCLUDED if excluded else UNACCOUNTED
        findings.append(Finding(
            mention, line_at(mention.start), _sentence_shown(text, start, end, mention), status, figure_ids, event_ids,
            excluded["reason"] if excluded and status == EXCLUDED else None,
            excluded["note"] if excluded and status == EXCLUDED else None,
        ))
    return findings


def _by_source(frame: pd.DataFrame | None, source_ids: list[str]) -> dict[str, pd.DataFrame]:
    if frame is None:
        frame = pd.DataFrame(columns=["source_id"])
    groups = {source_id: rows for source_id, rows in frame.groupby("source_id", sort=False)}
    return {source_id: groups.get(source_id, frame.iloc[0:0]) for source_id in source_ids}


def audit_dataset(dataset: Dataset, source_ids: list[str] | None = None) -> dict[str, list[Finding]]:
    """audit_document for each listed document (default: all), keyed by source id."""
    ids = list(dataset.sources["source_id"]) if source_ids is None else list(source_ids)
    value_types = dict(zip(dataset.catalogue["metric"], dataset.catalogue["value_type"], strict=True))
    figures, events = _by_source(dataset.metrics, ids), _by_source(dataset.events, ids)
    exclusions = _by_source(dataset.exclusions, ids)
    return {
        source_id: audit_document(dataset.documents[source_id], figures[source_id], events[source_id],
                                  exclusions[source_id], value_types)
        for source_id in ids
    }


def count_text(findings: list[Finding]) -> str:
    """'31 numbers: 24 stating 26 figures, 2 dates or periods, 5 excluded' (and ', 1 unaccounted'
    when any is). Numbers and figures are counted apart: one number may state several figures
    ('2' for Beijing and Guangdong), and a page beside it counts the figures."""
    stating = sum(1 for f in findings if f.figure_ids)
    figures = len({i for f in findings for i in f.figure_ids})
    dates = sum(1 for f in findings if f.status == CAPTURED and not f.figure_ids)
    excluded = sum(1 for f in findings if f.status == EXCLUDED)
    unaccounted = sum(1 for f in findings if f.status == UNACCOUNTED)
    text = _("{numbers}: {stating}, {dates}, {excluded} excluded").format(
        numbers=ngettext("{n} number", "{n} numbers", len(findings)).format(n=len(findings)),
        stating=_("{n} stating {figures}").format(
            n=stating, figures=ngettext("{n} figure", "{n} figures", figures).format(n=figures)),
        dates=ngettext("{n} date or period", "{n} dates or periods", dates).format(n=dates), excluded=excluded)
    return text + (_(", {n} unaccounted").format(n=unaccounted) if unaccounted else "")


def load_for_command_line(root: Path) -> Dataset | None:
    """The validated dataset, or None after printing in one line why it cannot be had (the
    command lines then exit 2; validate lists the problems themselves)."""
    try:
        return load_dataset(root)
    except UnreadableFile as err:
        print(f"error: {err.command_line}", file=sys.stderr)
    except InvalidData as err:
        print(f"error: the curated data has {len(err.problems)} problem(s); run python -m dashboard.validate to list them",
              file=sys.stderr)
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard.audit", description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=None,
                        help="project folder holding data/ and seeds/ (default: $DASHBOARD_ROOT when set, else this checkout)")
    args = parser.parse_args(argv)
    dataset = load_for_command_line(args.root or data_root())
    if dataset is None:
        return EXIT_UNREADABLE
    results = audit_dataset(dataset)
    files = dict(zip(dataset.sources["source_id"], dataset.sources["file"], strict=True))
    missing = [(files[source_id], f) for source_id, findings in results.items() for f in findings if f.status == UNACCOUNTED]
    everything = [f for findings in results.values() for f in findings]
    if missing:
        for file, finding in missing:
            print(f'{file}:{finding.line}: "{finding.mention.text}" in "{finding.sentence}"', file=sys.stderr)
        print(f"incomplete: {len(missing)} number(s) neither recorded nor excluded (add the figure to data/metrics.csv, "
              "or the number to data/exclusions.csv with a reason)", file=sys.stderr)
        return EXIT_UNACCOUNTED
    print(f"complete: {len(results)} document(s), {count_text(everything)}")
    return EXIT_COMPLETE


if __name__ == "__main__":
    sys.exit(main())
