"""People's words for numbers and metrics: the one home of Babel, shared by comments, ``rules explain`` and the
report.

``Numbers`` formats money (the rate card's currency, whole units, locale-aware grouping), percentages, day
counts and dates for one locale. ``METRIC_WORDS`` gives each metric a label, a unit and a phrase a project
manager reads without knowing the metric's name: ``burn_ratio`` 1.21 is "spent 121% of budget". Missing values
(``None``, not-a-number) read as "not known" rather than a symbol a reader could take for zero.

This module imports nothing from ``rules/``, ``report/`` or ``comments/``: all three build on it.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent
from babel.units import format_unit

DEFAULT_LOCALE = "en"
DEFAULT_CURRENCY = "EUR"
UNKNOWN = "not known"

Unit = Literal["money", "rate", "percent", "days", "hours", "points", "count", "index", "date", "bool", "text"]


def check_locale(name: str) -> str:
    """``name`` when Babel knows the locale (``en``, ``en_GB``, ``de-DE``...); else ``ValueError``."""
    try:
        Locale.parse(name.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError) as error:
        raise ValueError(f"unknown locale {name!r} (expected e.g. en, en_GB, de_DE, fr_FR)") from error
    return name


_DECIMALS = re.compile(r"\.[0#]+")


@functools.cache
def _currency_pattern(locale: str) -> str:
    pattern = Locale.parse(locale).currency_formats["standard"].pattern
    return str(pattern).split(";")[0]


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


@dataclass(frozen=True, slots=True)
class Numbers:
    """Formatters for one locale and currency. Each accepts anything and never raises."""

    locale: str = DEFAULT_LOCALE
    currency: str = DEFAULT_CURRENCY

    @property
    def _locale(self) -> str:
        return self.locale.replace("-", "_")

    def money(self, value: object, cents: bool = False) -> str:
        """€53,450 (whole units); with ``cents``: €0.53."""
        number = _number(value)
        if number is None:
            return UNKNOWN
        # The locale's own currency pattern (symbol before or after, spacing), with its decimals dropped for
        # whole units.
        pattern = _currency_pattern(self._locale)
        if not cents:
            pattern = _DECIMALS.sub("", pattern)
            number = float(round(number))
        return format_currency(number, self.currency, format=pattern, locale=self._locale, currency_digits=False)

    def percent(self, value: object, digits: int = 0) -> str:
        """A ratio as a percentage: 1.21 -> 121%."""
        number = _number(value)
        if number is None:
            return UNKNOWN
        pattern = "#,##0%" if digits <= 0 else "#,##0." + "0" * digits + "%"
        return format_percent(number, format=pattern, locale=self._locale)

    def days(self, value: object) -> str:
        """5 days, 1 day (the locale's plural rules)."""
        number = _number(value)
        if number is None:
            return UNKNOWN
        return format_unit(round(number), "duration-day", length="long", locale=self._locale)

    def hours(self, value: object) -> str:
        number = _number(value)
        if number is None:
            return UNKNOWN
        return format_unit(round(number, 1), "duration-hour", length="long", locale=self._locale)

    def number(self, value: object, digits: int = 2) -> str:
        """A plain number, grouped, at most ``digits`` decimals: 1,234.5."""
        number = _number(value)
        if number is None:
            return UNKNOWN
        pattern = "#,##0" + ("." + "#" * digits if digits > 0 else "")
        return format_decimal(number, format=pattern, locale=self._locale)

    def date(self, value: object) -> str:
        """24 Nov 2026 / Nov 24, 2026 (the locale's medium date); text that is not a date is returned as is."""
        if isinstance(value, datetime):
            value = value.date()
        if isinstance(value, str):
            text = value
            try:
                value = date.fromisoformat(text[:10])
            except ValueError:
                return text
        if not isinstance(value, date):
            return UNKNOWN
        return format_date(value, format="medium", locale=self._locale)

    def value(self, value: object, unit: Unit) -> str:
        """``value`` in ``unit``: what the Observed/Expected lines show for a metric or a threshold."""
        if value is None:
            return UNKNOWN
        if unit == "money":
            return self.money(value)
        if unit == "rate":
            return self.money(value, cents=True)
        if unit == "percent":
            return self.percent(value)
        if unit == "days":
            return self.days(value)
        if unit == "hours":
            return self.hours(value)
        if unit == "date":
            return self.date(value)
        if unit in ("points", "count"):
            return self.number(value, 1)
        if unit == "index":
            return self.number(value, 2)
        if unit == "bool":
            return "yes" if value else "no"
        return self.number(value) if _number(value) is not None else str(value)


@dataclass(frozen=True, slots=True)
class MetricWords:
    """How people read one metric.

    ``label`` names it in tables and explanations ("budget spent"); ``phrase`` says a value of it in a
    sentence, ``{value}`` being the formatted value ("spent {value} of budget"). Boolean metrics have a
    ``phrase`` for true and ``phrase_false`` for false.
    """

    label: str
    unit: Unit
    phrase: str
    phrase_false: str | None = None
    missing: str | None = None  # what a missing value means to a reader ("no budget set")
    none: str | None = None  # how "at most 0" reads ("not overdue")


METRIC_WORDS: Mapping[str, MetricWords] = {
    # budget
    "budget": MetricWords("budget", "money", "a budget of {value}", missing="no budget set"),
    "hours_logged": MetricWords("hours logged", "hours", "{value} logged"),
    "cost": MetricWords("cost so far", "money", "cost {value} so far"),
    "burn_ratio": MetricWords("budget spent", "percent", "spent {value} of budget"),
    "budget_remaining": MetricWords("budget left", "money", "{value} of budget left"),
    "planned_value": MetricWords("planned value", "money", "planned value of {value} by today"),
    "earned_value": MetricWords("earned value", "money", "earned value of {value}"),
    "cpi": MetricWords("value earned per {one} spent", "rate", "earns {value} of value per {one} spent"),
    "spi": MetricWords("schedule efficiency", "percent", "progressing at {value} of the planned pace"),
    "eac": MetricWords("forecast cost at completion", "money", "forecast to cost {value} in total"),
    "eac_ratio": MetricWords("forecast against budget", "percent", "forecast to cost {value} of budget"),
    "vac": MetricWords("forecast budget left at completion", "money", "forecast to end with {value} of budget left"),
    "hours_after_done": MetricWords(
        "hours logged after done", "hours", "{value} logged after it was done", none="no time logged after it was done"
    ),
    # schedule
    "days_until_due": MetricWords("days until due", "days", "due in {value}", missing="no due date"),
    "days_overdue": MetricWords("days overdue", "days", "{value} overdue", missing="no due date", none="not overdue"),
    "planned_elapsed_ratio": MetricWords("planned time elapsed", "percent", "{value} of the planned time has passed"),
    "due_date_slips": MetricWords("due-date slips", "count", "due date pushed back {value} times"),
    "days_since_update": MetricWords("days since last update", "days", "not updated for {value}"),
    "days_in_status": MetricWords("days in the current status", "days", "in its current status for {value}"),
    "age_days": MetricWords("age", "days", "created {value} ago"),
    # progress
    "children_total": MetricWords("child issues", "count", "{value} child issues"),
    "children_done": MetricWords("child issues done", "count", "{value} child issues done"),
    "children_open": MetricWords(
        "child issues open", "count", "{value} child issues still open", none="no child issue open"
    ),
    "story_points_total": MetricWords("story points", "points", "{value} story points in total"),
    "story_points_done": MetricWords("story points done", "points", "{value} story points done"),
    "progress_ratio": MetricWords("work done", "percent", "{value} of the work done"),
    "progress_basis": MetricWords("progress measured by", "text", "progress measured by {value}"),
    "all_children_done": MetricWords(
        "all child issues done", "bool", "all child issues are done", "some child issues are still open"
    ),
    # alignment
    "goal_ref": MetricWords("goal reference", "text", "names the goal '{value}'"),
    "goal_id": MetricWords("goal", "text", "linked to goal {value}"),
    "goal_name": MetricWords("goal name", "text", "linked to the goal '{value}'"),
    "goal_known": MetricWords(
        "linked to a known goal", "bool", "linked to a goal of the strategy", "not linked to any goal of the strategy"
    ),
    "goal_active": MetricWords("goal active", "bool", "its goal is active", "its goal is no longer active"),
    "goal_inherited": MetricWords(
        "goal inherited", "bool", "its goal comes from a parent issue", "it names its goal itself"
    ),
    "goal_period_end": MetricWords("goal period end", "date", "its goal's period ends on {value}"),
    "goal_budget_envelope": MetricWords("goal budget envelope", "money", "its goal's budget envelope is {value}"),
    "goal_committed_budget": MetricWords(
        "budget committed to the goal", "money", "{value} committed to its goal by all epics"
    ),
    "goal_envelope_ratio": MetricWords(
        "goal envelope committed", "percent", "its goal's epics commit {value} of the goal's envelope"
    ),
    # hygiene
    "has_assignee": MetricWords("assigned", "bool", "someone is assigned", "no one is assigned"),
    "has_description": MetricWords("description", "bool", "it has a description", "it has no description"),
    "has_acceptance_criteria": MetricWords(
        "acceptance criteria", "bool", "it has acceptance criteria", "it has no acceptance criteria"
    ),
    "is_stale": MetricWords("stale", "bool", "it has not been updated for a while", "it was updated recently"),
}


def unit_of(metric: str) -> Unit:
    words = METRIC_WORDS.get(metric)
    return words.unit if words is not None else "text"


def label_of(metric: str, numbers: Numbers | None = None) -> str:
    """The metric's label: "budget spent"; "value earned per €1 spent" (in ``numbers``' currency)."""
    words = METRIC_WORDS.get(metric)
    if words is None:
        return metric.replace("_", " ")
    return words.label.format(one=(numbers or Numbers()).money(1))


def say(metric: str, value: object, numbers: Numbers) -> str:
    """A metric's value in a sentence fragment: ``say("burn_ratio", 1.21, n)`` -> "spent 121% of budget"."""
    words = METRIC_WORDS.get(metric)
    if words is None:
        return f"{metric.replace('_', ' ')} is {numbers.value(value, 'text')}"
    numeric = words.unit not in ("text", "bool", "date")
    if value is None or (numeric and _number(value) is None):
        return words.missing or f"{label_of(metric, numbers)}: {UNKNOWN}"
    if words.unit == "bool":
        return words.phrase if value else (words.phrase_false or f"not {words.phrase}")
    return words.phrase.format(value=numbers.value(value, words.unit), one=numbers.money(1))


SAMPLES: Mapping[Unit, object] = {
    "money": 53450,
    "rate": 0.53,
    "percent": 1.21,
    "days": 9,
    "hours": 12.5,
    "points": 13,
    "count": 3,
    "index": 0.9,
    "date": date(2026, 12, 31),
    "bool": False,
    "text": "G1",
}


def words_table(numbers: Numbers | None = None) -> str:
    """The Markdown table of ``docs/metrics.md`` ("In people's words"); a test keeps the two in step."""
    numbers = numbers or Numbers()
    rows = ["| metric | label | unit | a value in words |", "|---|---|---|---|"]
    for name, words in METRIC_WORDS.items():
        example = say(name, SAMPLES[words.unit], numbers)
        rows.append(f"| `{name}` | {label_of(name, numbers)} | {words.unit} | {example} |")
    return "\n".join(rows)
