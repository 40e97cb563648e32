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
