"""Small hand-built observation frames, shaped like `metrics.enrich_observations` output."""

from __future__ import annotations

import pandas as pd

from dashboard import metrics as mx


def observation(region="Shanxi", metric="centres", value=14.0, qualifier="exact", status="actual", year=2021,
                year_basis="as_of", as_of="2021-03-10", unit="centres", value_type="count", **extra) -> dict:
    row = {
        "figure_id": f"{region}-{metric}-{year}-{status}-{qualifier}".lower().replace("_", "-"),
        "region": region, "metric": metric, "value": value, "unit": unit, "year": year, "qualifier": qualifier,
        "status": status, "source_id": f"src-{region.lower()}", "quote": f"{region} has {value:g} {unit}.",
        "as_of": as_of, "year_basis": year_basis, "period_start": None, "period_end": None, "period_label": None,
        "note": None, "reading": "certain", "reading_note": None, mx.LABEL: metric.replace("_", " ").capitalize(), mx.CATEGORY: "Centres",
        mx.VALUE_TYPE: value_type, mx.LOWER_IS_BETTER: value_type == "rank", mx.DEFINITION: "",
        mx.ISO_CODE: f"CN-{region[:2].upper()}", mx.NAME_ZH: "", mx.SOURCE_TITLE: f"News from {region}",
        mx.PUBLISHED: as_of, mx.FILE: f"seeds/{region.lower()}.txt", mx.PUBLISHER: None, mx.PROVENANCE: mx.CURATED,
    }
    row.update(extra)
    row[mx.DISPLAY] = mx.uncertain_text(mx.format_value(row["value"], row["qualifier"], row["unit"]),
                                        row["reading"], row["reading_note"])
    row[mx.SHORT] = mx.short_value(row["value"], row["qualifier"], row["reading"])
    row[mx.REFERENCE] = mx.reference_text(row["year"], row["year_basis"], row["as_of"])
    row[mx.IS_BOUND] = row["qualifier"] in mx.BOUNDS
    return row


def frame(*rows: dict) -> pd.DataFrame:
    df = pd.DataFrame(list(rows))
    df["year"] = df["year"].astype("Int64")
    df["period_start"] = pd.array(df["period_start"], dtype="Int64")
    df["period_end"] = pd.array(df["period_end"], dtype="Int64")
    return df
