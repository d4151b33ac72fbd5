"""Every operator, including missing values, mixed kinds and dates."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from pmo_bot.rules.limits import compile_regex
from pmo_bot.rules.operators import OPERATORS, is_present


def holds(op: str, left: object, right: object = None) -> bool:
    return OPERATORS[op].test(left, right)


@pytest.mark.parametrize(
    ("op", "left", "right", "expected"),
    [
        ("eq", 3, 3.0, True),
        ("eq", "In Progress", "in progress", False),  # case-sensitive
        ("eq", None, None, True),
        ("eq", None, 0, False),
        ("eq", 1, True, False),  # booleans are not numbers
        ("eq", "3", 3, False),
        ("ne", None, 0, True),
        ("ne", 2, 3, True),
        ("ne", "a", "a", False),
        ("lt", 1, 2, True),
        ("lt", 2, 2, False),
        ("le", 2, 2, True),
        ("gt", 3, 2.5, True),
        ("gt", None, 0, False),  # a missing value never satisfies an ordering
        ("gt", 0, None, False),
        ("ge", "b", "a", False),  # text is not ordered
        ("ge", date(2026, 1, 2), date(2026, 1, 1), True),
        ("lt", date(2026, 1, 1), datetime(2026, 1, 2, tzinfo=UTC), False),  # mixed kinds never compare
        ("gt", True, False, False),
        ("in", "High", ("Highest", "High"), True),
        ("in", None, ("High",), False),
        ("in", None, (None,), True),
        ("in", "High", "High", False),  # needs a list
        ("not-in", "Low", ("High",), True),
        ("not-in", None, ("High",), True),
        ("contains", ("a", "b"), "b", True),
        ("contains", "card tokenisation", "token", True),
        ("contains", None, "x", False),
        ("contains", 12, 1, False),
        ("not-contains", ("a",), "b", True),
        ("not-contains", None, "b", True),
        ("regex", "[PAY] Card", compile_regex(r"^\[[A-Z]+\]"), True),
        ("regex", "Card", compile_regex(r"^\["), False),
        ("regex", None, compile_regex("x"), False),
        ("regex", 12, compile_regex("1"), False),
    ],
)
def test_operator(op: str, left: object, right: object, expected: bool) -> None:
    assert holds(op, left, right) is expected


@pytest.mark.parametrize(
    ("value", "present"),
    [(None, False), ("", False), ("  ", False), ((), False), ({}, False), (0, True), (False, True), ("x", True)],
)
def test_present_and_absent_are_opposites(value: object, present: bool) -> None:
    assert is_present(value) is present
    assert holds("present", value) is present
    assert holds("absent", value) is not present


def test_the_registry_has_at_least_the_documented_operators() -> None:
    required = {"eq", "ne", "lt", "le", "gt", "ge", "in", "not-in", "present", "absent", "contains", "regex"}
    assert required <= set(OPERATORS)
