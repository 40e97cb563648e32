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


# A number as the seed texts write it: digits, thousands commas ("1,000"), a decimal point
# ("12.42") and single stray spaces between digits ("20 12" is 2012, "1 1" is 11). A run never
# starts right after a digit, point or comma, and never stops just before ".5" or ",5", so 12 is
# not found inside 2012, 12.42 or "20 12". The repetition is possessive: a run that would stop
# before ",5" is no number at all, never a shorter one ("12,34" states neither 1 nor 12). (The
# first digit is matched before the look-behind is tried, which lets the engine skip non-digits.)
_NUMBER_RUN = re.compile(r"\d(?<![\d.,]\d)(?:\d|,(?=\d{3}(?!\d))|\.(?=\d)| (?=\d))*+(?![.,]\d)")
_LOWER_WORD = re.compile(r"[a-z]+")
_NUMBER_WORD_SET = frozenset(NUMBER_WORDS)


def _run_numbers(run: str) -> list[float]:
    """The number a run writes; a run with several points ("2022.05.01", "3.14.15") is no decimal
    but a dotted sequence, and states each of its parts."""
    plain = run.replace(",", "").replace(" ", "")
    return [float(part) for part in plain.split(".")] if plain.count(".") > 1 else [float(plain)]


def digit_numbers(text: str) -> frozenset[float]:
    """The numbers the text writes in digits (see _NUMBER_RUN), with whitespace folded first."""
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


def _extends_run(text: str, index: int, step: int) -> bool:
    """Whether the character at `index`, next to a digit run on the side `step` points to, could
    extend it: a digit; before the run a point or comma, after it a point or comma with a digit
    next (a decimal, a thousands comma, a dotted sequence); whitespace with a digit past it."""
    if not 0 <= index < len(text):
        return False
    char = text[index]
    if char == " " and 0 <= index + step < len(text) and not text[index + step].isspace():
        return text[index + step].isdecimal()  # the usual case: one space, then a word or a digit
    if char.isdecimal():
        return True
    if char in ".,":
        return step < 0 or index + 1 < len(text) and text[index + 1].isdecimal()
    if not char.isspace():
        return False
    while 0 <= index < len(text) and text[index].isspace():
        index += step
    return 0 <= index < len(text) and text[index].isdecimal()


def states_in_digits(value: float, text: str, numbers: dict[str, frozenset[float]] | None = None) -> bool:
    """Exactly `value in digit_numbers(text)`, fast in the usual case.

    When the value's plain digits occur in the text as a whole run (nothing on either side that
    could extend the run, see _extends_run), that run is the value. Otherwise the text's numbers
    are read in full (memoised in `numbers`, per text).
    """
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
    """Every number the text states, in digits or in words."""
    return digit_numbers(text) | word_numbers(text)


def value_in_text(
    value: float, text: str, digits: dict[str, frozenset[float]] | None = None,
    words: dict[str, frozenset[float]] | None = None,
) -> bool:
    """True when the text states this number as digits (thousands commas allowed) or as a word.

    Digits first (see states_in_digits); words only when the digits do not state it. `digits` and
    `words` memoise what a text states, for callers that check many values against shared texts."""
    if value is None or not math.isfinite(value) or value < 0:
        return False
    if states_in_digits(value, text, digits):
        return True
    if words is None:
        return float(value) in word_numbers(text)
    if text not in words:
        words[text] = word_numbers(text)
    return float(value) in words[text]


def quote_spans(document: str, quotes: list[str]) -> list[tuple[int, int]]:
    """Where the quotes sit in the raw document, as merged (start, end) character spans.

    Whitespace in a quote matches any run of whitespace in the document, as in quote_in_document.
    """
    spans = []
    for quote in set(quotes):
        words = quote.split()
        if words:
            match = re.search(r"\s+".join(re.escape(word) for word in words), document)
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
