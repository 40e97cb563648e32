"""A curator adds a Chinese document (issue 19): its figures, stated in 家, 亿元, 二十八条, 第五 and
超过120个, validate with their Chinese quotes; each wrong reading of them is refused on its own line
in plain words; the audit accounts for every number; and the loaded figures are converted exactly
to each metric's canonical unit (1025.3 亿元 -> 102.53 billion yuan), the stated form kept.

The document is tests/documents/anhui_figures_zh.txt, written for the tests (no real source text
enters seeds/ or data/). `add_chinese_document` adds it to a copy of the project as a curator would."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest

from dashboard import audit, validate
from dashboard.data import load_dataset
from tests.conftest import ROOT, body, read_rows, validate_changed_figure, write_rows

DOCUMENT = ROOT / "tests" / "documents" / "anhui_figures_zh.txt"
SOURCE_ID = "anhui-mic-zh-2023"
SEED = "seeds/910_anhui_figures_zh.txt"
SENTENCE_MICS = "截至2022年底，安徽省累计建成省级制造业创新中心62家，国家制造业创新中心数量居全国第五。"
SENTENCE_TURNOVER = "2022年，全省技术合同成交额达到1025.3亿元，比2012年增长近十倍。"
MICS, TURNOVER, CHAINS = "anhui-provincial-mics-zh-2022", "anhui-technology-contract-turnover-zh-2022", "anhui-key-chains-zh-2023"

# (figure_id, metric, value, unit as stated, year, year_basis, qualifier, quote)
FIGURES = [
    (MICS, "provincial_manufacturing_innovation_centres", "62", "家", "2022", "stated", "exact", SENTENCE_MICS),
    ("anhui-national-mic-rank-zh-2022", "national_mic_rank", "5", "rank", "2022", "stated", "exact", SENTENCE_MICS),
    (TURNOVER, "technology_contract_turnover", "1025.3", "亿元", "2022", "stated", "exact",
     "2022年，全省技术合同成交额达到1025.3亿元"),
    (CHAINS, "key_industrial_chains", "28", "条", "2023", "as_of", "exact", "全省围绕二十八条重点产业链"),
    ("anhui-provincial-tics-zh-2023", "provincial_technology_innovation_centres", "120", "个", "2023", "as_of", "more_than",
     "建成超过120个省级技术创新中心"),
]
EXCLUSIONS = [
    ("2023-05-20 来源：安徽省经济和信息化厅", "2023-05-20", "date_of_publication", "The document's date line."),
    (SENTENCE_TURNOVER, "2012", "period_of_another_figure", "The base year of the growth the sentence states."),
]


def add_chinese_document(root: Path) -> None:
    """The seed, its source row (language zh), its figures, their published ids and its exclusions."""
    shutil.copyfile(DOCUMENT, root / SEED)
    data = root / "data"

    def append(name: str, rows: list[dict[str, str]]) -> None:
        existing = read_rows(data / name)
        write_rows(data / name, existing + [{column: row.get(column, "") for column in existing[0]} for row in rows])

    append("sources.csv", [{"source_id": SOURCE_ID, "file": SEED, "title": "安徽省制造业创新能力持续提升", "language": "zh",
                            "publisher": "安徽省经济和信息化厅", "published": "2023-05-20", "published_text": "2023-05-20",
                            "sha256": hashlib.sha256(DOCUMENT.read_bytes()).hexdigest(),
                            "note": "Written for the tests: a Chinese document's forms of numbers."}])
    figures = [{"figure_id": figure_id, "region": "Anhui", "metric": metric, "value": value, "unit": unit, "year": year,
                "qualifier": qualifier, "status": "actual", "source_id": SOURCE_ID, "quote": quote, "as_of": "2023-05-20",
                "year_basis": basis, "reading": "certain"}
               for figure_id, metric, value, unit, year, basis, qualifier, quote in FIGURES]
    append("metrics.csv", figures)
    append("published_ids.csv", [{"id": row["figure_id"], "kind": "figure", "region": "Anhui", "metric": row["metric"],
                                  "source_id": SOURCE_ID} for row in figures])
    append("exclusions.csv", [{"source_id": SOURCE_ID, "quote": quote, "number": number, "reason": reason, "note": note}
                              for quote, number, reason, note in EXCLUSIONS])


@pytest.fixture
def chinese(project_copy: Path, monkeypatch) -> Path:
    add_chinese_document(project_copy)
    monkeypatch.setenv("DASHBOARD_ROOT", str(project_copy))
    return project_copy


def test_its_figures_validate_and_the_audit_accounts_for_every_number(capsys, chinese: Path):
    assert validate.main([]) == 0, capsys.readouterr().err
    assert audit.main(["--root", str(chinese)]) == 0, capsys.readouterr().err
    assert f"complete: {len(read_rows(chinese / 'data' / 'sources.csv'))} document(s)" in capsys.readouterr().out


def test_loaded_figures_are_in_the_metric_unit_exactly_and_keep_the_stated_form(chinese: Path):
    figures = load_dataset(chinese).metrics.set_index("figure_id")
    turnover = figures.loc[TURNOVER]
    assert (turnover["value"], turnover["unit"], turnover["stated_value"], turnover["stated_unit"]) == (
        102.53, "billion yuan", 1025.3, "亿元")
    assert (figures.at[MICS, "value"], figures.at[MICS, "unit"], figures.at[MICS, "stated_unit"]) == (62, "centres", "家")
    assert (figures.at[CHAINS, "value"], figures.at[CHAINS, "unit"]) == (28, "chains")
    english = figures.loc["shanxi-technology-contract-turnover-2021"]  # English-sourced: stated as it is shown
    assert (english["value"], english["unit"]) == (english["stated_value"], english["stated_unit"]) == (52.18, "billion yuan")


COUNT = "a number the quote states as a count or amount (digits, digits split by a space, or a number word), not a year, "
# (figure, changes, column, the message's start after "got '...'; expected ")
WRONG_READINGS = [
    pytest.param(MICS, {"value": "26"}, "value", COUNT, id="26 for 62"),
    pytest.param(CHAINS, {"value": "20"}, "value", COUNT, id="20 from 二十八"),
    pytest.param(MICS, {"value": "5"}, "value", COUNT, id="第五 as a count of 5"),
    pytest.param(MICS, {"value": "2012", "quote": SENTENCE_TURNOVER}, "value", COUNT, id="the year 2012 as a count"),
    pytest.param(TURNOVER, {"unit": "billion yuan"}, "unit",
                 "the unit the quote writes with the value ('亿元'): a figure keeps its document's unit; data/units.csv "
                 "converts it to the metric's", id="1025.3 billion yuan from 1025.3亿元"),
    # The same rule in English: "about 350 million yuan" is no 350 billion yuan (units.csv converts billion yuan).
    pytest.param("shanxi-joint-research-project-funds-2022", {"unit": "billion yuan"}, "unit",
                 "the unit the quote writes with the value ('million yuan')", id="350 billion yuan from 350 million yuan"),
    pytest.param(TURNOVER, {"unit": "家"}, "unit", "'billion yuan', the catalogue's unit for technology_contract_turnover, "
                 "or a unit data/units.csv converts to it (亿元, 万元, 万亿元, 元, million yuan)", id="a count's measure word for money"),
]


@pytest.mark.parametrize(("figure_id", "changes", "column", "expected"), WRONG_READINGS)
def test_each_wrong_reading_is_refused_on_its_own_line(capsys, chinese: Path, figure_id, changes, column, expected):
    line, err = validate_changed_figure(capsys, chinese, figure_id, changes)
    assert err[-1] == "invalid: 1 problem(s)", err
    assert err[0].startswith(f"data/metrics.csv:{line}: column '{column}': got '{changes[column]}'; expected {expected}"), err[0]


def test_a_chinese_unit_is_shown_as_written_not_by_code_point(capsys, chinese: Path):
    """亿元 is a unit, not a suspicious character: a problem on its row shows it as the curator wrote it."""
    metrics = chinese / "data" / "metrics.csv"
    rows = read_rows(metrics)
    line = next(n for n, row in enumerate(rows, start=2) if row["figure_id"] == TURNOVER)
    rows[line - 2].update(unit="亿")
    write_rows(metrics, rows)
    assert validate.main([]) == 1
    err = capsys.readouterr().err
    assert "not ASCII" not in err and f"data/metrics.csv:{line}: column 'unit': got '亿'; expected 'billion yuan'" in err


def test_the_audit_names_a_chinese_number_nothing_accounts_for(capsys, chinese: Path):
    exclusions = chinese / "data" / "exclusions.csv"
    write_rows(exclusions, [row for row in read_rows(exclusions) if not (row["source_id"] == SOURCE_ID and row["number"] == "2012")])
    assert audit.main(["--root", str(chinese)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f'{SEED}:5: "2012" in "{SENTENCE_TURNOVER}"'


# --- the pages (AppTest, on the copy: the app reads $DASHBOARD_ROOT) ----------------------------------

def _page(path: str, **query):
    """The page as a reader sees it, scrolled to its end (views/near.py: a table may wait)."""
    from streamlit.testing.v1 import AppTest

    from tests.conftest import scrolled

    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=60).run()
    at.switch_page(path)
    for key, values in query.items():
        at.query_params[key] = values
    return scrolled(at.run())


HIGHLIGHT = re.compile(r":orange-background\[(.*?)(?<!\\)\]")


def test_the_figure_page_shows_the_chinese_quote_highlighted_and_the_stated_and_converted_value(chinese: Path):
    from tests.test_figure import shown

    at = _page("views/figure.py", id=[TURNOVER])
    assert not at.exception and not at.error
    assert shown(body(at)[0].value) == "## 102.53 billion yuan"
    assert "As the document states it: 1025.3亿元" in [shown(m.value) for m in at.markdown]
    (paragraph,) = [m.value for m in at.markdown if HIGHLIGHT.search(m.value)]
    assert [shown(h) for h in HIGHLIGHT.findall(paragraph)] == ["2022年，全省技术合同成交额达到1025.3亿元"]
    assert SENTENCE_MICS in shown(paragraph)  # the quote inside its paragraph
    assert "Source text, in the document's language:" in [c.value for c in at.caption]  # Chinese, in English

    at = _page("views/figure.py", id=[TURNOVER], lang=["zh"])
    assert not at.exception and not at.error
    assert "文档原文表述： 1025.3亿元" in [shown(m.value) for m in at.markdown]
    assert not [c.value for c in at.caption if "原文" in c.value]  # a Chinese quote in Chinese: no comment


def test_compare_puts_a_chinese_sourced_figure_beside_an_english_sourced_one_in_one_unit(chinese: Path):
    at = _page("views/compare.py", region=["Anhui", "Shanxi"], metric=["Technology contract turnover"])
    assert not at.exception and not at.error
    table = next(d.value for d in at.dataframe if "Anhui" in d.value.columns)
    row = table[table["Metric"] == "Technology contract turnover"].iloc[0]
    assert row["Anhui"].startswith("102.53 billion yuan") and row["Shanxi"].startswith("52.18 billion yuan")


def test_the_readme_lists_every_unit_and_every_chinese_qualifier_and_status_word():
    """The README's unit table is data/units.csv, and its word tables are number_words.CHINESE: a unit or a
    word added in one place and not the other fails here, naming it."""
    from dashboard.number_words import CHINESE

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Adding a Chinese document", 1)[1].split("\n## ", 1)[0]
    rows = {line for line in section.splitlines() if line.startswith("| ")}
    for unit in read_rows(ROOT / "data" / "units.csv"):
        canonical = unit["canonical_unit"] or "(the metric’s own unit)"
        assert f"| {unit['unit']} | {unit['value_type']} | {canonical} | {unit['factor']} |" in rows, unit
    for table in (CHINESE.qualifiers_before, CHINESE.qualifiers_after, CHINESE.statuses):
        for word, meaning in table.items():
            assert any(line.startswith(f"| `{meaning}` |") and word in line for line in rows), (word, meaning)


def test_a_download_gives_the_chinese_sourced_figure_in_the_metric_unit(chinese: Path):
    from dashboard import export
    from dashboard import metrics as mx

    dataset = load_dataset(chinese)
    frame = export.export_frame(mx.enrich_observations(dataset), dataset.version).set_index("figure_id")
    assert (frame.at[TURNOVER, "value"], frame.at[TURNOVER, "unit"]) == (102.53, "billion yuan")
    assert frame.at[TURNOVER, "quote"] == "2022年，全省技术合同成交额达到1025.3亿元"  # the quote as stated


@pytest.mark.parametrize(("change", "column", "expected"), [
    ({"factor": "0.1x"}, "factor", "text matching"),
    ({"factor": "0"}, "factor", "a factor above 0"),
    ({"canonical_unit": "trillion yuan"}, "canonical_unit", "the unit of a metric of this value type"),
    ({"canonical_unit": ""}, "value_type", "count (a measure word) when canonical_unit is empty"),
    ({"value_type": "weight"}, "value_type", "one of [count, money, percent, rank]"),
])
def test_a_bad_units_row_is_named_on_its_line(capsys, project_copy: Path, monkeypatch, change, column, expected):
    monkeypatch.setenv("DASHBOARD_ROOT", str(project_copy))
    units = project_copy / "data" / "units.csv"
    rows = read_rows(units)
    rows[0].update(change)  # 亿元 -> billion yuan, line 2
    write_rows(units, rows)
    assert validate.main([]) == 1
    err = capsys.readouterr().err.splitlines()
    assert any(line.startswith(f"data/units.csv:2: column '{column}': got ") and f"expected {expected}" in line
               for line in err), err


@pytest.mark.parametrize(("language", "expected"), [
    ("中文", "one of [en, zh]"), ("EN", "one of [en, zh]"), ("=cmd|' /C calc'!A0", "one of [en, zh]"),
    ("", "a value (this column cannot be empty)"),
])
def test_a_bad_source_language_is_named_on_its_line(capsys, project_copy: Path, monkeypatch, language, expected):
    """sources.csv's language is a closed list: a Chinese word for it, another case, an empty cell
    or a formula is refused on its own line, with what was written."""
    monkeypatch.setenv("DASHBOARD_ROOT", str(project_copy))
    sources = project_copy / "data" / "sources.csv"
    rows = read_rows(sources)
    rows[-1]["language"] = language
    write_rows(sources, rows)
    assert validate.main([]) == 1
    err = capsys.readouterr().err.splitlines()
    assert any(line.startswith(f"data/sources.csv:{len(rows) + 1}: column 'language': got ")
               and line.endswith(f"expected {expected}") for line in err), err


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_sources_page_marks_a_chinese_text_as_source_text_only_in_english(chinese: Path, language):
    """Every document's text is marked as source text unless it is in the interface's language."""
    at = _page("views/sources.py", lang=[language])
    assert not at.exception and not at.error
    marks = {"en": "Source text, in the document's language:", "zh": "原文（保留文档原语言）："}[language]
    languages = [row["language"] for row in read_rows(chinese / "data" / "sources.csv")]
    assert [c.value for c in at.caption].count(marks) == sum(other != language for other in languages)


def test_an_uploaded_figure_in_a_chinese_unit_is_converted_as_a_curated_one(chinese: Path):
    from dashboard.data import validate_upload

    dataset = load_dataset(chinese)
    rows = [row for row in read_rows(chinese / "data" / "metrics.csv") if row["figure_id"] == TURNOVER]
    header = list(rows[0])
    raw = (",".join(header) + "\n" + ",".join(rows[0][c] for c in header) + "\n").encode("utf-8")
    uploaded = validate_upload(raw, "mine.csv", dataset.reference)
    assert uploaded.loc[0, ["value", "unit", "stated_value", "stated_unit"]].tolist() == [102.53, "billion yuan", 1025.3, "亿元"]


def test_a_download_keeps_the_stated_value_and_unit_beside_the_converted_ones(chinese: Path):
    from dashboard import export
    from dashboard import metrics as mx

    dataset = load_dataset(chinese)
    frame = export.export_frame(mx.enrich_observations(dataset), dataset.version).set_index("figure_id")
    assert frame.loc[TURNOVER, ["value", "unit", "stated_value", "stated_unit"]].tolist() == [
        102.53, "billion yuan", 1025.3, "亿元"]
    guide = dict(export.column_guide())
    assert guide["stated_value"].startswith("The number the document states") and "converted exactly" in guide["value"]
