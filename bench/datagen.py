"""Deterministic synthetic datasets that pass every check of `load_dataset`, quotes included.

`generate(root, rows)` writes ROOT/data/*.csv and ROOT/seeds/*.txt for `rows` metric rows:

- 34 regions with unique ISO-like codes (CN-XX) and unique Chinese names, and a tile grid that
  places them on the province map (TILE_COLUMNS to a row, in name order: the codes are made up,
  so no geography to follow);
- a catalogue of 20 metrics (counts, money, percentages, ranks) with their units;
- one seed document per ROWS_PER_DOCUMENT rows, holding a title, a date line and, verbatim,
  every sentence its rows quote (each quote states its value, and its year when the year is
  'stated'); every 25th document is undated, as real ones sometimes are;
- sources.csv with each document's real SHA-256;
- a small events.csv (one plan per document, at most MAX_EVENTS) quoting the documents too;
- published_ids.csv listing every figure and event id (gen-000012-034, gen-000012-plan);
- an exclusions.csv with its header only (no number is curated as excluded).

The observation key (region, metric, year, status, qualifier, source) is unique by construction:
within a document, row j has metric j % 20 and one of 5 (status, qualifier) slots by j // 20.
Every random draw comes from a generator seeded by SEED and the document number, so a dataset
of 1k rows is the first tenth of the 10k one, and every run writes byte-identical files.
"""

from __future__ import annotations

import csv
import hashlib
import random
import sys
from datetime import date, timedelta
from pathlib import Path

SEED = 20240611
ROWS_PER_DOCUMENT = 100
MAX_EVENTS = 500
N_REGIONS = 34

SYLLABLES = ["An", "Bei", "Chang", "Dong", "Fu", "Gan", "Hai", "Jin", "Kun", "Lan", "Min", "Nan", "Ping",
             "Qing", "Rong", "Shan", "Tai", "Wu", "Xi", "Yun", "Zhe"]
HANZI = ["安", "北", "长", "东", "福", "甘", "海", "金", "昆", "兰", "闽", "南", "平",
         "青", "荣", "山", "泰", "吴", "西", "云", "浙"]

# metric id, label, unit, value type, category
METRICS = [
    ("provincial_innovation_centres", "Provincial innovation centres", "centres", "count", "Innovation centres"),
    ("national_innovation_centres", "National innovation centres", "centres", "count", "Innovation centres"),
    ("key_rd_projects", "Key R&D projects", "projects", "count", "Research"),
    ("key_laboratories", "Key laboratories", "labs", "count", "Research"),
    ("science_awards", "Science and technology awards", "awards", "count", "Research"),
    ("high_tech_enterprises", "High-tech enterprises", "enterprises", "count", "Enterprises"),
    ("smart_factories", "Smart factories", "factories", "count", "Digitalisation"),
    ("digital_workshops", "Digital workshops", "workshops", "count", "Digitalisation"),
    ("technology_contract_turnover", "Technology contract turnover", "billion yuan", "money", "Money"),
    ("rd_expenditure", "R&D expenditure", "billion yuan", "money", "Money"),
    ("venture_investment", "Venture investment", "million yuan", "money", "Money"),
    ("industrial_fund", "Industrial guidance fund", "billion yuan", "money", "Money"),
    ("tech_transfer_income", "Technology transfer income", "million yuan", "money", "Money"),
    ("rd_intensity", "R&D intensity", "percent", "percent", "Research"),
    ("digitalisation_rate", "Digitalisation rate of key processes", "percent", "percent", "Digitalisation"),
    ("high_tech_share", "High-tech share of industrial output", "percent", "percent", "Enterprises"),
    ("patent_growth", "Growth of invention patents", "percent", "percent", "Research"),
    ("innovation_rank", "Regional innovation rank", "rank", "rank", "Rankings"),
    ("patent_rank", "Rank by invention patents", "rank", "rank", "Rankings"),
    ("talent_rank", "Rank by research talent", "rank", "rank", "Rankings"),
]
# status, qualifier, year basis: one slot per 20 rows of a document (keeps the key unique).
SLOTS = [
    ("actual", "exact", "stated"),
    ("actual", "approx", "stated"),
    ("actual", "more_than", "as_of"),
    ("target", "exact", "stated"),
    ("actual", "at_least", "unstated"),
]
QUALIFIER_WORDS = {"exact": "", "approx": "about ", "more_than": "more than ", "at_least": "at least ", "at_most": "at most "}

METRICS_HEADER = ["figure_id", "region", "metric", "value", "unit", "year", "qualifier", "status", "source_id", "quote", "as_of",
                  "year_basis", "period_start", "period_end", "period_label", "note", "reading", "reading_note"]
SOURCES_HEADER = ["source_id", "file", "title", "language", "publisher", "published", "published_text", "sha256", "note"]
EVENTS_HEADER = ["event_id", "region", "date", "date_precision", "date_text", "title", "event_type", "period_start", "period_end",
                 "source_id", "quote", "note"]
REGIONS_HEADER = ["region", "iso_code", "name_zh", "level"]
TILE_GRID_HEADER = ["iso_code", "row", "col", "short_name_en", "short_name_zh"]
TILE_COLUMNS = 6
IDS_HEADER = ["id", "kind", "region", "metric", "source_id"]
EXCLUSIONS_HEADER = ["source_id", "quote", "number", "reason", "note"]
UNITS_HEADER = ["unit", "value_type", "canonical_unit", "factor", "note"]
CATALOGUE_HEADER = ["metric", "label", "label_zh", "synonyms_zh", "unit", "unit_zh", "value_type", "category", "category_zh",
                    "lower_is_better", "definition", "definition_zh"]

FILLER = [
    "The provincial department said the figures were compiled from enterprise reports.",
    "Officials expect the pace of upgrading to continue in the coming years.",
    "Several pilot programmes were extended to more cities during the period.",
    "Local universities and enterprises signed further cooperation agreements.",
]


def regions() -> list[dict[str, str]]:
    """N_REGIONS regions: unique English names, CN-XX codes and Chinese names, all from one seed."""
    rng = random.Random(f"{SEED}-regions")
    pairs = rng.sample([(a, b) for a in range(len(SYLLABLES)) for b in range(len(SYLLABLES)) if a != b], N_REGIONS)
    codes = rng.sample([chr(65 + i) + chr(65 + j) for i in range(26) for j in range(26)], N_REGIONS)
    rows = []
    for (a, b), code in zip(pairs, codes, strict=True):
        rows.append({
            "region": SYLLABLES[a] + SYLLABLES[b].lower(),
            "iso_code": f"CN-{code}",
            "name_zh": HANZI[a] + HANZI[b] + "省",
            "level": "province",
        })
    return sorted(rows, key=lambda row: row["region"])


def tile_grid(region_rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Every generated region on its own tile, TILE_COLUMNS to a row."""
    return [
        {"iso_code": row["iso_code"], "row": str(i // TILE_COLUMNS), "col": str(i % TILE_COLUMNS),
         "short_name_en": row["region"], "short_name_zh": row["name_zh"][:2]}
        for i, row in enumerate(region_rows)
    ]


def catalogue() -> list[dict[str, str]]:
    return [
        {"metric": metric, "label": label, "label_zh": f"生成的指标{number}", "unit": unit, "unit_zh": "个",
         "value_type": value_type, "category": category, "category_zh": f"生成的类别：{category}",
         "lower_is_better": "true" if value_type == "rank" else "false",
         "definition": f"Generated benchmark metric: {label.lower()}, in {unit}.", "definition_zh": f"生成的基准指标{number}。"}
        for number, (metric, label, unit, value_type, category) in enumerate(METRICS, start=1)
    ]


def _value(rng: random.Random, value_type: str) -> tuple[float, str]:
    """A value and the text a document writes it as (what value_in_text looks for)."""
    if value_type == "count":
        number = rng.randint(1, 5000)
        return number, str(number)
    if value_type == "rank":
        number = rng.randint(1, N_REGIONS)
        return number, str(number)
    number = round(rng.uniform(1, 5000), 2) if value_type == "money" else round(rng.uniform(0.1, 99.9), 1)
    if number.is_integer():
        number += 0.5
    return number, repr(number)


def _sentence(region: str, label: str, unit: str, value_type: str, qualifier: str, status: str, basis: str,
              value_text: str, year: int | None, tag: str) -> str:
    amount = f"{QUALIFIER_WORDS[qualifier]}{value_text}"
    what = {"rank": f"ranked {amount} by {label.lower()}",
            "percent": f"{label.lower()} of {amount} percent"}.get(value_type, f"{amount} {unit} of {label.lower()}")
    if value_type == "rank":
        verb = what
    elif value_type == "percent":
        verb = f"reached {what}" if status == "actual" else f"aims for {what}"
    else:
        verb = f"reported {what}" if status == "actual" else f"aims for {what}"
    if status == "target":
        return f"By {year}, {region} {verb.replace('ranked', 'aims to be ranked')} (item {tag})."
    if basis == "stated":
        return f"In {year}, {region} {verb} (item {tag})."
    if basis == "as_of":
        return f"{region} has now {verb} (item {tag})."
    return f"{region} has {verb} (item {tag})."


def _document_date(doc: int) -> date | None:
    if doc % 25 == 24:
        return None
    return date(2016, 1, 4) + timedelta(days=(doc * 37) % 3000)


def generate(root: Path, rows: int) -> dict:
    """Write a dataset of `rows` metric rows under root; return counts of what was written."""
    data, seeds = root / "data", root / "seeds"
    data.mkdir(parents=True, exist_ok=True)
    seeds.mkdir(parents=True, exist_ok=True)
    region_rows = regions()
    names = [r["region"] for r in region_rows]
    _write(data / "regions.csv", REGIONS_HEADER, region_rows)
    _write(data / "tile_grid.csv", TILE_GRID_HEADER, tile_grid(region_rows))
    _write(data / "metric_catalogue.csv", CATALOGUE_HEADER, catalogue())

    documents = (rows + ROWS_PER_DOCUMENT - 1) // ROWS_PER_DOCUMENT
    with (data / "metrics.csv").open("w", newline="", encoding="utf-8") as metrics_file, \
            (data / "sources.csv").open("w", newline="", encoding="utf-8") as sources_file, \
            (data / "published_ids.csv").open("w", newline="", encoding="utf-8") as ids_file:
        metrics_out = csv.writer(metrics_file, lineterminator="\n")
        sources_out = csv.writer(sources_file, lineterminator="\n")
        ids_out = csv.writer(ids_file, lineterminator="\n")
        metrics_out.writerow(METRICS_HEADER)
        sources_out.writerow(SOURCES_HEADER)
        ids_out.writerow(IDS_HEADER)
        events = []
        for doc in range(documents):
            rng = random.Random(f"{SEED}-doc-{doc}")
            published = _document_date(doc)
            iso = published.isoformat() if published else ""
            source_id, file = f"gen-{doc:06d}", f"seeds/gen_{doc:06d}.txt"
            title = f"Innovation and manufacturing upgrading report no. {doc}"
            date_line = f"Updated: {iso}" if published else ""
            sentences = []
            count = min(ROWS_PER_DOCUMENT, rows - doc * ROWS_PER_DOCUMENT)
            for j in range(count):
                metric, label, unit, value_type, _ = METRICS[j % len(METRICS)]
                status, qualifier, basis = SLOTS[j // len(METRICS)]
                if basis == "as_of" and not published:
                    basis = "unstated"
                region = names[rng.randrange(len(names))]
                value, value_text = _value(rng, value_type)
                if basis == "stated":
                    base = published.year if published else 2023
                    year = base + rng.randint(1, 5) if status == "target" else rng.randint(2005, base)
                else:
                    year = published.year if basis == "as_of" else None
                quote = _sentence(region, label, unit, value_type, qualifier, status, basis, value_text, year,
                                  f"{doc}-{j}")
                sentences.append(quote)
                figure_id = f"{source_id}-{j:03d}"
                ids_out.writerow([figure_id, "figure", region, metric, source_id])
                metrics_out.writerow([figure_id, region, metric, value_text, unit, "" if year is None else year, qualifier,
                                      status, source_id, quote, iso, basis, "", "", "", "", "certain", ""])
            event_region = names[rng.randrange(len(names))]
            event_year = (published.year if published else 2023) - rng.randint(0, 3)
            event_title = f"{event_region} innovation plan no. {doc}"
            event_quote = f"{event_region} issued its innovation plan no. {doc} in {event_year}."
            sentences.append(event_quote)
            if len(events) < MAX_EVENTS:
                ids_out.writerow([f"{source_id}-plan", "event", event_region, "", source_id])
                events.append({"event_id": f"{source_id}-plan", "region": event_region, "date": str(event_year), "date_precision": "year",
                               "date_text": f"in {event_year}", "title": event_title, "event_type": "plan",
                               "period_start": "", "period_end": "", "source_id": source_id, "quote": event_quote,
                               "note": ""})
            text = _document(rng, title, date_line, sentences)
            raw = text.encode("utf-8")
            (root / file).write_bytes(raw)
            sources_out.writerow([source_id, file, title, "en", "Generated Benchmark Press" if doc % 3 else "", iso,
                                  date_line, hashlib.sha256(raw).hexdigest(),
                                  "" if published else "Undated: the document gives no date."])
    _write(data / "events.csv", EVENTS_HEADER, events)
    _write(data / "exclusions.csv", EXCLUSIONS_HEADER, [])
    _write(data / "units.csv", UNITS_HEADER, [])  # every generated value is in its metric's unit
    return {"rows": rows, "documents": documents, "regions": len(region_rows), "metrics": len(METRICS),
            "events": len(events)}


def _document(rng: random.Random, title: str, date_line: str, sentences: list[str]) -> str:
    paragraphs, paragraph = [], []
    for sentence in sentences:
        paragraph.append(sentence)
        if len(paragraph) == 5:
            paragraph.append(FILLER[rng.randrange(len(FILLER))])
            paragraphs.append(" ".join(paragraph))
            paragraph = []
    if paragraph:
        paragraphs.append(" ".join(paragraph))
    head = [title, "", date_line, ""] if date_line else [title, ""]
    return "\n".join(head + ["\n\n".join(paragraphs), ""])


def _write(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":  # python -m bench.datagen ROOT ROWS
    print(generate(Path(sys.argv[1]), int(sys.argv[2])))
