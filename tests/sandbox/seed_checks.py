"""Invariants every generated ``SeedData`` must satisfy, and PMO-problem predicates written independently of the
generators (they read the data the way a rule would, not the way it was made)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from pmo_bot.sandbox.seed.model import ISSUE_TYPES, STATUSES, SeedData, SeedIssue

RATE_PER_HOUR = 100


def invariant_violations(data: SeedData) -> list[str]:
    """Every broken invariant, as readable lines (empty when the data is sound)."""
    bad: list[str] = []
    now = data.now
    assert now is not None
    users = {user.account_id for user in data.users}
    projects = {project.key for project in data.projects}
    goals = {goal.name for goal in data.goals}
    position: dict[str, int] = {}
    last_number: dict[str, int] = {}
    for index, issue in enumerate(data.issues):
        key = issue.key
        if key in position:
            bad.append(f"{key}: duplicate key")
        position[key] = index
        prefix, _, number = key.partition("-")
        if prefix != issue.project or issue.project not in projects:
            bad.append(f"{key}: project {issue.project!r} does not match its key or is unknown")
        if int(number) != last_number.get(prefix, 0) + 1:
            bad.append(f"{key}: numbers in {prefix} do not run 1, 2, 3... in order")
        last_number[prefix] = int(number)
        if issue.issue_type not in ISSUE_TYPES or issue.status not in STATUSES:
            bad.append(f"{key}: unknown type {issue.issue_type!r} or status {issue.status!r}")
            continue
        bad.extend(_hierarchy(issue, data, position))
        done = STATUSES[issue.status] == "done"
        if done != (issue.resolution is not None) or done != (issue.resolved is not None):
            bad.append(f"{key}: resolution/resolved do not match status {issue.status!r}")
        if not issue.created <= issue.updated <= now:
            bad.append(f"{key}: created <= updated <= now does not hold")
        if issue.resolved is not None and not issue.created <= issue.resolved <= issue.updated:
            bad.append(f"{key}: resolved outside [created, updated]")
        for worklog in issue.worklogs:
            if not issue.created <= worklog.started <= now or worklog.seconds <= 0 or worklog.author not in users:
                bad.append(f"{key}: worklog {worklog} outside [created, now] or by an unknown author")
        bad.extend(_history(issue, users))
        people = {issue.reporter, issue.assignee} - {None}
        if not people <= users:
            bad.append(f"{key}: unknown reporter or assignee")
        if issue.goal is not None and issue.goal not in goals:
            bad.append(f"{key}: goal {issue.goal!r} is not an option")
        if issue.team is not None and issue.team not in data.teams:
            bad.append(f"{key}: team {issue.team!r} unknown")
        if (issue.epic_name is not None) != (issue.issue_type == "Epic"):
            bad.append(f"{key}: epic name set on a non-epic or missing on an epic")
        if issue.start_date and issue.due_date and issue.due_date < issue.start_date:
            bad.append(f"{key}: due date before start date")
    return bad


def _hierarchy(issue: SeedIssue, data: SeedData, position: dict[str, int]) -> list[str]:
    level = ISSUE_TYPES[issue.issue_type]
    if issue.parent is None:
        return [f"{issue.key}: a sub-task without a parent"] if level == -1 else []
    if issue.parent not in position:
        return [f"{issue.key}: parent {issue.parent} missing or not before it"]
    parent = data.issues[position[issue.parent]]
    if ISSUE_TYPES[parent.issue_type] != level + 1:
        return [f"{issue.key}: parent {parent.key} is a {parent.issue_type}, not one level up"]
    return []


def _history(issue: SeedIssue, users: set[str]) -> list[str]:
    bad = []
    for change in issue.history:
        if not issue.created <= change.at <= issue.updated or change.author not in users:
            bad.append(f"{issue.key}: change {change} outside [created, updated] or by an unknown author")
    if [c.at for c in issue.history] != sorted(c.at for c in issue.history):
        bad.append(f"{issue.key}: history not in time order")
    statuses = [c for c in issue.history if c.field == "status"]
    chain = ["To Do"] + [c.to_string for c in statuses]
    if statuses and ([c.from_string for c in statuses] != chain[:-1] or chain[-1] != issue.status):
        bad.append(f"{issue.key}: status changes do not lead from To Do to {issue.status!r}")
    return bad


class Portfolio:
    """Derived views of seed data: children, cost, progress, as a rule engine would compute them."""

    def __init__(self, data: SeedData) -> None:
        assert data.now is not None
        self.data, self.today, self.now = data, data.now.date(), data.now
        self.children: dict[str, list[SeedIssue]] = {}
        for issue in data.issues:
            if issue.parent is not None:
                self.children.setdefault(issue.parent, []).append(issue)
        self.retired = {goal.name for goal in data.goals if goal.status == "retired"}

    def below(self, issue: SeedIssue) -> list[SeedIssue]:
        found = []
        for child in self.children.get(issue.key, []):
            found += [child, *self.below(child)]
        return found

    def cost(self, issue: SeedIssue) -> float:
        seconds = sum(w.seconds for item in (issue, *self.below(issue)) for w in item.worklogs)
        return seconds / 3600 * RATE_PER_HOUR

    def progress(self, epic: SeedIssue) -> float:
        children = self.children.get(epic.key, [])
        return sum(done(child) for child in children) / len(children) if children else 0.0


def done(issue: SeedIssue) -> bool:
    return STATUSES[issue.status] == "done"


def active(issue: SeedIssue) -> bool:
    return STATUSES[issue.status] == "indeterminate"


def epic(issue: SeedIssue) -> bool:
    return issue.issue_type == "Epic"


def _burn_ahead(p: Portfolio, i: SeedIssue) -> bool:
    if not epic(i) or done(i) or not i.budget or p.cost(i) > i.budget:
        return False
    return p.cost(i) / i.budget - p.progress(i) >= 0.25


def _children_done(p: Portfolio, i: SeedIssue) -> bool:
    children = p.children.get(i.key, [])
    return epic(i) and not done(i) and bool(children) and all(done(c) for c in children)


# Problem code -> predicate(portfolio, issue). The codes are those of ``demo.PROBLEMS``.
PREDICATES: dict[str, Callable[[Portfolio, SeedIssue], bool]] = {
    "epic-without-goal": lambda p, i: epic(i) and i.goal is None,
    "epic-under-retired-goal": lambda p, i: i.goal in p.retired,
    "over-budget": lambda p, i: epic(i) and i.budget is not None and p.cost(i) > i.budget,
    "burning-faster-than-progress": _burn_ahead,
    "overdue": lambda p, i: not done(i) and i.due_date is not None and i.due_date < p.today,
    "no-due-date": lambda p, i: epic(i) and not done(i) and i.due_date is None,
    "no-start-date": lambda p, i: epic(i) and not done(i) and i.start_date is None,
    "due-date-slipped-3-times": lambda p, i: sum(c.field == "duedate" for c in i.history) >= 3,
    "stale-in-progress": lambda p, i: active(i) and p.now - i.updated > timedelta(days=30),
    "children-done-epic-open": _children_done,
    "time-logged-on-closed-epic": lambda p, i: (
        epic(i) and done(i) and any(i.resolved and w.started > i.resolved for w in i.worklogs)
    ),
    "no-budget-in-progress": lambda p, i: epic(i) and active(i) and i.budget is None,
    "no-owner": lambda p, i: ISSUE_TYPES[i.issue_type] >= 1 and i.assignee is None,
    "unassigned-in-progress": lambda p, i: active(i) and i.assignee is None,
    "story-without-acceptance-criteria": lambda p, i: (
        i.issue_type == "Story" and not done(i) and "acceptance criteria" not in (i.description or "").lower()
    ),
    "hostile-text": lambda p, i: any(ch in '<>&"{}' or ord(ch) > 127 for ch in i.summary),
}


def problem_keys(data: SeedData) -> dict[str, set[str]]:
    portfolio = Portfolio(data)
    return {
        code: {issue.key for issue in data.issues if predicate(portfolio, issue)}
        for code, predicate in PREDICATES.items()
    }
