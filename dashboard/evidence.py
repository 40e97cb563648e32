"""Text evidence: does a quote really occur in its document, and does it really state a number.

These are the pure string functions behind the schema's provenance checks. Documents and quotes
are compared after folding runs of whitespace into one space ("whitespace may differ"). What
numbers a text states, and as what, is read by the one reader, dashboard.numbers: `states` asks its
`classify` on the fast path and its `find_numbers` (through `read_numbers`) otherwise.
"""

from __future__ import annotations

import math
import re

from dashboard import numbers as _reader
from dashboard.numbers import CARDINAL, ORDINAL, YEAR, classify  # noqa: F401 (the kinds schema.py asks for)


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


def quotes_in_documents(quotes: list[object], sources: list[object], documents: dict) -> list[bool]:
    """quote_in_document for each row: whether quotes[i] (a str, else False) occurs in the
    normalised document documents[sources[i]] (missing: no document, False).

    Each document is searched from where its previous quote was found, then before that point:
    rows usually quote a document in its own order, so a search reads a sentence or two, not the
    whole document. The two searches together cover every place a quote can start, so the answer
    is exactly quote_in_document's."""
    found_at: dict[object, int] = {}  # source -> where its last quote was found
    missing: set[tuple[object, str]] = set()  # (source, quote) found nowhere: a repeat is not searched again
    answers = []
    for quote, source in zip(quotes, sources, strict=True):
        needle = normalise_whitespace(quote) if isinstance(quote, str) else ""
        document = documents.get(source) if needle else None
        if not document or missing and (source, needle) in missing:
            answers.append(False)
            continue
        hint = found_at.get(source, 0)
        at = document.find(needle, hint)
        if at < 0 and hint:  # a match starting before the hint ends before hint + len(needle) - 1
            at = document.find(needle, 0, hint + len(needle) - 1)
        if at < 0:
            missing.add((source, needle))
        else:
            found_at[source] = at
        answers.append(at >= 0)
    return answers


# What a number in a text is read as (a count or amount, a position, a year) is decided by the one
# reader, dashboard.numbers; this module asks it.
KINDS = _reader.READINGS

# Digits the reader does not read (other scripts' digits, digits joined by "_"), named in messages.
# Each alternative starts only where a run starts (nothing it could have taken stands before) and
# repeats possessively, so a long run of digits is read once, not once per starting point.
_FOREIGN_DIGITS = re.compile(r"(?<![\d_])[0-9_]*+(?![0-9])\d[\d_]*+|(?<![0-9])[0-9]++(?:_[0-9]++)++")


def read_numbers(text: str) -> dict[str, frozenset[float]]:
    """Every number the text states, by kind (CARDINAL, ORDINAL, YEAR), in digits or in words, as
    the one reader (dashboard.numbers.find_numbers) reads the text with its whitespace folded."""
    return _reader.read_numbers(normalise_whitespace(text))


def _plain_digits(value: float) -> str | None:
    """How the value is written with no comma or stray space ("2012", "12.42"); None if it cannot
    be written as digits with at most one point (negative, not finite, exponent notation).
    Not cached: most values of 100k rows are new, and a cache that mostly misses costs more."""
    value = float(value)
    if not math.isfinite(value) or value < 0:
        return None
    if value.is_integer():
        return str(int(value))
    plain = repr(value)
    return plain if plain.replace(".", "", 1).isdigit() else None


_DATE_JOIN_AFTER = re.compile(r" ?[-/.:\u2013\u2014] ?[0-9]")
_DATE_JOIN_BEFORE = re.compile(r"[0-9] ?[-/.:\u2013\u2014] ?$")
_DATE_MARKS = frozenset("-/.:\u2013\u2014") - {""}
_PART, _NEAR_A_DATE, _ALONE = "part", "near a date", "alone"  # what _standing says of a run


def _standing(text: str, start: int, end: int) -> str:
    """What stands next to the digits text[start:end], in one look at their neighbours (states'
    fast path, whose texts are printable with no two spaces in a row: their only whitespace is a
    single ASCII space, every other whitespace character being unprintable):

    - _PART: something could extend the run or make it no number: a digit of any script or an
      underscore on either side; before it a point or comma, or a space with an ASCII digit before
      it; after it a point, comma or space with an ASCII digit next (a decimal, a thousands comma,
      a dotted sequence, a stray space);
    - _NEAR_A_DATE: a whole run, but date punctuation joins it to other digits (2021-03-10, 11:16,
      2023 - 2025): only the full reading, which finds numeric dates, can tell what it is;
    - _ALONE: a whole run with no date around it (the usual case): classify can tell what it is."""
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    if before == " ":
        if start > 1 and "0" <= text[start - 2] <= "9":
            return _PART
    elif before and (before in "_.," or before.isdecimal()):
        return _PART
    if after == " " or after == "." or after == ",":
        if end + 1 < len(text) and "0" <= text[end + 1] <= "9":
            return _PART
    elif after and (after == "_" or after.isdecimal()):
        return _PART
    if not (after in _DATE_MARKS or before in _DATE_MARKS or after == " " and text[end + 1:end + 2] in _DATE_MARKS
            or before == " " and start > 1 and text[start - 2] in _DATE_MARKS):
        return _ALONE  # the usual case: no mark within two characters
    if _DATE_JOIN_AFTER.match(text, end) or _DATE_JOIN_BEFORE.search(text, max(0, start - 4), start):
        return _NEAR_A_DATE
    return _ALONE


_FAST_TRIES = 8
_WANTED = {None: frozenset(KINDS), **{kind: frozenset((kind,)) for kind in KINDS}}
_NOT_WRITTEN = object()  # a value not yet written as plain digits in this batch


def states(value: float, text: str, kind: str | None = None,
           memo: dict[str, dict[str, frozenset[float]]] | None = None) -> bool:
    """Whether the text states `value` as a number of this kind (CARDINAL, ORDINAL or YEAR; None:
    any kind), in digits or in words. Exactly `value in read_numbers(text)[kind]`, fast in the
    usual case: the first place the value's plain digits stand as a whole run (not inside "2005"),
    away from date punctuation, is classified from the words around it (numbers.classify, the rule
    find_numbers applies to that run). Otherwise the text is read in full (memoised in `memo`,
    per text). `states_each` answers it for many rows at once."""
    return states_each([value], [text], [kind], memo)[0]


def states_each(values: list[float | None], texts: list[object], kinds: list[str | None],
                memo: dict[str, dict[str, frozenset[float]]] | None = None) -> list[bool]:
    """`states(values[i], texts[i], kinds[i], memo)` for every i (False where texts[i] is no string:
    a missing quote states nothing), in one loop: the value checks ask it for 100k rows. Each
    distinct value is written as plain digits once (counts, ranks and years repeat), and a run's
    neighbours are looked at once (_standing)."""
    answers = []
    plains: dict[float, str | None] = {}
    for value, text, kind in zip(values, texts, kinds, strict=True):
        if value is None or not 0 <= value < math.inf or not isinstance(text, str):  # NaN, negative, infinite; no text
            answers.append(False)
            continue
        value = float(value)
        plain = plains.get(value, _NOT_WRITTEN)
        if plain is _NOT_WRITTEN:
            plain = plains[value] = _plain_digits(value)
        start = text.find(plain) if plain is not None and text.isprintable() and "  " not in text else -1
        tries = _FAST_TRIES  # a few places at most: a long text of digits is read in full once
        answer = None
        while start >= 0:
            end = start + len(plain)
            standing = _standing(text, start, end)
            if standing is not _PART:
                if standing is _ALONE and not classify(text, start, end, value).isdisjoint(_WANTED[kind]):
                    answer = True
                break  # read as something else here: it may still be stated elsewhere in the text
            tries -= 1  # part of a longer run ('2' of '2005'), never a number of its own: look further
            start = text.find(plain, end) if tries else -1
        if answer is None:
            if memo is None:
                numbers = read_numbers(text)
            else:
                if text not in memo:
                    memo[text] = read_numbers(text)
                numbers = memo[text]
            answer = any(value in numbers[k] for k in ((kind,) if kind else KINDS))
        answers.append(answer)
    return answers


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
