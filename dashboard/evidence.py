"""Text evidence: does a quote really occur in its document, and does it really state a number.

These are the pure string functions behind the schema's provenance checks. Documents and quotes
are compared after folding runs of whitespace into one space ("whitespace may differ"); numbers
are found as digits (also with the stray spaces the seed texts contain, "20 12" for 2012), or as
English number and ordinal words ("five", "third").
"""

from __future__ import annotations

import functools
import math
import re

_CARDINALS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "thousand": 1000,
}
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50,
    "hundredth": 100,
}
NUMBER_WORDS: dict[str, int] = {**_CARDINALS, **_ORDINALS}


def normalise_whitespace(text: str) -> str:
    """Fold every run of whitespace (spaces, tabs, newlines) into one space and trim the ends."""
    # isprintable() is False for every whitespace character but the ASCII space: the cheap test
    # that most texts (one-line quotes) are normalised already.
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())


def quote_in_document(quote: str, document: str) -> bool:
    """True when the quote occurs in the document character for character, whitespace aside.

    `document` is expected to be normalised already (documents are long and checked many times).
    """
    needle = normalise_whitespace(quote)
    return bool(needle) and needle in document


# What a number in a text is. A figure's value is only found where the text states it as what it
# is: a count, an amount or a percentage as a cardinal ("14 centres", "five bases", "more than 80%"),
# a rank as an ordinal ("third", "the 34th", "ranked 12", "the 1 1 in 2022"), a year as a year
# ("in 2012", "(2023-2025)"). Months and days of a date ("2021-03-10", "May 1", "11:16") are none
# of these; a four-digit 1900-2100 is a year, and also a cardinal only where a word follows it
# and no year word precedes it ("2018 enterprises", not "in 2018" or "2018.").
CARDINAL, ORDINAL, YEAR = "cardinal", "ordinal", "year"
KINDS = (CARDINAL, ORDINAL, YEAR)

# A number as the seed texts write it: ASCII digits, thousands commas ("1,000"), a decimal point
# ("12.42") and single stray spaces between digits ("20 12" is 2012, "1 1" is 11). A run never
# starts right after a digit (of any script), point, comma or underscore, and never stops just
# before ".5", ",5", another script's digit or an underscore, so 12 is not found inside 2012,
# 12.42, "20 12", "1_2" or "1٢". The repetition is possessive: a run that would stop there is no
# number at all, never a shorter one ("12,34" states neither 1 nor 12). Full-width, Arabic-Indic
# and other non-ASCII digits, and "1_4" (which Python's float() reads as 14), are not numbers here.
_NUMBER_RUN = re.compile(r"[0-9](?<![\d.,_][0-9])(?:[0-9]|,(?=[0-9]{3}(?![0-9]))|\.(?=[0-9])| (?=[0-9]))*+(?![.,][0-9]|[\d_])")
_LOWER_WORD = re.compile(r"[a-z]+")
_NUMBER_WORD_SET = frozenset(NUMBER_WORDS)
# Each alternative starts only where a run starts (nothing it could have taken stands before) and
# repeats possessively, so a long run of digits is read once, not once per starting point.
_FOREIGN_DIGITS = re.compile(r"(?<![\d_])[0-9_]*+(?![0-9])\d[\d_]*+|(?<![0-9])[0-9]++(?:_[0-9]++)++")

# Numeric dates and times, and year ranges: the parts of a match are years (four digits) or no
# number at all (months, days, hours).
_NUMERIC_DATE = re.compile(
    r"(?<![0-9])(?:[0-9]{4}[-/.][0-9]{1,2}[-/.][0-9]{1,2}|[0-9]{1,2}[-/.][0-9]{1,2}[-/.][0-9]{4}"
    r"|[0-9]{4}-(?:0[1-9]|1[0-2])|[0-9]{4} ?[-\u2013\u2014/] ?[0-9]{4}|[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?)(?![0-9])"
)
_MONTHS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
_ORDINAL_SUFFIX = re.compile(r"(?:st|nd|rd|th)(?![A-Za-z])")
_WORD_AFTER = re.compile(r" ?([A-Za-z]+)")
_YEAR_WORDS = frozenset("in since by from to until till through before after during of year years between".split())
_RANK_WORDS = frozenset("rank ranks ranked ranking place placed position".split())
_QUALIFIER_WORDS = frozenset("about around nearly approximately roughly over under top more less than at least most".split())
_AFTER_A_POSITION = frozenset("in of at on by for among with to and or from place position spot".split())


def _run_numbers(run: str) -> list[float]:
    """The number a run writes; a run with several points ("3.14.15") is no decimal but a dotted
    sequence, and states each of its parts."""
    plain = run.replace(",", "").replace(" ", "")
    return [float(part) for part in plain.split(".")] if plain.count(".") > 1 else [float(plain)]


def _word_before(text: str, end: int) -> tuple[str, int] | None:
    """The ASCII word right before `end` as written ("No." keeps its point) and where it starts;
    only spaces or opening parentheses may stand between, and it must be all letters (with one
    point at its end). None if there is no such word."""
    i = end
    while i > 0 and text[i - 1] in " (":
        i -= 1
    k = text.rfind(" ", 0, i) + 1
    if "(" in text[k:i]:
        k = text.rfind("(", k, i) + 1
    word = text[k:i]
    core = word[:-1] if word.endswith(".") else word
    return (word, k) if core.isalpha() and core.isascii() else None


def _is_year_like(run: str, value: float) -> bool:
    return 1900 <= value <= 2100 and len(run.replace(" ", "")) == 4 and run.replace(" ", "").isdigit()


def _is_month(word: str | None) -> bool:
    return bool(word) and word[0].isupper() and word.lower().rstrip(".") in _MONTHS


def classify(text: str, start: int, end: int, value: float) -> frozenset[str]:
    """What the number written at text[start:end] (a whole run, outside a numeric date) is: some of
    CARDINAL, ORDINAL, YEAR, or none (a day of a month). It looks only at the words around the run,
    so the fast path and the full reading classify a run alike."""
    following = text[end:end + 1]
    if following.isalpha() and _ORDINAL_SUFFIX.match(text, end):
        return _ORDINAL_ONLY  # 34th, 1st
    preceding = text[start - 1:start] if start else ""
    spaced = preceding == " "
    found = _word_before(text, start) if spaced or preceding == "(" else None
    word = found[0] if found else None
    nearest = word.lower() if word else None
    next_word = None
    if following == " ":
        after = _WORD_AFTER.match(text, end)
        next_word = after.group(1) if after else None
    if (spaced and word and word[0].isupper() and _is_month(word)) or (
        next_word and (next_word[0].isupper() and _is_month(next_word) or next_word == "of"
                       and _is_month((_WORD_AFTER.match(text, after.end()) or (None, None))[1]))
    ):
        return _YEAR_ONLY if _is_year_like(text[start:end], value) else _NONE  # May 1, 1 May, March 2021
    if preceding == "#":
        return _ORDINAL_ONLY  # #2
    if spaced and found:
        rank, word_start = nearest, found[1]
        for _ in range(3):  # ranked at least 12: qualifiers may stand between
            if rank not in _QUALIFIER_WORDS:
                break
            earlier = _word_before(text, word_start)
            if earlier is None:
                break
            rank, word_start = earlier[0].lower(), earlier[1]
        if rank in _RANK_WORDS or nearest in ("no.", "number"):
            return _ORDINAL_ONLY  # ranked 12, ranks at least 12, No. 1
        if nearest == "the" and (following in ("", ".", ",", ";", ":", ")")
                                 or next_word and next_word.lower() in _AFTER_A_POSITION):
            return _ORDINAL_ONLY  # from the 34th in 20 12 to the 1 1 in 2022
    if _is_year_like(text[start:end], value):
        if next_word is not None and nearest not in _YEAR_WORDS:
            return _YEAR_OR_CARDINAL  # 2018 enterprises: a count, or a year used as a noun
        return _YEAR_ONLY  # in 2018, 2018.
    return _CARDINAL_ONLY


_ORDINAL_ONLY, _YEAR_ONLY, _CARDINAL_ONLY = frozenset({ORDINAL}), frozenset({YEAR}), frozenset({CARDINAL})
_YEAR_OR_CARDINAL, _NONE = frozenset({YEAR, CARDINAL}), frozenset()


def read_numbers(text: str) -> dict[str, frozenset[float]]:
    """Every number the text states, by kind (see classify), in digits or in words."""
    text = normalise_whitespace(text)
    found: dict[str, set[float]] = {kind: set() for kind in KINDS}
    dates = [match.span() for match in _NUMERIC_DATE.finditer(text)]
    next_date = 0  # runs and dates both come in text order: one pass over each, never runs x dates
    for match in _NUMBER_RUN.finditer(text):
        start, end = match.span()
        run = match.group()
        while next_date < len(dates) and dates[next_date][1] <= start:
            next_date += 1
        if next_date < len(dates) and dates[next_date][0] < end:
            for part in re.split(r"[ .]", run.replace(",", "")):
                if part and _is_year_like(part, float(part)):
                    found[YEAR].add(float(part))
            continue
        numbers = _run_numbers(run)
        if len(numbers) > 1:
            found[CARDINAL].update(numbers)  # a dotted sequence that is no date: "version 3.14.15"
            continue
        for kind in classify(text, start, end, numbers[0]):
            found[kind].add(numbers[0])
    for word in _NUMBER_WORD_SET.intersection(_LOWER_WORD.findall(text.lower())):
        found[ORDINAL if word in _ORDINALS else CARDINAL].add(float(NUMBER_WORDS[word]))
    return {kind: frozenset(numbers) for kind, numbers in found.items()}


def digit_numbers(text: str) -> frozenset[float]:
    """The numbers the text writes in ASCII digits, whatever their kind (see _NUMBER_RUN), with
    whitespace folded first. Months and days of numeric dates count too: this is what the text
    writes, not what it states."""
    return frozenset(n for run in _NUMBER_RUN.findall(normalise_whitespace(text)) for n in _run_numbers(run))


@functools.lru_cache(maxsize=4096)  # the same values (years above all) recur across rows
def _plain_digits(value: float) -> str | None:
    """How the value is written with no comma or stray space ("2012", "12.42"); None if it cannot
    be written as digits with at most one point (negative, not finite, exponent notation)."""
    value = float(value)
    if not math.isfinite(value) or value < 0:
        return None
    plain = str(int(value)) if value.is_integer() else repr(value)
    return plain if plain.replace(".", "", 1).isdigit() else None


def _ascii_digit(char: str) -> bool:
    return "0" <= char <= "9"


def _extends_run(text: str, index: int, step: int) -> bool:
    """Whether the character at `index`, next to a digit run on the side `step` points to, could
    extend it or make it no number: a digit of any script or an underscore; before the run a
    point or comma, after it a point or comma with an ASCII digit next (a decimal, a thousands
    comma, a dotted sequence); whitespace with an ASCII digit past it."""
    if not 0 <= index < len(text):
        return False
    char = text[index]
    if char == " " and 0 <= index + step < len(text) and not text[index + step].isspace():
        return _ascii_digit(text[index + step])  # the usual case: one space, then a word or a digit
    if char.isdecimal() or char == "_":
        return True
    if char in ".,":
        return step < 0 or index + 1 < len(text) and _ascii_digit(text[index + 1])
    if not char.isspace():
        return False
    while 0 <= index < len(text) and text[index].isspace():
        index += step
    return 0 <= index < len(text) and _ascii_digit(text[index])


_DATE_JOIN_AFTER = re.compile(r" ?[-/.:\u2013\u2014] ?[0-9]")
_DATE_JOIN_BEFORE = re.compile(r"[0-9] ?[-/.:\u2013\u2014] ?$")


_DATE_MARKS = frozenset("-/.:\u2013\u2014") - {""}


def _near_a_date(text: str, start: int, end: int) -> bool:
    """Whether date punctuation joins the run to other digits (2021-03-10, 11:16, 2023 - 2025):
    then only the full reading, which finds numeric dates, can tell what it is."""
    after, before = text[end:end + 1], text[start - 1:start] if start else ""
    if not (after in _DATE_MARKS or before in _DATE_MARKS or after == " " and text[end + 1:end + 2] in _DATE_MARKS
            or before == " " and start > 1 and text[start - 2] in _DATE_MARKS):
        return False  # the usual case: no mark within two characters
    return bool(_DATE_JOIN_AFTER.match(text, end) or _DATE_JOIN_BEFORE.search(text, max(0, start - 4), start))


def states(value: float, text: str, kind: str | None = None,
           memo: dict[str, dict[str, frozenset[float]]] | None = None) -> bool:
    """Whether the text states `value` as a number of this kind (CARDINAL, ORDINAL or YEAR; None:
    any kind), in digits or in words. Exactly `value in read_numbers(text)[kind]`, fast in the
    usual case: when the value's plain digits first occur in the text as a whole run away from
    date punctuation, classify() decides from the words around it. Otherwise the text is read in
    full (memoised in `memo`, per text)."""
    if value is None or not math.isfinite(value) or value < 0:
        return False
    value = float(value)
    plain = _plain_digits(value)
    start = text.find(plain) if plain is not None else -1
    if start >= 0:
        end = start + len(plain)
        if (not _extends_run(text, start - 1, -1) and not _extends_run(text, end, 1)
                and not _near_a_date(text, start, end) and text.isprintable() and "  " not in text):
            kinds = classify(text, start, end, value)
            if kinds & ({kind} if kind else set(KINDS)):
                return True
    if memo is None:
        numbers = read_numbers(text)
    else:
        if text not in memo:
            memo[text] = read_numbers(text)
        numbers = memo[text]
    return any(value in numbers[k] for k in ((kind,) if kind else KINDS))


def states_in_digits(value: float, text: str, numbers: dict[str, frozenset[float]] | None = None) -> bool:
    """Exactly `value in digit_numbers(text)`, fast in the usual case: when the value's plain
    digits occur in the text as a whole run, that run is the value."""
    plain = _plain_digits(value)
    start = text.find(plain) if plain is not None else -1
    if start >= 0 and not _extends_run(text, start - 1, -1) and not _extends_run(text, start + len(plain), 1):
        return True
    if numbers is None:
        return value in digit_numbers(text)
    if text not in numbers:
        numbers[text] = digit_numbers(text)
    return value in numbers[text]


def word_numbers(text: str) -> frozenset[float]:
    """The numbers the text writes as number or ordinal words ("five", "third")."""
    return frozenset(float(NUMBER_WORDS[w]) for w in _NUMBER_WORD_SET.intersection(_LOWER_WORD.findall(text.lower())))


def numbers_in_text(text: str) -> frozenset[float]:
    """Every number the text writes, in digits or in words, whatever its kind."""
    return digit_numbers(text) | word_numbers(text)


def value_in_text(value: float, text: str, kind: str | None = None,
                  memo: dict[str, dict[str, frozenset[float]]] | None = None) -> bool:
    """True when the text states this number as a number of this kind (None: any kind); see states."""
    return states(value, text, kind, memo)


def foreign_digits(text: str) -> list[str]:
    """The pieces of text that look like numbers but are not read as numbers here: digits of
    other scripts (full-width １４, Arabic-Indic ١٤) and digits joined by underscores (1_4)."""
    return _FOREIGN_DIGITS.findall(text)


def quote_pattern(quote: str) -> re.Pattern | None:
    """A pattern of the quote in a raw document, its whitespace matching any run of whitespace
    there (as in quote_in_document); None for a quote with no words."""
    words = quote.split()
    # Possessive: a word never starts with whitespace, so a long run of it is read once.
    return re.compile(r"\s++".join(re.escape(word) for word in words)) if words else None


def quote_spans(document: str, quotes: list[str]) -> list[tuple[int, int]]:
    """Where the quotes sit in the raw document, as merged (start, end) character spans."""
    spans = []
    for quote in set(quotes):
        pattern = quote_pattern(quote)
        match = pattern.search(document) if pattern else None
        if match:
            spans.append(match.span())
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


def paragraph_around(document: str, quote: str) -> tuple[str, list[tuple[int, int]]]:
    """The paragraph (text between blank lines) holding the quote, and the quote's span in it.

    A quote that runs over several paragraphs gets all of them. When the quote is not in the
    document (an unverified upload), the answer is ('', []): nothing is shown as its context.
    """
    spans = quote_spans(document, [quote])
    if not spans:
        return "", []
    start, end = spans[0]
    breaks = [(m.start(), m.end()) for m in _PARAGRAPH_BREAK.finditer(document)]
    first = max((e for s, e in breaks if e <= start), default=0)
    last = min((s for s, e in breaks if s >= end), default=len(document))
    paragraph = document[first:last]
    trimmed = len(paragraph) - len(paragraph.lstrip())
    paragraph = paragraph.strip()
    return paragraph, [(start - first - trimmed, end - first - trimmed)]
