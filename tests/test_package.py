"""The data package: generated from the Pandera models, and valid by an external validator
(frictionless), which also catches a broken file in it."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from dashboard import citation, package, schema, tables
from dashboard.data import load_dataset
from tests.conftest import ROOT, read_rows, write_rows


def unzip(raw: bytes, into: Path) -> Path:
    zipfile.ZipFile(io.BytesIO(raw)).extractall(into)
    return into / package.PACKAGE_NAME


def frictionless_report(folder: Path):
    from frictionless import Package

    return Package(str(folder / "datapackage.json")).validate()


@pytest.fixture(scope="module")
def descriptor(dataset):
    return package.datapackage(dataset, ROOT)


def fields(descriptor, resource: str) -> dict[str, dict]:
    table = next(r for r in descriptor["resources"] if r["name"] == resource)
    return {f["name"]: f for f in table["schema"]["fields"]}


def test_each_table_schema_follows_its_pandera_model(descriptor):
    metrics = fields(descriptor, "metrics")
    assert list(metrics) == list(schema.Metrics.to_schema().columns)
    assert metrics["figure_id"]["constraints"] == {"required": True, "unique": True,
                                                   "pattern": "[a-z0-9]+(?:-[a-z0-9]+)*", "maxLength": 80}
    assert metrics["year"] == {"name": "year", "type": "integer", "description": "Reference year; empty when the document states none.",
                               "constraints": {"minimum": 1949, "maximum": 2100}}
    assert metrics["value"]["type"] == "number" and metrics["value"]["constraints"] == {"required": True}
    assert metrics["qualifier"]["constraints"]["enum"] == schema.QUALIFIERS
    assert metrics["as_of"]["constraints"] == {"pattern": r"\d{4}-\d{2}-\d{2}"}
    assert fields(descriptor, "regions")["level"]["constraints"]["enum"] == schema.REGION_LEVELS
    table = next(r for r in descriptor["resources"] if r["name"] == "metrics")["schema"]
    assert table["primaryKey"] == ["figure_id"] and table["uniqueKeys"] == [schema.METRICS_KEY]
    assert table["foreignKeys"] == [
        {"fields": ["region"], "reference": {"resource": "regions", "fields": ["region"]}},
        {"fields": ["metric"], "reference": {"resource": "metric_catalogue", "fields": ["metric"]}},
        {"fields": ["source_id"], "reference": {"resource": "sources", "fields": ["source_id"]}},
    ]
    keys = {r["name"]: r["schema"].get("primaryKey") for r in descriptor["resources"]}
    assert keys == {"sources": ["source_id"], "regions": ["region"], "metric_catalogue": ["metric"],
                    "metrics": ["figure_id"], "events": ["event_id"], "published_ids": ["id"], "tile_grid": ["iso_code"],
                    "exclusions": None, "units": None}  # no id column of their own
    exclusions = next(r for r in descriptor["resources"] if r["name"] == "exclusions")["schema"]
    assert exclusions["foreignKeys"] == [{"fields": ["source_id"], "reference": {"resource": "sources", "fields": ["source_id"]}}]


def test_rules_a_table_schema_cannot_state_are_listed_in_words(descriptor):
    described = next(r for r in descriptor["resources"] if r["name"] == "metrics")["description"]
    assert "quote: text that occurs verbatim (whitespace aside) in the source document" in described
    assert "unit: the catalogue's unit for the metric" in described


def test_package_metadata_names_version_sources_licence_and_citation(dataset, descriptor):
    assert descriptor["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    assert descriptor["version"] == dataset.version
    assert [s["title"] for s in descriptor["sources"]] == dataset.sources["title"].tolist()
    assert descriptor["licenses"] == [citation.LICENCE]
    assert descriptor["citation"] == citation.dataset_citation(dataset.version)
    assert "publishers' own terms" in descriptor["description"]


def test_a_new_kind_of_check_cannot_be_dropped_from_the_published_schema():
    import pandera.pandas as pa

    class Odd(pa.DataFrameModel):
        name: str = pa.Field(str_startswith="x")

    with pytest.raises(ValueError, match="column 'name': check str_startswith has no Table Schema constraint mapped"):
        package.table_schema(Odd)


def test_the_package_lists_the_tables_the_registry_marks_as_in_it(dataset):
    """A table added to the registry (dashboard/tables.py) is published unless it says otherwise."""
    published = [resource["path"] for resource in package.datapackage(dataset, ROOT)["resources"]]
    assert published == [table.path for table in tables.TABLES if table.in_package]
    assert "data/exclusions.csv" in published


def test_the_zip_is_valid_by_frictionless_and_holds_the_curated_files_unchanged(dataset, tmp_path):
    raw = package.package_zip(dataset, ROOT)
    assert package.package_zip(dataset, ROOT) == raw  # one data version, one zip
    folder = unzip(raw, tmp_path)
    for table in tables.PACKAGED:  # every curated table, exclusions.csv included
        assert (folder / table.path).read_bytes() == (ROOT / table.path).read_bytes(), table.path
    report = frictionless_report(folder)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    cli = subprocess.run([str(Path(sys.executable).parent / "frictionless"), "validate", "datapackage.json"],
                         cwd=folder, capture_output=True, text=True, timeout=300)
    assert cli.returncode == 0 and "VALID" in cli.stdout and "INVALID" not in cli.stdout, cli.stdout[-2000:]
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert citation.dataset_citation(dataset.version) in readme
    assert "| `figure_id` | string | yes | Stable id of the figure" in readme
    assert json.loads((folder / "datapackage.json").read_text(encoding="utf-8")) == package.datapackage(dataset, ROOT)


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (lambda row: row.update(qualifier="roughly"), "constraint-error"),  # not in the enum
        (lambda row: row.update(region="Atlantis"), "foreign-key"),  # not in regions.csv
        (lambda row: row.update(year="1800"), "constraint-error"),  # below the minimum
    ],
)
def test_frictionless_catches_a_file_that_breaks_the_published_schema(dataset, tmp_path, change, error):
    folder = unzip(package.package_zip(dataset, ROOT), tmp_path)
    path = folder / "data" / "metrics.csv"
    rows = read_rows(path)
    change(rows[0])
    write_rows(path, rows)
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:  # the edit is what is tested, not the recorded hash
        resource.pop("hash"), resource.pop("bytes")
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    report = frictionless_report(folder)
    assert not report.valid
    assert error in {e[0] for e in report.flatten(["type"])}


def test_a_copy_with_another_region_gets_its_own_version_and_stays_valid(third_region_project: Path, tmp_path):
    dataset = load_dataset(third_region_project)
    folder = unzip(package.package_zip(dataset, third_region_project), tmp_path)
    assert json.loads((folder / "datapackage.json").read_text())["version"] == dataset.version
    assert frictionless_report(folder).valid
