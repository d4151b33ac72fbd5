"""A tiny portfolio and field resolver for the JQL engine's tests (no sandbox state involved)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any


@dataclass(frozen=True)
class FakeIssue:
    key: str
    project: tuple[str, str]  # key, name
    issuetype: str
    status: str
    category: tuple[str, str]  # key, name
    summary: str
    created: datetime
    updated: datetime
    labels: tuple[str, ...] = ()
    parent: str | None = None
    epic_link: str | None = None
    assignee: str | None = None
    due: date | None = None
    resolution: str | None = None
    resolved: datetime | None = None
    fix_versions: tuple[str, ...] = ()
    priority: str = "Medium"
    description: str = ""
    budget: float | None = None
    goal: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


TODO, PROGRESS, DONE = ("new", "To Do"), ("indeterminate", "In Progress"), ("done", "Done")
PMO, OPS = ("PMO", "Portfolio"), ("OPS", "Operations")

ISSUES = [
    FakeIssue("PMO-1", PMO, "Epic", "In Progress", PROGRESS, "Budget overrun on migration",
              _utc(2026, 11, 1, 9), _utc(2026, 11, 25, 10), labels=("pmo-risk",), assignee="alice",
              due=date(2026, 11, 20), fix_versions=("1.0",), priority="High", budget=1000.0, goal="Growth"),
    FakeIssue("PMO-2", PMO, "Story", "Done", DONE, "Migrate budgets to the new ledger",
              _utc(2026, 11, 2, 9), _utc(2026, 11, 27, 23, 30), parent="PMO-1", assignee="bob",
              resolution="Fixed", resolved=_utc(2026, 11, 27, 23, 30), description="Ledger cut-over plan"),
    FakeIssue("PMO-10", PMO, "Task", "To Do", TODO, "Window cleaning schedule",
              _utc(2026, 11, 10, 9), _utc(2026, 11, 28, 8), labels=("pmo-risk", "ops"), parent="PMO-1",
              due=date(2026, 11, 28), budget=250.5, goal="Efficiency"),
    FakeIssue("OPS-3", OPS, "Bug", "Blocked", PROGRESS, "Server windows update fails",
              _utc(2026, 10, 3, 9), _utc(2026, 11, 20, 9), labels=("ops",), assignee="alice",
              due=date(2026, 12, 1), fix_versions=("2.0",), budget=5000.0, goal="Growth"),
    FakeIssue("OPS-12", OPS, "Epic", "Cancelled", DONE, "Retired goal work",
              _utc(2026, 9, 1, 9), _utc(2026, 11, 15, 9), assignee="carol", due=date(2026, 11, 27),
              resolution="Won't Do", resolved=_utc(2026, 11, 15, 9)),
    FakeIssue("DC-1", ("DC", "Data Centre"), "Story", "In Review", PROGRESS, "Epic link child",
              _utc(2026, 11, 25, 9), _utc(2026, 11, 26, 9), epic_link="OPS-12", assignee="bob"),
]  # fmt: skip

# Clause name (lower case) -> (field id, kind).
FIELDS: dict[str, tuple[str, str]] = {
    "project": ("project", "project"),
    "key": ("issuekey", "key"),
    "issuekey": ("issuekey", "key"),
    "issuetype": ("issuetype", "issuetype"),
    "type": ("issuetype", "issuetype"),
    "status": ("status", "status"),
    "statuscategory": ("statusCategory", "statuscategory"),
    "labels": ("labels", "labels"),
    "parent": ("parent", "issue"),
    "epic link": ("customfield_10014", "issue"),
    "cf[10014]": ("customfield_10014", "issue"),
    "assignee": ("assignee", "user"),
    "created": ("created", "datetime"),
    "createddate": ("created", "datetime"),
    "updated": ("updated", "datetime"),
    "updateddate": ("updated", "datetime"),
    "duedate": ("duedate", "date"),
    "due": ("duedate", "date"),
    "resolution": ("resolution", "resolution"),
    "resolutiondate": ("resolutiondate", "datetime"),
    "resolved": ("resolutiondate", "datetime"),
    "fixversion": ("fixVersions", "version"),
    "priority": ("priority", "option"),
    "summary": ("summary", "text"),
    "description": ("description", "text"),
    "text": ("text", "text"),
    "budget": ("customfield_10010", "number"),
    "cf[10010]": ("customfield_10010", "number"),
    "strategic goal": ("customfield_10011", "option"),
    "cf[10011]": ("customfield_10011", "option"),
}
_KINDS = dict(FIELDS.values())


def _one(value: Any) -> list[Any]:
    return [] if value is None else [value]


class FakeResolver:
    """Maps clause names and reads FakeIssue attributes the way the sandbox's resolver is meant to."""

    def __init__(self) -> None:
        self.calls = 0

    def canonical(self, name: str) -> str | None:
        entry = FIELDS.get(name.lower())
        return None if entry is None else entry[0]

    def kind(self, field_id: str) -> str:
        return _KINDS[field_id]

    def values(self, issue: Any, field_id: str) -> list[Any]:
        self.calls += 1
        assert isinstance(issue, FakeIssue)
        readers: dict[str, Any] = {
            "project": list(issue.project),
            "issuekey": [issue.key],
            "issuetype": [issue.issuetype],
            "status": [issue.status],
            "statusCategory": list(issue.category),
            "labels": list(issue.labels),
            "parent": _one(issue.parent),
            "customfield_10014": _one(issue.epic_link),
            "assignee": _one(issue.assignee),
            "created": [issue.created],
            "updated": [issue.updated],
            "duedate": _one(issue.due),
            "resolution": _one(issue.resolution),
            "resolutiondate": _one(issue.resolved),
            "fixVersions": list(issue.fix_versions),
            "priority": [issue.priority],
            "summary": [issue.summary],
            "description": _one(issue.description or None),
            "text": [issue.summary, *_one(issue.description or None)],
            "customfield_10010": _one(issue.budget),
            "customfield_10011": _one(issue.goal),
        }
        return list(readers[field_id])


class DomainResolver(FakeResolver):
    """Also knows which projects and statuses exist, so unknown values are refused like Jira does."""

    def known_values(self, field_id: str) -> Collection[str] | None:
        if field_id == "project":
            return {part for issue in ISSUES for part in issue.project}
        if field_id == "status":
            return {issue.status for issue in ISSUES}
        if field_id in ("issuekey", "parent"):
            return {issue.key for issue in ISSUES}
        return None
