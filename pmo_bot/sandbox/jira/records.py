"""Compact mutable records of the emulated Jira: slotted classes, Python values, no JSON.

Rich text (descriptions, comment and worklog bodies) is a ``Body``: a wiki-markup string when it arrived as
text (seed data, REST v2) or an ADF dict when it arrived through REST v3. It is stored once and converted on
the way out (``pmo_bot.sandbox.markup``).
"""

from __future__ import annotations

import copy
from datetime import date, datetime
from typing import Any

Body = str | dict[str, Any]

# One changelog item: (field, fieldtype, fieldId, from, fromString, to, toString).
ChangeItem = tuple[str, str, str, str | None, str | None, str | None, str | None]


class User:
    __slots__ = ("account_id", "active", "display_name", "email", "key", "name")

    def __init__(self, account_id: str, name: str, key: str, display_name: str, email: str) -> None:
        self.account_id = account_id
        self.name = name
        self.key = key
        self.display_name = display_name
        self.email = email
        self.active = True


class Project:
    __slots__ = ("id", "key", "lead", "name")

    def __init__(self, id: int, key: str, name: str, lead: str) -> None:
        self.id = id
        self.key = key
        self.name = name
        self.lead = lead


class Comment:
    __slots__ = ("author", "body", "created", "id", "issue_id", "properties", "update_author", "updated")

    def __init__(self, id: int, issue_id: int, author: str, body: Body, created: datetime) -> None:
        self.id = id
        self.issue_id = issue_id
        self.author = author
        self.update_author = author
        self.body: Body = body
        self.created = created
        self.updated = created
        self.properties: dict[str, Any] = {}


class Worklog:
    __slots__ = ("author", "comment", "created", "id", "issue_id", "seconds", "started", "updated")

    def __init__(
        self, id: int, issue_id: int, author: str, started: datetime, seconds: int, comment: Body, created: datetime
    ) -> None:
        self.id = id
        self.issue_id = issue_id
        self.author = author
        self.started = started
        self.seconds = seconds
        self.comment: Body = comment
        self.created = created
        self.updated = created


class Change:
    __slots__ = ("at", "author", "id", "items")

    def __init__(self, id: int, at: datetime, author: str, items: list[ChangeItem]) -> None:
        self.id = id
        self.at = at
        self.author = author
        self.items = items


class Issue:
    """One issue. ``parent`` is the parent's key whatever the flavour; the JSON layer decides how to show it."""

    __slots__ = (
        "assignee",
        "comments",
        "components",
        "created",
        "custom",
        "description",
        "due_date",
        "epic_name",
        "fix_versions",
        "history",
        "id",
        "issue_type",
        "key",
        "labels",
        "number",
        "original_estimate",
        "parent",
        "priority",
        "project",
        "properties",
        "remaining_estimate",
        "reporter",
        "resolution",
        "resolved",
        "status",
        "summary",
        "updated",
        "worklogs",
    )

    def __init__(
        self,
        id: int,
        key: str,
        project: str,
        issue_type: str,
        summary: str,
        status: str,
        created: datetime,
        reporter: str,
    ) -> None:
        self.id = id
        self.key = key
        self.project = project
        self.number = int(key.rsplit("-", 1)[1])
        self.issue_type = issue_type
        self.summary = summary
        self.status = status
        self.created = created
        self.updated = created
        self.reporter = reporter
        self.assignee: str | None = None
        self.priority = "Medium"
        self.labels: list[str] = []
        self.components: tuple[str, ...] = ()
        self.fix_versions: tuple[str, ...] = ()
        self.parent: str | None = None
        self.epic_name: str | None = None
        self.due_date: date | None = None
        self.resolution: str | None = None
        self.resolved: datetime | None = None
        self.description: Body | None = None
        self.custom: dict[str, Any] = {}  # custom field id -> Python value (float, option value, date, str)
        self.original_estimate: int | None = None
        self.remaining_estimate: int | None = None
        self.worklogs: list[Worklog] = []
        self.comments: list[Comment] = []
        self.properties: dict[str, Any] = {}
        self.history: list[Change] = []

    def clone(self) -> Issue:
        """A copy whose containers can change independently (for stale search views)."""
        other = copy.copy(self)
        other.labels = list(self.labels)
        other.custom = dict(self.custom)
        other.worklogs = list(self.worklogs)
        other.comments = list(self.comments)
        other.properties = dict(self.properties)
        other.history = list(self.history)
        return other
