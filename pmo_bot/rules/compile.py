"""Conditions -> closures, compiled once per rule set; and the explanation of a failure, on demand.

Evaluation stays on the fast path: a predicate per condition, reading a field or a lazily computed metric.
Only when a check fails does ``explain`` walk the condition again to say what was observed and expected.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, tzinfo
from typing import Any

from pmo_bot.domain import Item
from pmo_bot.rules.fields import field_getter, field_kind
from pmo_bot.rules.model import AllOf, AnyOf, Condition, NotOf, Ref, Test
from pmo_bot.rules.operators import OPERATORS
from pmo_bot.rules.phrasing import expected_words, observed_words
from pmo_bot.wording import Numbers


class ItemView:
    """What compiled predicates read: the item, its (lazy) metrics, and the day it is judged on."""

    __slots__ = ("item", "metrics", "today", "tz")

    def __init__(self, item: Item, metrics: Mapping[str, Any], today: date, tz: tzinfo) -> None:
        self.item = item
        self.metrics = metrics
        self.today = today
        self.tz = tz


Getter = Callable[[ItemView], Any]
Predicate = Callable[[ItemView], bool]


def local_date(value: Any, tz: tzinfo) -> date | None:
    if isinstance(value, datetime):
        return value.astimezone(tz).date()
    if isinstance(value, date):
        return value
    return None


def _subject(test: Test) -> Getter:
    if test.subject == "metric":
        name = test.name

        def base(view: ItemView) -> Any:
            return view.metrics[name]
    else:
        read = field_getter(test.name)

        def base(view: ItemView) -> Any:
            return read(view.item)

    if test.days == "since":
        return lambda view: _days(view.today, local_date(base(view), view.tz))
    if test.days == "until":
        return lambda view: _days(local_date(base(view), view.tz), view.today)
    if _compares_dates(test):
        return lambda view: local_date(base(view), view.tz)
    return base


def _compares_dates(test: Test) -> bool:
    # An instant compared with a date is compared as the local calendar day.
    kind = field_kind(test.name) if test.subject == "field" else None
    values = test.value if isinstance(test.value, tuple) else (test.value,)
    return kind in ("instant", "any") and any(
        isinstance(value, date) and not isinstance(value, datetime) for value in values
    )


def _days(later: date | None, earlier: date | None) -> int | None:
    if later is None or earlier is None:
        return None
    return (later - earlier).days


def _reference(ref: Ref) -> Getter:
    if ref.kind == "metric":
        name = ref.name

        def base(view: ItemView) -> Any:
            return view.metrics[name]
    else:
        read = field_getter(ref.name)

        def base(view: ItemView) -> Any:
            return read(view.item)

    times, plus = ref.times, ref.plus
    if times is None and plus is None:
        return base

    def scaled(view: ItemView) -> Any:
        value = base(view)
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        return value * (1.0 if times is None else times) + (0.0 if plus is None else plus)

    return scaled


def _align(left: Any, right: Any, tz: tzinfo) -> tuple[Any, Any]:
    if isinstance(left, datetime) != isinstance(right, datetime) and isinstance(left, date) and isinstance(right, date):
        return local_date(left, tz), local_date(right, tz)
    return left, right


def compile_condition(condition: Condition, negated: bool = False) -> Predicate:
    """``negated``: the condition sits under an odd number of ``not``s (``missing:`` is about the whole)."""
    if isinstance(condition, AllOf):
        parts = tuple(compile_condition(sub, negated) for sub in condition.conditions)
        return lambda view: all(part(view) for part in parts)
    if isinstance(condition, AnyOf):
        parts = tuple(compile_condition(sub, negated) for sub in condition.conditions)
        return lambda view: any(part(view) for part in parts)
    if isinstance(condition, NotOf):
        inner = compile_condition(condition.condition, not negated)
        return lambda view: not inner(view)
    return _compile_test(condition, negated)


def _compile_test(test: Test, negated: bool = False) -> Predicate:
    predicate = _compare_test(test)
    if test.missing is None:
        return predicate
    # "missing: passes" means the whole condition holds for an item without a value, whatever `not`s wrap it.
    subject, outcome = _subject(test), (test.missing == "passes") != negated

    def with_missing(view: ItemView) -> bool:
        value = subject(view)
        return outcome if value is None or value in ("", ()) else predicate(view)

    return with_missing


def _compare_test(test: Test) -> Predicate:
    subject = _subject(test)
    compare = OPERATORS[test.op].test
    value = test.value
    if isinstance(value, Ref):
        other = _reference(value)

        def against_reference(view: ItemView) -> bool:
            return compare(*_align(subject(view), other(view), view.tz))

        return against_reference
    return lambda view: compare(subject(view), value)


# --- explanations (slow path: failing items only) --------------------------------------------------------

_NEGATED = {
    "eq": "ne",
    "ne": "eq",
    "lt": "ge",
    "ge": "lt",
    "le": "gt",
    "gt": "le",
    "in": "not-in",
    "not-in": "in",
    "present": "absent",
    "absent": "present",
    "contains": "not-contains",
    "not-contains": "contains",
}


def explain(condition: Condition, view: ItemView, *, negated: bool = False) -> list[tuple[str, str]]:
    """(observed, expected) for the parts of ``condition`` that made it fail (or, negated, hold)."""
    if isinstance(condition, NotOf):
        return explain(condition.condition, view, negated=not negated)
    if isinstance(condition, AllOf | AnyOf):
        conjunctive = isinstance(condition, AllOf) != negated
        culprits = [sub for sub in condition.conditions if _holds(sub, view, negated) == negated]
        parts = [pair for sub in culprits for pair in explain(sub, view, negated=negated)]
        if conjunctive or len(parts) <= 1:
            return parts  # each failing part is a reason on its own
        # Every alternative failed: one reason listing them all.
        return [("; ".join(o for o, _ in parts), " or ".join(e for _, e in parts))]
    return [_explain_test(condition, view, negated)]


def _holds(condition: Condition, view: ItemView, negated: bool = False) -> bool:
    return compile_condition(condition, negated)(view)


def _explain_test(test: Test, view: ItemView, negated: bool) -> tuple[str, str]:
    ctx = getattr(view.metrics, "ctx", None)  # Metrics carries the context; plain mappings (tests) do not
    numbers = ctx.numbers if ctx is not None else Numbers()
    actual = _subject(test)(view)
    op_name = _NEGATED.get(test.op, test.op) if negated else test.op
    prefix = "not " if negated and test.op not in _NEGATED else ""
    resolved = _reference(test.value)(view) if isinstance(test.value, Ref) else None
    return observed_words(test, actual, numbers), expected_words(test, op_name, prefix, resolved, numbers)


def fmt(value: Any) -> str:
    """A value as a reader would write it: 1,250.5 / 2026-12-31 / a, b / true."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        value = round(value, 2)
        if value.is_integer() and abs(value) < 1e15:
            return f"{int(value):,}"
        return f"{value:,.2f}"
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list | set | frozenset):
        return "[" + ", ".join(fmt(item) for item in value) + "]"
    if value is None:
        return "empty"
    return str(value)
