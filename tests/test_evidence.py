"""Number and quote matching behind the provenance checks."""

import pytest

from dashboard.evidence import normalise_whitespace, quote_in_document, value_in_text


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
    ],
)
def test_numbers_in_text(text, numbers):
    from dashboard.evidence import numbers_in_text

    assert numbers_in_text(text) == {float(n) for n in numbers}
