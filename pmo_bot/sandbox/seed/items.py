"""Seed data as domain items, without HTTP: what the normaliser would produce from the sandbox's issues.

For benchmarks and tests that exercise the rules or the report on the demo or synthetic portfolio without
starting a sandbox. ``names`` maps account ids to display names, as the normaliser keeps people.
"""

from __future__ import annotations

from collections.abc import Mapping

from pmo_bot.domain import FieldChange, Item, StatusCategory, Worklog
from pmo_bot.sandbox.seed.model import ISSUE_TYPES, STATUSES, SeedIssue

KEPT_CHANGES = frozenset({"duedate", "status"})  # the changelog fields the rules and metrics read


def to_item(issue: SeedIssue, names: Mapping[str, str] | None = None) -> Item:
    names = names or {}
    status_changed = max((c.at for c in issue.history if c.field == "status"), default=None)
    return Item(
        key=issue.key, id=issue.key, project=issue.project, issue_type=issue.issue_type,
        hierarchy_level=ISSUE_TYPES[issue.issue_type], summary=issue.summary, status=issue.status,
        status_category=StatusCategory(STATUSES[issue.status]), created=issue.created, updated=issue.updated,
        description=issue.description, assignee=names.get(issue.assignee or "", issue.assignee),
        reporter=names.get(issue.reporter, issue.reporter), priority=issue.priority,
        labels=issue.labels, components=issue.components, fix_versions=issue.fix_versions,
        resolution=issue.resolution, resolved=issue.resolved, due_date=issue.due_date, start_date=issue.start_date,
        parent_key=issue.parent, budget=issue.budget, actual_cost=issue.actual_cost,
        story_points=issue.story_points, team=issue.team, goal=issue.goal,
        time_spent_seconds=sum(w.seconds for w in issue.worklogs) or None,
        original_estimate_seconds=issue.original_estimate_seconds,
        remaining_estimate_seconds=issue.remaining_estimate_seconds, status_changed=status_changed,
        worklogs=tuple(Worklog(w.started, w.seconds, w.author) for w in issue.worklogs),
        changelog=tuple(
            FieldChange(c.field, c.at, c.from_string, c.to_string) for c in issue.history if c.field in KEPT_CHANGES
        ),
    )  # fmt: skip
