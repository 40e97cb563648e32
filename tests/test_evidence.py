"""Number and quote matching behind the provenance checks."""

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from dashboard.evidence import (
    CARDINAL,
    KINDS,
    ORDINAL,
    YEAR,
    foreign_digits,
    normalise_whitespace,
    quote_in_document,
    quotes_in_documents,
    read_numbers,
    states,
    states_each,
)


@pytest.mark.parametrize(
    ("value", "text", "found"),
    [
        (14, "with 14 provincial manufacturing innovation centers", True),
        (2012, "from the 34th in 20 12 to the 1 1 in 2022", True),  # stray space inside a year
        (11, "from the 34th in 20 12 to the 1 1 in 2022", True),
        (12, "from the 34th in 20 12 to the 1 1 in 2022", False),  # 12 is only part of "20 12"
        (12, "build 1 2 lighthouse factories", True),
        (1, "build 1 2 lighthouse factories", False),
        (12.42, "from 12.42 billion yuan in 2012", True),
        (12, "from 12.42 billion yuan", False),
        (42, "from 12.42 billion yuan", False),
        (5, "five pilot test bases", True),
        (3, "ranks third in the country", True),
        (34, "the 34th in 20 12", True),
        (1000, "about 1,000 projects", True),
        (100, "about 1,000 projects", False),
        (80, "more than 80% of the manufacturing industry", True),
        (8, "more than 80% of the manufacturing industry", False),
        (1, "someone built it", False),  # "one" inside a word is not a number word
        (15, "with 14 provincial centres", False),
        (-3, "a fall of 3 places", False),
        (1, "12,34 units", False),  # no shorter number hides in a run that is no number
        (12, "12,34 units", False),
        (2022, "signed on 2022.05.01", True),  # a dotted date states its year ...
        (5, "signed on 2022.05.01", False),  # ... and its month and day are no numbers of any kind
        (2022.05, "signed on 2022.05.01", False),
        (2012, "in 20\n12", True),  # whitespace is folded before numbers are read
        (12, "in 20\n12", False),
    ],
)
def test_a_value_is_stated_as_a_number_of_some_kind(value, text, found):
    assert states(value, text) is found  # of any kind


GII = "the ranking of China's global innovation index has risen from the 34th in 20 12 to the 1 1 in 2022"
SHANDONG = "a total of 2 national-level manufacturing innovation centers, second only to Beijing and Guangdong, and ranks third"


@pytest.mark.parametrize(
    ("value", "kind", "text", "found"),
    [
        # counts and money: cardinals only, never a year, an ordinal or part of a date
        (2018, CARDINAL, "Shanxi started constructing centers in 2018, with 14 centers now established.", False),
        (14, CARDINAL, "Shanxi started constructing centers in 2018, with 14 centers now established.", True),
        (3, CARDINAL, SHANDONG, False),  # "ranks third" is no count of 3
        (2, CARDINAL, SHANDONG, True),
        (3, CARDINAL, "Updated: 2021-03-10 Shanxi has centres", False),  # the month of a date line
        (10, CARDINAL, "Updated: 2021-03-10", False),
        (28, CARDINAL, "Editor: 02-28-2022 11:16", False),
        (16, CARDINAL, "Editor: 02-28-2022 11:16", False),
        (1, CARDINAL, "came into effect on May 1.", False),
        (1, CARDINAL, "came into effect on 1 May.", False),
        (36, CARDINAL, "aim at the 36 fields announced", True),
        (12, CARDINAL, "build 1 2 lighthouse factories", True),
        (80, CARDINAL, "more than 80% of the manufacturing industry", True),
        (5, CARDINAL, "five pilot test bases", True),
        (2018, CARDINAL, "it reported 2018 enterprises", True),  # four digits followed by a word: a count too
        (2018, CARDINAL, "it reported 2018 enterprises in 2018.", True),  # the second occurrence counts
        (11, CARDINAL, GII, False),
        (1000, CARDINAL, "about 1,000 projects", True),
        # ranks: ordinals only
        (34, ORDINAL, GII, True),
        (11, ORDINAL, GII, True),  # "the 1 1 in 2022": a position, with a stray space
        (3, ORDINAL, SHANDONG, True),
        (2, ORDINAL, SHANDONG, True),  # "second only to"
        (12, ORDINAL, "aims to be ranked at least 12 by research talent", True),
        (1, ORDINAL, "it is No. 1 in the province", True),
        (36, ORDINAL, "aim at the 36 fields announced", False),
        (14, ORDINAL, "with 14 provincial centers", False),
        # years: years only
        (2012, YEAR, GII, True),
        (2022, YEAR, GII, True),
        (2025, YEAR, "Jilin Province (2023-2025) proposes", True),
        (2023, YEAR, "Jilin Province (2023 - 2025) proposes", True),
        (2021, YEAR, "Updated: 2021-03-10", True),
        (2012, YEAR, "in 2012 there were 14", True),
        (14, YEAR, "in 2012 there were 14", False),
        (2021, YEAR, "On 1 May 2021 it opened", True),
        # non-ASCII digits and underscores are not numbers
        (14, CARDINAL, "Shanxi has １４ centres", False),
        (14, CARDINAL, "Shanxi has ١٤ centres", False),
        (14, CARDINAL, "Shanxi has 1_4 centres", False),
        (1, CARDINAL, "Shanxi has 1_4 centres", False),
        (4, CARDINAL, "Shanxi has 1٤ centres", False),
    ],
)
def test_a_value_is_found_only_as_what_it_is(value, kind, text, found):
    assert states(value, text, kind) is found
    assert (float(value) in read_numbers(text)[kind]) is found


def test_digits_that_are_not_numbers_here_are_named():
    assert foreign_digits("Shanxi has １４ centres, ١٤ labs, 1_4 bases and 14 awards") == ["１４", "١٤", "1_4"]


def test_quote_matching_ignores_whitespace_but_not_characters():
    document = normalise_whitespace("Shanxi won 40 national\n science and technology   awards.")
    assert quote_in_document("Shanxi won 40 national science and technology awards", document)
    assert not quote_in_document("Shanxi won 41 national science and technology awards", document)
    assert not quote_in_document("   ", document)


_SENTENCES = ["Anbei has 14 centres.", "It grew.", "It grew", "grew. It", "14 centres", "Anbei", "has 14\ncentres.", "  ", ""]
_DOCUMENTS = {"a": normalise_whitespace("Anbei has 14 centres. It grew. Anbei has 14 centres. Then it grew again."),
              "b": "It grew. Anbei has", "empty": ""}


@settings(max_examples=300, deadline=None)  # no time limit: the machine is shared
@given(st.lists(st.tuples(st.sampled_from([*_SENTENCES, None, float("nan")]),
                          st.sampled_from([*_DOCUMENTS, "unknown", None])), max_size=12))
@example([("It grew.", "a"), ("Anbei has 14 centres.", "a")])  # found before where the last quote was
@example([("Then it grew again.", "a"), ("Anbei has 14 centres.", "a"), ("It grew. Anbei has", "b")])
def test_the_quotes_of_many_rows_are_found_as_one_quote_is(rows):
    """quotes_in_documents searches each document from where its last quote was found: in any
    order of rows, it must answer as quote_in_document does row by row."""
    quotes, sources = [quote for quote, _ in rows], [source for _, source in rows]
    expected = [isinstance(quote, str) and quote_in_document(quote, _DOCUMENTS.get(source) or "") for quote, source in rows]
    assert quotes_in_documents(quotes, sources, _DOCUMENTS) == expected


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("the ranking has risen from the 34th in 20 12 to the 1 1 in 2022", {34, 2012, 11, 2022}),
        ("from 12.42 billion yuan in 2012 to 52.18 billion yuan in 2021.", {12.42, 2012, 52.18, 2021}),
        ("one transaction service platform, five pilot test bases, six demonstration bases and 58 enterprises", {1, 5, 6, 58}),
        ("about 1,000 projects (2023-2025), ranks third", {1000, 2023, 2025, 3}),
        ("values 2,3 and 4.", {4}),  # "2,3" is neither 2, 3 nor 23
        ("no numbers here", set()),
        ("version 3.14.15 of 12,3456", set()),  # a version is a name, "12,3456" no number
    ],
)
def test_every_number_a_text_states(text, numbers):
    assert set().union(*read_numbers(text).values()) == {float(n) for n in numbers}


# The pieces number runs are built from, so every kind of boundary is hit often ...
_PIECES = ["12", "3", "000", "0", "5", ".", ",", " ", "  ", "\n", "\t", "\u00a0", "a", "\u0661", "1e-05", "_", "\uff11"]
# ... and the words and marks that decide what kind of number a run is.
_CONTEXT_PIECES = [*_PIECES, "2021", "1999", "-", ":", "/", "th", "st", " the ", " in ", " May ", " of ", " ranked ",
                   " at least ", "#", "No. ", " centres", " enterprises", "(", ")", "%", "\u2013", " no. "]
_CONTEXT_TEXT = st.lists(st.sampled_from(_CONTEXT_PIECES), max_size=14).map("".join)


@settings(max_examples=500, deadline=None)  # no time limit: the machine is shared
@given(_CONTEXT_TEXT)
@example("from the 34th in 20 12 to the 1 1 in 2022")
@example("Updated: 2021-03-10")
@example("in 2018 2018 enterprises")
@example("2021-12 centres")
@example("at 11:16 the")
@example("the 1999 - 2021 plan")
@example("Editor: 02-28-2022 11:16")
@example("12a3th")  # '3th' is glued to a code, no ordinal
@example("in 1999 12 centres")  # what stands next to a run, on each side, that extends it or not:
@example("has 12 9 centres")
@example("has 12.9 or 9.12")
@example("has 12,9 or 9,12")
@example("has 12_ or _12")
@example("has \u066112 or 12\u0661")
@example("has 12. 12, (12) 12")
@example("the 12 in 2021 and the 12 enterprises, the 12 of May, the 12 percent")  # a lower-case word after a run
def test_states_agrees_with_reading_every_number_of_each_kind(text):
    """The fast path (the value's first occurrence, classified from the words around it) must give
    exactly the answer of reading all the text's numbers and their kinds."""
    numbers = read_numbers(text)
    memo: dict = {}
    candidates = set().union(*numbers.values()) | {0.0, 1.0, 3.0, 5.0, 12.0, 2021.0, 1999.0, 12.5, 123.0}
    for value in candidates:
        for kind in (*KINDS, None):
            expected = any(value in numbers[k] for k in ((kind,) if kind else KINDS))
            assert states(value, text, kind) is expected, (value, kind)
            assert states(value, text, kind, memo) is expected, (value, kind)


_ROW_VALUES = st.sampled_from([0.0, 1.0, 3.0, 5.0, 12.0, 2021.0, 1999.0, 12.5, 123.0, 3000.0, -1.0, float("nan"),
                                float("inf"), None])


@settings(max_examples=300, deadline=None)  # no time limit: the machine is shared
@given(st.lists(st.tuples(_ROW_VALUES, _CONTEXT_TEXT, st.sampled_from([*KINDS, None])), max_size=12))
@example([(12.0, "has 12 centres", CARDINAL), (12.0, "2021-12 centres", CARDINAL), (12.0, "has 12 centres", ORDINAL)])
@example([(2021.0, "in 2021", YEAR), (2021.0, "Updated: 2021-03-10", YEAR), (2021.0, "in 2021", YEAR)])
@example([(12.0, None, CARDINAL), (12.0, float("nan"), None), (12.0, "12 centres", None)])  # a missing quote
def test_states_of_many_rows_answers_as_reading_each_text(rows):
    """states_each, which the value and year checks ask for every row at once (each distinct value
    written as digits once for the whole batch, texts read in full shared through the memo), must
    answer for each row exactly what reading that row's text gives."""
    memo: dict = {}
    expected = [
        value is not None and value == value and value >= 0 and isinstance(text, str)
        and any(value in read_numbers(text)[k] for k in ((kind,) if kind else KINDS))
        for value, text, kind in rows
    ]
    values, texts, kinds = ([row[i] for row in rows] for i in range(3))
    assert states_each(values, texts, kinds, memo) == expected
    assert states_each(values, texts, kinds) == expected


@given(st.text(max_size=60))
def test_reading_numbers_never_raises(text):
    assert all(n >= 0 for numbers in read_numbers(text).values() for n in numbers)


DOCUMENT = "Title\n\nUpdated: 2023-01-01\n\nFirst sentence. It has 14\ncentres now.\nAnd more.\n\n  Last paragraph.  \n"


@pytest.mark.parametrize(
    ("quote", "paragraph", "highlighted"),
    [
        ("It has 14 centres now.", "First sentence. It has 14\ncentres now.\nAnd more.", "It has 14\ncentres now."),
        ("Last paragraph.", "Last paragraph.", "Last paragraph."),
        ("Title", "Title", "Title"),
        ("centres now. And more. Last", "First sentence. It has 14\ncentres now.\nAnd more.\n\n  Last paragraph.",
         "centres now.\nAnd more.\n\n  Last"),  # a quote over a paragraph break gets both paragraphs
        ("not in the document", "", None),
    ],
)
def test_paragraph_around_a_quote(quote, paragraph, highlighted):
    from dashboard.evidence import paragraph_around

    text, spans = paragraph_around(DOCUMENT, quote)
    assert text == paragraph
    assert [text[a:b] for a, b in spans] == ([highlighted] if highlighted else [])


@pytest.mark.parametrize(
    ("value", "kind", "text"),
    [(2012, YEAR, "In 2012, Anbei reported 14 centres"), (2012, YEAR, "from 12.42 billion yuan in 2012."), (14, CARDINAL, "In 2012, Anbei reported 14 centres"),
     (12, ORDINAL, "Anbei has now ranked about 12 by research talent (item 3-17)."),
     (45.5, CARDINAL, "reached r&d intensity of 45.5 percent (item 3-17)")],
)
def test_the_usual_quotes_are_classified_without_reading_all_their_numbers(value, kind, text):
    memo: dict = {}
    assert states(value, text, kind, memo) is True
    assert memo == {}
