"""The neutral shape of seed data: what generators produce and what the sandbox state loads.

Generators (``demo``, ``synthetic``) know nothing of HTTP or storage; the state knows nothing of how data was
invented. Field values are Python values (``date``, ``datetime``, numbers, plain text), not Jira JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

# Issue types: name -> hierarchy level (Cloud's single hierarchy; DC uses the same levels for its types).
ISSUE_TYPES: dict[str, int] = {
    "Initiative": 2,
    "Epic": 1,
    "Story": 0,
    "Task": 0,
    "Bug": 0,
    "Sub-task": -1,
}

# Workflow statuses: name -> status category key.
STATUSES: dict[str, str] = {
    "To Do": "new",
    "Backlog": "new",
    "In Progress": "indeterminate",
    "In Review": "indeterminate",
    "Blocked": "indeterminate",
    "Done": "done",
    "Cancelled": "done",
}

# Custom fields every seeded site has: display name -> (custom type key, searcher / shape).
# The shape is one of: "number", "select", "date", "string", "epic-link", "epic-name".
CUSTOM_FIELDS: dict[str, tuple[str, str]] = {
    "Budget": ("com.atlassian.jira.plugin.system.customfieldtypes:float", "number"),
    "Actual Cost": ("com.atlassian.jira.plugin.system.customfieldtypes:float", "number"),
    "Strategic Goal": ("com.atlassian.jira.plugin.system.customfieldtypes:select", "select"),
    "Start date": ("com.atlassian.jira.plugin.system.customfieldtypes:datepicker", "date"),
    "Story Points": ("com.atlassian.jira.plugin.system.customfieldtypes:float", "number"),
    "Team": ("com.atlassian.jira.plugin.system.customfieldtypes:select", "select"),
    # Data Center only (Cloud links epics through ``parent``):
    "Epic Link": ("com.pyxis.greenhopper.jira:gh-epic-link", "epic-link"),
    "Epic Name": ("com.pyxis.greenhopper.jira:gh-epic-label", "epic-name"),
}


@dataclass(frozen=True, slots=True)
class SeedUser:
    account_id: str  # Cloud accountId; on DC also used as ``key``
    name: str  # DC username
    display_name: str
    email: str
    team: str | None = None


@dataclass(frozen=True, slots=True)
class SeedProject:
    key: str
    name: str
    lead: str  # account_id


@dataclass(frozen=True, slots=True)
class SeedWorklog:
    author: str  # account_id
    started: datetime
    seconds: int
    comment: str = ""


@dataclass(frozen=True, slots=True)
class SeedChange:
    """One changelog item. ``field`` uses Jira's changelog names: ``duedate``, ``status``, ``assignee``..."""

    at: datetime
    author: str  # account_id
    field: str
    from_string: str | None
    to_string: str | None


@dataclass(frozen=True, slots=True)
class SeedIssue:
    key: str  # "PROJ-12"; the number part orders issues within a project
    project: str
    issue_type: str  # a key of ISSUE_TYPES
    summary: str
    status: str  # a key of STATUSES
    created: datetime
    updated: datetime
    reporter: str  # account_id
    description: str | None = None  # plain text; paragraphs separated by blank lines
    assignee: str | None = None
    priority: str = "Medium"
    labels: tuple[str, ...] = ()
    components: tuple[str, ...] = ()
    fix_versions: tuple[str, ...] = ()
    parent: str | None = None  # epic key for standard issues, parent key for sub-tasks, initiative for epics
    epic_name: str | None = None  # epics only (DC requires it)
    due_date: date | None = None
    start_date: date | None = None
    budget: float | None = None
    actual_cost: float | None = None
    story_points: float | None = None
    team: str | None = None
    goal: str | None = None  # a Strategic Goal option value
    original_estimate_seconds: int | None = None
    remaining_estimate_seconds: int | None = None
    resolution: str | None = None
    resolved: datetime | None = None
    worklogs: tuple[SeedWorklog, ...] = ()
    history: tuple[SeedChange, ...] = ()


@dataclass(frozen=True, slots=True)
class SeedGoal:
    """A strategic goal as the seeded site knows it: an option of the Strategic Goal select field."""

    id: str
    name: str
    status: str  # "active" | "retired"


@dataclass(frozen=True, slots=True)
class SeedPage:
    title: str
    body: str  # storage format
    parent_title: str | None = None  # None: child of the space home page


@dataclass(frozen=True, slots=True)
class SeedSpace:
    key: str
    name: str
    home_title: str
    pages: tuple[SeedPage, ...] = ()
    home_body: str = ""  # storage format of the home page


@dataclass(frozen=True, slots=True)
class SeedData:
    users: tuple[SeedUser, ...]
    projects: tuple[SeedProject, ...]
    goals: tuple[SeedGoal, ...]
    issues: tuple[SeedIssue, ...]
    spaces: tuple[SeedSpace, ...]
    teams: tuple[str, ...] = field(default=())
    now: datetime | None = None  # the instant the data was generated "as of"
