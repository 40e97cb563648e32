"""The interface's languages: one gettext message catalogue per language, and numbers, dates and
money written the way each language writes them.

Messages live in `dashboard/locale/<lang>/LC_MESSAGES/messages.po`, the ecosystem's standard, so a
translator works with ordinary tools (Poedit, Weblate); `make translations` extracts and updates
them with Babel. At run time each catalogue is compiled in memory by Babel (no binary .mo file is
kept in the repository). English is the source language: its messages are the msgids themselves.

The active language is per script run (a context variable), set once at the top of each run by
the views (`languages.use_language`); pure modules (metrics, charts, citation) call `_()` and get the
run's language without threading it through every signature. Strings defined at import time are
marked with `N_()` and translated where they are shown.

Stored values never change: formatting converts only what is displayed (12.42 billion yuan reads
124.2亿元 in Chinese, computed exactly with Decimal), and downloads keep the stored value and unit.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import functools
import gettext as gettext_module
import io
from decimal import Decimal
from pathlib import Path

from babel.dates import format_date as babel_format_date
from babel.dates import format_skeleton
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

LANGUAGES = {"en": "English", "zh": "中文"}
DEFAULT_LANGUAGE = "en"
BABEL_LOCALES = {"en": "en", "zh": "zh_Hans_CN"}
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"

_language: contextvars.ContextVar[str] = contextvars.ContextVar("language", default=DEFAULT_LANGUAGE)


def language_for(requested: object, browser_locale: object = None) -> str:
    """The language to show: `?lang=` when it names one we have, else the browser's (any zh* is
    Chinese), else English. Anything else in the URL is ignored, never an error."""
    if isinstance(requested, str) and requested.strip().lower() in LANGUAGES:
        return requested.strip().lower()
    if isinstance(browser_locale, str) and browser_locale.strip().lower().startswith("zh"):
        return "zh"
    return DEFAULT_LANGUAGE


def activate(language: str) -> None:
    """Make `language` the one `_()` answers in for the rest of this run (this thread/context)."""
    _language.set(language if language in LANGUAGES else DEFAULT_LANGUAGE)


def active() -> str:
    return _language.get()


@contextlib.contextmanager
def speaking(language: str):
    """`language` for the code inside the block, then the run's language again: what is cached
    for every reader (the enriched data) is always computed in English."""
    token = _language.set(language if language in LANGUAGES else DEFAULT_LANGUAGE)
    try:
        yield
    finally:
        _language.reset(token)


@functools.lru_cache(maxsize=len(LANGUAGES))
def translations(language: str) -> gettext_module.NullTranslations:
    """The language's catalogue, compiled in memory by Babel; English (the msgids) needs none.

    Fuzzy entries are left out, as gettext's own compiler does: a guess is not a translation."""
    path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if language == DEFAULT_LANGUAGE or not path.is_file():
        return gettext_module.NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=BABEL_LOCALES[language], domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return gettext_module.GNUTranslations(compiled)


def _(message: str) -> str:
    """`message` in the active language (the message itself when it has no translation)."""
    return translations(_language.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(_language.get()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet (it is translated where shown)."""
    return message


# --- numbers, dates and money -------------------------------------------------------------------

# Money stored in these units is shown to Chinese readers in 亿元 (10^8 yuan): factor to 亿元.
YI_YUAN = "亿元"
TO_YI = {"billion yuan": Decimal(10), "million yuan": Decimal("0.01")}


def format_number(value: float, language: str | None = None) -> str:
    """14 -> '14'; 52.18 -> '52.18'; 1000 -> '1,000' (both languages group by thousands)."""
    language = language or active()
    number = Decimal(repr(float(value)))
    if number == number.to_integral_value():
        number = number.to_integral_value()
    return format_decimal(number, locale=BABEL_LOCALES[language], decimal_quantization=False)


def money_in_yi(value: float, unit: str) -> Decimal | None:
    """The value in 亿元, exactly (12.42 billion yuan -> 124.2), or None if the unit is not money.

    Decimal from the value's shortest repr, so no binary-float residue reaches the reader."""
    factor = TO_YI.get(unit)
    if factor is None:
        return None
    yi = (Decimal(repr(float(value))) * factor).normalize()
    return yi.quantize(Decimal(1)) if yi.as_tuple().exponent > 0 else yi  # 1E+2 -> 100


def format_date(iso: str, language: str | None = None) -> str:
    """'2021-03-10' -> 'March 10, 2021' / '2021年3月10日'; '2021-03' and '2021' by their precision.
    Text that is not such a date is returned unchanged."""
    language = language or active()
    locale = BABEL_LOCALES[language]
    parts = iso.split("-") if isinstance(iso, str) else []
    try:
        if len(parts) == 3:
            return babel_format_date(dt.date(*map(int, parts)), format="long", locale=locale)
        if len(parts) == 2:
            return format_skeleton("yMMMM", dt.date(int(parts[0]), int(parts[1]), 1), locale=locale)
        if len(parts) == 1 and parts[0].isdigit() and len(parts[0]) == 4:
            return f"{parts[0]}年" if language == "zh" else parts[0]
    except ValueError:
        pass
    return iso
