"""The one reader of numbers: what numbers a text states, where, as written, and as what.

`find_numbers` returns every number a text writes as a `Mention`: its exact span in the raw text,
its form as written (`kind`: cardinal, percent, money, range, ordinal, year, year_range, date, time,
date_part, code, multiplier, unreadable), the values it writes, and `reads`, what it can be read as:
(CARDINAL, value) for a count or amount, (ORDINAL, value) for a position, (YEAR, value) for a year
(also the year of a date). Validation (`evidence.states`/`read_numbers`, behind schema.py's checks),
the completeness audit and the draft all ask this reader, so they cannot disagree on what a number
is. `classify` is its rule for a run of digits from the words around it; `evidence.states` asks it
directly on its fast path, the same rule `find_numbers` applies, so both answer alike.

What the reader knows of a language (number words, months, the words that make a number a year or a
rank) is one `Language` table in dashboard/number_words.py: `ENGLISH`, and `CHINESE`, whose numbers are glued to the characters
around them (23家, 1025.3亿元, 第五, 2022年) and whose numerals cn2an reads; it also holds the Chinese
qualifier and status words the draft reads. A new form of number is taught here, and a new language
is a new table (and, where its script needs it, its own patterns). Each number knows the unit it is
written with where the reader knows it (`Mention.unit`: 亿元, 家, million yuan), which validation
holds a figure's unit to.

`sentence_spans` cuts a text into sentences for messages and quotes. Pure string functions.

Over ~400 lines on purpose: the patterns, the context rule (`classify`) and the mentions built from
them are one answer and change together (the words they are built from are dashboard/number_words.py).
The sentence and line helpers at the end are small and serve the same callers (validation's messages,
the audit, the draft).
"""

from __future__ import annotations

import bisect
import functools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from dashboard.number_words import CHINESE, ENGLISH, Language

# What a number can be read as. A figure's value is only found where the text states it as what it
# is: a count, an amount or a percentage as a cardinal ("14 centres", "five bases", "more than 80%"),
# a rank as an ordinal ("third", "the 34th", "ranked 12", "No. 1", "#2"), a year as a year ("in
# 2012", "March 2021", "(2023-2025)", the year of "2021-03-10"). Months and days of a date, times
# ("11:16"), codes ("5G", "CO2", "version 3.14"), multiplier words ("double") and runs that are no
# number ("12,34", "1_4") are none of these.
CARDINAL, ORDINAL, YEAR = "cardinal", "ordinal", "year"
READINGS = (CARDINAL, ORDINAL, YEAR)
KINDS = ("cardinal", "ordinal", "percent", "money", "year", "year_range", "range", "date", "time", "date_part",
         "code", "multiplier", "unreadable")


# The English number words, for callers that list them (evidence re-exports these).
_CARDINALS = ENGLISH.cardinals
_ORDINALS = ENGLISH.ordinals
NUMBER_WORDS: dict[str, int] = ENGLISH.number_words
MULTIPLIER_WORDS = ENGLISH.multipliers
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def _alternatives(words) -> str:
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


# --- patterns (English) ---------------------------------------------------------------------------
# Digits are ASCII 0-9: full-width, Arabic-Indic and other scripts' digits are no numbers here (a
# run next to one is unreadable), nor are digits joined by "_" ("1_4", which float() reads as 14).
_DIGITS = r"(?<![\d.,_])[0-9](?:[0-9]|,(?=[0-9])|\.(?=[0-9])| (?=[0-9]))*"
# A run: one digit, then digits, commas, points, underscores or ONE space before a digit (a stray
# space: "20 12", "1 2"); never starts inside a longer run. Possessive: a long run is read once. A
# run that is no plain number ("12,34", "1_4") is still found whole, so no number hides in it.
_RUN = re.compile(r"(?<![\d.,_])[0-9](?:[0-9]|[.,_](?=[0-9])| (?=[0-9]))*+")
_THOUSANDS = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?")
_L = ENGLISH
_FIRST_LETTERS = "".join(sorted({w[0] for w in _L.number_words}))  # looked at first: most starts fail on one character
_END = r"(?![A-Za-z])"
_UNIT = rf"(?:{_alternatives(_L.units)}){_END}"
_SMALL = (rf"(?:(?:{_alternatives(_L.tens)})(?:-{_UNIT}|{_END})|(?:{_alternatives(_L.teens)}){_END}|{_UNIT})")
_HUNDREDS = rf"(?:{_SMALL}\s++hundred{_END}(?:\s++(?:{_L.and_word}\s++)?{_SMALL})?|{_SMALL})"
# Number words up to the thousands read as one value: "twenty-five", "one hundred and twenty",
# "two thousand five hundred", whitespace between them as written (a raw document's line break).
# Each match is a few words long, so the search stays linear.
_COMPOUND = rf"(?:{_HUNDREDS}\s++thousand{_END}(?:\s++(?:{_L.and_word}\s++)?{_HUNDREDS})?|{_HUNDREDS})"
_SINGLE_WORD = rf"(?:{_alternatives(_L.number_words)}){_END}"
_NUMBER_WORD = rf"(?<![A-Za-z])(?=[{_FIRST_LETTERS}])(?:{_COMPOUND}|{_SINGLE_WORD})"
_SIMPLE_WORD = rf"(?:(?:{_alternatives(_L.tens)})-{_UNIT}|{_SINGLE_WORD})"
_MONTH_NAMES = "|".join(MONTHS)
_MONTH_BEFORE = re.compile(rf"\b(?:{_MONTH_NAMES}) \Z")
_YEAR_LIKE_PART = re.compile(r"(?<![0-9])[0-9]{4}(?![0-9])")


class _DigitRanges:
    """`{_DIGITS}(?:[-–]| or ){_DIGITS}(?![\\d%_])(?! ?percent)` ("1-2", "3 or 4") found in linear time.

    As a regex, every digit after a space of a long run ("1 1 1 ... 1") is a start of its own from
    which the run is read to its end again: quadratic. The first number of a range always runs to
    the end of its run (no separator is a character a run could hold), so one reading per run
    decides for every start inside it."""

    _RUN = re.compile(r"(?<![\d.,_])[0-9](?:[0-9]|,(?=[0-9])|\.(?=[0-9])| (?=[0-9]))*+")
    _REST = re.compile(rf"(?:[-–]| or ){_DIGITS}(?![\d%_])(?! ?percent)")

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


# --- patterns (Chinese) ---------------------------------------------------------------------------
_Z = CHINESE
CJK = "\u3400-\u9fff"  # the ideographs a Chinese number is glued to (charts.char_width counts wider)
_NUMERALS = "".join((*_Z.units, *_Z.other_cardinals, *_Z.scales))
_MEASURE = "".join(sorted(_Z.measure_words))
_SCALE = "".join(_Z.scale_units)
_RANGE_MARK = "".join(sorted(_Z.range_marks))
# A Chinese number's unit as stated: 家, 万家, 亿元, 元 (after 多/余: 20多家).
_ZH_UNIT = re.compile(rf"([{''.join(_Z.after_a_number)}]?)([{_SCALE}]?(?:[{''.join(_Z.money_words)}]|[{_MEASURE}]))")
_ZH_DIGITS = r"[0-9]+(?:\.[0-9]+)?"
_ZH_NUMERAL_RUN = rf"[{_NUMERALS}]+(?:点[{''.join((*_Z.units, *_Z.other_cardinals))}]+)?"
_ZH_PATTERNS: list[tuple[str, re.Pattern]] = [
    # 2023年4月12日, 2023年4月, 1月14日: a date (it states the year it writes)
    ("date", re.compile(r"(?<![\d.,_])[0-9]{4}年[0-9]{1,2}月(?:[0-9]{1,2}[日号])?|(?<![\d.,_])[0-9]{1,2}月[0-9]{1,2}[日号]")),
    # 2023年至2025年, 2023至2025年 (2023—2025 is the English pattern's)
    ("year_range", re.compile(rf"(?<![\d.,_])(?:19|20)[0-9]{{2}}年?[{_RANGE_MARK}—–-](?:19|20)[0-9]{{2}}(?![\d.])")),
    ("percent_zh", re.compile(rf"百分之(?:{_ZH_DIGITS}|{_ZH_NUMERAL_RUN})")),
    # 2至3家, 三至五个, 两三个: at least one and at most the other
    ("range_zh", re.compile(rf"(?<![\d.,_]){_ZH_DIGITS}[{_RANGE_MARK}]{_ZH_DIGITS}(?![\d.])(?=[{_SCALE}]?[{_MEASURE}元])"
                            rf"|(?<![{_NUMERALS}第])[{_NUMERALS}]+[{_RANGE_MARK}][{_NUMERALS}]+(?=[{_SCALE}]?[{_MEASURE}元])"
                            rf"|(?<![{_NUMERALS}第])(?:两三|[一二三四五六七八]{{2}})(?=[{_MEASURE}])")),
    ("numeral", re.compile(rf"第?{_ZH_NUMERAL_RUN}")),
]

_PATTERNS: list[tuple[str, re.Pattern]] = [
    # Dates and times first: their parts are not numbers of their own (but a date states its year).
    ("date", re.compile(r"(?<![\d-])[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?)?(?![\d-])")),
    ("date", re.compile(r"(?<![\d-])[0-9]{2}-[0-9]{2}-[0-9]{4}(?: [0-9]{1,2}:[0-9]{2})?(?![\d-])")),
    ("date", re.compile(r"(?<![\d.,_])(?:[0-9]{4}[-/.][0-9]{1,2}[-/.][0-9]{1,2}|[0-9]{1,2}[-/.][0-9]{1,2}[-/.][0-9]{4})"
                        r"(?![\d_]|[-/.,][0-9])")),
    ("date", re.compile(r"(?<![\d.,_-])[0-9]{4}-(?:0[1-9]|1[0-2])(?![\d_]|[-.,][0-9])")),  # Issued 2021-03
    ("date", re.compile(rf"\b(?:{_MONTH_NAMES}) [0-9]{{1,2}}(?:st|nd|rd|th)?(?:, [0-9]{{4}})?(?![\d_]|[.,][0-9])")),
    ("date", re.compile(rf"(?<![\d.,_])[0-9]{{1,2}} (?:{_MONTH_NAMES})(?: [0-9]{{4}}(?![\d_]|[.,][0-9]))?\b")),
    ("time", re.compile(r"(?<![\d.,_:])[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?(?![\d_:]|[.,][0-9])")),  # at 11:16
    ("year_range", re.compile(r"(?<![\d.,_-])(?:19|20)[0-9]{2} ?[-–—/] ?(?:19|20)[0-9]{2}(?![\d_-]|[.,][0-9])")),
    ("money", re.compile(rf"[$¥€£] ?{_DIGITS}(?![\d_])(?: (?:million|billion|trillion))?")),
    # "two or three", "1-2", "3 or 4": a range. "from 12 to 15" is a change, two numbers.
    ("range", re.compile(rf"(?<![A-Za-z])(?=[{_FIRST_LETTERS}]){_SIMPLE_WORD} or {_SIMPLE_WORD}", re.I)),
    *_ZH_PATTERNS[:4],
    ("range", _DigitRanges()),
    ("number", _RUN),
    _ZH_PATTERNS[4],
    ("word", re.compile(_NUMBER_WORD, re.I)),
    ("multiplier", re.compile(rf"\b(?:{_alternatives(_L.multipliers)})\b", re.IGNORECASE)),
]
_ORDINAL_SUFFIX = re.compile(r"(?:st|nd|rd|th)(?![A-Za-z])")
_GLUED = re.compile(r"[A-Za-z0-9]*")
_PERCENT = re.compile(r" ?(?:[%％]|percent\b|per cent\b)")
_MONEY_AFTER = re.compile(r" (?:(million|billion|trillion) )?(?:yuan|RMB|dollars|US dollars|euros)\b")
_CURRENCY = "$¥€£"
_ASCII_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_WHITESPACE = frozenset(" \t\n\r\f\v\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
                        "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")  # what str.isspace() is true for
_WORD_AFTER = re.compile(r"\s*+([A-Za-z]+)")  # whitespace as written: a raw document's line break too
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9])|\n\s*\n|(?<=\S)\n(?=\S)"
                           rf"|(?:(?<=[{CHINESE.sentence_ends}])|(?<=[{CHINESE.sentence_ends}][”’」』）)]))(?![”’」』）)])[^\S\n]*+")  # 。！？； end one, as a line break does
_ABBREVIATIONS = re.compile(r"\b(?:Co|Ltd|Inc|No|Mr|Ms|Dr|St|vs|etc|e\.g|i\.e)\.$")


@dataclass(frozen=True)
class Mention:
    """One number as a document writes it, and what it can be read as."""

    start: int  # character offsets in the raw text
    end: int
    text: str  # exactly as written ("1 2", "more" is not part of it)
    kind: str  # its form, one of KINDS
    values: tuple[float, ...]  # what it writes: one value, two for a range, () for a time, a code or no number
    stray_space: bool = False  # digits split by a space ("20 12"): read joined, flagged for review
    reads: tuple[tuple[str, float], ...] = ()  # (CARDINAL/ORDINAL/YEAR, value): what it states, as what
    unit: str = ""  # the unit written with it where the reader knows it: 亿元, 万家, 家, percent; else ""

    @property
    def value(self) -> float | None:
        return self.values[0] if len(self.values) == 1 else None


def _digits_value(text: str) -> float:
    return float(text.replace(",", "").replace(" ", ""))


def _word_value(words: str, language: Language = ENGLISH) -> float:
    """The value of number words: 'five', 'twenty-five', 'one hundred and twenty', 'third'."""
    words = words.lower()
    if words in language.ordinals:
        return float(language.ordinals[words])
    total = current = 0
    for word in re.split(r"[\s-]+", words):
        if word == language.and_word:
            continue
        scale = language.scales.get(word)
        if scale is None:
            current += language.cardinals[word]
        elif scale >= 1000:
            total, current = total + (current or 1) * scale, 0
        else:
            current = (current or 1) * scale
    return float(total + current)


# --- what a run of digits is, from the words around it -------------------------------------------

def _word_before(text: str, end: int) -> tuple[str, int] | None:
    """The ASCII word right before `end` as written ("No." keeps its point) and where it starts;
    only whitespace or opening parentheses may stand between, and it must be all letters (with one
    point at its end). None if there is no such word (or it is longer than any word looked for)."""
    i = end
    while i > 0 and text[i - 1] in _SPACE_OR_PARENTHESIS:
        i -= 1
    lowest = i - _LONGEST_WORD if i > _LONGEST_WORD else 0
    k = text.rfind(" ", lowest, i) + 1 or lowest
    word = text[k:i]
    if not word.isprintable() or "(" in word:  # a line break or tab of a raw document, a parenthesis
        k += max(word.rfind(c) for c in _SPACE_OR_PARENTHESIS) + 1
        word = text[k:i]
    if k == lowest and k and text[k - 1] not in _SPACE_OR_PARENTHESIS:
        return None  # no space within reach: a word longer than any looked for
    if word.isalpha():  # the usual: letters only
        return (word, k) if word.isascii() else None
    core = word[:-1] if word.endswith(".") else word
    return (word, k) if core.isalpha() and core.isascii() else None


_SPACE_TO_END = re.compile(r"\s*+\Z")
_SPACE_OR_PARENTHESIS = " (\n\t\r\f\v"
_LONGEST_WORD = 24  # longer than every word the rules below look for: the look back stays short


def is_year_like(run: str, value: float) -> bool:
    """Four digits from 1900 to 2100: what a year looks like (the words around decide if it is one)."""
    return 1900 <= value <= 2100 and len(run.replace(" ", "")) == 4 and run.replace(" ", "").isdigit()


def _is_month(word: str | None, language: Language = ENGLISH) -> bool:
    return bool(word) and word[0].isupper() and word.lower().rstrip(".") in language.months


def classify(text: str, start: int, end: int, value: float, language: Language = ENGLISH) -> frozenset[str]:
    """What the number written at text[start:end] (a whole run of digits, outside a numeric date) can
    be read as: some of CARDINAL, ORDINAL, YEAR, or none (a code, a day of a month). It looks only at
    the characters and words around the run, so the fast path of evidence.states and find_numbers
    classify a run alike."""
    # Set lookups rather than str methods: classify runs on every value validation checks.
    following = text[end:end + 1]
    preceding = text[start - 1:start] if start else ""
    if preceding in _ASCII_LETTERS:
        return _NONE  # CO2, A380, v3, a3th: a code
    if preceding in _Z.ordinal_marks or following and ("\u3400" <= following <= "\u9fff" or following == "％"):
        return _classify_chinese(text, start, end, value, following, preceding)
    if following not in _WHITESPACE and following.isalpha():
        if _ORDINAL_SUFFIX.match(text, end):
            if end - start <= 2 and _MONTH_BEFORE.search(text, max(0, start - 10), start):
                return _NONE  # March 12th: the day of a date, as the date pattern reads it
            return _ORDINAL_ONLY  # 34th, 1st
        glued = _GLUED.match(text, end).group()
        if not glued.isalpha() or not glued.islower():
            return _NONE  # 5G, 3D, 4K: a code ("3km", "20mu" stay quantities)
    spaced = preceding in _WHITESPACE
    found = _word_before(text, start) if spaced or preceding == "(" else None
    word = found[0] if found else None
    nearest = word.lower() if word else None
    if nearest in language.code_words:
        return _NONE  # version 3.14
    next_word = after = None
    first = text[end + 1:end + 2] if following == " " else ""
    if "a" <= first <= "z" and first != "o" and first != "p":
        # The usual: a space, then a lower-case word that cannot be "of" or "percent": of it, only
        # its first letter is read below, but after "the", where the whole word is read again.
        next_word = first
    elif following in _WHITESPACE:
        after = _WORD_AFTER.match(text, end)
        next_word = after.group(1) if after else None
    if (spaced and word and word[0].isupper() and _is_month(word, language)) or (
        next_word and (next_word[0].isupper() and _is_month(next_word, language) or next_word == "of"
                       and _is_month((_WORD_AFTER.match(text, after.end()) or (None, None))[1], language))
    ):
        return _YEAR_ONLY if is_year_like(text[start:end], value) else _NONE  # May 1, 1 May, March 2021
    if preceding and preceding in _CURRENCY or spaced and start > 1 and text[start - 2] in _CURRENCY:
        return _CARDINAL_ONLY  # $5, ¥ 3
    if (following == "%" or following == "p" or next_word and next_word[0] == "p"
            or next_word is None and following == " " and text[end + 1:end + 2] == "%") and _PERCENT.match(text, end):
        return _CARDINAL_ONLY  # 80%, 12 %, 12 percent, 12 per cent
    if preceding == "#":
        return _ORDINAL_ONLY  # #2
    if spaced and found:
        rank, word_start = nearest, found[1]
        for _ in range(3):  # ranked at least 12: qualifiers may stand between
            if rank not in language.qualifier_words:
                break
            earlier = _word_before(text, word_start)
            if earlier is None:
                break
            rank, word_start = earlier[0].lower(), earlier[1]
        if rank in language.rank_words or nearest in language.position_words:
            return _ORDINAL_ONLY  # ranked 12, ranks at least 12, No. 1
        if nearest == "the" and (following in ("", ".", ",", ";", ":", ")")
                                 or following in _WHITESPACE and _SPACE_TO_END.match(text, end)
                                 or next_word and (next_word if after else _WORD_AFTER.match(text, end).group(1)).lower()
                                 in language.after_a_position):
            return _ORDINAL_ONLY  # from the 34th in 20 12 to the 1 1 in 2022
    if 1900 <= value <= 2100 and is_year_like(text[start:end], value):  # the range first: most values are no year
        earlier = _word_before(text, found[1]) if found and nearest in ("of", "with", "to") else None
        if earlier and nearest == "of" and earlier[0].lower() in language.count_words:
            return _CARDINAL_ONLY  # a total of 2000 firms
        if earlier and earlier[0].lower() in language.comparison_words:
            return _YEAR_ONLY  # compared with 2012 when it stood at
        if next_word is not None and nearest not in language.year_words:
            return _YEAR_OR_CARDINAL  # 2018 enterprises: a count, or a year used as a noun
        return _YEAR_ONLY  # in 2018, 2018., compared with 2012
    return _CARDINAL_ONLY


def _classify_chinese(text: str, start: int, end: int, value: float, following: str, preceding: str) -> frozenset[str]:
    """classify for digits a Chinese character follows (or 第 precedes): the characters around say
    what they are. 第5: a position; 2022年: a year (3年: a count of years); 4月, 12日: part of a date;
    a year-like run before 至 and another year: a year (2023至2025年); 2012家, 1025.3亿元, 80％: a count or amount."""
    if preceding in _Z.ordinal_marks:
        return _ORDINAL_ONLY
    if following in _Z.date_marks:
        return _NONE
    year_like = is_year_like(text[start:end], value)
    if following in _Z.year_marks:
        return _YEAR_ONLY if year_like else _CARDINAL_ONLY
    if year_like and following in _Z.range_marks and _YEAR_LIKE_PART.match(text, end + 1):
        return _YEAR_ONLY
    if following in _Z.measure_words or following in _Z.scale_units or following in _Z.money_words \
            or following in _Z.after_a_number or following == "％":
        return _CARDINAL_ONLY
    return _YEAR_ONLY if year_like else _CARDINAL_ONLY


_ORDINAL_ONLY, _YEAR_ONLY, _CARDINAL_ONLY = frozenset({ORDINAL}), frozenset({YEAR}), frozenset({CARDINAL})
_YEAR_OR_CARDINAL, _NONE = frozenset({YEAR, CARDINAL}), frozenset()


def _digits_mention(text: str, match: re.Match, raw: str) -> Mention:
    """A run of digits as what it is: a plain number classified by its context, or a code, a
    dotted sequence, or no number at all."""
    start, end = match.span()
    stray = " " in raw
    plain = raw.replace(" ", "")
    if "_" in plain or text[end:end + 1] == "_" or text[end:end + 1].isdecimal():
        return Mention(start, end, raw, "unreadable", (), stray)  # 1_4, 12١
    if plain.count(".") > 1:
        return Mention(start, end, raw, "code", (), stray)  # 3.14.15: a dotted sequence, no quantity
    if not _THOUSANDS.fullmatch(plain):
        return Mention(start, end, raw, "unreadable", (), stray)  # 12,34: no number
    value = _digits_value(plain)
    reads = classify(text, start, end, value)
    after = text[end:end + 30]
    if reads == _ORDINAL_ONLY and start and text[start - 1] in _Z.ordinal_marks:  # 第5, 第2位
        stop = end + (1 if text[end:end + 1] in _Z.rank_endings else 0)
        return Mention(start - 1, stop, text[start - 1:stop], "ordinal", (value,), stray, ((ORDINAL, value),))
    if reads == _ORDINAL_ONLY:
        suffix = _ORDINAL_SUFFIX.match(after)
        stop = end + (suffix.end() if suffix and after[:1].isalpha() else 0)
        return Mention(start, stop, text[start:stop], "ordinal", (value,), stray, ((ORDINAL, value),))
    if not reads:
        if text[end:end + 1] in _Z.date_marks:
            return Mention(start, end, raw, "date_part", (value,), stray)  # 4月, 12日
        if text[end:end + 1].isalpha() or start and text[start - 1].isalpha():  # 5G, CO2: a name, whole
            stop = _GLUED.match(text, end).end()
            begin = start
            while begin and text[begin - 1].isascii() and text[begin - 1].isalnum():
                begin -= 1
            return Mention(begin, stop, text[begin:stop], "code", (), stray)
        word = _word_before(text, start)
        if word and word[0].lower() in ENGLISH.code_words:
            return Mention(start, end, raw, "code", (), stray)  # version 3.14
        return Mention(start, end, raw, "date_part", (value,), stray)  # May 1 of a date written apart
    read = tuple((kind, value) for kind in READINGS if kind in reads)
    percent = _PERCENT.match(after)
    if percent:
        return Mention(start, end + percent.end(), text[start:end + percent.end()], "percent", (value,), stray, read,
                       "percent")
    if reads == _CARDINAL_ONLY and "\u3400" <= after[:1] <= "\u9fff":
        return _with_chinese_unit(text, start, end, raw, "cardinal", (value,), stray, read)
    money = _MONEY_AFTER.match(after)
    if money:
        written = " ".join(money.group().split())  # "million yuan": the unit, where the catalogue's units name it
        unit = written if written in ("yuan", "million yuan", "billion yuan") else ""
        return Mention(start, end + money.end(), text[start:end + money.end()], "money", (value,), stray, read, unit)
    if reads == _YEAR_ONLY:
        return Mention(start, end, raw, "year", (value,), stray, read)
    return Mention(start, end, raw, "cardinal", (value,), stray, read)


def _with_chinese_unit(text: str, start: int, end: int, raw: str, kind: str, values: tuple[float, ...], stray: bool,
                       reads: tuple[tuple[str, float], ...]) -> Mention:
    """A Chinese number with the unit written after it: 23家 (the measure word is its unit),
    3.3万家 and 1025.3亿元 (the scale is part of the unit, and of the number as written), 20多家
    (多 qualifies it; 家 is its unit)."""
    unit = _ZH_UNIT.match(text, end)
    if unit is None:
        return Mention(start, end, raw, kind, values, stray, reads)
    stated = unit.group(2)
    money = stated[-1] in _Z.money_words
    stop = unit.end() if money or stated[0] in _Z.scale_units else end
    return Mention(start, stop, text[start:stop], "money" if money and kind == "cardinal" else kind, values, stray,
                   reads, stated)


@functools.lru_cache(maxsize=4096)
def _numeral_value(run: str) -> float | None:
    """The value of a run of Chinese numerals (十二, 二十八, 一百二十, 两, 〇, 二〇二二, 一百零五, 三点五),
    by cn2an's "normal" mode, right on every one of these; a lone scale (近百个) by the table; None
    for a run that is no number (万一)."""
    if run in _Z.scales:
        return float(_Z.scales[run])
    import cn2an

    try:
        return float(cn2an.cn2an(run, "normal"))
    except (ValueError, KeyError, IndexError, TypeError):
        return None


@functools.lru_cache(maxsize=8)
def _longest(words: frozenset[str]) -> int:
    return max(map(len, words), default=0)


def in_a_word(text: str, start: int, end: int, words: frozenset[str] = _Z.numeral_words) -> bool:
    """Whether one of the words (CHINESE.numeral_words: 统一, 三位一体; CHINESE.across_place_names: 其中国)
    is written over any of text[start:end]."""
    longest = _longest(words)
    window_start = max(0, start - longest)
    window = text[window_start:end + longest]
    for word in words:
        at = window.find(word)
        while at >= 0:
            if window_start + at < end and start < window_start + at + len(word):
                return True
            at = window.find(word, at + 1)
    return False


def _numeral_mention(text: str, start: int, end: int, raw: str) -> Mention | None:
    """A run of Chinese numerals, where it is a number: after 第 a position (第五); before 年 a year
    written digit by digit (二〇二二年); before a measure word, a scale or 元 a count or amount
    (二十八条, 近百个, 二十万元: 20 万元 as stated); "十四五" a plan's name. A run with none of these
    around it is part of a word (统一, 一流, 一是) and no number."""
    ordinal = raw[0] in _Z.ordinal_marks
    run = raw[1:] if ordinal else raw
    if not run:
        return None
    if run in _Z.plan_names:
        return Mention(start, end, raw, "code", ())
    if in_a_word(text, start, end):
        return None
    following = text[end:end + 1]
    if ordinal:
        value = _numeral_value(run)
        if value is None:
            return None
        stop = end + (1 if following in _Z.rank_endings else 0)
        return Mention(start, stop, text[start:stop], "ordinal", (value,), False, ((ORDINAL, value),))
    if following in _Z.year_marks and len(run) == 4 and not any(c in _Z.scales for c in run):
        value = _numeral_value(run)
        return None if value is None else Mention(start, end, raw, "year", (value,), False, ((YEAR, value),))
    if run[-1] in _Z.scale_units and len(run) > 1 and _ZH_UNIT.match(text, end - 1):
        run, end = run[:-1], end - 1  # 二十万元: 20, in 万元
    unit = _ZH_UNIT.match(text, end)
    if unit is None and following not in _Z.year_marks:
        return None
    value = _numeral_value(run)
    if value is None:
        return None
    return _with_chinese_unit(text, start, end, text[start:end], "cardinal", (value,), False, ((CARDINAL, value),))


def _chinese_range_mention(text: str, start: int, end: int, raw: str) -> Mention | None:
    """2至3家, 三至五个, 两三个 (two adjacent numerals, the second one more): at least and at most."""
    parts = re.split(f"[{_RANGE_MARK}]", raw, maxsplit=1)
    if len(parts) == 1:
        low, high = _numeral_value(raw[0]), _numeral_value(raw[1])
        if low is None or high != low + 1:
            return None  # 一二: no range
    else:
        low, high = (float(p) if p[0].isdigit() else _numeral_value(p) for p in parts)
        if low is None or high is None or low >= high:
            return None
    mention = _with_chinese_unit(text, start, end, raw, "range", (low, high), False, ((CARDINAL, low), (CARDINAL, high)))
    return mention


def _chinese_percent_mention(start: int, end: int, raw: str) -> Mention | None:
    """百分之八十, 百分之12.5: a percentage."""
    number = raw[len("百分之"):]
    value = float(number) if number[0].isdigit() else _numeral_value(number)
    return None if value is None else Mention(start, end, raw, "percent", (value,), False, ((CARDINAL, value),), "percent")


def _date_mention(text: str, start: int, end: int, raw: str) -> Mention:
    """A date states its year: a numeric one as a year; one with a month name ("5 March 2021") as
    the run of its year reads (the same rule as a year written alone)."""
    years, values = [], []
    for part in _YEAR_LIKE_PART.finditer(raw):
        value = float(part.group())
        if not is_year_like(part.group(), value):
            continue
        values.append(value)
        if raw[:1].isdigit() and not any(c.isalpha() for c in raw):
            years.append((YEAR, value))
        else:
            at = start + part.start()
            years.extend((kind, value) for kind in READINGS if kind in classify(text, at, at + 4, value))
    return Mention(start, end, raw, "date", tuple(values), False, tuple(years))


def _range_mention(text: str, start: int, end: int, raw: str) -> Mention | None:
    if raw[0].isdigit():
        parts = re.split(r"[-–]| or ", raw, maxsplit=1)
        if len(parts) != 2 or " " in parts[0] or " " in parts[1]:
            return None  # "1 2" and "20 12" are stray spaces, read below
        if not (_THOUSANDS.fullmatch(parts[0]) and _THOUSANDS.fullmatch(parts[1])):
            return None
        values = (_digits_value(parts[0]), _digits_value(parts[1]))
        if " or " in raw:  # "3 or 4": each number is read where it stands, as if written alone
            second = start + len(raw) - len(parts[1])
            kinds = (classify(text, start, start + len(parts[0]), values[0]), classify(text, second, end, values[1]))
            reads = tuple((kind, v) for v, found in zip(values, kinds, strict=True) for kind in READINGS if kind in found)
            return Mention(start, end, raw, "range", values, False, reads)
    else:
        words = re.split(r" or ", raw, flags=re.I)
        values = (_word_value(words[0]), _word_value(words[1]))
    return Mention(start, end, raw, "range", values, False, tuple((CARDINAL, v) for v in values))


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
                mention = _date_mention(text, start, end, raw)
            elif kind == "time":
                mention = Mention(start, end, raw, "time", ())
            elif kind == "year_range":
                low, high = (float(v) for v in _YEAR_LIKE_PART.findall(raw))
                mention = Mention(start, end, raw, "year_range", (low, high), False, ((YEAR, low), (YEAR, high)))
            elif kind == "money":
                number = re.search(_DIGITS, raw)
                at = start + number.start()
                whole = _digits_mention(text, _Span(at, at + len(number.group()), number.group()), number.group())
                mention = Mention(start, end, raw, "money" if whole.values else "unreadable", whole.values,
                                  " " in number.group(), whole.reads)
            elif kind == "range":
                mention = _range_mention(text, start, end, raw)
            elif kind == "range_zh":
                mention = _chinese_range_mention(text, start, end, raw)
            elif kind == "percent_zh":
                mention = _chinese_percent_mention(start, end, raw)
            elif kind == "numeral":
                mention = _numeral_mention(text, start, end, raw)
            elif kind == "number":
                mention = _digits_mention(text, match, raw)
            elif kind == "multiplier":
                mention = Mention(start, end, raw, "multiplier", (float(ENGLISH.multipliers[raw.lower()]),))
            else:
                ordinal = raw.lower() in ENGLISH.ordinals
                value = _word_value(raw)
                mention = Mention(start, end, raw, "ordinal" if ordinal else "cardinal", (value,), False,
                                  ((ORDINAL if ordinal else CARDINAL, value),))
            if mention is None:
                continue
            if mention.kind == "range" and not mention.unit and "\u3400" <= text[mention.end:mention.end + 1] <= "\u9fff":
                mention = _with_chinese_unit(text, mention.start, mention.end, mention.text, "range", mention.values,
                                             False, mention.reads)  # 1-2家
            if not free(mention.start, mention.end):
                # A mention may reach past its match ("12th12" read as a code); where that would
                # overlap one an earlier pattern took ("12-03" of "12th12-03-10"), keep the digits
                # alone, so that no number goes unread.
                mention = Mention(start, end, raw, "unreadable", ())
            for i in range(mention.start, mention.end):
                taken[i] = True
            found.append(mention)
    return sorted(found, key=lambda m: m.start)


def read_numbers(text: str) -> dict[str, frozenset[float]]:
    """Every value the text states, by what it is read as (CARDINAL, ORDINAL, YEAR)."""
    found: dict[str, set[float]] = {kind: set() for kind in READINGS}
    for mention in find_numbers(text):
        for kind, value in mention.reads:
            found[kind].add(value)
    return {kind: frozenset(values) for kind, values in found.items()}


def lost_dash_values(mention: Mention) -> tuple[float, ...]:
    """What digits split by a stray space state when the space is a lost dash ('1 2': 1 to 2),
    the other reading of an ambiguous figure; () for any other mention."""
    parts = mention.text.split()
    if mention.kind != "cardinal" or not mention.stray_space or len(parts) != 2 or not all(p.isdigit() for p in parts):
        return ()
    return float(parts[0]), float(parts[1])


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence: ends at '.', '!' or '?' before a capital or digit, at 。！？；
    (and the closing quotes after them), at a blank line, or at a line break (headlines, date
    lines). 'Co.' and 'e.g.' do not end one."""
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
    from dashboard.evidence import quote_pattern  # evidence reads numbers through this module

    pattern = quote_pattern(quote)
    return [m.span() for m in pattern.finditer(text)] if pattern else []


def same_number_text(a: str, b: str) -> bool:
    """Whether two ways of writing a number are the same text, case and whitespace aside."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()
