"""Number and quote matching behind the provenance checks."""

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from dashboard.evidence import digit_numbers, normalise_whitespace, quote_in_document, states_in_digits, value_in_text


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
        (2022, "signed on 2022.05.01", True),  # a dotted date states its parts
        (5, "signed on 2022.05.01", True),
        (2022.05, "signed on 2022.05.01", False),
        (2012, "in 20\n12", True),  # whitespace is folded before numbers are read
        (12, "in 20\n12", False),
    ],
)
def test_value_in_text(value, text, found):
    assert value_in_text(value, text) is found


def test_quote_matching_ignores_whitespace_but_not_characters():
    document = normalise_whitespace("Shanxi won 40 national\n science and technology   awards.")
    assert quote_in_document("Shanxi won 40 national science and technology awards", document)
    assert not quote_in_document("Shanxi won 41 national science and technology awards", document)
    assert not quote_in_document("   ", document)


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("the ranking has risen from the 34th in 20 12 to the 1 1 in 2022", {34, 2012, 11, 2022}),
        ("from 12.42 billion yuan in 2012 to 52.18 billion yuan in 2021.", {12.42, 2012, 52.18, 2021}),
        ("one transaction service platform, five pilot test bases, six demonstration bases and 58 enterprises", {1, 5, 6, 58}),
        ("about 1,000 projects (2023-2025), ranks third", {1000, 2023, 2025, 3}),
        ("values 2,3 and 4.", {4}),  # "2,3" is neither 2, 3 nor 23
        ("no numbers here", set()),
        ("version 3.14.15 of 12,3456", {3, 14, 15}),
    ],
)
def test_numbers_in_text(text, numbers):
    from dashboard.evidence import numbers_in_text

    assert numbers_in_text(text) == {float(n) for n in numbers}


# Texts made of the pieces number runs are built from, so every kind of boundary is hit often.
_PIECES = ["12", "3", "000", "0", "5", ".", ",", " ", "  ", "\n", "\t", "\u00a0", "a", "\u0661", "1e-05"]
_RUN_TEXT = st.lists(st.sampled_from(_PIECES), max_size=12).map("".join)


@settings(max_examples=300)
@given(_RUN_TEXT)
@example("20\n12")
@example("12,34")
@example("a.12")
def test_states_in_digits_agrees_with_reading_every_number(text):
    """The fast path must give exactly the answer of reading all the text's numbers."""
    numbers = digit_numbers(text)
    memo: dict = {}
    for value in [*numbers, 0.0, 1.0, 3.0, 5.0, 12.0, 12.5, 123.0, 1e-05, 1e20]:
        assert states_in_digits(value, text) is (value in numbers), value
        assert states_in_digits(value, text, memo) is (value in numbers), value


@given(st.text(max_size=60))
def test_reading_numbers_never_raises(text):
    assert all(n >= 0 for n in digit_numbers(text))


@pytest.mark.parametrize(
    ("value", "text"),
    [(2012, "in 2012."), (2929, "reported 2929 centres"), (2023, "(2023-2025)"), (12.42, "12.42 billion yuan"),
     (14, "with 14 provincial centres"), (40, "won 40 national awards, the")],
)
def test_the_usual_quotes_are_decided_without_reading_all_their_numbers(value, text):
    memo: dict = {}
    assert states_in_digits(value, text, memo) is True
    assert memo == {}  # the fast path answered: the text's numbers were never read in full


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
