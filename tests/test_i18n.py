"""The interface's languages: choosing one, the catalogues, numbers, dates and money per language."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from dashboard import i18n
from dashboard.data import load_dataset
from dashboard.files import InvalidData
from tests.conftest import read_rows, write_rows


@pytest.mark.parametrize(
    ("requested", "browser", "language"),
    [
        ("zh", None, "zh"),
        ("en", "zh-CN", "en"),  # the URL wins over the browser
        (" ZH ", None, "zh"),
        (None, "zh-TW", "zh"),  # any zh* browser locale
        (None, "zh", "zh"),
        (None, "en-GB", "en"),
        (None, None, "en"),
        ("fr", "de-DE", "en"),  # a language we do not have: the browser's, else English
        ("fr", "zh-HK", "zh"),
        ("<script>", None, "en"),
        (["zh"], None, "en"),  # not a string: ignored
    ],
)
def test_language_for_url_then_browser_then_english(requested, browser, language):
    assert i18n.language_for(requested, browser) == language


@pytest.mark.parametrize(
    ("value", "unit", "yi"),
    [
        (12.42, "billion yuan", "124.2"),
        (52.18, "billion yuan", "521.8"),
        (350, "million yuan", "3.5"),
        (10, "billion yuan", "100"),
        (0.1, "billion yuan", "1"),
        (1234.5678, "million yuan", "12.345678"),
        (14, "centres", None),
    ],
)
def test_money_is_shown_in_yi_yuan_computed_exactly(value, unit, yi):
    result = i18n.money_in_yi(value, unit)
    assert (None if result is None else str(result)) == yi
    if result is not None:
        assert isinstance(result, Decimal)


@pytest.mark.parametrize(
    ("iso", "en", "zh"),
    [
        ("2021-03-10", "March 10, 2021", "2021年3月10日"),
        ("2022-11", "November 2022", "2022年11月"),
        ("2018", "2018", "2018年"),
        ("2018-02-30", "2018-02-30", "2018-02-30"),  # not a date: shown as written, never a crash
        ("May 1", "May 1", "May 1"),
    ],
)
def test_dates_follow_the_language(iso, en, zh):
    assert (i18n.format_date(iso, "en"), i18n.format_date(iso, "zh")) == (en, zh)


def test_numbers_group_thousands_and_keep_their_decimals():
    assert [i18n.format_number(v, "zh") for v in (14, 12.42, 1234567, 0.5)] == ["14", "12.42", "1,234,567", "0.5"]


def test_the_active_language_is_per_context():
    import contextvars

    def in_chinese():
        i18n.activate("zh")
        return i18n.active()

    assert contextvars.copy_context().run(in_chinese) == "zh"
    assert i18n.active() == "en"  # another run's choice does not leak here
    i18n.activate("xx")
    assert i18n.active() == "en"


@pytest.mark.parametrize(
    ("change", "column", "expected"),
    [
        ({"label_zh": ""}, "label_zh", "a value (this column cannot be empty)"),
        ({"label_zh": "Provincial centres"}, "label_zh", "Chinese text (at least one Chinese character)"),
        ({"definition_zh": "Centres."}, "definition_zh", "Chinese text (at least one Chinese character)"),
        ({"category_zh": "产业政策"}, "category_zh", "the same Chinese name as every other row of this category"),
    ],
)
def test_the_catalogue_needs_chinese_names(project_copy: Path, change, column, expected):
    path = project_copy / "data" / "metric_catalogue.csv"
    rows = read_rows(path)
    rows[0].update(change)  # line 2, in category "Manufacturing innovation centres" with four more rows
    write_rows(path, rows)
    with pytest.raises(InvalidData) as raised:
        load_dataset(project_copy)
    problems = [(p.line, p.column, p.expected) for p in raised.value.problems]
    assert (2, column, expected) in problems
