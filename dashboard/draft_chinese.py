"""What the draft reads from a Chinese sentence around a number: its qualifier, status, year,
region, metric and the verbatim quote that states them (issue 19).

The words come from the one reader's table, dashboard.number_words.CHINESE (qualifiers before and after
a number, status words, measure words); regions are found by their Chinese names (data/regions.csv,
schema.region_names: 河南省 and 河南) and metrics by the catalogue's label_zh and synonyms_zh.
dashboard.draft asks `chinese_fields` for each number of a Chinese document; the rest of a
candidate row (ids, notes, ranges as two rows, the CSV) is the draft's, as for English.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

import pandas as pd

from dashboard.number_words import CHINESE
from dashboard.numbers import CJK, Mention, in_a_word

_Z = CHINESE
_CLAUSE_END = re.compile(r"[，；：,;:]|…+")  # a clause's status and year words stay inside it; 、 joins a list
_LIST_BREAK = re.compile(r"[，；：、,;:]|…+")  # the quote: the shortest piece of a list that holds the number


def _longest_first(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _words_meaning(table: dict[str, str], meaning: str) -> list[str]:
    return [word for word, means in table.items() if means == meaning and "…" not in word]


_BEFORE = re.compile(rf"(?:{_longest_first(_Z.qualifiers_before)})$")
_MEASURE = "".join(sorted(_Z.measure_words))
_AFTER = re.compile(rf"(?:([{''.join(_Z.after_a_number)}])|[{''.join(_Z.scale_units)}]?[{_MEASURE}元]?"
                    rf"({_longest_first(w for w in _Z.qualifiers_after if w not in _Z.after_a_number)}))")
_UNTIL_YEAR = re.compile(r"(?<!达)到(?:19|20)\d\d年")  # 到2025年 (达到 is 'reach', no target)
_STATUS = {status: re.compile(_longest_first(_words_meaning(_Z.statuses, status)))
           for status in ("proposed", "actual", "target")}
_NOT_A_STATUS = re.compile(r"将近|已经?(?=达)")  # 将近 is 'nearly'; 已达 is still an actual (kept below)
_LAST_YEAR = re.compile(r"去年|上年末|上年底")
_RANK_WORDS = re.compile(r"居|位列|排名|排在|名列|位居")
_PERIOD_AFTER = re.compile(r"(?:年|个月|周年)(?!底|末|初)")  # used with match(text, at): no ^
_CJK_CHARACTER = re.compile(f"[{CJK}]")


def is_chinese(text: str) -> bool:
    """Whether the document is written in Chinese: more Chinese characters than Latin letters."""
    return len(_CJK_CHARACTER.findall(text)) > len(re.findall(r"[A-Za-z]", text))


@dataclass
class ChineseFields:
    qualifier: str
    status: str
    year: int | None
    basis: str
    region: str | None
    metric: str | None
    unit: str
    quote_span: tuple[int, int]
    notes: list[str] = field(default_factory=list)


def qualifier_of(text: str, clause_start: int, mention: Mention) -> str:
    """约/近/超过/逾/不少于/不超过 right before the number; 左右/多/余/以上/以内/以下 right after it."""
    after = _AFTER.match(text, mention.end)
    if after:
        return _Z.qualifiers_after[after.group(1) or after.group(2)]
    before = _BEFORE.search(text, max(clause_start, mention.start - 4), mention.start)
    return _Z.qualifiers_before[before.group()] if before else "exact"


def status_of(words: SentenceWords, clause_start: int, mention: Mention) -> str:
    """The status words of the number's clause (拟 proposed; 截至/已 actual; 力争/将/到2025年 target),
    else of its sentence before it, else of the whole sentence; 'actual' where none is written."""
    return (words.status_in(clause_start, mention.start) or words.status_in(words.sentence[0], mention.start)
            or words.status_in(*words.sentence) or "actual")


class RegionNames:
    """The regions a Chinese text names (English names, Chinese names, Chinese short names). A name
    inside a word of CHINESE.across_place_names is read across a word boundary and names none: 其中国家级
    is 其中 ('of which') 国家级, not 中国; 黄河北岸 is the Yellow River's north bank, not 河北."""

    def __init__(self, names: dict[str, tuple[str, ...]]):
        self.region_of = {name: region for region, all_names in names.items() for name in all_names if name}
        self.pattern = re.compile(_longest_first(self.region_of)) if self.region_of else None

    def _named(self, text: str, start: int = 0, end: int | None = None):
        """Each region named in text[start:end], in order."""
        for found in self.pattern.finditer(text, start, len(text) if end is None else end) if self.pattern else ():
            if not in_a_word(text, found.start(), found.end(), _Z.across_place_names):
                yield self.region_of[found.group()]

    def first(self, text: str, start: int, end: int) -> str | None:
        return next(self._named(text, start, end), None)

    def most_named(self, text: str) -> str | None:
        counts: dict[str, int] = {}
        for region in self._named(text):
            counts[region] = counts.get(region, 0) + 1
        return max(counts, key=counts.get) if counts else None


def metric_terms(catalogue: pd.DataFrame) -> list[tuple[str, str, str, str]]:
    """(term, metric, unit, value type) for each metric's label_zh and synonyms_zh, longest first."""
    terms = []
    for row in catalogue.itertuples():
        synonyms = row.synonyms_zh if isinstance(getattr(row, "synonyms_zh", None), str) else ""
        for term in [row.label_zh, *synonyms.split(";")]:
            term = term.strip().strip("“”\"")
            if term:
                terms.append((term, row.metric, row.unit, row.value_type))
    return sorted(terms, key=lambda t: len(t[0]), reverse=True)


def _wanted_type(mention: Mention, ranked: bool) -> tuple[str, ...]:
    if ranked:
        return ("rank",)
    return {"money": ("money",), "percent": ("percent",), "ordinal": ("rank",)}.get(mention.kind, ("count",))


def metric_of(words: SentenceWords, clause: tuple[int, int], mention: Mention, ranked: bool) -> tuple[str | None, str | None]:
    """The metric the sentence names for the number: a name right after its unit (120个省级技术创新中心),
    else the nearest name before it in its sentence (in its clause if one is), else a name later in its clause."""
    found = words.metric_names(_wanted_type(mention, ranked))
    if not found.names:
        return None, None
    text, names = words.text, found.names
    first_after = bisect.bisect_left(found.starts, mention.end)
    for name in names[first_after:]:  # right after the unit, no list break between: the first such
        if name[0] > mention.end + 4:
            break
        if not _LIST_BREAK.search(text, mention.end, name[0]):
            return name[2], name[3]
    ended = bisect.bisect_right(found.ends, mention.start)  # the names that end by the number (ends rise with starts)
    if ended:  # the nearest before it: in its clause if one is, else in its sentence
        return names[ended - 1][2], names[ended - 1][3]
    if first_after < len(names) and names[first_after][0] < clause[1]:
        return names[first_after][2], names[first_after][3]
    return None, None


def skip_reason(text: str, mention: Mention) -> str | None:
    """Why a Chinese number is no figure where the English rules cannot tell: 3年 (a period), an
    ordinal with no rank word near it (第一批: an enumeration)."""
    if mention.kind in ("cardinal", "range") and _PERIOD_AFTER.match(text, mention.end) and not mention.unit:
        return "a period, not a figure"
    if mention.kind == "ordinal" and not _RANK_WORDS.search(text, max(0, mention.start - 12), mention.start):
        return "an ordinal that is no rank (an enumeration)"
    return None


@dataclass
class _Names:
    """A sentence's metric names of one value type: (start, end, metric, unit), by start."""

    names: list[tuple[int, int, str, str]]
    starts: list[int]
    ends: list[int]


class SentenceWords:
    """The words of one sentence that the draft looks up for each of its numbers, found once: its
    breaks, status words, 去年, first region and metric names, each kept with its place, so a
    number's clause or the words before it are a bisection. Found again for each number (a search
    over the sentence per number), one 48,000-character sentence of numbers took 53 s."""

    def __init__(self, text: str, sentence: tuple[int, int], terms: list[tuple[str, str, str, str]],
                 regions: RegionNames):
        self.text, self.sentence, self._terms = text, sentence, terms
        start, end = sentence
        self._breaks = {}
        for breaks in (_CLAUSE_END, _LIST_BREAK):
            found = [m.span() for m in breaks.finditer(text, start, end)]
            self._breaks[breaks] = ([start] + [b for _, b in found], [a for a, _ in found])
        # _NOT_A_STATUS is taken out of the sentence before its status words are read (将近 is no 将):
        # places in what is left are the sentence's places less what was taken out before them.
        piece = text[start:end]
        taken = [m.span() for m in _NOT_A_STATUS.finditer(piece)]
        self._taken_ends, self._taken_before = [b for _, b in taken], [0]
        for a, b in taken:
            self._taken_before.append(self._taken_before[-1] + b - a)
        self._taken_starts = [a for a, _ in taken]
        left = _NOT_A_STATUS.sub("", piece)
        self._status = {status: [m.span() for m in pattern.finditer(left)] for status, pattern in
                        (("proposed", _STATUS["proposed"]), ("actual", _STATUS["actual"]), ("target", _STATUS["target"]),
                         ("until", _UNTIL_YEAR))}
        self._last_year_ends = [m.end() for m in _LAST_YEAR.finditer(text, start, end)]
        self.region = regions.first(text, start, end)
        self._metric_names: dict[tuple[str, ...], _Names] = {}

    def piece(self, position: int, breaks: re.Pattern) -> tuple[int, int]:
        """The piece of the sentence between two breaks that holds the position."""
        cuts, break_starts = self._breaks[breaks]
        following = bisect.bisect_left(break_starts, position)
        return (cuts[bisect.bisect_right(cuts, position) - 1],
                break_starts[following] if following < len(break_starts) else self.sentence[1])

    def _left_at(self, position: int) -> int:
        """Where the sentence's `position` is once _NOT_A_STATUS is taken out."""
        at = position - self.sentence[0]
        whole = bisect.bisect_right(self._taken_ends, at)
        inside = at - self._taken_starts[whole] if whole < len(self._taken_starts) and self._taken_starts[whole] < at else 0
        return at - self._taken_before[whole] - inside

    def _written(self, found: list[tuple[int, int]], start: int, end: int) -> bool:
        # Matches do not overlap: the first that starts at `start` or later ends first.
        index = bisect.bisect_left(found, (start, -1))
        return index < len(found) and found[index][1] <= end

    def status_in(self, start: int, end: int) -> str | None:
        """The status the words of text[start:end] give, if any: proposed, else actual, else target.
        The words found across the sentence are those a search of text[start:end] finds: a clause starts
        after a break and a number ends the span, and no status word holds a break or a numeral."""
        left_start, left_end = self._left_at(start), self._left_at(end)
        for status, kinds in (("proposed", ("proposed",)), ("actual", ("actual",)), ("target", ("target", "until"))):
            if any(self._written(self._status[kind], left_start, left_end) for kind in kinds):
                return status
        return None

    def says_last_year(self, end: int) -> bool:
        """Whether 去年/上年末/上年底 is written in the sentence before `end`."""
        return bool(self._last_year_ends) and self._last_year_ends[0] <= end

    def metric_names(self, wanted: tuple[str, ...]) -> _Names:
        """The sentence's names of metrics of the wanted value type, a longer one first where two start
        at one place or one starts inside another, by start; their ends then rise with their starts."""
        if wanted not in self._metric_names:
            text, (start, end) = self.text, self.sentence
            inside = bytearray(end - start)  # 1 where a name already found covers the character
            names = []
            for term, metric, unit, value_type in self._terms:
                if value_type not in wanted:
                    continue
                at = text.find(term, start, end)
                while at >= 0:
                    if not inside[at - start]:
                        names.append((at, at + len(term), metric, unit))
                        inside[at - start:at - start + len(term)] = b"\x01" * len(term)
                    at = text.find(term, at + 1, end)
            names.sort()
            self._metric_names[wanted] = _Names(names, [n[0] for n in names], [n[1] for n in names])
        return self._metric_names[wanted]


def chinese_fields(text: str, sentence: tuple[int, int], mention: Mention, reading, published: str | None,
                   regions: RegionNames, main_region: str | None, terms: list[tuple[str, str, str, str]]) -> ChineseFields:
    """Everything a candidate row of a Chinese number needs but its value (see the module docstring).
    `reading` is draft's index of the whole document, built once (which year comes before a position,
    a sentence's words): asking the text or every year again for each number was quadratic."""
    words = reading.memo(("chinese words", sentence), lambda: SentenceWords(text, sentence, terms, regions))
    clause = words.piece(mention.start, _CLAUSE_END)
    quote = words.piece(mention.start, _LIST_BREAK)
    quote = (quote[0], max(quote[1], mention.end))
    qualifier = qualifier_of(text, quote[0], mention)
    status = status_of(words, clause[0], mention)
    notes: list[str] = []
    year_mention = reading.year_before(mention.start, sentence[0])
    year, basis = None, "unstated"
    if year_mention is not None:
        year, basis = int(year_mention.values[0]), "stated"
        year_clause = words.piece(year_mention.start, _CLAUSE_END)
        quote = (min(quote[0], year_clause[0]), quote[1])
    elif words.says_last_year(mention.start) and published:
        year, basis = int(published[:4]) - 1, "stated"
        notes.append(f"year resolved from '去年' and the document's date {published}; the quote does not write it")
    elif (earlier := reading.year_earlier_on_line(sentence[0])):
        # The line opened with a year (2023年末，...；...8.2%): its figures are of that year, which the
        # quote cannot state (it would cross a sentence), so none is proposed; the note says which.
        notes.append(f"the line opens with the year {earlier.text}, in an earlier sentence: set the year if it applies")
    elif status == "actual" and published:
        year, basis = int(published[:4]), "as_of"
    ranked = mention.kind == "ordinal" or bool(_RANK_WORDS.search(text, max(sentence[0], mention.start - 12), mention.start))
    metric, unit = metric_of(words, clause, mention, ranked)
    stated_unit = "rank" if ranked else "percent" if mention.kind == "percent" else mention.unit or unit or ""
    region = regions.first(text, *quote) or words.region or main_region
    start, end = quote
    while end > start and text[end - 1] in "，；：、。,;: ":
        end -= 1
    return ChineseFields(qualifier, status, year, basis, region, metric, stated_unit, (start, end), notes)
