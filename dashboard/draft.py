"""Draft the figures of a new document: `python -m dashboard.draft PATH [--source-id ID] [-o FILE] [--check]`.

Proposes one candidate row per numeric claim, in the data/metrics.csv format, for a curator to
review: the shortest verbatim clause that holds the number as `quote`, the value, a unit guess,
the qualifier ("more than"/"over" -> more_than, "about"/"nearly" -> approx, "at least" ->
at_least, "no more than"/"up to" -> at_most, "two or three" -> two rows), the status (plans,
aims, "will", "by 2025" -> target; advisers' proposals -> proposed), the year (stated in the
clause; "last year" resolved from the document's date; else the document's date for a stock
figure, or empty and 'unstated'), a region guess from data/regions.csv and a metric guess from
data/metric_catalogue.csv, marked as guesses in `note`. A Chinese document (more Chinese characters
than Latin letters) is read with the Chinese words of dashboard.number_words.CHINESE, its regions by their
Chinese names and its metrics by label_zh and synonyms_zh (dashboard.draft_chinese). Numbers that only date the document,
bound a period or name something are skipped and listed on stderr; a stray-space number ("1 2")
is read joined and marked `reading = ambiguous` for review.

It never writes into data/ or seeds/ (of this checkout, of --root, or of $DASHBOARD_ROOT, the
folder the app serves, whatever name the output has: a hard link or symlink to a curated file
counts as that file). With no --root, it reads $DASHBOARD_ROOT when set, as the app does.
`--check` compares the draft with the curated rows of the same document (--source-id) and prints
recall and precision. Exit 0 on success, 2 with a one-line reason when the input cannot be read
or the output would land in data/ or seeds/.

Over ~400 lines: one job, drafting a document's rows; the reading of a clause, the guesses (unit,
region, metric, year) and the check against curated rows change together when a new form of claim
is taught. What a number is lives in numbers.py; reading a file in files.py.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import functools
import io
import math
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dashboard import audit, draft_chinese
from dashboard.data import ROOT, data_root
from dashboard.files import UnreadableFile, decode_text, lands_in_curated_folders, read_file_bytes
from dashboard.numbers import Mention, find_numbers, line_finder, line_of, lost_dash_values, occurrences, sentence_spans
from dashboard.schema import Metrics

EXIT_OK, EXIT_UNREADABLE = 0, 2
COLUMNS = list(Metrics.to_schema().columns)
_QUALIFIERS = [
    (re.compile(r"\b(?:no more than|not more than|up to|at most|a maximum of)\s+$", re.I), "at_most"),
    (re.compile(r"\b(?:at least|no less than|not less than|a minimum of)\s+$", re.I), "at_least"),
    (re.compile(r"\b(?:more than|over|above|exceeding|in excess of)\s+$", re.I), "more_than"),
    (re.compile(r"\b(?:about|around|nearly|approximately|roughly|almost|some|close to)\s+$", re.I), "approx"),
]
_TARGET = re.compile(r"\b(?:will|would|plans?|planned|aims? (?:to|for)|aiming|strive|target|goal|should|shall|requires?|to be built|"
                     r"by (?:19|20)\d\d|action plan|proposes to)\b", re.I)
_PROPOSED = re.compile(r"\b(?:propos\w*|suggest\w*|recommend\w*)\b", re.I)
_RANK_WORDS = re.compile(r"\b(?:rank\w*|place|position)\b", re.I)
_PERIOD_AFTER = re.compile(r"^[- ](?:years?|months?|decades?)\b", re.I)
_IDIOMS = re.compile(r"\b(?:on the one hand|one of|zero carbon|zero breakthroughs?|first[- ]class|first echelon|"
                     r"second only to)\b", re.I)
_SECOND_ONLY = re.compile(r"^[^.;]{0,80}?\bsecond only to ([A-Z][a-z]+(?:(?:, | and )[A-Z][a-z]+)*)")
_DONE_AFTER = re.compile(r"^(?:\s+[\w-]+){1,3}?\s+(?:announced|approved|built|established|identified|issued)\b")
_DONE = re.compile(r"\b(?:had|has|have)\s+(?:\w+\s+){0,2}?(?:grown|risen|increased|built|reached|won)\b|"
                   r"\b(?:increased|reached|rose|grew|won|completed)\b", re.I)
# Possessive, and " and " only from the start of its whitespace: a long run of spaces is read once.
_CLAUSE_BREAK = re.compile(r"[,;:]\s++|(?<!\s)\s++and\s++(?=(?:build|support|the|a|an|[a-z]+s)\b)")
_PARAGRAPH = re.compile(r"[^\n]+(?:\n(?![^\S\n]*+\n)[^\n]+)*")  # lines up to a blank line
MAX_QUOTE = 600  # characters: a longer clause is cut to the words around its number
_BEFORE_READ = 300  # characters of the clause before a number that the metric guess reads
_WORD = re.compile(r"[a-z]+")
_NATIONAL = re.compile(r"\bChina's\b|\bnational\b")
_LAST_YEAR = re.compile(r"\blast year\b", re.I)
_STOP = frozenset("the of and in a an to for with by on at as from that this these those its their".split())


@dataclass
class Candidate:
    """A proposed row, and where its number sits in the document."""

    row: dict
    mention: Mention
    quote_span: tuple[int, int]


@dataclass
class Draft:
    candidates: list[Candidate] = field(default_factory=list)
    skipped: list[tuple[Mention, str]] = field(default_factory=list)  # (number, why it is no figure)


def document_date(text: str) -> str | None:
    """The ISO date of the document's date line (within its first lines), if it has one."""
    head = "\n".join(text.splitlines()[:12])
    match = re.search(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)", head)
    if match:
        return match.group(0)
    match = re.search(r"(?<![\d-])(\d{2})-(\d{2})-(\d{4})(?![\d-])", head)
    if match:
        return f"{match.group(3)}-{match.group(1)}-{match.group(2)}"
    match = re.search(r"(?<!\d)(\d{4})年(\d{1,2})月(\d{1,2})日", head)  # 2023年4月12日
    return f"{match.group(1)}-{int(match.group(2)):02d}-{int(match.group(3)):02d}" if match else None


class _Reading:
    """What drafting asks of one text once per number (its line, sentence, paragraph, clause, the
    numbers near it, whether a span names a region or a plan), answered from indexes built once
    or remembered per span. Asking the text itself each time is quadratic in a long document."""

    def __init__(self, text: str, numbers: list[Mention], sentences: list[tuple[int, int]]):
        self.text, self.numbers, self.sentences = text, numbers, sentences
        self.line_at = line_finder(text)
        words = [match.span() for match in re.finditer(r"\S+", text)]
        self.word_starts, self.word_ends = [a for a, _ in words], [b for _, b in words]
        self.starts = [m.start for m in numbers]
        self.years = [m for m in numbers if m.kind == "year"]
        self.year_starts = [m.start for m in self.years]
        self.plans = [m for m in numbers if m.kind == "year_range"]
        self.plan_starts = [m.start for m in self.plans]
        self.paragraphs = [match.span() for match in _PARAGRAPH.finditer(text)]
        self._pieces: dict[tuple[int, int], list[tuple[int, int]]] = {}
        self._memo: dict[tuple, object] = {}

    def year_before(self, position: int, not_before: int) -> Mention | None:
        """The last year that ends by `position` and starts at `not_before` or later. Years do not
        overlap, so their ends rise with their starts: a bisection, not a scan of every year."""
        index = bisect.bisect_left(self.year_starts, position) - 1
        while index >= 0 and self.years[index].end > position:
            index -= 1
        return self.years[index] if index >= 0 and self.years[index].start >= not_before else None

    def year_earlier_on_line(self, position: int) -> Mention | None:
        """The last year that starts before `position` on the same line (line numbers, not a search
        of the text back to the line's start, which is the whole text when it has no line break)."""
        index = bisect.bisect_left(self.year_starts, position) - 1
        return self.years[index] if index >= 0 and self.line_at(self.years[index].start) == self.line_at(position) else None

    def memo(self, key: tuple, compute):
        found = self._memo.get(key, self._memo)
        if found is self._memo:
            found = self._memo[key] = compute()
        return found

    def searched(self, pattern: re.Pattern, span: tuple[int, int]) -> bool:
        """Whether the pattern occurs in text[span], each span searched once."""
        key = (pattern, span)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = bool(pattern.search(self.text, *span))
        return found

    def words(self, a: int, b: int) -> int:
        """len(text[a:b].split()): the words of the text that reach into [a, b)."""
        return bisect.bisect_left(self.word_starts, b) - bisect.bisect_right(self.word_ends, a) if a < b else 0

    @staticmethod
    def _holding(spans: list[tuple[int, int]], position: int) -> tuple[int, int] | None:
        index = bisect.bisect_right(spans, (position, math.inf)) - 1
        return spans[index] if index >= 0 and spans[index][0] <= position < spans[index][1] else None

    def sentence(self, mention: Mention) -> tuple[int, int]:
        return self._holding(self.sentences, mention.start) or (mention.start, mention.end)

    def paragraph(self, mention: Mention, sentence: tuple[int, int]) -> tuple[int, int]:
        return self._holding(self.paragraphs, mention.start) or sentence

    def following(self, mention: Mention) -> int:
        """Where the next number after this one starts (the end of the text if none does)."""
        index = bisect.bisect_right(self.starts, mention.end)
        return self.numbers[index].start if index < len(self.numbers) else len(self.text)

    def plan_range(self, sentence: tuple[int, int]) -> Mention | None:
        """The first year range ('2023-2025') of the sentence."""
        index = bisect.bisect_left(self.plan_starts, sentence[0])
        return self.plans[index] if index < len(self.plans) and self.plans[index].start < sentence[1] else None

    def pieces(self, sentence: tuple[int, int]) -> list[tuple[int, int]]:
        """The sentence cut at commas, semicolons and colons (not inside parentheses or quotes)."""
        if sentence not in self._pieces:
            text, (start, end) = self.text, sentence
            cuts, opened, closed, quotes, counted = [start], 0, 0, 0, start
            for match in _CLAUSE_BREAK.finditer(text, start, end):
                opened += text.count("(", counted, match.start())
                closed += text.count(")", counted, match.start())
                quotes += text.count('"', counted, match.start())
                counted = match.start()
                if opened - closed + quotes % 2 == 0:
                    cuts += [match.start(), match.end()]
            cuts.append(end)
            self._pieces[sentence] = [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts) - 1, 2)]
        return self._pieces[sentence]


def clause_span(reading: _Reading, sentence: tuple[int, int], mention: Mention) -> tuple[int, int]:
    """The shortest clause of the sentence that holds the number: cut at commas, semicolons and
    colons (not inside parentheses or quotes), widened to the next cut while it has under four words."""
    pieces = reading.pieces(sentence)
    if not pieces:
        return sentence
    i = bisect.bisect_right(pieces, (mention.start, math.inf)) - 1
    if i < 0 or not pieces[i][0] <= mention.start < pieces[i][1]:
        i = len(pieces) - 1  # in no piece (not in the sentence): the last one
    a, b = pieces[i]
    j = i
    while reading.words(a, b) < 4 and j + 1 < len(pieces):
        j += 1
        b = pieces[j][1]
    while reading.words(a, b) < 4 and i > 0:
        i -= 1
        a = pieces[i][0]
    return a, max(b, mention.end)


def _quote_span(text: str, clause: tuple[int, int], mention: Mention) -> tuple[int, int]:
    """The clause, or where it is longer than MAX_QUOTE characters, the whole words around the
    number within it (one long sentence with no commas must not make every quote the sentence)."""
    a, b = clause
    if b - a <= MAX_QUOTE:
        return clause
    half = max(0, (MAX_QUOTE - (mention.end - mention.start)) // 2)
    left, right = max(a, mention.start - half), min(b, mention.end + half)
    while left > a and not text[left - 1].isspace():
        left += 1  # start at a whole word
    while right < b and not text[right].isspace():
        right -= 1
    return min(left, mention.start), max(right, mention.end)


def _skip_reason(text: str, mention: Mention, dated_line: int | None, previous: Mention | None,
                 line_at=None) -> str | None:
    after, before = text[mention.end:mention.end + 20], text[max(0, mention.start - 30):mention.start]
    if mention.kind == "date":
        line = line_at(mention.start) if line_at else line_of(text, mention.start)
        return "date of publication" if dated_line == line else "a date, not a figure"
    if mention.kind == "year":
        return "a year (of another number or event)"
    if mention.kind == "year_range":
        return "bounds a period"
    if mention.kind == "code":
        return "part of a name"
    if mention.kind in ("time", "date_part"):
        return "a time or part of a date, not a figure"
    if mention.kind == "unreadable":
        return "no number as written (e.g. '12,34'): check the document"
    if mention.kind == "multiplier":
        return "a multiplier word ('double', 'trinity'), not a count"
    if _PERIOD_AFTER.match(after):
        return "part of a name" if re.match(r"^-years?\s+[A-Z]", after) else "a period, not a figure"
    if mention.kind == "money" and before.rstrip().endswith("(") and previous is not None and previous.kind == "money":
        return "a conversion of the amount before it"
    window = text[max(0, mention.start - 20):mention.end + 20]
    if _IDIOMS.search(window) and any(m.start() <= mention.start - max(0, mention.start - 20) < m.end()
                                      for m in _IDIOMS.finditer(window)):
        return "a turn of phrase, not a quantity"
    # Digits the reader took for a position ("ranked 12", "the 1 1 in 2022") were read so from the
    # words around them; an ordinal word ("second", "third") far from any rank word enumerates.
    if mention.kind == "ordinal" and not mention.text[:1].isdigit() and not _RANK_WORDS.search(text[max(0, mention.start - 80):mention.end + 40]):
        return "an ordinal that is no rank (an enumeration)"
    return None


def _year_for(reading: _Reading, clause: tuple[int, int], mention: Mention) -> Mention | None:
    """The year a number refers to: the first year right after it in its clause ('52.18 billion
    yuan in 2021'), else a year earlier in the clause ('In 2012, ... 14 centres')."""
    years, starts, numbers = reading.years, reading.year_starts, reading.numbers
    index = bisect.bisect_right(starts, mention.end)
    later = years[index] if index < len(years) and years[index].start < min(clause[1], mention.end + 70) else None
    if later is not None:
        between = range(bisect.bisect_left(reading.starts, mention.end), bisect.bisect_left(reading.starts, later.start))
        if not any(numbers[k].kind not in ("year", "date") and numbers[k] is not mention for k in between):
            return later
    return reading.year_before(mention.start, clause[0])


def _tokens(text: str) -> set[str]:
    return {w.rstrip("s") for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 2}


def catalogue_words(catalogue: pd.DataFrame) -> list[tuple[str, str, str, set[str], set[str]]]:
    """(metric, unit, value type, label and unit words, definition words) per metric: what
    guess_metric compares, read once per document rather than once per number."""
    return [(row.metric, row.unit, row.value_type, _tokens(f"{row.label} {row.unit}"), _tokens(row.definition))
            for row in catalogue.itertuples()]


def guess_metric(words: str, kind: str, catalogue) -> tuple[str | None, str | None]:
    """(metric, unit) with the most words in common with the text after the number, among metrics
    of a compatible value type; (None, None) when nothing shares a word. `catalogue`: the metric
    catalogue, or its catalogue_words."""
    if isinstance(catalogue, pd.DataFrame):
        catalogue = catalogue_words(catalogue)
    wanted = {"money": "money", "percent": "percent", "ordinal": "rank"}.get(kind, None)
    tokens, best, best_score = _tokens(words), (None, None), 0
    for metric, unit, value_type, label_words, definition_words in catalogue:
        if (wanted and value_type != wanted) or (not wanted and value_type not in ("count", "rank")):
            continue
        score = len(tokens & label_words) * 2 + len(tokens & definition_words)
        if score > best_score:
            best, best_score = (metric, unit), score
    return best


def _unit_from_text(text: str, mention: Mention) -> str:
    if mention.kind == "percent":
        return "percent"
    if mention.kind == "ordinal" or _RANK_WORDS.search(text[max(0, mention.start - 60):mention.end + 20]):
        return "rank"
    if mention.kind == "money":
        scale = re.search(r"(million|billion|trillion)\s+(yuan|RMB|dollars)", mention.text)
        return f"{scale.group(1)} {scale.group(2)}" if scale else "yuan"
    word = re.match(r"\s+(?:[\w-]+\s+){0,3}?([a-z]+s)\b", text[mention.end:mention.end + 60])
    return word.group(1) if word else ""


@functools.lru_cache(maxsize=8)
def _regions_pattern(regions: tuple[str, ...]) -> re.Pattern:
    """Any of the regions as a whole word; at one place, the first name in sorted order."""
    return re.compile(rf"\b(?:{'|'.join(re.escape(r) for r in sorted(regions))})\b")


def _first_region(text: str, span: tuple[int, int], regions: list[str]) -> str | None:
    """The region named first in text[span] (one search for all of them)."""
    if not regions:
        return None
    found = _regions_pattern(tuple(regions)).search(text[span[0]:span[1]])
    return found.group(0) if found else None


def guess_region(text: str, spans: list[tuple[int, int]], regions: list[str], fallback: str | None,
                 reading: _Reading | None = None) -> str | None:
    """The first region named in the first span that names one (clause, sentence, paragraph);
    with a `reading`, each span is searched once however many numbers it holds."""
    for span in spans:
        found = (reading.memo(("region", span), lambda span=span: _first_region(text, span, regions)) if reading
                 else _first_region(text, span, regions))
        if found:
            return found
    return fallback


@functools.lru_cache(maxsize=4096)  # regions, metrics, years and statuses recur on every row
def _slug_part(part: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", part.lower()).strip("-")


def _slug(*parts: object) -> str:
    return "-".join(p for p in (_slug_part(str(part)) for part in parts if part) if p)[:80].strip("-")


def _chinese_candidates(text: str, source_id: str, indexed: _Reading, dated_line: int | None, published: str | None,
                        region_names: dict[str, tuple[str, ...]], catalogue: pd.DataFrame) -> Draft:
    """draft_document for a Chinese document: the reader's numbers, the fields draft_chinese reads."""
    names = draft_chinese.RegionNames(region_names)
    main_region, terms = names.most_named(text), draft_chinese.metric_terms(catalogue)
    draft, previous = Draft(), None
    for mention in indexed.numbers:
        # An ordinal is a rank by the Chinese words around it (居全国第5位), not by English ones.
        reason = (None if mention.kind == "ordinal" else _skip_reason(text, mention, dated_line, previous, indexed.line_at)) \
            or draft_chinese.skip_reason(text, mention)
        previous = mention
        if reason:
            draft.skipped.append((mention, reason))
            continue
        fields = draft_chinese.chinese_fields(text, indexed.sentence(mention), mention, indexed, published, names,
                                              main_region, terms)
        notes = [*fields.notes, f"metric guessed from the catalogue ({fields.metric}): check it" if fields.metric
                 else "no catalogue metric matched: choose or add one"]
        pairs = [(mention.values[0], "at_least"), (mention.values[1], "at_most")] if mention.kind == "range" else [
            (mention.values[0], fields.qualifier)]
        quote = " ".join(text[fields.quote_span[0]:fields.quote_span[1]].split())
        for value, qualifier in pairs:
            row = dict.fromkeys(COLUMNS, "")
            row.update({
                "figure_id": _slug(fields.region, fields.metric or "metric", fields.year or "undated",
                                   "" if fields.status == "actual" else fields.status, qualifier if len(pairs) > 1 else ""),
                "region": fields.region or "", "metric": fields.metric or "", "value": f"{value:g}", "unit": fields.unit,
                "year": "" if fields.year is None else str(fields.year), "qualifier": qualifier, "status": fields.status,
                "source_id": source_id, "quote": quote, "as_of": published or "", "year_basis": fields.basis,
                "note": "DRAFT, review: " + "; ".join(notes) + ".", "reading": "certain",
            })
            draft.candidates.append(Candidate(row, mention, fields.quote_span))
    return draft


def draft_document(text: str, source_id: str, regions: list[str], catalogue: pd.DataFrame,
                   published: str | None = None, segmenter=sentence_spans,
                   region_names: dict[str, tuple[str, ...]] | None = None) -> Draft:
    """Candidate rows for every numeric claim of one document (see the module docstring). A Chinese
    document's regions are found by the names in `region_names` (region -> its English and Chinese
    names, schema.Reference.region_names; default: the English names alone)."""
    published = published or document_date(text)
    dated_line = next((line_of(text, m.start) for m in find_numbers("\n".join(text.splitlines()[:12]))
                       if m.kind == "date"), None) if published else None
    numbers = find_numbers(text)
    indexed = _Reading(text, numbers, segmenter(text))
    if draft_chinese.is_chinese(text):
        return _chinese_candidates(text, source_id, indexed, dated_line, published,
                                   region_names or {region: (region,) for region in regions}, catalogue)
    metrics = catalogue_words(catalogue)
    counts = {r: len(re.findall(rf"\b{re.escape(r)}\b", text)) for r in regions}
    main_region = max(counts, key=counts.get) if counts and max(counts.values()) else None
    searched = indexed.searched
    draft, previous = Draft(), None
    for mention in numbers:
        reason = _skip_reason(text, mention, dated_line, previous, indexed.line_at)
        previous = mention
        if reason:
            draft.skipped.append((mention, reason))
            continue
        sentence = indexed.sentence(mention)
        clause = clause_span(indexed, sentence, mention)
        before = text[max(clause[0], mention.start - 30):mention.start]
        qualifier = next((q for pattern, q in _QUALIFIERS if pattern.search(before)), "exact")
        if _DONE_AFTER.match(text[mention.end:mention.end + 60]) or (
                searched(_DONE, clause) and not searched(_TARGET, clause)):  # "the 36 fields announced", "had grown"
            status = "actual"
        else:
            status = "target" if searched(_TARGET, sentence) else "proposed" if searched(_PROPOSED, sentence) else "actual"
        after = text[mention.end:min(indexed.following(mention), mention.end + 60, sentence[1])]
        ranked = mention.kind == "ordinal" or bool(_RANK_WORDS.search(text[max(sentence[0], mention.start - 80):mention.start]))
        metric, unit = guess_metric(f"{after} {after} {text[max(clause[0], mention.start - _BEFORE_READ):mention.start]}",
                                    "ordinal" if ranked else mention.kind, metrics)
        unit = unit or _unit_from_text(text, mention)
        paragraph = indexed.paragraph(mention, sentence)
        region = guess_region(text, [clause, sentence, paragraph], regions, "China" if searched(
            _NATIONAL, sentence) and not main_region else main_region, indexed)
        year, basis, period = None, "unstated", (None, None, None)
        year_mention = _year_for(indexed, clause, mention)
        plan_range = indexed.plan_range(sentence)
        notes = []
        if year_mention is not None:
            year, basis = int(year_mention.values[0]), "stated"
            if year_mention.stray_space:
                notes.append(f"year written '{year_mention.text}', read as {year}")
        elif status == "target" and plan_range is not None and (
                clause[0] <= plan_range.start < clause[1] or max(clause[1], plan_range.end) - min(clause[0], sentence[0]) <= MAX_QUOTE):
            year, basis = int(plan_range.values[1]), "stated"
            period = (int(plan_range.values[0]), int(plan_range.values[1]), plan_range.text)
            if not clause[0] <= plan_range.start < clause[1]:  # the quote must state the year: from the sentence start
                clause = (min(clause[0], sentence[0]), max(clause[1], plan_range.end))
        elif searched(_LAST_YEAR, clause) and published:
            year, basis = int(published[:4]) - 1, "stated"
            notes.append(f"year resolved from 'last year' and the document's date {published}; the quote does not write it")
        elif status == "actual" and published:
            year, basis = int(published[:4]), "as_of"
        if not (period[0] is not None and not clause[0] <= plan_range.start < clause[1]):
            clause = _quote_span(text, clause, mention)
        quote = re.sub(r"^(?:and|but|or)\s+", "", " ".join(text[clause[0]:clause[1]].split())).rstrip(",;:")
        if metric:
            notes.append(f"metric guessed from the catalogue ({metric}): check it")
        else:
            notes.append("no catalogue metric matched: choose or add one")
        reading, reading_note = "certain", ""
        if mention.stray_space:
            reading = "ambiguous"
            reading_note = (f"the document writes '{mention.text}': read as {mention.text.replace(' ', '')}; "
                            f"check for a stray space or a lost dash ({mention.text.replace(' ', '-')})")
        pairs = [(mention.values[0], "at_least"), (mention.values[1], "at_most")] if mention.kind == "range" else [
            (mention.values[0], qualifier)]
        implied = _SECOND_ONLY.match(text[mention.end:mention.end + 160]) if mention.kind == "cardinal" else None
        rows = [(region, value, q, notes, metric, unit) for value, q in pairs]
        if implied:  # "2 centres, second only to Beijing and Guangdong": each has more than 2, and ranks at most 2
            ahead = [other for other in re.split(r", | and ", implied.group(1)) if other in regions]
            rank_metric, rank_unit = guess_metric(f"rank {after} {after}", "ordinal", catalogue)
            for other in ahead:
                implied_note = f"not stated directly: implied by 'second only to {implied.group(1)}'"
                rows.append((other, mention.values[0], "more_than", [implied_note, *notes[-1:]], metric, unit))
                if rank_metric:
                    guessed = f"metric guessed from the catalogue ({rank_metric}): check it"
                    rows.append((other, float(len(ahead)), "at_most", [implied_note, guessed], rank_metric, rank_unit))
        for region, value, row_qualifier, notes, metric, unit in rows:
            row = dict.fromkeys(COLUMNS, "")
            row.update({
                "figure_id": _slug(region, metric or "metric", year or "undated", "" if status == "actual" else status,
                                   row_qualifier if len(pairs) > 1 else ""),
                "region": region or "", "metric": metric or "", "value": f"{value:g}", "unit": unit,
                "year": "" if year is None else str(year), "qualifier": row_qualifier, "status": status,
                "source_id": source_id, "quote": quote, "as_of": published or "", "year_basis": basis,
                "period_start": "" if period[0] is None else str(period[0]),
                "period_end": "" if period[1] is None else str(period[1]), "period_label": period[2] or "",
                "note": "DRAFT, review: " + "; ".join(notes) + ".", "reading": reading, "reading_note": reading_note,
            })
            draft.candidates.append(Candidate(row, mention, clause))
    return draft


def to_csv(draft: Draft) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(c.row for c in draft.candidates)
    return out.getvalue()


@dataclass(frozen=True)
class CheckResult:
    curated: int
    recalled: int
    candidates: int
    are_figures: int
    are_figures_or_excluded: int
    missed: list[str]
    unmatched: list[Candidate]


def _same(candidate: dict, curated: dict) -> bool:
    year = curated["year"]
    curated_year = "" if year is None or pd.isna(year) else str(int(year))
    stated = curated.get("stated_value", curated["value"])  # as the document states it, not converted
    return (float(candidate["value"]) == float(stated) and candidate["qualifier"] == curated["qualifier"]
            and candidate["status"] == curated["status"] and candidate["year"] == curated_year)


def _same_or_other_reading(candidate: Candidate, curated: dict) -> bool:
    """_same, or a candidate flagged ambiguous ('1 2' read as 12) whose other reading, 1 to 2, the
    curators recorded as an ambiguous range (at_least 1, at_most 2)."""
    if _same(candidate.row, curated):
        return True
    row = candidate.row
    return (row["reading"] == "ambiguous" and curated.get("reading") == "ambiguous"
            and float(curated["value"]) in lost_dash_values(candidate.mention)
            and _same(dict(row, value=curated["value"], qualifier=curated["qualifier"]), curated))


def check_draft(text: str, draft: Draft, figures: pd.DataFrame, excluded: list[Mention]) -> CheckResult:
    """Recall: curated figures some candidate matches (same value, qualifier, status and year, its
    quote overlapping the curated quote). Precision: candidates that match a curated figure, or
    whose number is one the curators excluded."""
    spans = {q: occurrences(q, text) for q in figures["quote"].unique()}
    overlaps = lambda c, q: any(a < c.quote_span[1] and c.quote_span[0] < b for a, b in spans[q])
    rows = figures.to_dict("records")
    matched = [any(_same_or_other_reading(c, r) and overlaps(c, r["quote"]) for c in draft.candidates) for r in rows]
    figure_like = [any(_same_or_other_reading(c, r) and overlaps(c, r["quote"]) for r in rows) for c in draft.candidates]
    excluded_at = {(m.start, m.end) for m in excluded}
    either = [f or (c.mention.start, c.mention.end) in excluded_at for c, f in zip(draft.candidates, figure_like, strict=True)]
    return CheckResult(len(rows), sum(matched), len(draft.candidates), sum(figure_like), sum(either),
                       [r["figure_id"] for r, m in zip(rows, matched, strict=True) if not m],
                       [c for c, e in zip(draft.candidates, either, strict=True) if not e])


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "n/a"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard.draft", description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, help="the new document (plain UTF-8 text)")
    parser.add_argument("--source-id", help="its source_id (default: from the file name)")
    parser.add_argument("-o", "--output", type=Path, help="write the draft CSV here (default: standard output)")
    parser.add_argument("--check", action="store_true", help="compare with the curated rows of --source-id")
    parser.add_argument("--root", type=Path, default=None,
                        help="project folder holding data/ and seeds/ (default: $DASHBOARD_ROOT when set, else this checkout)")
    args = parser.parse_args(argv)
    root = args.root or data_root()
    # The checkout's, --root's and $DASHBOARD_ROOT's folders (the one the app serves), by device
    # and inode: a hard link or symlink to a curated file is that file.
    if args.output and lands_in_curated_folders(args.output, {ROOT, root, data_root()}):
        print(f"error: {args.output}: the draft is never written into data/ or seeds/; write it elsewhere, review it, "
              "then copy the rows you keep into data/metrics.csv", file=sys.stderr)
        return EXIT_UNREADABLE
    try:
        text = decode_text(read_file_bytes(args.path, str(args.path), "a text file"), str(args.path), "text")
    except UnreadableFile as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_UNREADABLE
    dataset = audit.load_for_command_line(root)
    if dataset is None:
        return EXIT_UNREADABLE
    source_id = args.source_id or _slug(args.path.stem) or "new-document"
    known = dataset.sources.set_index("source_id")
    if args.check and source_id not in known.index:
        print(f"error: --check needs the source_id of a curated document; '{source_id}' is not in data/sources.csv",
              file=sys.stderr)
        return EXIT_UNREADABLE
    published = known.at[source_id, "published"] if source_id in known.index else None
    draft = draft_document(text, source_id, list(dataset.regions["region"]), dataset.catalogue,
                           published if isinstance(published, str) else None,
                           region_names=dataset.reference.region_names)
    line_at = line_finder(text)
    for mention, reason in draft.skipped:
        print(f'{args.path}:{line_at(mention.start)}: skipped "{mention.text}": {reason}', file=sys.stderr)
    if args.check:
        figures = dataset.metrics[dataset.metrics["source_id"] == source_id]
        findings = audit.audit_dataset(dataset, [source_id])[source_id] if dataset.documents[source_id] == text else []
        result = check_draft(text, draft, figures, [f.mention for f in findings if f.status == audit.EXCLUDED])
        print(f"recall: {result.recalled}/{result.curated} curated figures drafted ({_percent(result.recalled, result.curated)})"
              " with the same value, qualifier, status and year, the quote overlapping")
        print(f"precision: {result.are_figures_or_excluded}/{result.candidates} candidates "
              f"({_percent(result.are_figures_or_excluded, result.candidates)}) are curated figures or excluded numbers; "
              f"{result.are_figures}/{result.candidates} ({_percent(result.are_figures, result.candidates)}) are curated figures")
        for figure_id in result.missed:
            print(f"missed: {figure_id}")
        for candidate in result.unmatched:
            print(f'not curated: {args.path}:{line_at(candidate.mention.start)}: "{candidate.mention.text}" '
                  f'({candidate.row["qualifier"]}, {candidate.row["status"]}, year {candidate.row["year"] or "empty"})')
        return EXIT_OK
    if args.output:
        try:
            args.output.write_text(to_csv(draft), encoding="utf-8")
        except OSError as err:
            print(f"error: {args.output}: cannot be written ({err.strerror})", file=sys.stderr)
            return EXIT_UNREADABLE
        print(f"drafted {len(draft.candidates)} candidate row(s) into {args.output}; "
              f"{len(draft.skipped)} number(s) skipped (listed above)", file=sys.stderr)
    else:
        sys.stdout.write(to_csv(draft))
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
