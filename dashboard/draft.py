"""Draft the figures of a new document: `python -m dashboard.draft PATH [--source-id ID] [-o FILE] [--check]`.

Proposes one candidate row per numeric claim, in the data/metrics.csv format, for a curator to
review: the shortest verbatim clause that holds the number as `quote`, the value, a unit guess,
the qualifier ("more than"/"over" -> more_than, "about"/"nearly" -> approx, "at least" ->
at_least, "no more than"/"up to" -> at_most, "two or three" -> two rows), the status (plans,
aims, "will", "by 2025" -> target; advisers' proposals -> proposed), the year (stated in the
clause; "last year" resolved from the document's date; else the document's date for a stock
figure, or empty and 'unstated'), a region guess from data/regions.csv and a metric guess from
data/metric_catalogue.csv, marked as guesses in `note`. Numbers that only date the document,
bound a period or name something are skipped and listed on stderr; a stray-space number ("1 2")
is read joined and marked `reading = ambiguous` for review.

It never writes into data/ or seeds/. `--check` compares the draft with the curated rows of the
same document (--source-id) and prints recall and precision. Exit 0 on success, 2 with a one-line
reason when the input cannot be read or the output would land in data/ or seeds/.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dashboard import audit
from dashboard.data import ROOT, UnreadableFile, decode_text, read_file_bytes
from dashboard.numbers import Mention, find_numbers, line_of, lost_dash_values, occurrences, sentence_spans
from dashboard.schema import Metrics

EXIT_OK, EXIT_UNREADABLE = 0, 2
COLUMNS = list(Metrics.to_schema().columns)
_QUALIFIERS = [
    (re.compile(r"\b(?:no more than|not more than|up to|at most|a maximum of)\s+$", re.I), "at_most"),
    (re.compile(r"\b(?:at least|no less than|not less than|a minimum of)\s+$", re.I), "at_least"),
    (re.compile(r"\b(?:more than|over|above|exceeding|in excess of)\s+$", re.I), "more_than"),
    (re.compile(r"\b(?:about|around|nearly|approximately|roughly|almost|some|close to)\s+$", re.I), "approx"),
]
_TARGET = re.compile(r"\b(?:will|would|plans?|planned|aims? (?:to|for)|aiming|strive|target|goal|should|shall|requires?|to be built|"
                     r"by (?:19|20)\d\d|action plan|proposes to)\b", re.I)
_PROPOSED = re.compile(r"\b(?:propos\w*|suggest\w*|recommend\w*)\b", re.I)
_RANK_WORDS = re.compile(r"\b(?:rank\w*|place|position)\b", re.I)
_PERIOD_AFTER = re.compile(r"^[- ](?:years?|months?|decades?)\b", re.I)
_IDIOMS = re.compile(r"\b(?:on the one hand|one of|zero carbon|zero breakthroughs?|first[- ]class|first echelon|"
                     r"second only to)\b", re.I)
_SECOND_ONLY = re.compile(r"^[^.;]{0,80}?\bsecond only to ([A-Z][a-z]+(?:(?:, | and )[A-Z][a-z]+)*)")
_DONE_AFTER = re.compile(r"^(?:\s+[\w-]+){1,3}?\s+(?:announced|approved|built|established|identified|issued)\b")
_DONE = re.compile(r"\b(?:had|has|have)\s+(?:\w+\s+){0,2}?(?:grown|risen|increased|built|reached|won)\b|"
                   r"\b(?:increased|reached|rose|grew|won|completed)\b", re.I)
_CLAUSE_BREAK = re.compile(r"[,;:]\s+|\s+and\s+(?=(?:build|support|the|a|an|[a-z]+s)\b)")
_WORD = re.compile(r"[a-z]+")
_STOP = frozenset("the of and in a an to for with by on at as from that this these those its their".split())


@dataclass
class Candidate:
    """A proposed row, and where its number sits in the document."""

    row: dict
    mention: Mention
    quote_span: tuple[int, int]


@dataclass
class Draft:
    candidates: list[Candidate] = field(default_factory=list)
    skipped: list[tuple[Mention, str]] = field(default_factory=list)  # (number, why it is no figure)


def document_date(text: str) -> str | None:
    """The ISO date of the document's date line (within its first lines), if it has one."""
    head = "\n".join(text.splitlines()[:12])
    match = re.search(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)", head)
    if match:
        return match.group(0)
    match = re.search(r"(?<![\d-])(\d{2})-(\d{2})-(\d{4})(?![\d-])", head)
    return f"{match.group(3)}-{match.group(1)}-{match.group(2)}" if match else None


def clause_span(text: str, sentence: tuple[int, int], mention: Mention) -> tuple[int, int]:
    """The shortest clause of the sentence that holds the number: cut at commas, semicolons and
    colons (not inside parentheses or quotes), widened to the next cut while it has under four words."""
    start, end = sentence
    cuts = [start]
    depth = 0
    for match in _CLAUSE_BREAK.finditer(text, start, end):
        before = text[start:match.start()]
        depth = before.count("(") - before.count(")") + before.count('"') % 2
        if depth == 0:
            cuts += [match.start(), match.end()]
    cuts.append(end)
    pieces = [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts) - 1, 2)]
    for i, (a, b) in enumerate(pieces):
        if a <= mention.start < b or (i == len(pieces) - 1):
            j = i
            while len(text[a:b].split()) < 4 and j + 1 < len(pieces):
                j += 1
                b = pieces[j][1]
            while len(text[a:b].split()) < 4 and i > 0:
                i -= 1
                a = pieces[i][0]
            return a, max(b, mention.end)
    return start, end


def _skip_reason(text: str, mention: Mention, dated_line: int | None, previous: Mention | None) -> str | None:
    after, before = text[mention.end:mention.end + 20], text[max(0, mention.start - 30):mention.start]
    if mention.kind == "date":
        return "date of publication" if dated_line == line_of(text, mention.start) else "a date, not a figure"
    if mention.kind == "year":
        return "a year (of another number or event)"
    if mention.kind == "year_range":
        return "bounds a period"
    if mention.kind == "code":
        return "part of a name"
    if mention.kind == "multiplier":
        return "a multiplier word ('double', 'trinity'), not a count"
    if _PERIOD_AFTER.match(after):
        return "part of a name" if re.match(r"^-years?\s+[A-Z]", after) else "a period, not a figure"
    if mention.kind == "money" and before.rstrip().endswith("(") and previous is not None and previous.kind == "money":
        return "a conversion of the amount before it"
    window = text[max(0, mention.start - 20):mention.end + 20]
    if _IDIOMS.search(window) and any(m.start() <= mention.start - max(0, mention.start - 20) < m.end()
                                      for m in _IDIOMS.finditer(window)):
        return "a turn of phrase, not a quantity"
    if mention.kind == "ordinal" and not _RANK_WORDS.search(text[max(0, mention.start - 80):mention.end + 40]):
        return "an ordinal that is no rank (an enumeration)"
    return None


def _year_for(text: str, clause: tuple[int, int], mention: Mention, numbers: list[Mention]) -> Mention | None:
    """The year a number refers to: the first year right after it in its clause ('52.18 billion
    yuan in 2021'), else a year earlier in the clause ('In 2012, ... 14 centres')."""
    inside = [m for m in numbers if clause[0] <= m.start < clause[1] and m.kind == "year"]
    later = [m for m in inside if m.start > mention.end and m.start - mention.end < 70]
    values = [m for m in numbers if m.kind not in ("year", "date") and mention.end <= m.start]
    if later and not any(v.start < later[0].start for v in values if v is not mention):
        return later[0]
    earlier = [m for m in inside if m.end <= mention.start]
    return earlier[-1] if earlier else None


def _tokens(text: str) -> set[str]:
    return {w.rstrip("s") for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 2}


def guess_metric(words: str, kind: str, catalogue: pd.DataFrame) -> tuple[str | None, str | None]:
    """(metric, unit) with the most words in common with the text after the number, among metrics
    of a compatible value type; (None, None) when nothing shares a word."""
    wanted = {"money": "money", "percent": "percent", "ordinal": "rank"}.get(kind, None)
    tokens, best, best_score = _tokens(words), (None, None), 0
    for row in catalogue.itertuples():
        if (wanted and row.value_type != wanted) or (not wanted and row.value_type not in ("count", "rank")):
            continue
        score = len(tokens & _tokens(f"{row.label} {row.unit}")) * 2 + len(tokens & _tokens(row.definition))
        if score > best_score:
            best, best_score = (row.metric, row.unit), score
    return best


def _unit_from_text(text: str, mention: Mention) -> str:
    if mention.kind == "percent":
        return "percent"
    if mention.kind == "ordinal" or _RANK_WORDS.search(text[max(0, mention.start - 60):mention.end + 20]):
        return "rank"
    if mention.kind == "money":
        scale = re.search(r"(million|billion|trillion)\s+(yuan|RMB|dollars)", mention.text)
        return f"{scale.group(1)} {scale.group(2)}" if scale else "yuan"
    word = re.match(r"\s+(?:[\w-]+\s+){0,3}?([a-z]+s)\b", text[mention.end:mention.end + 60])
    return word.group(1) if word else ""


def guess_region(text: str, spans: list[tuple[int, int]], regions: list[str], fallback: str | None) -> str | None:
    """The first region named in the first span that names one (clause, sentence, paragraph)."""
    for start, end in spans:
        named = [(m.start(), r) for r in regions for m in [re.search(rf"\b{re.escape(r)}\b", text[start:end])] if m]
        if named:
            return min(named)[1]
    return fallback


def _slug(*parts: object) -> str:
    return "-".join(p for p in (re.sub(r"[^a-z0-9]+", "-", str(part).lower()).strip("-") for part in parts if part) if p)[:80].strip("-")


def draft_document(text: str, source_id: str, regions: list[str], catalogue: pd.DataFrame,
                   published: str | None = None, segmenter=sentence_spans) -> Draft:
    """Candidate rows for every numeric claim of one document (see the module docstring)."""
    published = published or document_date(text)
    dated_line = next((line_of(text, m.start) for m in find_numbers("\n".join(text.splitlines()[:12]))
                       if m.kind == "date"), None) if published else None
    numbers = find_numbers(text)
    sentences = segmenter(text)
    paragraphs = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*", text)]
    counts = {r: len(re.findall(rf"\b{re.escape(r)}\b", text)) for r in regions}
    main_region = max(counts, key=counts.get) if counts and max(counts.values()) else None
    draft, previous = Draft(), None
    for mention in numbers:
        reason = _skip_reason(text, mention, dated_line, previous)
        previous = mention
        if reason:
            draft.skipped.append((mention, reason))
            continue
        sentence = next(((a, b) for a, b in sentences if a <= mention.start < b), (mention.start, mention.end))
        clause = clause_span(text, sentence, mention)
        sentence_text = text[sentence[0]:sentence[1]]
        before = text[clause[0]:mention.start]
        qualifier = next((q for pattern, q in _QUALIFIERS if pattern.search(before[-30:])), "exact")
        clause_text = text[clause[0]:clause[1]]
        if _DONE_AFTER.match(text[mention.end:mention.end + 60]) or (
                _DONE.search(clause_text) and not _TARGET.search(clause_text)):  # "the 36 fields announced", "had grown"
            status = "actual"
        else:
            status = "target" if _TARGET.search(sentence_text) else "proposed" if _PROPOSED.search(sentence_text) else "actual"
        following = next((m.start for m in numbers if m.start > mention.end), len(text))
        after = text[mention.end:min(following, mention.end + 60, sentence[1])]
        ranked = mention.kind == "ordinal" or bool(_RANK_WORDS.search(text[max(sentence[0], mention.start - 80):mention.start]))
        metric, unit = guess_metric(f"{after} {after} {text[clause[0]:mention.start]}",
                                    "ordinal" if ranked else mention.kind, catalogue)
        unit = unit or _unit_from_text(text, mention)
        paragraph = next(((a, b) for a, b in paragraphs if a <= mention.start < b), sentence)
        region = guess_region(text, [clause, sentence, paragraph], regions, "China" if re.search(
            r"\bChina's\b|\bnational\b", sentence_text) and not main_region else main_region)
        year, basis, period = None, "unstated", (None, None, None)
        year_mention = _year_for(text, clause, mention, numbers)
        plan_range = next((m for m in numbers if m.kind == "year_range" and sentence[0] <= m.start < sentence[1]), None)
        notes = []
        if year_mention is not None:
            year, basis = int(year_mention.values[0]), "stated"
            if year_mention.stray_space:
                notes.append(f"year written '{year_mention.text}', read as {year}")
        elif status == "target" and plan_range is not None:
            year, basis = int(plan_range.values[1]), "stated"
            period = (int(plan_range.values[0]), int(plan_range.values[1]), plan_range.text)
            if not clause[0] <= plan_range.start < clause[1]:  # the quote must state the year: from the sentence start
                clause = (min(clause[0], sentence[0]), max(clause[1], plan_range.end))
        elif re.search(r"\blast year\b", text[clause[0]:clause[1]], re.I) and published:
            year, basis = int(published[:4]) - 1, "stated"
            notes.append(f"year resolved from 'last year' and the document's date {published}; the quote does not write it")
        elif status == "actual" and published:
            year, basis = int(published[:4]), "as_of"
        quote = re.sub(r"^(?:and|but|or)\s+", "", " ".join(text[clause[0]:clause[1]].split())).rstrip(",;:")
        if metric:
            notes.append(f"metric guessed from the catalogue ({metric}): check it")
        else:
            notes.append("no catalogue metric matched: choose or add one")
        reading, reading_note = "certain", ""
        if mention.stray_space:
            reading = "ambiguous"
            reading_note = (f"the document writes '{mention.text}': read as {mention.text.replace(' ', '')}; "
                            f"check for a stray space or a lost dash ({mention.text.replace(' ', '-')})")
        pairs = [(mention.values[0], "at_least"), (mention.values[1], "at_most")] if mention.kind == "range" else [
            (mention.values[0], qualifier)]
        implied = _SECOND_ONLY.match(text[mention.end:mention.end + 160]) if mention.kind == "cardinal" else None
        rows = [(region, value, q, notes, metric, unit) for value, q in pairs]
        if implied:  # "2 centres, second only to Beijing and Guangdong": each has more than 2, and ranks at most 2
            ahead = [other for other in re.split(r", | and ", implied.group(1)) if other in regions]
            rank_metric, rank_unit = guess_metric(f"rank {after} {after}", "ordinal", catalogue)
            for other in ahead:
                implied_note = f"not stated directly: implied by 'second only to {implied.group(1)}'"
                rows.append((other, mention.values[0], "more_than", [implied_note, *notes[-1:]], metric, unit))
                if rank_metric:
                    guessed = f"metric guessed from the catalogue ({rank_metric}): check it"
                    rows.append((other, float(len(ahead)), "at_most", [implied_note, guessed], rank_metric, rank_unit))
        for region, value, row_qualifier, notes, metric, unit in rows:
            row = dict.fromkeys(COLUMNS, "")
            row.update({
                "figure_id": _slug(region, metric or "metric", year or "undated", "" if status == "actual" else status,
                                   row_qualifier if len(pairs) > 1 else ""),
                "region": region or "", "metric": metric or "", "value": f"{value:g}", "unit": unit,
                "year": "" if year is None else str(year), "qualifier": row_qualifier, "status": status,
                "source_id": source_id, "quote": quote, "as_of": published or "", "year_basis": basis,
                "period_start": "" if period[0] is None else str(period[0]),
                "period_end": "" if period[1] is None else str(period[1]), "period_label": period[2] or "",
                "note": "DRAFT, review: " + "; ".join(notes) + ".", "reading": reading, "reading_note": reading_note,
            })
            draft.candidates.append(Candidate(row, mention, clause))
    return draft


def to_csv(draft: Draft) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(c.row for c in draft.candidates)
    return out.getvalue()


@dataclass(frozen=True)
class CheckResult:
    curated: int
    recalled: int
    candidates: int
    are_figures: int
    are_figures_or_excluded: int
    missed: list[str]
    unmatched: list[Candidate]


def _same(candidate: dict, curated: dict) -> bool:
    year = curated["year"]
    curated_year = "" if year is None or pd.isna(year) else str(int(year))
    return (float(candidate["value"]) == float(curated["value"]) and candidate["qualifier"] == curated["qualifier"]
            and candidate["status"] == curated["status"] and candidate["year"] == curated_year)


def _same_or_other_reading(candidate: Candidate, curated: dict) -> bool:
    """_same, or a candidate flagged ambiguous ('1 2' read as 12) whose other reading, 1 to 2, the
    curators recorded as an ambiguous range (at_least 1, at_most 2)."""
    if _same(candidate.row, curated):
        return True
    row = candidate.row
    return (row["reading"] == "ambiguous" and curated.get("reading") == "ambiguous"
            and float(curated["value"]) in lost_dash_values(candidate.mention)
            and _same(dict(row, value=curated["value"], qualifier=curated["qualifier"]), curated))


def check_draft(text: str, draft: Draft, figures: pd.DataFrame, excluded: list[Mention]) -> CheckResult:
    """Recall: curated figures some candidate matches (same value, qualifier, status and year, its
    quote overlapping the curated quote). Precision: candidates that match a curated figure, or
    whose number is one the curators excluded."""
    spans = {q: occurrences(q, text) for q in figures["quote"].unique()}
    overlaps = lambda c, q: any(a < c.quote_span[1] and c.quote_span[0] < b for a, b in spans[q])  # noqa: E731
    rows = figures.to_dict("records")
    matched = [any(_same_or_other_reading(c, r) and overlaps(c, r["quote"]) for c in draft.candidates) for r in rows]
    figure_like = [any(_same_or_other_reading(c, r) and overlaps(c, r["quote"]) for r in rows) for c in draft.candidates]
    excluded_at = {(m.start, m.end) for m in excluded}
    either = [f or (c.mention.start, c.mention.end) in excluded_at for c, f in zip(draft.candidates, figure_like)]
    return CheckResult(len(rows), sum(matched), len(draft.candidates), sum(figure_like), sum(either),
                       [r["figure_id"] for r, m in zip(rows, matched) if not m],
                       [c for c, e in zip(draft.candidates, either) if not e])


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "n/a"


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard.draft", description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, help="the new document (plain UTF-8 text)")
    parser.add_argument("--source-id", help="its source_id (default: from the file name)")
    parser.add_argument("-o", "--output", type=Path, help="write the draft CSV here (default: standard output)")
    parser.add_argument("--check", action="store_true", help="compare with the curated rows of --source-id")
    parser.add_argument("--root", type=Path, default=None, help="project folder holding data/ and seeds/")
    args = parser.parse_args(argv)
    root = args.root or ROOT
    if args.output and any(_inside(args.output, root / folder) or _inside(args.output, ROOT / folder)
                           for folder in ("data", "seeds")):
        print(f"error: {args.output}: the draft is never written into data/ or seeds/; write it elsewhere, review it, "
              "then copy the rows you keep into data/metrics.csv", file=sys.stderr)
        return EXIT_UNREADABLE
    try:
        text = decode_text(read_file_bytes(args.path, str(args.path), "a text file"), str(args.path), "text")
    except UnreadableFile as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_UNREADABLE
    dataset = audit.load_for_command_line(root)
    if dataset is None:
        return EXIT_UNREADABLE
    source_id = args.source_id or _slug(args.path.stem) or "new-document"
    known = dataset.sources.set_index("source_id")
    if args.check and source_id not in known.index:
        print(f"error: --check needs the source_id of a curated document; '{source_id}' is not in data/sources.csv",
              file=sys.stderr)
        return EXIT_UNREADABLE
    published = known.at[source_id, "published"] if source_id in known.index else None
    draft = draft_document(text, source_id, list(dataset.regions["region"]), dataset.catalogue,
                           published if isinstance(published, str) else None)
    for mention, reason in draft.skipped:
        print(f'{args.path}:{line_of(text, mention.start)}: skipped "{mention.text}": {reason}', file=sys.stderr)
    if args.check:
        figures = dataset.metrics[dataset.metrics["source_id"] == source_id]
        findings = audit.audit_dataset(dataset, [source_id])[source_id] if dataset.documents[source_id] == text else []
        result = check_draft(text, draft, figures, [f.mention for f in findings if f.status == audit.EXCLUDED])
        print(f"recall: {result.recalled}/{result.curated} curated figures drafted ({_percent(result.recalled, result.curated)})"
              " with the same value, qualifier, status and year, the quote overlapping")
        print(f"precision: {result.are_figures_or_excluded}/{result.candidates} candidates "
              f"({_percent(result.are_figures_or_excluded, result.candidates)}) are curated figures or excluded numbers; "
              f"{result.are_figures}/{result.candidates} ({_percent(result.are_figures, result.candidates)}) are curated figures")
        for figure_id in result.missed:
            print(f"missed: {figure_id}")
        for candidate in result.unmatched:
            print(f'not curated: {args.path}:{line_of(text, candidate.mention.start)}: "{candidate.mention.text}" '
                  f'({candidate.row["qualifier"]}, {candidate.row["status"]}, year {candidate.row["year"] or "empty"})')
        return EXIT_OK
    if args.output:
        try:
            args.output.write_text(to_csv(draft), encoding="utf-8")
        except OSError as err:
            print(f"error: {args.output}: cannot be written ({err.strerror})", file=sys.stderr)
            return EXIT_UNREADABLE
        print(f"drafted {len(draft.candidates)} candidate row(s) into {args.output}; "
              f"{len(draft.skipped)} number(s) skipped (listed above)", file=sys.stderr)
    else:
        sys.stdout.write(to_csv(draft))
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
