"""The item fields a rule may name, with their value kinds: the catalogue behind ``field:`` in conditions.

Derived from ``pmo_bot.domain.Item`` so that it cannot drift: a test fails when Item gains a field that has no
description here. ``extra.NAME`` reaches custom fields mapped by name; their kind is not known in advance.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, Literal

from pmo_bot.domain import Item

Kind = Literal["string", "number", "date", "instant", "list", "bool", "status-category", "any"]

# Which operators make sense for which kind of value; "any" accepts them all (checked at run time).
ORDERED_KINDS: frozenset[Kind] = frozenset({"number", "date", "instant", "any"})
DATE_KINDS: frozenset[Kind] = frozenset({"date", "instant", "any"})
TEXT_KINDS: frozenset[Kind] = frozenset({"string", "status-category", "any"})
CONTAINER_KINDS: frozenset[Kind] = frozenset({"string", "list", "any"})

EXTRA_PREFIX = "extra."


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    kind: Kind
    description: str
    example: str


_SPECS: tuple[FieldSpec, ...] = (
    FieldSpec("key", "string", "issue key", "PAY-12"),
    FieldSpec("id", "string", "Jira's numeric issue id, as text", "10012"),
    FieldSpec("project", "string", "project key", "PAY"),
    FieldSpec("issue_type", "string", "issue type name", "Epic"),
    FieldSpec("hierarchy_level", "number", "2 initiative, 1 epic, 0 standard issue, -1 sub-task", "1"),
    FieldSpec("summary", "string", "the one-line title", "Card tokenisation"),
    FieldSpec("status", "string", "workflow status name", "In Progress"),
    FieldSpec("status_category", "status-category", "new, indeterminate (in progress) or done", "done"),
    FieldSpec("created", "instant", "when the issue was created", "2026-10-01T09:00:00Z"),
    FieldSpec("updated", "instant", "when the issue was last updated", "2026-11-20T16:30:00Z"),
    FieldSpec("description", "string", "the description, as plain text", "As a payer I want..."),
    FieldSpec("assignee", "string", "assignee display name or id", "jane.doe"),
    FieldSpec("reporter", "string", "reporter display name or id", "john.roe"),
    FieldSpec("priority", "string", "priority name", "High"),
    FieldSpec("labels", "list", "labels", "[customer-facing]"),
    FieldSpec("components", "list", "component names", "[Checkout]"),
    FieldSpec("fix_versions", "list", "fix version names", "[2026.12]"),
    FieldSpec("resolution", "string", "resolution name, when resolved", "Done"),
    FieldSpec("resolved", "instant", "when the issue was resolved", "2026-11-21T10:00:00Z"),
    FieldSpec("due_date", "date", "due date (or target end)", "2026-12-31"),
    FieldSpec("start_date", "date", "start date (or target start)", "2026-10-01"),
    FieldSpec("parent_key", "string", "the parent epic or issue", "PAY-1"),
    FieldSpec("budget", "number", "the Budget field", "120000"),
    FieldSpec("actual_cost", "number", "the Actual Cost field, when used", "80500"),
    FieldSpec("story_points", "number", "story points", "5"),
    FieldSpec("team", "string", "team (or role) name", "Platform"),
    FieldSpec("goal", "string", "the raw Strategic Goal field value", "G-PAY-2026"),
    FieldSpec("time_spent_seconds", "number", "time logged on the issue itself, in seconds", "28800"),
    FieldSpec("original_estimate_seconds", "number", "original estimate, in seconds", "144000"),
    FieldSpec("remaining_estimate_seconds", "number", "remaining estimate, in seconds", "72000"),
    FieldSpec("status_changed", "instant", "when the current status was entered", "2026-11-03T08:00:00Z"),
)

FIELDS: Mapping[str, FieldSpec] = {spec.name: spec for spec in _SPECS}
# Item attributes deliberately not offered as fields (metrics summarise them instead).
NOT_FIELDS: frozenset[str] = frozenset({"worklogs", "changelog", "extra", "last_activity"})


def field_kind(name: str) -> Kind | None:
    """The kind of a field name (``extra.*`` is ``any``), or ``None`` when the name is unknown."""
    if name.startswith(EXTRA_PREFIX) and len(name) > len(EXTRA_PREFIX):
        return "any"
    spec = FIELDS.get(name)
    return spec.kind if spec else None


def field_getter(name: str) -> Callable[[Item], Any]:
    """A fast accessor for a known field name."""
    if name.startswith(EXTRA_PREFIX):
        extra_name = name[len(EXTRA_PREFIX) :]
        return lambda item: item.extra.get(extra_name)
    return attrgetter(name)
