"""The Chinese interface: a complete catalogue, no string that bypasses it, every page in Chinese
under AppTest (data labels, chart titles and axes, money in 亿元), and URL-bound filters that keep
their selection across a switch of language."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from streamlit.testing.v1 import AppTest

from dashboard import i18n
from dashboard import metrics as mx
from dashboard.pages import MENU
from tests.conftest import ROOT, body, headings

VIEWS = ROOT / "dashboard" / "views"
CATALOGUE = i18n.LOCALE_DIR / "zh" / "LC_MESSAGES" / "messages.po"
CJK = re.compile(r"[\u3400-\u9fff]")
PAGES = [page.name for page in MENU]
ZH = i18n.translations("zh").gettext  # what the tests expect is what the catalogue says, not a copy of it
# What a page shows that is not a translatable word: icons, arrows and marks, code.
ALLOWED_LITERALS = re.compile(r"^[\W\d_]*$|^:material/[a-z_]+:$")
# Streamlit calls whose first argument, or these keywords, a reader reads.
TEXT_CALLS = {
    "title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success", "button",
    "download_button", "expander", "multiselect", "selectbox", "segmented_control", "toggle", "checkbox", "radio",
    "slider", "number_input", "page_link", "metric", "file_uploader", "text_input", "set_page_config", "Page",
}
TEXT_KEYWORDS = {"label", "help", "placeholder", "title", "page_title"}


def messages(path: Path) -> dict:
    with path.open("rb") as handle:
        return {m.id if isinstance(m.id, str) else tuple(m.id): m for m in read_po(handle, locale="zh_Hans_CN") if m.id}


def test_every_message_has_a_chinese_translation_and_none_is_fuzzy():
    catalogue = messages(CATALOGUE)
    assert len(catalogue) > 250
    untranslated = [key for key, m in catalogue.items()
                    if not all(isinstance(s, str) and s.strip() for s in (m.string if isinstance(m.string, tuple) else (m.string,)))]
    fuzzy = [key for key, m in catalogue.items() if m.fuzzy]
    assert (untranslated, fuzzy) == ([], [])
    # Placeholders survive translation: a translator who drops {count} breaks .format().
    for key, m in catalogue.items():
        source = " ".join(key) if isinstance(key, tuple) else key
        target = " ".join(m.string) if isinstance(m.string, tuple) else m.string
        assert set(re.findall(r"\{[a-z_]*\}", target)) == set(re.findall(r"\{[a-z_]*\}", source)), key


def _source_and_chinese(m) -> tuple[str, str]:
    source = " ".join(m.id) if isinstance(m.id, tuple) else m.id
    return source, " ".join(m.string) if isinstance(m.string, tuple) else m.string


def test_the_chinese_wording_follows_a_native_readers_notes():
    """Issue 21: 数据 is a mass noun (条数据, 数据条数), a qualifier is a 限定词, a document is a 文档
    (文件 is a file), a stated period of plans is no 规划 (a long-range plan), 'less than' in a
    difference is 小于, and no growth is said to be 累计 (a cumulative sum)."""
    found = [_source_and_chinese(m) for m in messages(CATALOGUE).values()]
    assert [s for s, zh in found if re.search(r"个数据|每个数据|数据数(?!量)", zh)] == []
    assert [s for s, zh in found if re.search(r"限定(?!词)", zh)] == []
    assert [s for s, zh in found if "文件" in zh and re.search(r"\bdocuments?\b", s)
            and not re.search(r"\bfiles?\b|CSV|upload|seeds/", s, re.IGNORECASE)] == []
    assert [s for s, zh in found if re.search(r"规划|提议|名单|少于|累计为|参考年份|未署名|两两比较|开放界限", zh)] == []
    assert ZH("proposal") != ZH("proposed")  # a CPPCC proposal (提案) is not a proposed figure (拟议)


def test_money_in_the_catalogue_is_in_yi_yuan_with_its_factor_stated():
    """The interface writes money in 亿元; the catalogue says so, and each money metric's Chinese
    definition gives the factor from the unit its values are stored in (billion yuan: ×10)."""
    from dashboard.data import load_dataset

    catalogue = load_dataset(ROOT).catalogue
    money = catalogue[catalogue["value_type"] == "money"]
    assert not money.empty
    for row in money.itertuples():
        assert row.unit in i18n.TO_YI and row.unit_zh == i18n.YI_YUAN, row.metric
        assert f"×{i18n.TO_YI[row.unit]:g}" in row.definition_zh, row.metric
    assert not catalogue["unit_zh"].str.contains("每").any()  # '3个/每条产业链' reads twice 'per': 个/条


def test_every_marked_string_in_the_code_is_in_the_catalogue(tmp_path: Path):
    """What `make translations` would extract today is exactly what the .po translates."""
    template = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "--mapping-file", "babel.cfg",
                    "--keywords", "_ N_ ngettext:1,2", "--no-location", "--sort-output", "--output-file", str(template),
                    "."], cwd=ROOT, check=True, capture_output=True)
    assert set(messages(template)) == set(messages(CATALOGUE))


def _literal_text(node: ast.AST) -> str | None:
    """Reader-facing text written straight into the call: a string or an f-string's own words."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant))
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return (_literal_text(node.left) or "") + (_literal_text(node.right) or "")
    return None


def bypassing_strings(path: Path) -> list[str]:
    problems = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):  # extraction cannot see a message inside an f-string
            problems += [f"{path.name}:{sub.lineno}: _() inside an f-string" for sub in ast.walk(node)
                         if isinstance(sub, ast.Call) and getattr(sub.func, "id", None) in ("_", "N_", "ngettext")]
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
        if name not in TEXT_CALLS:
            continue
        shown = ([] if name == "Page" else node.args[:1]) + [k.value for k in node.keywords if k.arg in TEXT_KEYWORDS]
        for argument in shown:
            text = _literal_text(argument)
            if text is not None and not ALLOWED_LITERALS.match(text):
                problems.append(f"{path.name}:{argument.lineno}: {text!r} in {name}() is not in the catalogue")
    return problems


def test_no_interface_string_in_the_views_bypasses_the_catalogue():
    files = [*sorted(VIEWS.glob("*.py")), ROOT / "dashboard" / "app.py"]
    assert [p for path in files for p in bypassing_strings(path)] == []


def test_the_scan_catches_a_literal_heading(tmp_path: Path):
    page = tmp_path / "page.py"
    page.write_text('import streamlit as st\nst.title("Trends")\nst.caption(f"Source: {x}")\nst.header(_("Ok"))\n'
                    'st.markdown(f"{_(\'Hidden\')}")\nst.page_link(p, label="Go", icon=":material/table:")\n')
    assert sorted(bypassing_strings(page)) == [
        "page.py:2: 'Trends' in title() is not in the catalogue",
        "page.py:3: 'Source: ' in caption() is not in the catalogue",
        "page.py:5: _() inside an f-string",
        "page.py:6: 'Go' in page_link() is not in the catalogue",
    ]


# --- every page in Chinese -------------------------------------------------------------------------


def run(page: str, **query) -> AppTest:
    at = AppTest.from_file(str(VIEWS / f"{page}.py"), default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def charts(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def page_text(at: AppTest) -> str:
    """Everything a reader reads on the page, markdown escapes removed."""
    parts = [e.value for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error",
                                  "success") for e in getattr(at, kind)]
    parts += [e.label for e in at.expander]
    parts += [w.label for kind in ("multiselect", "selectbox", "slider", "checkbox", "toggle", "radio",
                                   "number_input", "button_group") for w in at.get(kind) if hasattr(w, "label")]
    parts += [str(c) for d in at.dataframe for c in d.value.columns]
    for spec in charts(at):
        layout = spec["layout"]
        parts += [layout.get("title", {}).get("text", ""), *(t.get("name", "") for t in spec["data"])]
        parts += [layout.get(axis, {}).get("title", {}).get("text", "") for axis in ("xaxis", "yaxis")]
        parts += [t.get("hovertemplate", "") for t in spec["data"]]
    return re.sub(r"\\(.)", r"\1", "\n".join(str(p) for p in parts))


def evidence(dataset) -> list[str]:
    """Text from the documents and the curators' English notes: quotes and titles are never translated."""
    texts = [*dataset.metrics["quote"], *dataset.sources["title"], *dataset.events["quote"], *dataset.events["title"],
             *dataset.metrics["note"].dropna(), *dataset.metrics["reading_note"].dropna(), *dataset.events["note"].dropna(),
             *dataset.sources["note"].dropna(), *dataset.documents.values()]
    return sorted(texts, key=len, reverse=True)


def english_left(text: str, dataset) -> list[str]:
    """Catalogue phrases of three words or more that the page shows in English."""
    for passage in evidence(dataset):
        text = text.replace(passage, " ")
    found = set()
    for key in messages(CATALOGUE):
        for message in key if isinstance(key, tuple) else (key,):
            for fragment in re.split(r"\{[a-z_]*\}", message):
                words = re.sub(r"[*`_]", "", fragment).strip(" .,:;()\n")
                if len(words.split()) >= 3 and words in text:
                    found.add(words)
    return sorted(found)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_in_chinese_shows_no_english_interface_text(page, dataset):
    at = run(page, lang="zh")
    assert not at.exception and not at.error
    assert CJK.search(headings(at, 1)[0])
    assert english_left(page_text(at), dataset) == []


def test_the_english_check_finds_english_interface_text(dataset):
    assert english_left("Metrics every selected region has (2) 和 more than 2 centres", dataset) == [
        "Metrics every selected region has", "every selected region"]


@pytest.mark.parametrize("page", ["overview", "compare", "trends", "map"])
def test_chart_titles_axes_and_region_names_are_chinese(page, dataset):
    at = run(page, lang="zh")
    specs = charts(at)
    assert specs
    names = set(dataset.regions["region"])
    for spec in specs:
        title = spec["layout"].get("title", {}).get("text", "")
        assert not title or CJK.search(title), title
        for axis in ("xaxis", "yaxis"):
            axis_title = spec["layout"].get(axis, {}).get("title", {}).get("text", "")
            assert not axis_title or CJK.search(axis_title), axis_title
        traces = [t.get("name", "") for t in spec["data"]]
        assert not names & set(traces), traces  # regions by their Chinese names
        for trace in spec["data"]:
            if trace.get("customdata") and trace["customdata"][0] and isinstance(trace["customdata"][0], list):
                assert trace["customdata"][0][0] not in names  # the hover names the region in Chinese


def test_chinese_money_is_in_yi_yuan_computed_from_the_stored_value():
    at = run("trends", lang="zh", region=["Shanxi"])
    text = page_text(at)
    change = ZH("{first} → {last}{unit} ({span})").format(
        first="124.2", last="521.8", unit=i18n.YI_YUAN, span=ZH("{first}–{last}").format(first="2012", last="2021"))
    assert ZH("{text}: {multiple}× in total, {rate}% a year compounded").format(text=change, multiple="4.20", rate="17.3") in text
    # The unit stands upright above the axis (turned on its side, 个 reads as an arrow), not as the axis title.
    (spec,) = [s for s in charts(at) if any(a.get("name") == "unit" and a.get("text") == "单位：亿元"
                                            for a in s["layout"].get("annotations", []))]
    assert not spec["layout"]["yaxis"].get("title", {}).get("text")
    assert sorted(t for t in spec["data"][0]["text"] if t) == ["124.2", "521.8"]  # 12.42 and 52.18 billion yuan, as plotted


def test_compare_in_chinese_from_an_english_url_names_regions_in_chinese():
    at = run("compare", lang="zh", region=["Shanxi", "Jilin"], status=["actual"])
    widget = at.multiselect(key="region")
    assert widget.value == ["Shanxi", "Jilin"]
    assert "山西省" in widget.options and "Shanxi" not in widget.options
    assert headings(at)[0] == ZH("Metrics every selected region has ({count})").format(count=0)
    assert "山西省 15、吉林省 0" in at.markdown[-1].value  # coverage names Jilin, which has only targets
    pair = run("compare", lang="zh")
    assert "**山西省**" in [m.value.split("：")[0] for m in pair.markdown]  # a full-width colon, no space
    assert not [m.value for m in pair.markdown if re.search(r"[\u4e00-\u9fff]\*{0,2}:|[\u4e00-\u9fff] [\u4e00-\u9fff]",
                                                           m.value)]


def test_chinese_names_in_the_url_select_the_same_regions():
    at = run("compare", lang="zh", region=["山西省", "吉林省"], status=[ZH("target")])
    assert at.multiselect(key="region").value == ["Shanxi", "Jilin"]
    assert at.get("button_group")[0].value == ["target"]


def test_switching_language_keeps_every_filter():
    at = run("explore", lang="en", region=["Shanxi"], metric=["Technology contract turnover"], status=["actual"])
    assert at.multiselect(key="metric").value == ["technology_contract_turnover"]
    shown = body(at)[0].value
    at.query_params["lang"] = "zh"
    at.run()
    assert [at.multiselect(key=k).value for k in ("region", "metric", "status")] == [
        ["Shanxi"], ["technology_contract_turnover"], ["actual"]]
    assert "技术合同成交额" in at.multiselect(key="metric").options
    count, total = re.search(r"\*\*(\d+)\*\* of (\d+)", shown).groups()
    assert body(at)[0].value == ZH("**{count}** of {total} figures match.").format(count=count, total=total)
    at.query_params["lang"] = "en"
    at.run()
    assert at.multiselect(key="region").value == ["Shanxi"] and body(at)[0].value == shown


@pytest.mark.parametrize("lang", ["fr", "<script>alert(1)</script>", "", "zh-Hant%00"])
def test_a_language_we_do_not_have_falls_back_to_english_silently(lang):
    at = run("overview", lang=lang)
    assert not at.exception and not at.error
    assert headings(at, 1)[0] == "Regional innovation metrics"


def test_the_router_titles_pages_and_offers_the_language_control():
    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=60)
    at.query_params["lang"] = "zh"
    at.run()
    assert headings(at, 1)[0] == ZH("Regional innovation metrics")
    control = at.button_group(key="language-control") if hasattr(at, "button_group") else at.get("button_group")[0]
    assert control.value == "zh"


def test_the_language_control_shows_the_pages_language_and_is_set_only_when_that_changes():
    """The control always shows the page's language, but the script sets it only when it differs:
    a value the script sets is sent as set (set_value) and applied again by the browser."""
    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=60).run()

    def control():
        (found,) = [b for b in at.get("button_group") if b.proto.id.endswith("language-control")]
        return found

    assert control().value == "en" and control().proto.set_value  # a new session: set
    at.run()
    assert control().value == "en" and not control().proto.set_value  # a rerun: left as it is
    at.query_params["lang"] = "zh"
    at.run()
    assert control().value == "zh" and control().proto.set_value  # the address changed the language
    control().set_value(None).run()  # the reader clicks the active option, which deselects it
    assert control().value == "zh" and control().proto.set_value  # shown again


def test_the_bad_data_screen_in_chinese_translates_its_words_and_fixed_expectations(project_copy: Path, monkeypatch):
    from tests.conftest import read_rows, write_rows

    rows = read_rows(project_copy / "data" / "metrics.csv")
    rows[0]["value"] = "-1"
    write_rows(project_copy / "data" / "metrics.csv", rows)
    monkeypatch.setenv("DASHBOARD_ROOT", str(project_copy))
    at = run("compare", lang="zh")
    assert not at.exception
    headline = i18n.translations("zh").ngettext("{count} problem in the curated data",
                                                "{count} problems in the curated data", 2).format(count=2)
    assert at.error[0].value.replace("\\", "") == ZH("The dashboard cannot show data: {headline}.").format(headline=headline)
    assert ZH("{file}:{line}: column '{column}': got {value}; expected {expected}").format(
        file="data/metrics.csv", line=2, column="value", value="'-1'",
        expected=ZH("a value of 0 or more (counts and money cannot be negative)")) in at.code[0].value.splitlines()
    assert CJK.search(at.caption[0].value) and at.caption[0].value.replace("\\", "") == ZH(
        "Check the files with `python -m dashboard.validate`; the page recovers on reload once they are fixed.")


def test_curator_written_english_on_a_chinese_page_is_marked_as_the_english_original(dataset, obs):
    """Notes, event titles and dates as worded ("recently", "May 1") have no translation: a Chinese
    page marks each as the English original instead of passing it off as Chinese."""
    mark = i18n.translations("zh").gettext(mx.ENGLISH_ORIGINAL).format(text="")
    at = run("trends", lang="zh")
    # Tables on a wide screen, cards on a phone (tables.responsive_table): the marks are in both.
    shown = "\n".join([str(cell) for table in at.dataframe for column in table.value.columns for cell in table.value[column]]
                      + [m.value.replace("\\", "") for m in at.markdown])
    worded = [t for t in (*dataset.events["title"], *dataset.events["date_text"].dropna()) if t.strip()]
    for text in worded:
        if text in shown:
            assert f"{mark}{text}" in shown, text
    assert mark in shown
    noted = obs[obs["note"].notna()].iloc[0]
    figure = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=60).run()
    figure.switch_page("views/figure.py")
    figure.query_params["id"] = noted["figure_id"]
    figure.query_params["lang"] = "zh"
    figure.run()
    assert f"{mark}{noted['note']}" in [i.value.replace("\\", "") for i in figure.info]
    with i18n.speaking("en"):
        assert mx.in_english(noted["note"]) == noted["note"]  # English pages show it as it is
    sources = run("sources", lang="zh")
    captions = [c.value.replace("\\", "") for c in sources.caption]
    for note in dataset.sources["note"].dropna():
        assert f"{mark}{note}" in captions, note
