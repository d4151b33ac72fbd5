"""The condition operators: one registry that the compiler, the JSON Schema and the docs all read.

Each operator is a plain two-argument function over already-resolved values. Missing values (``None``) and
values of different kinds never satisfy an ordering; see docs/rules.md ("Missing values").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from pmo_bot.rules.fields import CONTAINER_KINDS, ORDERED_KINDS, TEXT_KINDS, Kind
from pmo_bot.rules.limits import RuleRegex

ValueShape = Literal["none", "scalar", "list", "regex"]


@dataclass(frozen=True, slots=True)
class Operator:
    name: str
    symbol: str  # how ``expected`` shows it: "budget > 0"
    value: ValueShape
    kinds: frozenset[Kind] | None  # subject kinds it applies to; None = every kind
    description: str
    test: Callable[[Any, Any], bool]


def _comparable(left: Any, right: Any) -> bool:
    if left is None or right is None:
        return False
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool)
    numbers = (int, float)
    if isinstance(left, numbers) and isinstance(right, numbers):
        return True
    if isinstance(left, datetime) or isinstance(right, datetime):
        return isinstance(left, datetime) and isinstance(right, datetime)
    if isinstance(left, date) and isinstance(right, date):
        return True
    return isinstance(left, str) and isinstance(right, str)


def _eq(left: Any, right: Any) -> bool:
    if left is None or right is None:
        return left is None and right is None
    return _comparable(left, right) and bool(left == right)


def _ordered(compare: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    def test(left: Any, right: Any) -> bool:
        if not _comparable(left, right) or isinstance(left, str | bool):
            return False
        return compare(left, right)

    return test


def _in(left: Any, right: Any) -> bool:
    if not isinstance(right, list | tuple | set | frozenset):
        return False
    return any(_eq(left, candidate) for candidate in right)


def _contains(left: Any, right: Any) -> bool:
    if isinstance(left, str):
        return isinstance(right, str) and right in left
    if isinstance(left, list | tuple | set | frozenset):
        return any(_eq(element, right) for element in left)
    return False


def _regex(left: Any, right: Any) -> bool:
    return isinstance(left, str) and isinstance(right, RuleRegex) and right.search(left)


def is_present(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return value.strip() != ""
    if isinstance(value, list | tuple | set | frozenset | dict):
        return len(value) > 0
    return True


_ORDERED = ORDERED_KINDS
_OPS: tuple[Operator, ...] = (
    Operator("eq", "=", "scalar", None, "the subject equals the value", _eq),
    Operator("ne", "≠", "scalar", None, "the subject differs from the value", lambda a, b: not _eq(a, b)),
    Operator("lt", "<", "scalar", _ORDERED, "subject < value", _ordered(lambda a, b: a < b)),
    Operator("le", "≤", "scalar", _ORDERED, "subject <= value", _ordered(lambda a, b: a <= b)),
    Operator("gt", ">", "scalar", _ORDERED, "subject > value", _ordered(lambda a, b: a > b)),
    Operator("ge", "≥", "scalar", _ORDERED, "subject >= value", _ordered(lambda a, b: a >= b)),
    Operator("in", "in", "list", None, "the subject is one of the values", _in),
    Operator("not-in", "not in", "list", None, "the subject is none of the values", lambda a, b: not _in(a, b)),
    Operator("present", "is set", "none", None, "the subject has a value", lambda a, _b: is_present(a)),
    Operator("absent", "is empty", "none", None, "the subject has no value", lambda a, _b: not is_present(a)),
    Operator("contains", "contains", "scalar", CONTAINER_KINDS, "the list/text has the element", _contains),
    Operator(
        "not-contains",
        "does not contain",
        "scalar",
        CONTAINER_KINDS,
        "the list/text lacks the element",
        lambda a, b: not _contains(a, b),
    ),
    Operator("regex", "matches", "regex", TEXT_KINDS, "the text matches the regular expression", _regex),
)

OPERATORS: Mapping[str, Operator] = {op.name: op for op in _OPS}

# Spellings from other tools, mapped to ours for "did you mean" hints.
OPERATOR_ALIASES: Mapping[str, str] = {
    "==": "eq",
    "=": "eq",
    "equals": "eq",
    "!=": "ne",
    "<": "lt",
    "<=": "le",
    "lte": "le",
    ">": "gt",
    ">=": "ge",
    "gte": "ge",
    "not_in": "not-in",
    "notin": "not-in",
    "nin": "not-in",
    "exists": "present",
    "empty": "absent",
    "missing": "absent",
    "not-present": "absent",
    "matches": "regex",
    "match": "regex",
    "has": "contains",
    "not_contains": "not-contains",
}
