"""The curated tables, in one registry: data loading, validation, the data package and the tests
all read this list.

Each table is a CSV under data/ with its Pandera model (dashboard/schema.py, where its columns are
defined), whether the data package (dashboard/package.py) publishes it, and what one row is (the
README's table of the data says the same; tests/test_tables.py fails naming a table it lacks).
Adding a table is an entry here, its model in schema.py and its reading in data.py; a CSV in data/
with no entry fails a test that names it. No Streamlit here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandera.pandas as pa

from dashboard import schema


@dataclass(frozen=True)
class Table:
    key: str  # the name code uses: Dataset.<key> where the dataset holds it
    path: str  # relative to the project root (and to the data package's root)
    model: type[pa.DataFrameModel]
    row: str  # what one row is, in the README's words
    in_package: bool = True

    @property
    def resource(self) -> str:
        """Its name in datapackage.json: the file's name without .csv."""
        return Path(self.path).stem


# In the data package's order: the documents and catalogues before the tables that refer to them.
TABLES: tuple[Table, ...] = (
    Table("sources", "data/sources.csv", schema.Sources, "document"),
    Table("regions", "data/regions.csv", schema.Regions, "region"),
    Table("catalogue", "data/metric_catalogue.csv", schema.MetricCatalogue, "metric"),
    # The exact factor from each unit a document states to its metric's canonical unit.
    Table("units", "data/units.csv", schema.Units, "unit a document may state"),
    Table("metrics", "data/metrics.csv", schema.Metrics, "figure"),
    Table("events", "data/events.csv", schema.Events, "dated policy event"),
    Table("published_ids", "data/published_ids.csv", schema.PublishedIds, "id ever published"),
    Table("tile_grid", "data/tile_grid.csv", schema.TileGrid, "tile of the province map"),
    # The numbers deliberately not recorded, and why: with the figures and events they account for
    # every number of every document, so a reader of the package can check the audit too.
    Table("exclusions", "data/exclusions.csv", schema.Exclusions, "number deliberately not recorded"),
)
BY_KEY: dict[str, Table] = {t.key: t for t in TABLES}
BY_MODEL: dict[str, Table] = {t.model.__name__: t for t in TABLES}
PACKAGED: tuple[Table, ...] = tuple(t for t in TABLES if t.in_package)
