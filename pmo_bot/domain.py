"""Typed, frozen domain objects shared by every stage.

Raw Jira JSON stops at the normaliser (``pmo_bot.jira.normalize``); after it, everything is one of these.
Nothing mutates what it was given: stages build new objects.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any

EMPTY: Mapping[str, Any] = MappingProxyType({})


class StatusCategory(StrEnum):
    """Jira's three status categories (``statusCategory.key``)."""

    NEW = "new"
    IN_PROGRESS = "indeterminate"
    DONE = "done"


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return {"info": 0, "warning": 1, "error": 2}[self.value]


class Mode(StrEnum):
    """``audit`` records and reports; ``enforce`` also comments on the ticket."""

    AUDIT = "audit"
    ENFORCE = "enforce"


@dataclass(frozen=True, slots=True)
class Worklog:
    started: datetime
    seconds: int
    author: str | None = None


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One changelog entry for one field (``field`` is Jira's changelog field name, e.g. ``duedate``)."""

    field: str
    at: datetime
    from_value: str | None
    to_value: str | None


@dataclass(frozen=True, slots=True)
class Item:
    """A normalized Jira issue (epic, story, task, bug, sub-task, initiative...).

    Dates are ``date``; instants are timezone-aware ``datetime``. Text is plain text (ADF and wiki markup are
    flattened by the normaliser). ``extra`` holds further mapped custom fields by their configured name.
    """

    key: str
    id: str
    project: str
    issue_type: str
    hierarchy_level: int  # 1 epic, 0 standard issue, -1 sub-task, 2+ initiative and above
    summary: str
    status: str
    status_category: StatusCategory
    created: datetime
    updated: datetime
    description: str | None = None
    assignee: str | None = None
    reporter: str | None = None
    priority: str | None = None
    labels: tuple[str, ...] = ()
    components: tuple[str, ...] = ()
    fix_versions: tuple[str, ...] = ()
    resolution: str | None = None
    resolved: datetime | None = None
    due_date: date | None = None
    start_date: date | None = None
    parent_key: str | None = None  # the epic (Cloud ``parent``, DC "Epic Link") or the parent of a sub-task
    budget: float | None = None
    actual_cost: float | None = None
    story_points: float | None = None
    team: str | None = None
    goal: str | None = None  # raw value of the strategic-goal field, if that is how work links to goals
    time_spent_seconds: int | None = None
    original_estimate_seconds: int | None = None
    remaining_estimate_seconds: int | None = None
    status_changed: datetime | None = None  # when the current status was entered (from the changelog)
    # The last change a person made (changelog, comment, worklog; never the bot's own writes). None: unknown,
    # and ``updated`` stands in for it.
    last_activity: datetime | None = None
    worklogs: tuple[Worklog, ...] = ()
    changelog: tuple[FieldChange, ...] = ()
    # A factory: Python 3.11 rejects a mappingproxy default as mutable (it is unhashable there).
    extra: Mapping[str, Any] = field(default_factory=lambda: EMPTY, compare=False)

    @property
    def is_epic(self) -> bool:
        return self.hierarchy_level == 1

    @property
    def is_done(self) -> bool:
        return self.status_category is StatusCategory.DONE


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule's verdict on one item. ``fingerprint`` changes exactly when what a reader sees would change."""

    rule_id: str
    item_key: str
    title: str
    severity: Severity
    category: str
    mode: Mode
    observed: str
    expected: str
    message: str
    remediation: str
    fingerprint: str
    waiver: str | None = None  # "reason (approved by X, until YYYY-MM-DD)" when waived

    @property
    def waived(self) -> bool:
        return self.waiver is not None
