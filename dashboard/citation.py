"""How a figure is addressed and cited: its permalink, and the citation texts that name it.

A figure's page is `/figure?id=<figure_id>` (an event's too, by its event_id). The public address
of the dashboard comes from $DASHBOARD_BASE_URL (say https://metrics.example.org); without it the
pages use the address the reader's browser shows (`reader_base`), so a copied citation or a
downloaded figure_url opens where the reader found it. The read API's answers are cached by
proxies for everyone, so it never builds links from a request's Host header: without a configured
address its figure_url is the path alone.

A citation names the original document first and this dataset second (readers otherwise credit
the portal instead of the producer), with the data version it saw, the figure id, its address and
the date accessed. Plain text, BibTeX and CSL-JSON are built from one `CitedFigure`; data-derived
text is escaped for each format (BibTeX braces and backslashes, JSON through json.dumps), so a
hostile title stays inside its field. No Streamlit here.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from urllib.parse import quote, urlencode, urlsplit

from dashboard.i18n import N_, _

BASE_URL_ENV = "DASHBOARD_BASE_URL"
FIGURE_PAGE = "figure"
DATASET_TITLE = N_("Regional innovation metrics")
# st.column_config.LinkColumn(display_text=...) patterns: a link shows the figure id it points
# to, or the text after '#' (see labelled_link).
ID_IN_LINK = r"id=([^&#]*)"
TEXT_IN_LINK = r"#(.*)$"
MAX_SHOWN_ID = 80
_BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}", "&": r"\&", "%": r"\%",
    "$": r"\$", "#": r"\#", "_": r"\_", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}",
}
_BIBTEX_PATTERN = re.compile("|".join(re.escape(c) for c in _BIBTEX_SPECIAL))
# host[:port] or [IPv6][:port]: anything else in a browser's address is not used to build links.
_HOST = re.compile(r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*"
                   r"|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$")


def base_url(given: str | None = None) -> str:
    """`given`, else the configured public address, without a trailing slash; '' when none is set."""
    return (os.environ.get(BASE_URL_ENV, "") if given is None else given).strip().rstrip("/")


def reader_base(address: str | None, prefix: str = "") -> str:
    """The configured public address; else scheme://host[:port] of the address the reader's browser
    shows (st.context.url), plus the app's path `prefix` (server.baseUrlPath) when it is served
    below the root; '' when neither is usable (no address, another scheme, a malformed host)."""
    configured = base_url()
    if configured or not address:
        return configured
    parts = urlsplit(address)
    host = parts.netloc.rpartition("@")[2]  # never repeat credentials typed into an address
    if parts.scheme not in ("http", "https") or not _HOST.match(host):
        return ""
    path = "/".join(quote(part, safe="") for part in prefix.strip("/").split("/") if part)
    return f"{parts.scheme}://{host.lower()}" + (f"/{path}" if path else "")


def figure_path(figure_id: str) -> str:
    """'/figure?id=shanxi-technology-contract-turnover-2021' (the id percent-encoded)."""
    return f"/{FIGURE_PAGE}?id={quote(str(figure_id), safe='')}"


def figure_url(figure_id: str, base: str | None = None) -> str:
    """The figure page's address: the base URL (default: $DASHBOARD_BASE_URL) plus its path."""
    return base_url(base) + figure_path(figure_id)


def figure_urls(ids, base: str | None = None) -> list[str | None]:
    """Each id's page address (the base URL read once), None where a row has no id: the link
    column of tables and downloads."""
    base = base_url(base)
    return [figure_url(i, base) if isinstance(i, str) and i else None for i in ids]


def labelled_link(url: str, text: str) -> str:
    """A link that a LinkColumn with display_text=TEXT_IN_LINK shows as `text` (the fragment,
    percent-encoded here and decoded by the table; the server never sees it)."""
    return f"{url}#{quote(str(text), safe='')}"


def shown_id(figure_id: str) -> str:
    """An id as a message quotes it: in quotes, cut at MAX_SHOWN_ID characters."""
    text = str(figure_id)
    return repr(text if len(text) <= MAX_SHOWN_ID else text[:MAX_SHOWN_ID] + "…")


# Streamlit ignores a whole query string of more than this many parameters (its
# CLIENT_STATE_QUERY_STRING_MAX_FIELDS): the page then sees no id at all, however many were given.
MAX_QUERY_FIELDS = 1000


def missing_figure_message(ids: list[str], upload_prefix: str) -> str:
    """What the figure page says when the link's ids name no figure: `ids` is every `id` value
    in the link (none, one, or a repeated parameter)."""
    given = [i for i in ids if i.strip()]
    if not given:  # also what a link of too many parameters gives: the server has read none of them
        return _("No figure with id: this link gives none (a link of more than {limit} parameters is read as "
                 "none). A figure's address looks like /figure?id=<figure id>.").format(limit=f"{MAX_QUERY_FIELDS:,}")
    if len(ids) > 1:
        return _("No figure with id {ids}: this link gives {count} ids, and a page shows one figure.").format(
            ids=", ".join(map(shown_id, ids)), count=len(ids))
    if given[0].startswith(upload_prefix):
        return _("No figure with id {id} in this session. Uploaded figures live only in the browser tab that uploaded "
                 "them; upload the file again on Explore.").format(id=shown_id(given[0]))
    return _("No figure with id {id}.").format(id=shown_id(given[0]))


@dataclass(frozen=True)
class CitedFigure:
    """What a citation of one figure (or event) says, in plain values."""

    figure_id: str
    statement: str  # "Shanxi: Provincial manufacturing innovation centres, 14 centres (as of 2021-03-10)"
    source_id: str
    title: str
    publisher: str | None
    published: str | None  # YYYY-MM-DD, or None for an undated document
    file: str | None
    version: str
    accessed: date
    url: str


def _text(value: object) -> str | None:
    return " ".join(value.split()) if isinstance(value, str) and value.strip() else None


def figure_statement(row: Mapping) -> str:
    """One line naming a figure ('Shanxi: Technology contract turnover, 52.18 billion yuan (2021)')
    or an event ('Shanxi: Shanxi starts building ... (in 2018)')."""
    region = row.get("region_name") or row["region"]
    if "event_id" in row:
        when = _text(row.get("date_text")) or _("date not stated")
        return _("{region}: {title} ({date})").format(region=region, title=row["title"], date=when)
    status = "" if row["status"] == "actual" else _(", {status}").format(status=_status(row["status"]))
    return _("{region}: {metric}, {value}{status} ({date})").format(
        region=region, metric=row["label"], value=row["display_value"], status=status, date=row["reference"])


def _status(status: str) -> str:
    words = {"target": _("target"), "proposed": _("proposed"), "actual": _("actual")}
    return words.get(status, status)


def short_statement(row: Mapping, metric: str) -> str:
    """A figure in a few words, region and value first (a narrow screen cuts the end): 'Beijing:
    more than 2 centres', with the metric's label after it when it is not `metric`."""
    status = "" if row["status"] == "actual" else _(", {status}").format(status=_status(row["status"]))
    label = "" if row["metric"] == metric else f" · {row['label']}"
    return _("{region}: {value}").format(region=row.get("region_name") or row["region"],
                                         value=f"{row['display_value']}{status}{label}")


def cited_figure(row: Mapping, version: str, accessed: date, base: str | None = None) -> CitedFigure:
    """A CitedFigure from an enriched observation or event row (metrics.enrich_observations/enrich_events)."""
    figure_id = row["event_id"] if "event_id" in row else row["figure_id"]
    return CitedFigure(
        figure_id=str(figure_id), statement=" ".join(figure_statement(row).split()), source_id=str(row["source_id"]),
        title=_text(row["source_title"]) or _("untitled document"), publisher=_text(row.get("publisher")),
        published=_text(row.get("published")), file=_text(row.get("file")), version=version, accessed=accessed,
        url=figure_url(str(figure_id), base),
    )


def cite_text(c: CitedFigure) -> str:
    """Plain text: the document (publisher, title, date, file), then the dataset (name, data
    version, figure id and statement, address, date accessed)."""
    document = " ".join(part for part in (
        f"{c.publisher}." if c.publisher else "",
        "“{title}” ({published}).".format(title=c.title, published=c.published or _("n.d.")),
        _("File {file}.").format(file=c.file) if c.file else "",
    ) if part)
    return _("{document} Compiled in: {dataset}, data version {version}, figure {figure_id} ({statement}). {url}. "
             "Accessed {accessed}.").format(
        document=document, dataset=_(DATASET_TITLE), version=c.version, figure_id=c.figure_id, statement=c.statement,
        url=c.url or figure_path(c.figure_id), accessed=c.accessed.isoformat())


def bibtex_escape(text: str) -> str:
    """Text safe inside a braced BibTeX field: braces and backslashes become text commands (their
    own braces balanced), LaTeX specials are escaped, whitespace runs are one space."""
    return _BIBTEX_PATTERN.sub(lambda m: _BIBTEX_SPECIAL[m.group()], " ".join(text.split()))


def bibtex_key(text: str) -> str:
    """A citation key: letters, digits and '-_:.' only."""
    return re.sub(r"[^A-Za-z0-9_:.-]+", "-", text).strip("-") or "figure"


def _bibtex_entry(kind: str, key: str, fields: list[tuple[str, str | None]]) -> str:
    body = ",\n".join(f"  {name} = {{{bibtex_escape(value)}}}" for name, value in fields if value)
    return f"@{kind}{{{bibtex_key(key)},\n{body}\n}}"


def cite_bibtex(c: CitedFigure) -> str:
    """Two @misc entries: the original document first, then this dataset's figure, which cites it."""
    document = _bibtex_entry("misc", c.source_id, [
        ("title", c.title), ("publisher", c.publisher), ("date", c.published),
        ("year", c.published[:4] if c.published else None), ("note", f"File {c.file}" if c.file else None),
    ])
    dataset = _bibtex_entry("misc", c.figure_id, [
        ("title", f"{DATASET_TITLE}: {c.statement}"), ("version", c.version),
        ("note", f"Figure {c.figure_id}, data version {c.version}; from {c.title}"),
        ("url", c.url or figure_path(c.figure_id)), ("urldate", c.accessed.isoformat()),
    ])
    return f"{document}\n\n{dataset}"


def _date_parts(text: str) -> dict:
    return {"date-parts": [[int(part) for part in text.split("-")]]}


def cite_csl_json(c: CitedFigure) -> str:
    """CSL-JSON (what Zotero and pandoc read): the document, then this dataset's figure."""
    document = {"id": c.source_id, "type": "document", "title": c.title}
    if c.publisher:
        document["publisher"] = c.publisher
    if c.published:
        document["issued"] = _date_parts(c.published)
    if c.file:
        document["note"] = f"File {c.file}"
    dataset = {
        "id": c.figure_id, "type": "dataset", "title": f"{DATASET_TITLE}: {c.statement}", "version": c.version,
        "URL": c.url or figure_path(c.figure_id), "accessed": _date_parts(c.accessed.isoformat()),
        "note": f"Figure {c.figure_id}, data version {c.version}; from {c.title}",
    }
    # One item a line: indented JSON spreads each date over seven lines.
    return "[\n" + ",\n".join(json.dumps(item, ensure_ascii=False) for item in (document, dataset)) + "\n]"


def cite_chart(sources_line: str, version: str, base: str | None = None) -> str:
    """Under a chart: its documents first (metrics.cite_sources), then the dataset and version."""
    where = base_url(base)
    return _("{sources}. Compiled in {dataset}, data version {version}{where}.").format(
        sources=sources_line, dataset=_(DATASET_TITLE), version=version, where=f", {where}" if where else "")


def page_queries(region: str, label: str, status: str, compare_with: list[str]) -> dict[str, dict[str, list[str]]]:
    """Query parameters that open /compare, /trends and /explore on this figure's region and metric
    (the keys those pages bind their widgets to; both take a metric by its label): compare shows
    the metric in the regions `compare_with` that have it."""
    compare = {"region": [region, *[r for r in compare_with if r != region]]}
    if label:
        compare["metric"] = [label]
    if status in ("actual", "target"):
        compare["status"] = [status]
    return {"compare": compare, "trends": {"region": [region]}, "explore": {"region": [region], "metric": [label]}}


def named_queries(queries: dict[str, dict[str, list[str]]], names: dict[str, dict[str, str]]) -> dict[str, dict[str, list[str]]]:
    """`queries` (page_queries) with each value as the reader's language names it (`names`: key ->
    {value: name}), as the pages' widgets write them into their address; a value without a name stays."""
    return {page: {key: [names.get(key, {}).get(v, v) for v in values] for key, values in query.items()}
            for page, query in queries.items()}


def trends_path(region: str) -> str:
    """/trends showing one region's series (the overview's growth cards link there)."""
    return "/trends?" + urlencode(page_queries(region, "", "", [])["trends"], doseq=True)


def explore_url(region: str, label: str, base: str | None = None) -> str:
    """/explore filtered to one region and metric (explore takes a metric by its label)."""
    query = urlencode(page_queries(region, label, "", [])["explore"], doseq=True)
    return base_url(base) + f"/explore?{query}"


def linked_cells(texts: list[str], ids: list[str | None], region: str, labels: list[str],
                 base: str | None = None) -> list[str]:
    """Table cells that show each text (a LinkColumn with display_text=TEXT_IN_LINK) and link to
    its figure; a cell without a figure ('no figure') links to /explore on that region and metric,
    where a reader sees what there is (a target, say, when actual results were compared)."""
    base = base_url(base)
    return [labelled_link(figure_url(i, base) if isinstance(i, str) and i else explore_url(region, label, base), t)
            for t, i, label in zip(texts, ids, labels, strict=True)]


DATASET_DESCRIPTION = (
    "A curated, provenance-checked dataset of Chinese regional innovation and manufacturing-upgrading figures: "
    "every value carries the verbatim sentence of the document it came from."
)
# The project's choice for its own work; the documents are not the project's to license.
LICENCE = {"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
           "title": "Creative Commons Attribution 4.0 International (the curation; the source documents and the "
                    "quotes from them remain their publishers' work)"}
LICENCE_NOTE = (
    "The curation (the tables, their ids, values as read, notes and checks) is the project's and is licensed under "
    "CC BY 4.0. The source documents and the sentences quoted from them remain their publishers' work under the "
    "publishers' own terms: cite the document behind a figure first, and check its terms before republishing it."
)


def dataset_citation(version: str, base: str | None = None) -> str:
    """How to cite the dataset as a whole, naming the data version a reader saw."""
    where = base_url(base)
    return (f"{DATASET_TITLE} (data version {version}). {DATASET_DESCRIPTION}"
            + (f" {where}/" if where else "") + " Cite the source document of each figure you use first.")
