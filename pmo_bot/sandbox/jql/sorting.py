"""ORDER BY: several keys and directions, empty values last when ascending (first when descending), as Jira.

Ties, and queries without ORDER BY, fall back to the issue key in numeric order within its project
(PMO-2 before PMO-10), so paging over a stored result is stable.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from pmo_bot.sandbox.jql import errors
from pmo_bot.sandbox.jql.ast import OrderKey
from pmo_bot.sandbox.jql.fields import FieldResolver

SortKey = Callable[[Any], tuple[int, Any]]
_MULTI_VALUED = frozenset({"labels", "version"})


def key_order(value: Any) -> tuple[str, int, str]:
    """Issue keys in Jira's order: by project key, then by number."""
    text = str(value)
    project, _, number = text.rpartition("-")
    if project and number.isdigit():  # cheaper than the KEY pattern, and sorting calls this per issue
        return (project.upper(), int(number), "")
    return (text.upper(), -1, text)


def _plain(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _sort_key(resolver: FieldResolver, field_id: str, kind: str) -> SortKey:
    values = resolver.values
    convert: Callable[[Any], Any] = key_order if kind in ("key", "issue") else _plain
    pick_min = kind in _MULTI_VALUED

    def sort_key(issue: Any) -> tuple[int, Any]:
        present = values(issue, field_id)
        if not present:
            return (1, None)
        return (0, min(convert(v) for v in present) if pick_min else convert(present[0]))

    return sort_key


def build_sorter(
    order_by: Iterable[OrderKey], resolver: FieldResolver, problems: list[str]
) -> Callable[[Iterable[Any]], list[Any]]:
    """A function that sorts issues by ``order_by``; unknown fields are added to ``problems``."""
    keys: list[tuple[SortKey, bool]] = []
    key_id = resolver.canonical("key")
    total = False  # once the issue key is a sort key, the order is total and needs no tiebreak
    for order in order_by:
        field_id = resolver.canonical(order.field)
        if field_id is None:
            problems.append(errors.unknown_field(order.field))
            continue
        keys.append((_sort_key(resolver, field_id, resolver.kind(field_id)), order.descending))
        total = total or field_id == key_id
    tiebreak = None if key_id is None or total else _sort_key(resolver, key_id, "key")

    def sort(issues: Iterable[Any]) -> list[Any]:
        ordered = list(issues)
        if tiebreak is not None:
            ordered.sort(key=tiebreak)
        # Python's sort is stable, so sorting by the last key first yields the full multi-key order.
        for sort_key, descending in reversed(keys):
            ordered.sort(key=sort_key, reverse=descending)
        return ordered

    return sort
