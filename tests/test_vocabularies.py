"""The vocabularies (dashboard/vocabularies.py) are the one list of each closed column's values: a
value used in data/ with no entry fails here naming its file, line and column, the schema allows
exactly the registered values, and every value has its words in both languages."""

from __future__ import annotations

import csv
import sys

import pytest

from dashboard import i18n, schema, tables, vocabularies
from tests.conftest import ROOT


def used_values(vocabulary: vocabularies.Vocabulary) -> list[tuple[int, str]]:
    """(line, value) of every non-empty cell of the vocabulary's column in data/."""
    file, column = vocabulary.column.split(":")
    with (ROOT / "data" / file).open(newline="", encoding="utf-8") as handle:
        return [(line, row[column]) for line, row in enumerate(csv.DictReader(handle), start=2) if row[column]]


@pytest.mark.parametrize("vocabulary", vocabularies.VOCABULARIES, ids=lambda v: v.column)
def test_every_value_used_in_data_has_an_entry(vocabulary):
    known = set(vocabulary.values)
    unknown = [f"data/{vocabulary.column.split(':')[0]}:{line}: column '{vocabulary.column.split(':')[1]}': "
               f"{value!r} has no entry in dashboard/vocabularies.py" for line, value in used_values(vocabulary)
               if value not in known]
    assert unknown == [], "\n".join(unknown)
    assert used_values(vocabulary), "the column is read (an empty list would hide a renamed column)"


def test_the_finder_names_an_unregistered_value(tmp_path, monkeypatch):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "metrics.csv").write_text("qualifier\nexact\nroughly\n", encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    with pytest.raises(AssertionError, match=r"data/metrics.csv:3: column 'qualifier': 'roughly' has no entry"):
        test_every_value_used_in_data_has_an_entry(vocabularies.QUALIFIER)


@pytest.mark.parametrize("vocabulary", vocabularies.VOCABULARIES, ids=lambda v: v.column)
def test_the_schema_allows_exactly_the_registered_values(vocabulary):
    file, column = vocabulary.column.split(":")
    model = next(t.model for t in tables.TABLES if t.path == f"data/{file}")
    checks = model.to_schema().columns[column].checks
    allowed = [list(c.statistics["allowed_values"]) for c in checks if c.name == "isin"]
    assert allowed == [vocabulary.values]


@pytest.mark.parametrize("vocabulary", [vocabularies.QUALIFIER, vocabularies.STATUS, vocabularies.EXCLUSION_REASON,
                                        vocabularies.EVENT_TYPE], ids=lambda v: v.column)
def test_every_shown_word_is_translated(vocabulary):
    """The words pages show are catalogue messages with a Chinese translation."""
    zh = i18n.translations("zh")
    missing = [t.name for t in vocabulary.terms if zh.gettext(t.name) == t.name]
    missing += [t.template for t in vocabulary.terms if t.template != "{}" and zh.gettext(t.template) == t.template]
    assert missing == []


def test_bounds_and_marks_agree():
    """A bound is marked as one ('>', '≥', '≤'), an exact figure is not marked at all."""
    marks = vocabularies.QUALIFIER.marks
    assert marks["exact"] == "{}" and all(marks[v][0] in "><≥≤" for v in schema.QUALIFIERS
                                          if next(t for t in vocabularies.QUALIFIER.terms if t.value == v).bound)
