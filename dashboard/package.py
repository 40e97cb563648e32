"""The whole dataset as a Frictionless Data Package (v2): `datapackage.json`, and a zip to download.

The package describes the curated files the table registry (dashboard/tables.py) marks as in the
package, exactly as they are in data/ (copied byte for byte), and
each resource's Table Schema is generated from its Pandera model in dashboard/schema.py, the one
place the columns are defined: types, descriptions, required (not nullable), unique, enums (isin),
ranges (ge/le), patterns and lengths, the primary key (the model's first unique column), unique
keys (the model's unique column sets) and foreign keys to the catalogues (schema.REFERENCES). Rules
a Table Schema cannot state (checks across columns or files) are listed in words in each
resource's description. No Streamlit here.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from dashboard import citation, data, schema, tables

PACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
TABLE_SCHEMA_PROFILE = "https://datapackage.org/profiles/2.0/tableschema.json"
PACKAGE_NAME = "regional-innovation-metrics"
ZIP_DATE = (2020, 1, 1, 0, 0, 0)  # fixed, so one data version always gives the same zip


def _field_type(dtype: object) -> str:
    kind = str(dtype).lower()
    if "int" in kind:
        return "integer"
    if "float" in kind:
        return "number"
    if "bool" in kind:
        return "boolean"
    return "string"


def _anchorless(pattern: str) -> str:
    """A Table Schema pattern matches the whole value: the ^...$ anchors are implied."""
    return pattern.removeprefix("^").removesuffix("$")


def _constraints(column: pa.Column) -> dict:
    constraints: dict = {"required": True} if not column.nullable else {}
    if column.unique:
        constraints["unique"] = True
    for check in column.checks:
        stats = check.statistics
        if check.name == "isin":
            constraints["enum"] = list(stats["allowed_values"])
        elif check.name == "str_matches":
            constraints["pattern"] = _anchorless(stats["pattern"])
        elif check.name == "greater_than_or_equal_to":
            constraints["minimum"] = stats["min_value"]
        elif check.name == "less_than_or_equal_to":
            constraints["maximum"] = stats["max_value"]
        elif check.name == "str_length":
            constraints.update({key: stats[name] for key, name in (("minLength", "min_value"), ("maxLength", "max_value"))
                                if stats.get(name) is not None})
        else:  # a new kind of check must be mapped here, not dropped from the published schema
            raise ValueError(f"column '{column.name}': check {check.name} has no Table Schema constraint mapped")
    return constraints


def _words(check_name: str) -> str:
    column, expected = schema.CHECK_TARGETS[check_name]
    return f"{column}: {expected if isinstance(expected, str) else expected(pd.Series(dtype=object), None)}"


def table_schema(model: type[pa.DataFrameModel]) -> dict:
    """The Table Schema of one Pandera model."""
    pandera_schema = model.to_schema()
    fields = []
    for name, column in pandera_schema.columns.items():
        field = {"name": name, "type": _field_type(column.dtype), "description": column.description or ""}
        constraints = _constraints(column)
        if constraints:
            field["constraints"] = constraints
        fields.append(field)
    unique_columns = [name for name, column in pandera_schema.columns.items() if column.unique]
    table = {"$schema": TABLE_SCHEMA_PROFILE, "fields": fields, "missingValues": [""]}
    if unique_columns:  # exclusions.csv has no id column of its own
        table["primaryKey"] = unique_columns[:1]
    if pandera_schema.unique:
        table["uniqueKeys"] = [list(pandera_schema.unique)]
    references = schema.REFERENCES.get(model.__name__, {})
    if references:
        table["foreignKeys"] = [
            {"fields": [column], "reference": {"resource": _resource_of(target), "fields": [target_column]}}
            for column, (target, target_column) in references.items()
        ]
    return table


def _resource_of(model_name: str) -> str:
    return tables.BY_MODEL[model_name].resource


def _bound_checks(model: type[pa.DataFrameModel]) -> list[str]:
    """Names of the model's own table-wide checks and of those that look into other files (bound
    by schema.metrics_schema and friends; the catalogue look-ups are the foreign keys instead)."""
    empty = schema.Reference(regions=frozenset(), metrics={}, documents={})
    bound = {"Metrics": lambda: schema.metrics_schema(empty), "Events": lambda: schema.events_schema(empty),
             "Sources": lambda: schema.sources_schema({}, {})}.get(model.__name__, model.to_schema)()
    return [check.name for check in bound.checks if not check.name.startswith("known_")]


def _description(model: type[pa.DataFrameModel]) -> str:
    first = " ".join((model.__doc__ or "").strip().split("\n\n")[0].split())
    rules = [_words(name) for name in _bound_checks(model)]
    return first + (" Also checked by the project (beyond Table Schema): " + "; ".join(rules) + "." if rules else "")


def datapackage(dataset: data.Dataset, root: Path) -> dict:
    """The datapackage.json of the curated files under `root`, whose version is dataset.version."""
    resources = []
    for table in tables.PACKAGED:
        model, path = table.model, table.path
        raw = (root / path).read_bytes()
        resources.append({
            "name": table.resource, "type": "table", "path": path, "format": "csv", "mediatype": "text/csv",
            "encoding": "utf-8", "bytes": len(raw), "hash": f"sha256:{hashlib.sha256(raw).hexdigest()}",
            "description": _description(model), "schema": table_schema(model),
        })
    sources = [
        {"title": row.title, "path": row.file,
         "version": row.published if isinstance(row.published, str) else "undated"}
        for row in dataset.sources.itertuples()
    ]
    package = {
        "$schema": PACKAGE_PROFILE,
        "name": PACKAGE_NAME,
        "title": citation.DATASET_TITLE,
        "description": f"{citation.DATASET_DESCRIPTION} {citation.LICENCE_NOTE} Cite as: "
                       f"{citation.dataset_citation(dataset.version)}",
        "version": dataset.version,
        "licenses": [citation.LICENCE],
        "sources": sources,
        "citation": citation.dataset_citation(dataset.version),
        "resources": resources,
    }
    if citation.base_url():
        package["homepage"] = citation.base_url() + "/"
    return package


def readme(package: dict) -> str:
    """README.md of the zip: what the package is, how to cite it, its licence, and a column guide."""
    lines = [
        f"# {package['title']}", "", package["description"].split(" Cite as:")[0], "",
        f"Data version: `{package['version']}`", "", "## Cite", "", package["citation"], "",
        "## Licence", "", citation.LICENCE_NOTE, "",
        "## Files", "",
        "`datapackage.json` describes every file (types, constraints, keys) as a Frictionless Data Package v2; "
        "check them with `frictionless validate datapackage.json`. The CSV files are the curated files unchanged "
        "(UTF-8, comma-separated, an empty cell is a missing value). The source documents are listed under "
        "`sources` in datapackage.json with the repository path of each (seeds/); they are their publishers' work "
        "and are not part of this package. Text cells are as curated: import the CSVs into a spreadsheet as text, "
        "or use the Excel download of /explore.", "",
    ]
    for resource in package["resources"]:
        lines += [f"## {resource['path']}", "", resource["description"], "",
                  "| column | type | required | what it holds |", "| --- | --- | --- | --- |"]
        for field in resource["schema"]["fields"]:
            constraints = field.get("constraints", {})
            allowed = f" One of: {', '.join(constraints['enum'])}." if "enum" in constraints else ""
            text = (field["description"] + allowed).replace("|", "\\|")
            lines.append(f"| `{field['name']}` | {field['type']} | {'yes' if constraints.get('required') else 'no'} | {text} |")
        lines.append("")
    return "\n".join(lines)


def package_zip(dataset: data.Dataset, root: Path) -> bytes:
    """A zip of datapackage.json, README.md and the curated CSVs (under data/, as the package's
    paths say): the same bytes for the same data version."""
    package = datapackage(dataset, root)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        def add(name: str, content: bytes) -> None:
            archive.writestr(zipfile.ZipInfo(f"{PACKAGE_NAME}/{name}", ZIP_DATE), content, zipfile.ZIP_DEFLATED)

        add("datapackage.json", json.dumps(package, ensure_ascii=False, indent=2).encode("utf-8"))
        add("README.md", readme(package).encode("utf-8"))
        for resource in package["resources"]:
            add(resource["path"], (root / resource["path"]).read_bytes())
    return buffer.getvalue()


def zip_filename(version: str) -> str:
    return f"{PACKAGE_NAME}_{version}.zip"

