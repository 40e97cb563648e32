"""A figure's text as a reader sees it: numbers, values with their qualifier and unit (in the
reader's language, money in 亿元 for Chinese), bound marks, uncertain readings, reference dates,
status and provenance words, and curator English marked as such.
"""

from __future__ import annotations

import pandas as pd

from dashboard import i18n
from dashboard.i18n import N_, _
from dashboard.metrics.columns import (
    AMBIGUOUS,
    CURATED,
    UNCERTAIN_MARK,
    USER_UNVERIFIED,
    USER_VERIFIED,
)
from dashboard.schema import Metrics as M
from dashboard.vocabularies import QUALIFIER, STATUS

# The qualifiers' and statuses' words and marks, from their registry (dashboard/vocabularies.py).
# The words of each qualifier around a value, translated where shown ('more than {}': '超过{}').
QUALIFIER_TEMPLATES = QUALIFIER.templates
QUALIFIER_NAMES = QUALIFIER.names
QUALIFIER_MARKS = QUALIFIER.marks
STATUS_WORDS = STATUS.names  # in the order pages show statuses: actual first


def format_number(value: float) -> str:
    """14 -> '14', 52.18 -> '52.18', 1000 -> '1,000'."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.6g}" if abs(value) < 1e6 else f"{value:,.2f}"


def number_text(value: float) -> str:
    """A number as the reader's language writes it (English keeps format_number's rounding)."""
    return format_number(value) if i18n.active() == i18n.DEFAULT_LANGUAGE else i18n.format_number(value)


def date_text(iso: str) -> str:
    """A stored date as the reader reads it: as stored (2021-03-10) in English, the language's own
    way otherwise (2021年3月10日)."""
    return iso if i18n.active() == i18n.DEFAULT_LANGUAGE else i18n.format_date(iso)


# Curator-written English (notes, event titles, periods, a date as the document words it: "recently", "May 1")
# has no translation: a page in another language shows it marked, never passed off as translated.
ENGLISH_ORIGINAL = N_("[English original] {text}")
CURATOR_TEXT = ("title", "date_text", "note", "period_label")


def in_english(text: object) -> object:
    """Curator-written English as the reader's page shows it: marked as the English original on a
    page in another language; unchanged in English, and anything empty or not text unchanged."""
    if not isinstance(text, str) or not text.strip() or i18n.active() == i18n.DEFAULT_LANGUAGE:
        return text
    return _(ENGLISH_ORIGINAL).format(text=text)


def marked_english(frame: pd.DataFrame, columns: tuple[str, ...] = CURATOR_TEXT) -> pd.DataFrame:
    """`frame` (events) with its curator-written columns marked by in_english, for display only:
    downloads and the API keep the stored text."""
    if i18n.active() == i18n.DEFAULT_LANGUAGE:
        return frame
    return frame.assign(**{c: frame[c].map(in_english) for c in columns if c in frame})


def qualified(qualifier: str, text: str) -> str:
    """'more than 20 centres' / '超过20个': the qualifier's words around a value's text."""
    template = QUALIFIER_TEMPLATES[qualifier]
    return (template if qualifier == "exact" else _(template)).format(text)


def status_word(status: object) -> str:
    """'target' / '目标'; a status the catalogue does not know is shown as it is."""
    return _(STATUS_WORDS[status]) if status in STATUS_WORDS else str(status)


def shown_value(value: float, unit: str) -> float:
    """What a chart plots for a reader: 亿元 for money in Chinese, else the stored value."""
    if i18n.active() == "zh":
        yi = i18n.money_in_yi(value, unit)
        if yi is not None:
            return float(yi)
    return float(value)


def shown_unit(unit: str, unit_zh: object = None) -> str:
    """The unit in the reader's language: the catalogue's unit_zh (亿元 for money) in Chinese."""
    if i18n.active() == "zh" and isinstance(unit_zh, str):
        return i18n.YI_YUAN if unit in i18n.TO_YI else unit_zh
    return unit


def format_value(value: float, qualifier: str, unit: str, unit_zh: object = None) -> str:
    """'more than 20 centres', 'about 350 million yuan', 'rank 3'; in Chinese '超过20个',
    '约3.5亿元', '第3名' (the catalogue's unit_zh; money in 亿元)."""
    number = number_text(shown_value(value, unit))
    if unit == "rank":
        return qualified(qualifier, _("rank {}").format(number))
    if unit == "percent":
        return qualified(qualifier, f"{number}%")
    shown = shown_unit(unit, unit_zh)
    if shown != unit or i18n.active() == "zh":
        return qualified(qualifier, f"{number}{shown}")
    return qualified(qualifier, f"{number} {singular_unit(unit) if value == 1 else unit}")


def stated_text(row) -> str:
    """How the document states a figure converted for the charts ('1025.3亿元', '3.3 million yuan'),
    or '' when it states it in the metric's own unit. The number is written as the document does."""
    stated, unit = row.get("stated_unit"), row.get(M.unit)
    if not isinstance(stated, str) or stated == unit or stated in ("percent", "rank"):
        return ""
    value = float(row.get("stated_value"))
    number = repr(value).removesuffix(".0")
    return f"{number}{stated}" if not stated.isascii() else f"{number} {stated}"


def singular_unit(unit: str) -> str:
    """An English count unit for one: 'platforms' -> 'platform', 'factories' -> 'factory',
    'platforms per chain' -> 'platform per chain' (the catalogue writes units for many: '1
    platforms' misread as a slip). Units that are not plurals ('percent', 'million yuan') stay."""
    first, *rest = unit.split(" ")
    if first.endswith("ies") and len(first) > 4:
        first = first[:-3] + "y"
    elif first.endswith("s") and not first.endswith("ss") and len(first) > 3:
        first = first[:-1]
    return " ".join([first, *rest])


def is_uncertain(reading: object) -> bool:
    return reading == AMBIGUOUS


def uncertain_text(display: str, reading: object, reading_note: object) -> str:
    """The full value, with the other reading when the text can be read two ways:
    '12 factories (uncertain reading: the document writes '1 2': 12 ..., or 1 to 2 ...)'."""
    if not is_uncertain(reading):
        return display
    return _("{value} (uncertain reading: {note})").format(
        value=display, note=reading_note if isinstance(reading_note, str) else _("see the note"))


def short_value(value: float, qualifier: str, reading: object = "certain") -> str:
    """A compact label for a bar or point: '>20', '≥2', '≤3', '≈350', '14' (the marks are the same
    in every language; `value` is what the chart plots).

    Never '20+': that reads as '20 or more', which "more than 20" is not."""
    return QUALIFIER_MARKS[qualifier].format(number_text(value)) + (UNCERTAIN_MARK if is_uncertain(reading) else "")


def reference_text(year: object, year_basis: str, as_of: object) -> str:
    """When the figure refers to, in words a reader can cite: '2021 (reported 2022-11-23)', 'as of
    2021-03-10'; in Chinese '2021年（2022年11月23日报道）', '截至2021年3月10日'."""
    date = date_text(as_of) if isinstance(as_of, str) else None
    reported = _(" (reported {date})").format(date=date) if date else ""
    if year_basis == "stated" and pd.notna(year):
        return date_text(str(int(year))) + reported
    if year_basis == "as_of" and date:
        return _("as of {date}").format(date=date)
    return _("year not stated") + (reported or _(" (undated document)"))


PROVENANCE_WORDS = {CURATED: N_("curated"), USER_VERIFIED: N_("user-supplied, quote verified"),
                    USER_UNVERIFIED: N_("user-supplied, unverified")}


def provenance_word(provenance: object) -> str:
    return _(PROVENANCE_WORDS[provenance]) if provenance in PROVENANCE_WORDS else str(provenance)
