"""How the report writes numbers and untrusted text: the Jinja filters of ``render`` (plain functions, tested).

Missing values (``None``) render as an en dash ("cannot be computed" in a table). Numbers, money, percentages and
dates are written by ``pmo_bot.wording.Numbers`` (Babel, the configured ``locale``), so a comment, ``rules
explain`` and the report write the same number the same way; only the compact chart form lives here.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime

from pmo_bot.textsafety import neutralise
from pmo_bot.wording import DEFAULT_LOCALE, Numbers

DASH = "–"
SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "INR": "₹"}


def clean(text: str) -> str:
    """Untrusted text without the characters XML cannot carry, nor bidi overrides and other invisible ones
    (``neutralise`` removes both kinds)."""
    return neutralise(text)


_OWN_JOINER = re.compile("(?<=[-\u2212])\u2060")  # what ``nobreak`` puts after a hyphen or minus


def clean_keeping_joiners(text: str) -> str:
    """``clean`` for text the report built: the word joiners ``nobreak`` placed after hyphens stay."""
    return "\u2060".join(clean(part) for part in _OWN_JOINER.split(text))


def _finite(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def money(value: object, currency: str = "EUR", locale: str = DEFAULT_LOCALE) -> str:
    number = _finite(value)
    return DASH if number is None else Numbers(locale, currency.upper()).money(number)


def compact_money(value: object, currency: str = "EUR") -> str:
    """1.2M, 350k: for headline tiles and chart labels."""
    number = _finite(value)
    if number is None:
        return DASH
    symbol = SYMBOLS.get(currency.upper(), "")
    size = abs(number)
    text = f"{size / 1e6:.1f}M" if size >= 1e6 else f"{size / 1e3:.0f}k" if size >= 1e4 else f"{size:,.0f}"
    text = f"{'-' if number < 0 else ''}{symbol}{text}"
    return text if symbol else f"{text} {currency}"


def percent(value: object, digits: int = 0, locale: str = DEFAULT_LOCALE) -> str:
    number = _finite(value)
    return DASH if number is None else Numbers(locale).percent(number, digits)


def index(value: object) -> str:
    """CPI, SPI: two decimals."""
    number = _finite(value)
    return DASH if number is None else f"{number:.2f}"


def points(value: object) -> str:
    """A change of a ratio in percentage points: +1.2 pts, −0.5 pts, ±0 pts."""
    number = _finite(value)
    if number is None:
        return DASH
    shown = round(number * 100, 1)
    if shown == 0:
        return "±0 pts"
    return f"{'+' if shown > 0 else '−'}{abs(shown):.1f} pts"


def count(value: object, locale: str = DEFAULT_LOCALE) -> str:
    number = _finite(value)
    return DASH if number is None else Numbers(locale).number(round(number), 0)


def day(value: date | datetime | None, locale: str = DEFAULT_LOCALE) -> str:
    """The locale's medium date (Nov 21, 2026), as in the comments; a moment also gets its time and zone."""
    if value is None:
        return DASH
    text = Numbers(locale).date(value)
    return f"{text} {value:%H:%M %Z}".strip() if isinstance(value, datetime) else text


_WORD_JOINER = "\u2060"  # invisible; no line break on either side (UAX #14, LB11)


def nobreak(value: object) -> str:
    """Text a table cell must not wrap (an issue key, a date, an amount): a word joiner after each hyphen or minus
    and no-break spaces. Characters, not CSS, because Confluence drops most inline styles."""
    text = str(value)
    for mark in ("-", "−"):
        text = text.replace(mark, mark + _WORD_JOINER)
    return text.replace(" ", "\u00a0")


def plural(number: int, word: str, many: str | None = None) -> str:
    if number == 1:
        return f"{number:,} {word}"
    if many is None:
        many = word[:-1] + "ies" if word[-1:] == "y" and word[-2:-1] not in ("a", "e", "i", "o", "u") else word + "s"
    return f"{number:,} {many}"
