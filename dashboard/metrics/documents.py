"""What the sources and figure pages ask of the data: citations of the documents behind rows,
one row per document, rows grouped by document, a document named in a link, a figure by id, the
figures stated in the same sentence, the same metric in other regions.
"""

from __future__ import annotations

import pandas as pd

from dashboard.i18n import _
from dashboard.metrics.columns import PUBLISHED, SOURCE_TITLE
from dashboard.metrics.filters import latest_observations
from dashboard.metrics.formatting import date_text
from dashboard.schema import Metrics as M
from dashboard.schema import Sources as S


def cite_sources(obs: pd.DataFrame, most: int = 5) -> str:
    """'Source: Title (2022-11-23); Other title (undated)' for the documents behind these rows.

    At most `most` documents are named: a line citing thousands of documents is unreadable and,
    at a million rows, was a 700 KB message the browser choked on."""
    pairs = obs[[SOURCE_TITLE, PUBLISHED]].drop_duplicates()
    undated = _("undated")
    parts = [  # the titles are evidence: never translated
        f"{title} ({date_text(published) if isinstance(published, str) else undated})"
        for title, published in pairs.head(most).itertuples(index=False)
    ]
    if not parts:
        return _("Source: none (no rows)")
    more = _("; and {count} more documents (see the Sources page)").format(count=f"{len(pairs) - most:,}") \
        if len(pairs) > most else ""
    return (_("Source: {titles}") if len(pairs) == 1 else _("Sources: {titles}")).format(titles="; ".join(parts)) + more


def source_overview(sources: pd.DataFrame, obs: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """One row per document, in the sources' order: id, title, published, publisher, and how many
    figures and events cite it. Counted with one value_counts per table, so 10,000 documents cost
    one pass over the rows, not one per document."""
    ids = sources[S.source_id]
    figures = obs[M.source_id].value_counts()
    dated = events[M.source_id].value_counts()  # events name their document in the same column
    return pd.DataFrame({
        S.source_id: ids.to_numpy(),
        S.title: sources[S.title].to_numpy(),
        S.published: sources[S.published].to_numpy(),
        S.publisher: sources[S.publisher].to_numpy(),
        "figures": ids.map(figures).fillna(0).astype(int).to_numpy(),
        "events": ids.map(dated).fillna(0).astype(int).to_numpy(),
    })


def rows_by_source(frame: pd.DataFrame, source_ids) -> dict[str, pd.DataFrame]:
    """Each listed document's rows of `frame` (figures or events; an empty frame when it has none),
    in their original order, split in one pass instead of comparing every row with every id.

    The rows are ordered by document once and each document is a slice of that: taking a few
    rows out of the loaded frame costs about as much as taking all of them (its text columns
    are Arrow arrays in many chunks), so one take per document was 35 ms each at a million rows.
    """
    codes, uniques = pd.factorize(frame[M.source_id])  # a row without a source gets -1, never asked for
    order = codes.argsort(kind="stable")
    ordered, codes = frame.iloc[order], codes[order]
    code_of = {source_id: code for code, source_id in enumerate(uniques)}
    split = {}
    for source_id in source_ids:
        code = code_of.get(source_id)
        split[source_id] = (frame.iloc[0:0] if code is None
                            else ordered.iloc[codes.searchsorted(code, "left"):codes.searchsorted(code, "right")])
    return split


def document_labels(sources: pd.DataFrame) -> dict[str, str]:
    """What a document picker shows for each source id: the title, followed by the id when another
    document has the same title. A picker bound to the URL keeps this label there and maps it
    back to one document, so two documents must never share a label."""
    shared = sources[S.title].duplicated(keep=False)
    return {
        source_id: f"{title} ({source_id})" if twin else title
        for source_id, title, twin in zip(sources[S.source_id], sources[S.title], shared, strict=True)
    }


def linked_document(sources: pd.DataFrame, given: object) -> str | None:
    """The source id a link's `?source=` names, by id or by its picker label (document_labels);
    None when it names no document."""
    if not isinstance(given, str):
        return None
    labels = document_labels(sources)
    if given in labels:
        return given
    return next((source_id for source_id, label in labels.items() if label == given), None)


def find_by_id(frame: pd.DataFrame, column: str, wanted: str) -> pd.Series | None:
    """The row whose id `column` (figure_id, event_id) is `wanted`, or None when there is none."""
    found = frame[frame[column] == wanted]
    return found.iloc[0] if len(found) else None


def stated_together(obs: pd.DataFrame, figure: pd.Series) -> pd.DataFrame:
    """The other figures taken from the same sentence of the same document (whitespace aside)."""
    same_source = obs[(obs[M.source_id] == figure[M.source_id]) & (obs[M.figure_id] != figure[M.figure_id])]
    quote = " ".join(str(figure[M.quote]).split())
    return same_source[[" ".join(str(q).split()) == quote for q in same_source[M.quote]]]


def same_metric_by_region(obs: pd.DataFrame, figure: pd.Series, region_order) -> pd.DataFrame:
    """This figure and, for every other region with the same metric and status, its latest figure,
    in `region_order` (the regions table's order): what a small comparison chart shows."""
    same = obs[(obs[M.metric] == figure[M.metric]) & (obs[M.status] == figure[M.status])
               & (obs[M.region] != figure[M.region])]
    rows = pd.concat([latest_observations(same), obs[obs[M.figure_id] == figure[M.figure_id]]])
    order = {region: i for i, region in enumerate(region_order)}
    return rows.assign(_order=rows[M.region].map(order)).sort_values("_order", kind="stable").drop(columns="_order")
