"""Text evidence: does a quote really occur in its document, and does it really state a number.

These are the pure string functions behind the schema's provenance checks. Documents and quotes
are compared after folding runs of whitespace into one space ("whitespace may differ"); numbers
are found as digits (also with the stray spaces the seed texts contain, "20 12" for 2012), or as
English number and ordinal words ("five", "third").
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

_WHITESPACE = re.compile(r"\s+")

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
_WORDS_BY_VALUE: dict[int, list[str]] = {}
for _word, _number in NUMBER_WORDS.items():
    _WORDS_BY_VALUE.setdefault(_number, []).append(_word)


def normalise_whitespace(text: str) -> str:
    """Fold every run of whitespace (spaces, tabs, newlines) into one space and trim the ends."""
    return _WHITESPACE.sub(" ", text).strip()


def quote_in_document(quote: str, document: str) -> bool:
    """True when the quote occurs in the document character for character, whitespace aside.

    `document` is expected to be normalised already (documents are long and checked many times).
    """
    needle = normalise_whitespace(quote)
    return bool(needle) and needle in document


def _digit_pattern(digits: str) -> str:
    # A stray single space may split the digits ("1 2" for 12). The look-arounds keep 12 from
    # matching inside 2012, 12.42 or "20 12", and keep a number from matching part of a longer one.
    body = r"\s?".join(re.escape(ch) if ch == "." else ch for ch in digits)
    return rf"(?<![\d.,])(?<!\d\s){body}(?![\d])(?!\s\d)(?![.,]\d)"


@lru_cache(maxsize=4096)
def _value_pattern(value: float) -> re.Pattern[str]:
    alternatives = []
    if float(value).is_integer():
        number = int(value)
        alternatives.append(_digit_pattern(str(number)))
        alternatives.extend(rf"\b{word}\b" for word in _WORDS_BY_VALUE.get(number, []))
    else:
        # Shortest round-trip text of the float: 12.42 stays "12.42", never "12.420000001".
        alternatives.append(_digit_pattern(repr(float(value))))
    return re.compile("|".join(alternatives), re.IGNORECASE)


def value_in_text(value: float, text: str) -> bool:
    """True when the text states this number as digits (thousands commas allowed) or as a word."""
    if value is None or not math.isfinite(value) or value < 0:
        return False
    plain = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", normalise_whitespace(text))
    return _value_pattern(float(value)).search(plain) is not None


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
