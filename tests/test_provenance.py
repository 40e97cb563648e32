"""Re-read every quote from seeds/ with code that shares nothing with the schema.

If the schema's matching had a bug that let a quote through, this independent reading would
still catch it: plain `in` on whitespace-split words, and plain digit extraction.
"""

from __future__ import annotations

import csv
import re

import pytest

from tests.conftest import ROOT

WORDS = {"third": 3}
SMALL = {word: n for n, word in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen".split())} | {word: 10 * n for n, word in enumerate(
        "twenty thirty forty fifty sixty seventy eighty ninety".split(), start=2)}
SCALES = {"hundred": 100, "thousand": 1000}


def _word_values(quote: str) -> set[float]:
    """Number words, each alone and each run of them as one value ('twenty-five', 'one hundred and
    twenty'): a reading of its own, sharing nothing with dashboard.numbers."""
    values: set[float] = set()
    run: list[str] = []
    for token in [*re.findall(r"[a-z]+", quote.lower()), ""]:
        if token in SMALL or token in SCALES or token == "and" and run and run[-1] in SCALES:
            run.append(token)
            continue
        total = current = 0
        for word in (w for w in run if w != "and"):
            if word == "thousand":
                total, current = total + (current or 1) * 1000, 0
            elif word == "hundred":
                current = (current or 1) * 100
            else:
                current += SMALL[word]
                values.add(float(SMALL[word]))
        if run:
            values.add(float(total + current))
        run = []
    return values


def _rows(name):
    with (ROOT / "data" / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


SOURCES = {row["source_id"]: row for row in _rows("sources.csv")}


def _text(source_id: str) -> str:
    return " ".join((ROOT / SOURCES[source_id]["file"]).read_text(encoding="utf-8").split())


@pytest.mark.parametrize("row", _rows("metrics.csv") + _rows("events.csv"), ids=lambda r: r["quote"][:40])
def test_quote_is_in_its_seed(row):
    assert " ".join(row["quote"].split()) in _text(row["source_id"])


@pytest.mark.parametrize("row", _rows("metrics.csv"), ids=lambda r: f"{r['region']}-{r['metric']}-{r['year']}")
def test_value_is_stated_in_its_quote(row):
    quote = row["quote"]
    # Every number in the quote, also with a stray space removed ("1 2" -> 12), plus number words.
    numbers = {float(n.replace(",", "")) for n in re.findall(r"\d[\d,]*(?:\.\d+)?", quote)}
    numbers |= {float(a + b) for a, b in re.findall(r"(?<!\d)(\d+) (\d+)(?!\d)", quote)}
    numbers |= {float(v) for word, v in WORDS.items() if re.search(rf"\b{word}\b", quote, re.I)} | _word_values(quote)
    assert float(row["value"]) in numbers
    if row["year_basis"] == "stated":
        assert float(row["year"]) in numbers


def test_every_seed_is_listed_once_and_unchanged_names():
    listed = sorted(row["file"] for row in SOURCES.values())
    shipped = sorted(f"seeds/{p.name}" for p in (ROOT / "seeds").glob("*.txt"))
    assert listed == shipped
