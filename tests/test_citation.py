"""Citations and links of one figure: plain text, BibTeX and CSL-JSON name the document first,
then the dataset; hostile titles stay inside their fields; bad ids get a message a person reads."""

from __future__ import annotations

import json
import re
from datetime import date
from urllib.parse import unquote

import pytest

from dashboard import citation, export
from dashboard.citation import CitedFigure
from tests.factories import observation

ACCESSED = date(2026, 11, 21)
DOCUMENT = dict(source_id="shandong-mic-2022", title="Shandong accelerates the construction of manufacturing innovation center",
                publisher="SELECTSHANDONG", published="2022-02-28", file="seeds/001_2853f426415a6324.txt")
HOSTILE_TITLES = [
    "}, author = {Mallory",
    "Closing } brace { opening",
    r"\input{/etc/passwd} \end{document}",
    '"quoted" \\ back\\slash ", "type": "evil',
    "<script>alert(1)</script> 50% & $x_1^2$ #1 ~tilde",
    "多行\n标题\twith  tabs",
]


def cited(**changes) -> CitedFigure:
    values = dict(figure_id="shandong-national-manufacturing-innovation-centres-2022",
                  statement="Shandong: National manufacturing innovation centres, 2 centres (as of 2022-02-28)",
                  version="aec0103a66", accessed=ACCESSED,
                  url="https://metrics.example.org/figure?id=shandong-national-manufacturing-innovation-centres-2022",
                  **DOCUMENT)
    values.update(changes)
    return CitedFigure(**values)


def bibtex_fields(text: str) -> list[tuple[str, str, dict[str, str]]]:
    """(type, key, {field: value}) of every entry, read the way BibTeX reads it: a field's value is
    everything up to the brace that balances its opening one, escaped braces included."""
    entries = []
    for match in re.finditer(r"@(\w+)\{([^,\s]+),", text):
        position, fields = match.end(), {}
        while True:
            field = re.compile(r"\s*(\w+) = \{").match(text, position)
            if not field:
                break
            depth, i = 1, field.end()
            while depth:
                depth += {"{": 1, "}": -1}.get(text[i], 0)
                i += 1
            fields[field.group(1)] = text[field.end():i - 1]
            position = i + 1 if text[i:i + 1] == "," else i
        assert text[position:].lstrip().startswith("}"), f"entry {match.group(2)} does not end after its fields"
        entries.append((match.group(1), match.group(2), fields))
    return entries


def test_plain_text_names_the_document_first_then_the_dataset():
    text = citation.cite_text(cited())
    assert text == (
        "SELECTSHANDONG. “Shandong accelerates the construction of manufacturing innovation center” (2022-02-28). "
        "File seeds/001_2853f426415a6324.txt. Compiled in: Regional innovation metrics, data version aec0103a66, "
        "figure shandong-national-manufacturing-innovation-centres-2022 (Shandong: National manufacturing innovation "
        "centres, 2 centres (as of 2022-02-28)). https://metrics.example.org/figure?id=shandong-national-manufacturing-"
        "innovation-centres-2022. Accessed 2026-11-21."
    )


@pytest.mark.parametrize(
    ("changes", "starts"),
    [
        ({"publisher": None}, "“Shandong accelerates"),
        ({"publisher": None, "published": None, "file": None}, "“Shandong accelerates the construction of manufacturing innovation center” (n.d.). Compiled in:"),
        ({"url": ""}, None),
    ],
)
def test_plain_text_without_publisher_date_or_public_address(changes, starts):
    text = citation.cite_text(cited(**changes))
    if starts:
        assert text.startswith(starts)
    if changes.get("url") == "":
        assert "/figure?id=shandong-national-manufacturing-innovation-centres-2022. Accessed" in text


def test_bibtex_has_the_document_then_the_dataset_entry():
    entries = bibtex_fields(citation.cite_bibtex(cited()))
    assert [(kind, key) for kind, key, _ in entries] == [
        ("misc", "shandong-mic-2022"), ("misc", "shandong-national-manufacturing-innovation-centres-2022")]
    document, dataset = entries[0][2], entries[1][2]
    assert document == {"title": DOCUMENT["title"], "publisher": "SELECTSHANDONG", "date": "2022-02-28", "year": "2022",
                        "note": r"File seeds/001\_2853f426415a6324.txt"}
    assert dataset["version"] == "aec0103a66" and dataset["urldate"] == "2026-11-21"
    assert dataset["url"] == "https://metrics.example.org/figure?id=shandong-national-manufacturing-innovation-centres-2022"
    assert dataset["title"].startswith("Regional innovation metrics: Shandong: National")


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("{", r"\textbraceleft{}"),
        ("}", r"\textbraceright{}"),
        ("\\", r"\textbackslash{}"),
        (r"\end{document}", r"\textbackslash{}end\textbraceleft{}document\textbraceright{}"),
        ("50% & $5 #1 a_b ^ ~", r"50\% \& \$5 \#1 a\_b \textasciicircum{} \textasciitilde{}"),
        ("two\n\nlines", "two lines"),
        ("山西省", "山西省"),
    ],
)
def test_bibtex_escape(text, escaped):
    assert citation.bibtex_escape(text) == escaped


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_a_hostile_title_stays_inside_its_bibtex_field(title):
    entries = bibtex_fields(citation.cite_bibtex(cited(title=title, publisher=title, statement=title)))
    assert [sorted(fields) for _, _, fields in entries] == [
        ["date", "note", "publisher", "title", "year"], ["note", "title", "url", "urldate", "version"]]
    assert entries[0][2]["title"] == citation.bibtex_escape(title)


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_a_hostile_title_stays_a_string_in_csl_json(title):
    document, dataset = json.loads(citation.cite_csl_json(cited(title=title, statement=title)))
    assert document["title"] == title and dataset["title"] == f"Regional innovation metrics: {title}"


def test_csl_json_items():
    document, dataset = json.loads(citation.cite_csl_json(cited()))
    assert document == {"id": "shandong-mic-2022", "type": "document", "title": DOCUMENT["title"],
                        "publisher": "SELECTSHANDONG", "issued": {"date-parts": [[2022, 2, 28]]},
                        "note": "File seeds/001_2853f426415a6324.txt"}
    assert dataset["type"] == "dataset" and dataset["version"] == "aec0103a66"
    assert dataset["accessed"] == {"date-parts": [[2026, 11, 21]]} and dataset["URL"].endswith("centres-2022")
    undated, _ = json.loads(citation.cite_csl_json(cited(publisher=None, published=None, file=None)))
    assert undated == {"id": "shandong-mic-2022", "type": "document", "title": DOCUMENT["title"]}


@pytest.mark.parametrize(
    ("row", "statement"),
    [
        (observation("Shanxi", "centres", 14), "Shanxi: Centres, 14 centres (as of 2021-03-10)"),
        (observation("Jilin", "centres", 20, status="target", qualifier="more_than", year=2025, year_basis="stated",
                     as_of=None), "Jilin: Centres, more than 20 centres, target (2025)"),
        ({"event_id": "e", "region": "Shanxi", "title": "Plan issued", "date_text": None}, "Shanxi: Plan issued (date not stated)"),
    ],
)
def test_figure_statement(row, statement):
    assert citation.figure_statement(row) == statement


@pytest.mark.parametrize(
    ("row", "statement"),
    [
        (observation("Beijing", "centres", 2, qualifier="more_than"), "Beijing: more than 2 centres"),
        (observation("Shandong", "rank", 3, unit="rank", value_type="rank", label="Rank by centres"), "Shandong: rank 3 · Rank by centres"),
        (observation("Jilin", "centres", 9, status="target"), "Jilin: 9 centres, target"),
    ],
)
def test_short_statement_puts_region_and_value_first(row, statement):
    assert citation.short_statement(row, "centres") == statement


def test_cited_figure_from_an_enriched_row_uses_the_base_address():
    row = observation("Shanxi", "centres", 14, publisher=float("nan"))
    c = citation.cited_figure(row, "v1", ACCESSED, base="https://x.org/")
    assert (c.figure_id, c.title, c.publisher, c.published, c.file) == (
        row["figure_id"], "News from Shanxi", None, "2021-03-10", "seeds/shanxi.txt")
    assert c.url == f"https://x.org/figure?id={row['figure_id']}"


def test_cite_chart_names_the_documents_then_the_dataset():
    line = "Sources: News from Shanxi (2021-03-10); News from Jilin (undated)"
    assert citation.cite_chart(line, "v1", base="") == (
        "Sources: News from Shanxi (2021-03-10); News from Jilin (undated). Compiled in Regional innovation metrics, data version v1.")
    assert citation.cite_chart(line, "v1", base="https://x.org/").endswith("data version v1, https://x.org.")


@pytest.mark.parametrize(
    ("ids", "message"),
    [
        ([], "No figure with id: this link gives none (a link of more than 1,000 parameters is read as none). "
             "A figure's address looks like /figure?id=<figure id>."),
        ([""], "No figure with id: this link gives none (a link of more than 1,000 parameters is read as none). "
               "A figure's address looks like /figure?id=<figure id>."),
        (["nope"], "No figure with id 'nope'."),
        (["<script>alert(1)</script>"], "No figure with id '<script>alert(1)</script>'."),
        (["山西-科技"], "No figure with id '山西-科技'."),
        (["x" * 500], f"No figure with id '{'x' * 80}…'."),
        (["a", "b"], "No figure with id 'a', 'b': this link gives 2 ids, and a page shows one figure."),
        (["user.line-3"], "No figure with id 'user.line-3' in this session. Uploaded figures live only in the browser "
                          "tab that uploaded them; upload the file again on Explore."),
    ],
)
def test_missing_figure_message(ids, message):
    assert citation.missing_figure_message(ids, "user.line-") == message


def test_the_parameter_limit_named_is_streamlits():
    """A /figure link of 2,000 id parameters reaches the page as none: Streamlit drops the query."""
    from streamlit.runtime.state.query_params import CLIENT_STATE_QUERY_STRING_MAX_FIELDS, sanitize_query_string

    assert citation.MAX_QUERY_FIELDS == CLIENT_STATE_QUERY_STRING_MAX_FIELDS
    assert sanitize_query_string("&".join(["id=a"] * 2000)) == ""


def shown_by_link_column(cell: str, pattern: str) -> str:
    """What st.column_config.LinkColumn(display_text=pattern) shows (its frontend: first group,
    '+' as space, percent-decoded; the whole value when the pattern does not match)."""
    match = re.search(pattern, cell, re.S)
    return unquote(match.group(1).replace("+", "%20")) if match else cell


@pytest.mark.parametrize("text", ["14 centres (as of 2021-03-10)", "≥2 centres; ≤3 centres", "50% & #1 + more", "a\nb"])
def test_a_linked_cell_shows_its_text_and_leads_to_its_figure(text):
    (cell,) = citation.linked_cells([text], ["shanxi-x-2021"], "Shanxi", ["Labs"], base="")
    assert cell.startswith("/figure?id=shanxi-x-2021#")
    assert shown_by_link_column(cell, citation.TEXT_IN_LINK) == text


def test_a_cell_with_no_figure_says_so_and_leads_to_explore_on_its_region_and_metric():
    (cell,) = citation.linked_cells(["no figure"], [None], "Inner Mongolia", ["R&D projects, 2+ years"], base="https://x.org")
    assert cell.startswith("https://x.org/explore?region=Inner+Mongolia&metric=R%26D+projects%2C+2%2B+years#")
    assert shown_by_link_column(cell, citation.TEXT_IN_LINK) == "no figure"


def test_a_figure_link_shows_its_id():
    assert shown_by_link_column(citation.figure_url("user.line-7", base="https://x.org"), citation.ID_IN_LINK) == "user.line-7"


LABEL = "Technology contract turnover"


@pytest.mark.parametrize(
    ("status", "compare_with", "compare"),
    [
        ("actual", ["Shandong"], {"region": ["Shanxi", "Shandong"], "status": ["actual"], "metric": [LABEL]}),
        ("target", [], {"region": ["Shanxi"], "status": ["target"], "metric": [LABEL]}),
        ("proposed", ["Shanxi", "Jilin"], {"region": ["Shanxi", "Jilin"], "metric": [LABEL]}),
    ],
)
def test_page_queries_open_compare_trends_and_explore_on_the_figure(status, compare_with, compare):
    queries = citation.page_queries("Shanxi", "Technology contract turnover", status, compare_with)
    assert queries == {"compare": compare, "trends": {"region": ["Shanxi"]},
                       "explore": {"region": ["Shanxi"], "metric": ["Technology contract turnover"]}}


# What CFF 1.2.0 allows at the root and in a reference (citation-file-format/citation-file-format,
# schema.json), for the parts this file uses; its `type` is dataset or software.
CFF_ROOT_KEYS = {"abstract", "authors", "cff-version", "commit", "contact", "date-released", "doi", "identifiers",
                 "keywords", "license", "license-url", "message", "preferred-citation", "references", "repository",
                 "repository-artifact", "repository-code", "title", "type", "url", "version"}


def test_citation_cff_is_valid_cff_1_2_0_describing_the_dataset_and_the_software():
    import yaml

    from tests.conftest import ROOT

    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert set(cff) <= CFF_ROOT_KEYS
    assert {"cff-version", "message", "title", "authors"} <= set(cff)
    assert cff["cff-version"] == "1.2.0" and cff["type"] == "dataset" and cff["title"] == citation.DATASET_TITLE
    assert all(isinstance(a, dict) and set(a) == {"name"} and a["name"].strip() for a in cff["authors"])
    assert all(isinstance(k, str) and k for k in cff["keywords"]) and len(set(cff["keywords"])) == len(cff["keywords"])
    (software,) = cff["references"]
    assert software["type"] == "software" and {"type", "title", "authors"} <= set(software)
    assert "cite the original document first" in " ".join(cff["message"].split())


def test_readme_says_how_to_cite():
    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## How to cite", 1)[1].split("\n## ", 1)[0]
    for needed in ("/figure?id=", "CITATION.cff", "data version", "DASHBOARD_BASE_URL", "BibTeX", "CSL-JSON"):
        assert needed in section, needed


def test_the_licence_is_stated_alike_in_the_readme_the_cff_and_the_package_note():
    """CC BY 4.0 for the curation; the documents and quotes remain their publishers' (issue 21)."""
    import yaml

    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = " ".join(readme.split("\n## Licence\n", 1)[1].split("\n## ", 1)[0].split())
    assert "CC BY 4.0" in section and "remain their publishers' work" in section
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["license"] == citation.LICENCE["name"] == "CC-BY-4.0"
    assert "licensed under CC BY 4.0" in citation.LICENCE_NOTE and "remain their publishers' work" in citation.LICENCE_NOTE
    assert "remain their publishers' work" in citation.LICENCE["title"]


def test_figure_urls_read_the_base_once_and_leave_rows_without_an_id_empty(monkeypatch):
    monkeypatch.setenv(citation.BASE_URL_ENV, "https://metrics.example.org/")
    assert citation.figure_urls(["a-1", None, "", float("nan"), "user.line-2"]) == [
        "https://metrics.example.org/figure?id=a-1", None, None, None,
        "https://metrics.example.org/figure?id=user.line-2"]


@pytest.mark.parametrize(
    ("address", "prefix", "base"),
    [
        ("http://localhost:8501/figure", "", "http://localhost:8501"),
        ("https://Metrics.Example.org/compare", "", "https://metrics.example.org"),
        ("https://metrics.example.org/dash/figure", "/dash/", "https://metrics.example.org/dash"),
        ("http://[::1]:8501/", "", "http://[::1]:8501"),
        ("https://user:secret@metrics.example.org/", "", "https://metrics.example.org"),  # no credentials repeated
        ("javascript:alert(1)", "", ""),
        ("file:///etc/passwd", "", ""),
        ('http://evil.org"><b>x</b>/', "", ""),
        ("http://a_b.example/", "", ""),
        (None, "", ""),
        ("", "", ""),
    ],
)
def test_the_reader_base_is_the_address_the_reader_used_when_none_is_configured(monkeypatch, address, prefix, base):
    monkeypatch.delenv(citation.BASE_URL_ENV, raising=False)
    assert citation.reader_base(address, prefix) == base


def test_a_configured_public_address_wins_over_the_readers(monkeypatch):
    monkeypatch.setenv(citation.BASE_URL_ENV, "https://metrics.example.org/")
    assert citation.reader_base("http://10.0.0.5:8501/figure") == "https://metrics.example.org"


def test_a_citation_and_a_download_built_from_the_readers_address_are_absolute(monkeypatch, obs, dataset):
    monkeypatch.delenv(citation.BASE_URL_ENV, raising=False)
    base = citation.reader_base("http://127.0.0.1:8600/figure")
    row = obs.iloc[0]
    cited = citation.cited_figure(row, dataset.version, date(2026, 1, 2), base)
    url = f"http://127.0.0.1:8600/figure?id={row['figure_id']}"
    assert f" {url}. Accessed 2026-01-02." in citation.cite_text(cited)
    assert f"url = {{{citation.bibtex_escape(url)}}}" in citation.cite_bibtex(cited)
    assert json.loads(citation.cite_csl_json(cited))[1]["URL"] == url
    assert export.export_frame(obs.head(2), "v", base)["figure_url"].tolist() == [
        f"http://127.0.0.1:8600/figure?id={i}" for i in obs["figure_id"].head(2)]


def test_compare_from_a_figure_names_its_metric():
    queries = citation.page_queries("Shanxi", "Technology contract turnover", "actual", ["Beijing"])
    assert queries["compare"] == {"region": ["Shanxi", "Beijing"], "status": ["actual"],
                                  "metric": ["Technology contract turnover"]}


def test_queries_for_a_chinese_page_name_values_as_its_widgets_write_them():
    queries = citation.page_queries("Shanxi", LABEL, "target", ["Jilin"])
    named = citation.named_queries(queries, {"region": {"Shanxi": "山西省", "Jilin": "吉林省"},
                                             "metric": {LABEL: "技术合同成交额"}, "status": {"target": "目标"}})
    assert named["compare"] == {"region": ["山西省", "吉林省"], "status": ["目标"], "metric": ["技术合同成交额"]}
    assert named["explore"] == {"region": ["山西省"], "metric": ["技术合同成交额"]}
    assert named["trends"] == {"region": ["山西省"]}
