"""How a figure is addressed and cited: its permalink, and the citation texts that name it.

A figure's page is `/figure?id=<figure_id>`. The public address of the dashboard comes from
$DASHBOARD_BASE_URL (say https://metrics.example.org); without it a link is the path alone, which
works inside the app and says honestly that no public address was configured. No Streamlit here.
"""

from __future__ import annotations

import os
from urllib.parse import quote

BASE_URL_ENV = "DASHBOARD_BASE_URL"
FIGURE_PAGE = "figure"


def base_url() -> str:
    """The configured public address without a trailing slash, or '' when none is set."""
    return os.environ.get(BASE_URL_ENV, "").strip().rstrip("/")


def figure_path(figure_id: str) -> str:
    """'/figure?id=shanxi-technology-contract-turnover-2021' (the id percent-encoded)."""
    return f"/{FIGURE_PAGE}?id={quote(str(figure_id), safe='')}"


def figure_url(figure_id: str, base: str | None = None) -> str:
    """The figure page's address: the base URL (default: $DASHBOARD_BASE_URL) plus its path."""
    return (base_url() if base is None else base.rstrip("/")) + figure_path(figure_id)


DATASET_TITLE = "Regional innovation metrics"
DATASET_DESCRIPTION = (
    "A curated, provenance-checked dataset of Chinese regional innovation and manufacturing-upgrading figures: "
    "every value carries the verbatim sentence of the document it came from."
)
# The project's choice for its own work; the documents are not the project's to license.
LICENCE = {"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
           "title": "Creative Commons Attribution 4.0 International (the curation)"}
LICENCE_NOTE = (
    "The curation (the tables, their ids, values as read, notes and checks) is the project's and is offered under "
    "CC BY 4.0. The source documents and the sentences quoted from them remain their publishers' work under the "
    "publishers' own terms: cite the document behind a figure first, and check its terms before republishing it."
)


def dataset_citation(version: str, base: str | None = None) -> str:
    """How to cite the dataset as a whole, naming the data version a reader saw."""
    where = base_url() if base is None else base.rstrip("/")
    return (f"{DATASET_TITLE} (data version {version}). {DATASET_DESCRIPTION}"
            + (f" {where}/" if where else "") + " Cite the source document of each figure you use first.")
