"""People's words for a failing test: the Observed and Expected lines of a finding.

``burn_ratio le 1`` on an epic that spent 1.21 of its budget reads "spent 121% of budget" / "budget spent at
most 100%", not "burn_ratio = 1.21" / "burn_ratio ≤ 1". Metric labels, units and phrases come from
``pmo_bot.wording``; numbers are formatted in the configured locale and the rate card's currency.
"""

from __future__ import annotations

import re
from typing import Any

from pmo_bot.rules.fields import field_kind
from pmo_bot.rules.limits import RuleRegex
from pmo_bot.rules.model import Ref, Test
from pmo_bot.wording import METRIC_WORDS, Numbers, Unit, label_of, say

# How an expectation reads for each operator (after negation has been applied).
OP_WORDS = {
    "eq": "is",
    "ne": "is not",
    "lt": "below",
    "le": "at most",
    "gt": "above",
    "ge": "at least",
    "in": "one of",
    "not-in": "none of",
    "present": "set",
    "absent": "not set",
    "contains": "includes",
    "not-contains": "does not include",
    "regex": "matching",
}
_FIELD_UNITS: dict[str, Unit] = {"budget": "money", "actual_cost": "money", "story_points": "points"}


def _unit(test: Test) -> Unit:
    if test.days is not None:
        return "days"
    if test.subject == "metric":
        words = METRIC_WORDS.get(test.name)
        return words.unit if words else "text"
    if test.name in _FIELD_UNITS:
        return _FIELD_UNITS[test.name]
    kind = field_kind(test.name)
    return "date" if kind in ("date", "instant") else "text"


def subject_label(test: Test, numbers: Numbers) -> str:
    name = test.name.removeprefix("extra.").replace("_", " ")
    if test.days == "since":
        return f"days since {name}"
    if test.days == "until":
        return f"days until {name}"
    if test.subject == "metric":
        return label_of(test.name, numbers)
    return name


def _show(value: Any, unit: Unit, numbers: Numbers) -> str:
    if isinstance(value, tuple | list | set | frozenset):
        return ", ".join(_show(item, unit, numbers) for item in value)
    if isinstance(value, re.Pattern | RuleRegex):
        return f"/{value.pattern}/"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if unit == "text" and isinstance(value, int | float):
        return numbers.number(value)
    return numbers.value(value, unit)


def _empty(value: Any) -> bool:
    return value is None or value in ("", ())


def observed_words(test: Test, actual: Any, numbers: Numbers) -> str:
    label, unit = subject_label(test, numbers), _unit(test)
    if test.subject == "metric" and test.days is None and test.name in METRIC_WORDS:
        return say(test.name, None if _empty(actual) else actual, numbers)
    if _empty(actual):
        return f"no {label}"
    if unit == "days":
        return f"{label}: {numbers.days(actual)}"
    return f"{label} is {_show(actual, unit, numbers)}"


def expected_words(test: Test, op_name: str, prefix: str, resolved: Any, numbers: Numbers) -> str:
    """``op_name`` is the operator after negation; ``prefix`` is "not " for a negated test without one."""
    label, unit = subject_label(test, numbers), _unit(test)
    words = METRIC_WORDS.get(test.name) if test.subject == "metric" and test.days is None else None
    value = test.value
    if words is not None and words.unit == "bool" and op_name in ("eq", "ne") and isinstance(value, bool):
        wanted = value if op_name == "eq" else not value
        return say(test.name, wanted if not prefix else not wanted, numbers)
    if (
        words is not None
        and words.none
        and op_name == "le"
        and not prefix
        and value == 0
        and not isinstance(value, bool)
    ):
        return words.none
    verb = OP_WORDS.get(op_name, op_name)
    if op_name in ("present", "absent"):
        return f"{prefix}{label} {verb}"
    if isinstance(value, Ref):
        shown = _show(resolved, unit, numbers) if resolved is not None else "not known"
        return f"{prefix}{label} {verb} {shown} ({_ref_words(value, unit, numbers)})"
    return f"{prefix}{label} {verb} {_show(value, unit, numbers)}"


def _ref_words(ref: Ref, unit: Unit, numbers: Numbers) -> str:
    if ref.kind == "metric":
        text = label_of(ref.name, numbers)
    elif ref.kind == "param":
        text = f"the rule's {ref.name.replace('_', ' ')}"
    else:
        text = ref.name.removeprefix("extra.").replace("_", " ")
    if ref.times is not None:
        text = f"{text} × {numbers.number(ref.times)}"
    if ref.plus is not None:
        step = _show(ref.plus, unit, numbers) if unit in ("percent", "money", "days") else numbers.number(ref.plus)
        text = f"{text} + {step}"
    return text
