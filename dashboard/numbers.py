"""Every number a document writes, where it is, and what kind of number it is.

The completeness audit and the draft tool read documents through `find_numbers`: digits (with
thousands commas, decimals, and the stray spaces the seed texts contain: "20 12" is 2012),
number words ("five", "twenty-five"), multiplier words ("double", "trinity"), ordinals ("third",
"34th"), percentages, money, ranges ("two or three", "2023-2025") and dates ("2021-03-10", "02-28-2022 11:16", "May 1"). Each
`Mention` keeps its exact place in the raw text, so a finding can be reported at `file:line` and
tied to the quotes that cover it. `sentence_spans` cuts a text into sentences for messages and
quotes. Pure string functions; the provenance checks' own number reader stays in
`dashboard.evidence`.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from dashboard.evidence import NUMBER_WORDS, _CARDINALS, _ORDINALS, quote_pattern

KINDS = ("cardinal", "ordinal", "percent", "money", "year", "year_range", "range", "date", "code", "multiplier")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
_SCALES = {"million": 1e6, "billion": 1e9, "trillion": 1e12}
_CURRENCY_WORDS = r"(?:yuan|RMB|dollars|US dollars|euros)"
_YEAR_CONTEXT = re.compile(
    r"(?:\b(?:in|since|by|from|to|until|till|before|after|of|during|year|end of|as of|between|and)\s+(?:the\s+)?$)", re.I
)

# Digits: one digit, then digits, commas, points, or ONE space before a digit (a stray space:
# "20 12", "1 2"). Never starts inside a longer run. A run that is no plain number ("12,34",
# "3.14.15") is still found whole, so no number hides in it; see _digit_values.
_DIGITS = r"(?<![\d.,])\d(?:\d|,(?=\d)|\.(?=\d)| (?=\d))*"
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
_WORD = "|".join(sorted((re.escape(w) for w in NUMBER_WORDS), key=len, reverse=True))
_CARDINAL_WORD = "|".join(sorted(_CARDINALS, key=len, reverse=True))
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_UNITS = "one|two|three|four|five|six|seven|eight|nine"
# The first letters of every number word, looked at first: most word starts (and every digit)
# fail on one character instead of on each of the sixty alternatives.
_FIRST_LETTERS = "".join(sorted({w[0] for w in NUMBER_WORDS}))
_NUMBER_WORD = rf"(?=[{_FIRST_LETTERS}])(?:(?:{_TENS})-(?:{_UNITS})|{_WORD})"
# Multiplier words are number words too ("double leap" is 双跨, "trinity" 三位一体): the audit must
# see them, though they count nothing by themselves. "Multiplied" names no multiple, so it is none.
MULTIPLIER_WORDS = {
    "double": 2, "doubled": 2, "twice": 2, "twofold": 2, "dual": 2, "triple": 3, "tripled": 3,
    "treble": 3, "thrice": 3, "threefold": 3, "trinity": 3, "quadruple": 4, "quadrupled": 4, "fourfold": 4,
    "fivefold": 5, "tenfold": 10,
}
_MULTIPLIER = "|".join(sorted(MULTIPLIER_WORDS, key=len, reverse=True))


class _DigitRanges:
    """`{_DIGITS}(?:[-–]| or ){_DIGITS}(?![\\d%])(?! ?percent)` ("1-2", "3 or 4") found in linear time.

    As a regex, every digit after a space of a long run ("1 1 1 ... 1") is a start of its own from
    which the run is read to its end again: quadratic. The first number of a range always runs to
    the end of its run (no separator is a character a run could hold), so one reading per run
    decides for every start inside it."""

    _RUN = re.compile(r"(?<![\d.,])\d(?:\d|,(?=\d)|\.(?=\d)| (?=\d))*+")
    _REST = re.compile(rf"(?:[-–]| or ){_DIGITS}(?![\d%])(?! ?percent)")

    def finditer(self, text: str):
        position = 0
        while run := self._RUN.search(text, position):
            rest = self._REST.match(text, run.end())
            if rest is None:
                position = run.end()
                continue
            yield _Span(run.start(), rest.end(), text[run.start():rest.end()])
            position = rest.end()


@dataclass(frozen=True)
class _Span:
    """A found range, read like a re.Match by find_numbers."""

    start_at: int
    end_at: int
    text: str

    def span(self) -> tuple[int, int]:
        return self.start_at, self.end_at

    def group(self, index: int = 0) -> str:
        return self.text


_PATTERNS: list[tuple[str, re.Pattern]] = [
    # Dates first: their parts are not numbers of their own.
    ("date", re.compile(r"(?<![\d-])\d{4}-\d{2}-\d{2}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?(?![\d-])")),
    ("date", re.compile(r"(?<![\d-])\d{2}-\d{2}-\d{4}(?: \d{1,2}:\d{2})?(?![\d-])")),
    ("date", re.compile(rf"\b(?:{'|'.join(MONTHS)}) \d{{1,2}}(?:st|nd|rd|th)?(?:, \d{{4}})?(?!\d)")),
    ("date", re.compile(rf"(?<![\d.,])\d{{1,2}} (?:{'|'.join(MONTHS)})(?: \d{{4}})?\b")),
    ("year_range", re.compile(r"(?<![\d.,-])(?:19|20)\d\d ?[-–—] ?(?:19|20)\d\d(?![\d-])")),
    ("money", re.compile(rf"[$¥€£] ?{_DIGITS}(?: (?:million|billion|trillion))?")),
    # "two or three", "1-2", "3 or 4": a range. "from 12 to 15" is a change, two numbers.
    ("range", re.compile(rf"\b{_NUMBER_WORD} or {_NUMBER_WORD}\b", re.I)),
    ("range", _DigitRanges()),
    ("number", re.compile(_DIGITS)),
    ("word", re.compile(rf"\b{_NUMBER_WORD}\b", re.I)),
    ("multiplier", re.compile(rf"\b(?:{_MULTIPLIER})\b", re.IGNORECASE)),
]
_ORDINAL_SUFFIX = re.compile(r"(?:st|nd|rd|th)\b")
_GLUED_LETTERS = re.compile(r"[A-Za-z]")
_PERCENT = re.compile(r" ?(?:%|percent\b|per cent\b)")
_MONEY_AFTER = re.compile(rf" (?:(million|billion|trillion) )?{_CURRENCY_WORDS}\b")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9])|\n\s*\n|(?<=\S)\n(?=\S)")
_ABBREVIATIONS = re.compile(r"\b(?:Co|Ltd|Inc|No|Mr|Ms|Dr|St|vs|etc|e\.g|i\.e)\.$")


@dataclass(frozen=True)
class Mention:
    """One number as a document writes it."""

    start: int  # character offsets in the raw text
    end: int
    text: str  # exactly as written ("1 2", "more" is not part of it)
    kind: str  # one of KINDS
    values: tuple[float, ...]  # what it states: one value, two for a range, () for a date or a code
    stray_space: bool = False  # digits split by a space ("20 12"): read joined, flagged for review

    @property
    def value(self) -> float | None:
        return self.values[0] if len(self.values) == 1 else None


def _digits_value(text: str) -> float:
    return float(text.replace(",", "").replace(" ", ""))


def _digit_values(text: str) -> tuple[str, tuple[float, ...]]:
    """('cardinal', (value,)) for a plain number; for a run that is none, its parts: a dotted
    sequence ('3.14.15', '2022.05.01') is a code, a comma list ('12,34') a list of cardinals."""
    plain = text.replace(" ", "")
    if plain.count(".") > 1:
        return "code", tuple(float(part.replace(",", "")) for part in plain.split(".") if part)
    if _THOUSANDS.fullmatch(plain):
        return "cardinal", (_digits_value(plain),)
    return "cardinal", tuple(float(part) for part in plain.replace(".", ",").split(",") if part)


def _word_value(word: str) -> float:
    word = word.lower()
    if "-" in word:
        tens, units = word.split("-")
        return float(_CARDINALS[tens] + _CARDINALS[units])
    return float(NUMBER_WORDS[word])


def _is_year(value: float, text: str, before: str) -> bool:
    return (text.replace(" ", "").isdigit() and len(text.replace(" ", "")) == 4 and 1900 <= value <= 2100
            and bool(_YEAR_CONTEXT.search(before[-20:])))


def _classify_digits(text: str, match: re.Match, raw: str) -> Mention | None:
    start, end = match.span()
    after = text[end:end + 30]
    written = raw
    stray = " " in written
    if _ORDINAL_SUFFIX.match(after):
        suffix = _ORDINAL_SUFFIX.match(after).end()
        return Mention(start, end + suffix, text[start:end + suffix], "ordinal", (_digits_value(written),), stray)
    if after[:1] and _GLUED_LETTERS.match(after[:1]):  # 5G, CO2-like names: no quantity of their own
        word_end = end + re.match(r"[A-Za-z0-9]*", after).end()
        return Mention(start, word_end, text[start:word_end], "code", (), stray)
    if start and _GLUED_LETTERS.match(text[start - 1]):
        return Mention(start, end, written, "code", (), stray)
    kind, values = _digit_values(written)
    if kind == "code" or len(values) != 1:
        return Mention(start, end, written, kind, values, stray)
    value = values[0]
    percent = _PERCENT.match(after)
    if percent:
        return Mention(start, end + percent.end(), text[start:end + percent.end()], "percent", (value,), stray)
    money = _MONEY_AFTER.match(after)
    if money:
        return Mention(start, end + money.end(), text[start:end + money.end()], "money", (value,), stray)
    if _is_year(value, written, text[max(0, start - 20):start]):
        return Mention(start, end, written, "year", (value,), stray)
    return Mention(start, end, written, "cardinal", (value,), stray)


def find_numbers(text: str) -> list[Mention]:
    """Every number in the text, in order, none overlapping another (dates and ranges first)."""
    taken = [False] * (len(text) + 1)
    found: list[Mention] = []

    def free(start: int, end: int) -> bool:
        return not any(taken[start:end])

    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if not free(start, end):
                continue
            raw = match.group(0)
            mention: Mention | None
            if kind == "date":
                mention = Mention(start, end, raw, "date", ())
            elif kind == "year_range":
                low, high = re.split(r" ?[-–—] ?", raw)
                mention = Mention(start, end, raw, "year_range", (float(low), float(high)))
            elif kind == "money":
                number = re.search(_DIGITS, raw)
                mention = Mention(start, end, raw, "money", _digit_values(number.group(0))[1], " " in number.group(0))
            elif kind == "range":
                if raw[0].isdigit():
                    parts = re.split(r"[-–]| or ", raw, maxsplit=1)
                    if len(parts) != 2 or " " in parts[0] or " " in parts[1]:
                        continue  # "1 2" and "20 12" are stray spaces, read below
                    if not (_THOUSANDS.fullmatch(parts[0]) and _THOUSANDS.fullmatch(parts[1])):
                        continue
                    values = (_digits_value(parts[0]), _digits_value(parts[1]))
                else:
                    words = re.split(r" or ", raw, flags=re.I)
                    values = (_word_value(words[0]), _word_value(words[1]))
                mention = Mention(start, end, raw, "range", values)
            elif kind == "number":
                mention = _classify_digits(text, match, raw)
            elif kind == "multiplier":
                mention = Mention(start, end, raw, "multiplier", (float(MULTIPLIER_WORDS[raw.lower()]),))
            else:
                word = raw.lower()
                ordinal = word in _ORDINALS
                mention = Mention(start, end, raw, "ordinal" if ordinal else "cardinal", (_word_value(word),))
            if mention is None:
                continue
            if not free(mention.start, mention.end):
                # A mention may reach past its match ("12th12" read as a code); where that would
                # overlap one an earlier pattern took ("12-03" of "12th12-03-10"), keep the digits
                # alone, so that no number goes unread.
                mention = Mention(start, end, raw, "cardinal", _digit_values(raw)[1])
            for i in range(mention.start, mention.end):
                taken[i] = True
            found.append(mention)
    return sorted(found, key=lambda m: m.start)


def lost_dash_values(mention: Mention) -> tuple[float, ...]:
    """What digits split by a stray space state when the space is a lost dash ('1 2': 1 to 2),
    the other reading of an ambiguous figure; () for any other mention."""
    parts = mention.text.split()
    if mention.kind != "cardinal" or not mention.stray_space or len(parts) != 2 or not all(p.isdigit() for p in parts):
        return ()
    return float(parts[0]), float(parts[1])


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence: ends at '.', '!' or '?' before a capital or digit, at a
    blank line, or at a line break (headlines, date lines). 'Co.' and 'e.g.' do not end one."""
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        # Only the last few characters can be an abbreviation: searching from the sentence start
        # would read a long run of "Co." sentences once per break (quadratic).
        if _ABBREVIATIONS.search(text, max(start, match.start() - 8), match.start()):
            continue
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return [(a, b) for a, b in ((a + len(text[a:b]) - len(text[a:b].lstrip()), b) for a, b in spans)
            if text[a:b].strip()]


def sentence_at(text: str, position: int, spans: list[tuple[int, int]] | None = None) -> tuple[int, int]:
    """The sentence span that holds this character position (a binary search of the sorted spans)."""
    spans = spans if spans is not None else sentence_spans(text)
    index = bisect.bisect_right(spans, (position, math.inf)) - 1
    if index >= 0 and spans[index][0] <= position < spans[index][1]:
        return spans[index]
    return position, position


def line_of(text: str, position: int) -> int:
    """1-based line number of a character position."""
    return text.count("\n", 0, position) + 1


def line_finder(text: str) -> Callable[[int], int]:
    """line_of for many positions of one text: the line breaks found once, each position a binary
    search (line_of per number counts from the start each time: quadratic in a long document)."""
    breaks = [match.start() for match in re.finditer("\n", text)]
    return lambda position: bisect.bisect_left(breaks, position) + 1


def occurrences(quote: str, text: str) -> list[tuple[int, int]]:
    """Every place the quote occurs in the raw text, whitespace aside (as evidence.quote_in_document)."""
    pattern = quote_pattern(quote)
    return [m.span() for m in pattern.finditer(text)] if pattern else []


def same_number_text(a: str, b: str) -> bool:
    """Whether two ways of writing a number are the same text, case and whitespace aside."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()
