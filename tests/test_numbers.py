"""Finding every number a document writes (dashboard.numbers), on plain, odd and long hostile text."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dashboard import evidence, numbers
from dashboard.audit import audit_document
from dashboard.evidence import YEAR
from dashboard.numbers import find_numbers, line_of, occurrences, same_number_text, sentence_spans
from dashboard.schema import KIND_OF_VALUE
from tests.hostile_text import HOSTILE_UNITS, repeated, within


def found(text: str) -> list[tuple[str, str, tuple[float, ...]]]:
    return [(m.text, m.kind, m.values) for m in find_numbers(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("with 14 provincial centers now established", [("14", "cardinal", (14.0,))]),
        ("from 12.42 billion yuan in 2012 to 52.18 billion yuan in 2021",
         [("12.42 billion yuan", "money", (12.42,)), ("2012", "year", (2012.0,)),
          ("52.18 billion yuan", "money", (52.18,)), ("2021", "year", (2021.0,))]),
        ("about 350 million yuan ($48.94 million)", [("350 million yuan", "money", (350.0,)),
                                                     ("$48.94 million", "money", (48.94,))]),
        ("increased 160 percent and more than 80% of it", [("160 percent", "percent", (160.0,)), ("80%", "percent", (80.0,))]),
        ("from the 34th in 20 12 to the 1 1 in 2022",
         [("34th", "ordinal", (34.0,)), ("20 12", "year", (2012.0,)), ("1 1", "ordinal", (11.0,)), ("2022", "year", (2022.0,))]),
        ("build 1 2 lighthouse factories", [("1 2", "cardinal", (12.0,))]),
        ("one platform, five bases, twenty-five firms", [("one", "cardinal", (1.0,)), ("five", "cardinal", (5.0,)),
                                                         ("twenty-five", "cardinal", (25.0,))]),
        ("ranks third; First, build", [("third", "ordinal", (3.0,)), ("First", "ordinal", (1.0,))]),
        ("building two or three platforms, or 1-2 parks", [("two or three", "range", (2.0, 3.0)), ("1-2", "range", (1.0, 2.0))]),
        ("Plan (2023-2025) and 2023–2025", [("2023-2025", "year_range", (2023.0, 2025.0)), ("2023–2025", "year_range", (2023.0, 2025.0))]),
        ("Updated: 2021-03-10", [("2021-03-10", "date", (2021.0,))]),  # a date states its year
        ("Editor: 燕鸽02-28-2022 11:16", [("02-28-2022 11:16", "date", (2022.0,))]),
        ("came into effect on May 1.", [("May 1", "date", ())]),
        ("about 1,000 projects", [("1,000", "cardinal", (1000.0,))]),
        ('"5G+ Industrial Internet"', [("5G", "code", ())]),
        # Multiplier words are number words (三位一体, 双跨); "multiplied" names no multiple.
        ('the trinity system and "double leap" platforms, twice, tenfold', [
            ("trinity", "multiplier", (3.0,)), ("double", "multiplier", (2.0,)), ("twice", "multiplier", (2.0,)),
            ("tenfold", "multiplier", (10.0,))]),
        ("funds multiplied; doubles and trinitys", []),
        ("by 2025, the system", [("2025", "year", (2025.0,))]),
        # Hostile or odd: no number hides inside a word, a version string or markup.
        ("someone, anyone, often, tenant, Ottawa", []),
        ("no numbers at all", []),
        ("<b onmouseover=x>7</b>", [("7", "cardinal", (7.0,))]),
        # No plain number: found whole (the audit lists it), but it states nothing, not 12 nor 34.
        ("12,34 units", [("12,34", "unreadable", ())]),
        ("version 3.14.15 of 2022.05.01", [("3.14.15", "code", ()), ("2022.05.01", "date", (2022.0,))]),
        ("values 2,3 and 4.", [("2,3", "unreadable", ()), ("4", "cardinal", (4.0,))]),
        ("$1,2,3", [("$1,2,3", "unreadable", ())]),
        ("", []),
    ],
)
def test_find_numbers(text, expected):
    assert found(text) == expected


def test_positions_point_at_the_raw_text_and_stray_spaces_are_flagged():
    text = "Title\n\nthe 34th in 20 12 to the 1 1 in 2022"
    mentions = find_numbers(text)
    assert [text[m.start:m.end] for m in mentions] == [m.text for m in mentions]
    assert [m.stray_space for m in mentions] == [False, True, True, False]
    assert line_of(text, mentions[0].start) == 3


def test_sentences_end_at_stops_and_line_breaks_but_not_after_co():
    text = "Headline\n\nUpdated: 2021-03-10\n\nTaiyuan Iron & Steel (Group) Co. made it. It grew 5 percent! Next?"
    assert [text[a:b] for a, b in sentence_spans(text)] == [
        "Headline", "Updated: 2021-03-10", "Taiyuan Iron & Steel (Group) Co. made it.", "It grew 5 percent!", "Next?"]


def test_quote_occurrences_fold_whitespace_and_number_texts_compare_loosely():
    assert occurrences("won 40\nawards", "It won 40  awards; it won 40 awards.") == [(3, 17), (22, 35)]
    assert occurrences("   ", "anything") == []
    assert same_number_text("Second", "second") and same_number_text("20  12", "20 12")
    assert not same_number_text("12", "1 2")


_PIECES = ["12", "3", "000", " ", ",", ".", "-", "–", "%", " percent", " million yuan", "$", "th", "G", "one", "third",
           " or ", "two", "May ", "2021", "-03-10", "\n", "in ", "a", "é", "燕"]


@settings(max_examples=300)
@given(st.lists(st.sampled_from(_PIECES), max_size=14).map("".join))
def test_mentions_are_exact_slices_in_order_and_never_overlap(text):
    mentions = find_numbers(text)
    assert all(text[m.start:m.end] == m.text for m in mentions)
    assert all(a.end <= b.start for a, b in zip(mentions, mentions[1:], strict=False))


def test_a_code_that_would_overlap_a_range_keeps_its_digits():
    """Found by the property test above: '12th12' read as a code overlapped the range '12-03'."""
    assert [(m.text, m.kind) for m in find_numbers("12th12-03-10")] == [
        ("12th", "ordinal"), ("12-03", "range"), ("10", "cardinal")]


# --- linear time on long hostile text (issue 20) -------------------------------------------------------

LONG = 200_000  # characters: the quadratic readers took minutes on this, the linear ones a fraction of a second
# The patterns as they were, quadratic on long runs: what the linear ones must still find.
_OLD_FOREIGN_DIGITS = re.compile(r"[0-9_]*(?:(?![0-9])\d)[\d_]*|[0-9]+(?:_[0-9]+)+")
_OLD_RANGE = re.compile(rf"{numbers._DIGITS}(?:[-–]| or ){numbers._DIGITS}(?![\d%_])(?! ?percent)")
_SHORT = st.text(alphabet="12 _,.-–%\u0662\uff11ax", max_size=14) | st.lists(
    st.sampled_from(["1", "2", " ", ",", ".", "-", " or ", "%", " percent", "_", "\u0662"]), max_size=10).map("".join)


@settings(max_examples=500, deadline=None)
@given(_SHORT)
@example("_1_2")
@example("x.12 3-4")
def test_the_linear_patterns_find_what_the_old_ones_found(text):
    assert evidence.foreign_digits(text) == _OLD_FOREIGN_DIGITS.findall(text)
    assert [m.span() for m in numbers._DigitRanges().finditer(text)] == [m.span() for m in _OLD_RANGE.finditer(text)]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(HOSTILE_UNITS), min_size=1, max_size=3), st.sampled_from(["", "_", "-", "%", "x", "\u0662"]))
@example(["1"], "")  # foreign_digits("1" * 16000) alone took 8.9 s
@example(["1 "], "-")  # the range pattern read the run again from each of its digits
@example(["Co. A "], "")  # sentence_spans searched the growing sentence at each break
def test_reading_a_long_hostile_text_takes_time_in_proportion_to_it(units, tail):
    text = repeated("".join(units), LONG, tail)
    with within(30, f"reading {len(text):,} characters of {''.join(units)!r}"):
        mentions = find_numbers(text)
        foreign = evidence.foreign_digits(text)
        read = evidence.read_numbers(text)
        sentences = sentence_spans(text)
    assert all(m.text == text[m.start:m.end] for m in mentions)
    assert all(a.end <= b.start for a, b in zip(mentions, mentions[1:], strict=False))  # in order, none overlapping
    assert all(piece in text for piece in foreign[:50])
    assert all(v >= 0 for values in read.values() for v in values)
    assert all(a < b <= c for (a, b), (c, _) in zip(sentences, sentences[1:], strict=False))


# --- one reader: validation and the audit read a number alike (issue 18) --------------------------------

_NONE_ROWS = pd.DataFrame(columns=["event_id", "quote", "source_id", "number", "reason", "note"])


def _audit_captures(text: str, value: float, value_type: str | None) -> bool:
    """Whether the audit ties a number of the text to a figure row with this value and the text as
    its quote: what the audit reads the text as."""
    figure = {"figure_id": "f", "metric": "m", "value": float(value), "year": None, "year_basis": "unstated", "quote": text}
    if value_type == "year":  # a year as the row's stated year (its value is none of the text's)
        figure.update(value=-1.0, year=float(value), year_basis="stated")
    findings = audit_document(text, pd.DataFrame([figure]), _NONE_ROWS, _NONE_ROWS,
                              {"m": None if value_type == "year" else value_type})
    return any(f.figure_ids for f in findings)


def _validation_accepts(text: str, value: float, value_type: str | None) -> bool:
    """Whether validation accepts a row with this value (or stated year) and the text as its quote."""
    kind = YEAR if value_type == "year" else KIND_OF_VALUE.get(value_type)
    return evidence.states(float(value), text, kind)


# The issue's table, row by row: the text, the kind each reading is tried as, the values read so
# (accepted) and the readings that must be refused.
ISSUE_TABLE = [
    ("Shandong has twenty-five centres.", "count", [25], [20, 5]),
    ("It built 5G base stations.", "count", [], [5]),
    ("It cut CO2 emissions.", "count", [], [2]),
    ("It runs version 3.14 of the system.", "count", [], [3.14, 3, 14]),
    ("A total of 2000 firms joined.", "count", [2000], []),
    ("A total of 2000 firms joined.", "year", [], [2000]),
    ("Shanxi ranked 12 in China.", "rank", [12], []),
    ("Shanxi ranked 12 in China.", "count", [], [12]),
    ("It is No. 1 in the country.", "rank", [1], []),
    ("It is No. 1 in the country.", "count", [], [1]),
    ("It is #2 nationwide.", "rank", [2], []),
    ("It is #2 nationwide.", "count", [], [2]),
    ("The meeting began at 11:16.", "count", [], [11, 16, 1116]),
    ("The meeting began at 11:16.", "year", [], [11, 16]),
    ("The annex reads 12,34 units.", "count", [], [12, 34, 1234, 12.34]),
    ("It opened in March 2021.", "year", [2021], []),
    ("It opened in March 2021.", "count", [], [2021]),
    ("Spending doubled compared with 2012.", "year", [2012], []),
    ("Spending doubled compared with 2012.", "count", [], [2012]),
    ("Issued 2021-03", "year", [2021], []),  # a date states its year ...
    ("Issued 2021-03", "count", [], [2021, 3, 2018]),  # ... and no count, nor a range of 2021 to 3
    ("It has 1,250 firms.", "count", [1250], [1, 250]),
    ("It has one hundred and twenty firms.", "count", [120], [1, 100, 20]),
    ("It has two thousand five hundred firms.", "count", [2500], [2, 1000, 5, 100]),
]


@pytest.mark.parametrize(("text", "value_type", "accepted", "refused"), ISSUE_TABLE)
def test_validation_and_the_audit_read_each_row_of_the_issue_table_as_it_should_be(text, value_type, accepted, refused):
    for value in accepted:
        assert (_validation_accepts(text, value, value_type), _audit_captures(text, value, value_type)) == (True, True), value
    for value in refused:
        assert (_validation_accepts(text, value, value_type), _audit_captures(text, value, value_type)) == (False, False), value


@pytest.mark.parametrize(
    ("text", "kind"),
    [("5G", "code"), ("CO2", "code"), ("version 3.14", "code"), ("at 11:16", "time"), ("12,34", "unreadable"),
     ("Issued 2021-03", "date"), ("ranked 12", "ordinal"), ("No. 1", "ordinal"), ("#2", "ordinal"),
     ("in March 2021", "year"), ("a total of 2000 firms", "cardinal"), ("twenty-five centres", "cardinal")],
)
def test_each_form_is_named_as_what_it_is(text, kind):
    assert [m.kind for m in find_numbers(text)] == [kind]


# Generated text: the pieces numbers and the words that decide what they are, in any order.
_READER_PIECES = ["12", "3", "2000", "2021", "1,250", "12,34", " ", ".", ",", "-", ":", "#", "%", "G", "CO", "th",
                  " the ", " in ", " of ", " total of ", " ranked ", "No. ", " version ", " March ", " compared with ",
                  " firms", " yuan", " or ", "twenty", "-five", " hundred", " and ", " thousand", "five", "third", "$"]


def _agree(text: str) -> None:
    """Validation accepts a value of each kind from the text exactly when the audit ties a number
    of the text to a row of that value and kind."""
    candidates = {v for m in find_numbers(text) for v in m.values} | {1.0, 2.0, 12.0, 2000.0, 2021.0}
    for value in candidates:
        for value_type in ("count", "rank", "year", None):
            assert _validation_accepts(text, value, value_type) is _audit_captures(text, value, value_type), (
                value, value_type)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_READER_PIECES), max_size=12).map("".join))
@example("a total of 2000 firms")
@example(" March 12th")  # the day of a date: the fast path once read it as an ordinal
@example("compared with 2012 when")
@example("2018 or 2019 firms")
@example("May 1, 2021 firms")
@example("five  hundred")
def test_validation_and_the_audit_agree_on_generated_text(text):
    # Validation folds a quote's whitespace, the audit reads the document as written: digits split
    # by a line break or two spaces ("12  12") are one number to one and two to the other, so the
    # two are compared on text as validation reads it.
    _agree(evidence.normalise_whitespace(text))


def test_validation_and_the_audit_agree_on_every_sentence_of_the_seeds(dataset):
    for document in dataset.documents.values():
        for start, end in sentence_spans(document):
            _agree(evidence.normalise_whitespace(document[start:end]))


# --- Chinese (issue 19) ------------------------------------------------------------------------------

def read_zh(text: str) -> list[tuple[str, str, tuple[float, ...], str]]:
    return [(m.text, m.kind, m.values, m.unit) for m in find_numbers(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Arabic digits with 万/亿: the scale is part of the unit as stated
        ("技术合同成交额1025.3亿元", [("1025.3亿元", "money", (1025.3,), "亿元")]),
        ("科技型企业3.3万家", [("3.3万家", "cardinal", (3.3,), "万家")]),
        ("建成省级制造业创新中心23家", [("23", "cardinal", (23.0,), "家")]),
        # Chinese numerals: cn2an's normal mode; 二十八 is one number, not 20 and 8
        ("二十八条重点产业链", [("二十八", "cardinal", (28.0,), "条")]),
        ("十二个，一百二十项，两家", [("十二", "cardinal", (12.0,), "个"), ("一百二十", "cardinal", (120.0,), "项"),
                                  ("两", "cardinal", (2.0,), "家")]),
        ("一百零五个", [("一百零五", "cardinal", (105.0,), "个")]),
        ("二〇二二年", [("二〇二二", "year", (2022.0,), "")]),
        ("近百个联盟", [("百", "cardinal", (100.0,), "个")]),  # a lone 百: cn2an has no reading of it
        ("二十万元", [("二十万元", "money", (20.0,), "万元")]),
        # percentages
        ("增长180%，占百分之八十，达12.5％", [("180%", "percent", (180.0,), "percent"),
                                        ("百分之八十", "percent", (80.0,), "percent"), ("12.5％", "percent", (12.5,), "percent")]),
        # ordinals: a position, never a count
        ("位列第五，居全国第2位，第一名", [("第五", "ordinal", (5.0,), ""), ("第2位", "ordinal", (2.0,), ""),
                                    ("第一名", "ordinal", (1.0,), "")]),
        # years and dates
        ("2022年底", [("2022", "year", (2022.0,), "")]),
        ("2023年4月12日发布", [("2023年4月12日", "date", (2023.0,), "")]),
        ("1月14日", [("1月14日", "date", (), "")]),
        ("（2023—2025年）", [("2023—2025", "year_range", (2023.0, 2025.0), "")]),
        ("2023年至2025年", [("2023年至2025", "year_range", (2023.0, 2025.0), "")]),
        ('"十四五"规划', [("十四五", "code", (), "")]),  # a plan's name
        # ranges: at least one, at most the other (cn2an reads 两三 as 23)
        ("2至3家，1-2家，三至五个，两三个", [("2至3", "range", (2.0, 3.0), "家"), ("1-2", "range", (1.0, 2.0), "家"),
                                       ("三至五", "range", (3.0, 5.0), "个"), ("两三", "range", (2.0, 3.0), "个")]),
        # qualifiers stay outside the number: 多 and 余 sit between it and its unit
        ("超过120个，二十余份，20多家", [("120", "cardinal", (120.0,), "个"), ("二十", "cardinal", (20.0,), "份"),
                                    ("20", "cardinal", (20.0,), "家")]),
        # numerals inside words are no numbers: 统一, 一流, 一是, 之一, 进一步, 千方百计
        ("统一部署，一流企业，一是加强，之一，进一步，千方百计", []),
        ("2012年", [("2012", "year", (2012.0,), "")]),
        ("2012家企业", [("2012", "cardinal", (2012.0,), "家")]),  # a measure word: a count
    ],
)
def test_the_reader_reads_chinese(text, expected):
    assert read_zh(text) == expected


@pytest.mark.parametrize(
    ("quote", "value", "kind", "states"),
    [
        ("建成62家", 62, "cardinal", True), ("建成62家", 26, "cardinal", False),
        ("二十八条重点产业链", 28, "cardinal", True), ("二十八条重点产业链", 20, "cardinal", False),
        ("二十八条重点产业链", 8, "cardinal", False),
        ("位列第五", 5, "ordinal", True), ("位列第五", 5, "cardinal", False),
        ("居全国第2位", 2, "cardinal", False), ("居全国第2位", 2, "ordinal", True),
        ("2012年以来", 2012, "cardinal", False), ("2012年以来", 2012, "year", True),
        ("1025.3亿元", 1025.3, "cardinal", True), ("1025.3亿元", 102.53, "cardinal", False),
        ("2023至2025年", 2023, "cardinal", False), ("2023至2025年", 2025, "year", True),
        ("4月12日", 12, "cardinal", False), ("4月12日", 4, "cardinal", False),
    ],
)
def test_validation_reads_chinese_quotes_as_the_reader_does(quote, value, kind, states):
    """evidence.states answers what find_numbers reads, on its fast path and its full reading alike."""
    assert evidence.states(value, quote, kind) is states
    assert (value in evidence.read_numbers(quote)[kind]) is states


def test_sentences_end_at_chinese_stops_and_keep_their_closing_quotes():
    text = "截至2022年底，建成23家。成交额达2000.5亿元！他说：“好。”然后；结束\n第二行"
    assert [text[a:b] for a, b in sentence_spans(text)] == [
        "截至2022年底，建成23家。", "成交额达2000.5亿元！", "他说：“好。”", "然后；", "结束", "第二行"]


@pytest.mark.parametrize(("run", "value"), [("十二", 12), ("二十八", 28), ("一百二十", 120), ("两", 2), ("〇", 0),
                                            ("二〇二二", 2022), ("一百零五", 105), ("两千零二十二", 2022), ("三点五", 3.5),
                                            ("百", 100), ("万一", None), ("十四五", None)])
def test_numeral_values_measured_against_cn2an(run, value):
    """The forms the issue lists, as cn2an's normal mode reads them (a lone scale by the table; 十四五
    and 万一 are no number). cn2an alone is wrong on 两三 (23): the range pattern reads it first."""
    assert numbers._numeral_value(run) == (None if value is None else float(value))
