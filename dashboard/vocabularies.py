"""The closed vocabularies of the curated data, in one place: each value a column may hold, with the
words it reads as and the mark it is drawn with.

Schema checks take their allowed values from here (schema.py), the pages, charts and tables their
words and marks (metrics.formatting, views/), the read API and the explore filters their names in
every language (query.py), and /sources its reasons for a number left out (views/highlight.py).
Words are English message ids (N_), translated in dashboard/locale/*/messages.po like every other
text. Adding a value is one entry here (and its translation); tests/test_vocabularies.py fails
naming any value used in data/ that has no entry, or a column whose allowed values are not these.
No Streamlit here.
"""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.i18n import N_


@dataclass(frozen=True)
class Term:
    value: str  # as written in data/
    name: str  # the value in words (a message id): "approximate"
    template: str = "{}"  # a number with it, in words (a message id): "about {}"
    mark: str = "{}"  # a number with it, as charts, tiles and short labels draw it: "≈{}"
    bound: bool = False  # a qualifier that makes the number a bound, never an exact figure (drawn hatched)


@dataclass(frozen=True)
class Vocabulary:
    column: str  # where it is used: "file.csv:column"
    terms: tuple[Term, ...]

    @property
    def values(self) -> list[str]:
        return [t.value for t in self.terms]

    @property
    def names(self) -> dict[str, str]:
        """value -> its words (a message id)."""
        return {t.value: t.name for t in self.terms}

    @property
    def templates(self) -> dict[str, str]:
        return {t.value: t.template for t in self.terms}

    @property
    def marks(self) -> dict[str, str]:
        return {t.value: t.mark for t in self.terms}


QUALIFIER = Vocabulary("metrics.csv:qualifier", (
    Term("exact", N_("exact")),
    Term("approx", N_("approximate"), N_("about {}"), "≈{}"),
    Term("more_than", N_("more than"), N_("more than {}"), ">{}", bound=True),  # '>20', never '20+' ("20 or more")
    Term("at_least", N_("at least"), N_("at least {}"), "≥{}", bound=True),
    Term("at_most", N_("at most"), N_("at most {}"), "≤{}", bound=True),
))
STATUS = Vocabulary("metrics.csv:status", (  # in this order on every page: actual first
    Term("actual", N_("actual")),
    Term("target", N_("target")),
    Term("proposed", N_("proposed")),
))
# Why a number a document writes is not a figure (data/exclusions.csv). The list is closed, so
# the audit can count and show reasons; `note` says the rest in words.
EXCLUSION_REASON = Vocabulary("exclusions.csv:reason", (
    Term("conversion", N_("conversion")),  # the same amount in another currency ("($48.94 million)")
    Term("date_of_publication", N_("date of publication")),  # the document's own date line
    Term("part_of_name", N_("part of name")),  # "Three-year Action Plan", "5G"
    Term("period_of_another_figure", N_("period of another figure")),  # the span a recorded figure covers
    Term("restates_a_figure", N_("restates a figure")),  # the same figure written again; the note names it
    Term("no_quantity", N_("no quantity")),  # a number that counts nothing ("First,", "zero carbon")
    Term("out_of_scope", N_("out of scope")),  # a real count, but not of anything this dataset records
))
EVENT_TYPE = Vocabulary("events.csv:event_type", (
    Term("plan", N_("plan")),
    Term("regulation", N_("regulation")),
    Term("proposal", N_("proposal")),
    Term("milestone", N_("milestone")),
    Term("list", N_("list")),
    Term("guidance", N_("guidance")),
))
# How a figure's year is known. Pages write it out as a reference date (metrics.reference_text:
# "2021", "as of 2022-11-23", "year not stated"), so its values have no words of their own.
YEAR_BASIS = Vocabulary("metrics.csv:year_basis", (Term("stated", "stated"), Term("as_of", "as of"),
                                                   Term("unstated", "unstated")))
# Whether the quote can be read two ways; an ambiguous value carries ' (?)' (metrics.UNCERTAIN_MARK).
READING = Vocabulary("metrics.csv:reading", (Term("certain", "certain"), Term("ambiguous", "ambiguous", mark="{} (?)")))

VOCABULARIES: tuple[Vocabulary, ...] = (QUALIFIER, STATUS, EXCLUSION_REASON, EVENT_TYPE, YEAR_BASIS, READING)
