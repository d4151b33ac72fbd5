"""Report inputs from the sandbox's demo portfolio, without a store: seed issues become domain items through a
small adapter (the normaliser's job in miniature), the default rule pack is evaluated, and each finding is
wrapped as an open (or waived) stored finding first seen on a day derived from the item."""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from pmo_bot.domain import FieldChange, Item, StatusCategory, Worklog
from pmo_bot.report.inputs import ReportInputs
from pmo_bot.rules.engine import evaluate
from pmo_bot.rules.loader import load
from pmo_bot.sandbox.seed import demo
from pmo_bot.sandbox.seed.model import ISSUE_TYPES, STATUSES, SeedIssue
from pmo_bot.store.records import FindingStatus, StoredFinding

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)  # a Wednesday
TODAY = NOW.date()
RULES = Path(__file__).resolve().parents[2] / "rules"
KEPT_CHANGES = {"duedate", "status"}


def to_item(issue: SeedIssue, names: dict[str, str] | None = None) -> Item:
    """``names``: account id -> display name (what the normaliser keeps for people)."""
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


@functools.cache  # inputs are immutable: the golden and screenshot tests share one build per process
def demo_inputs(top_n: int = 20, jira_server_id: str | None = None) -> ReportInputs:
    data = demo.generate(1, now=NOW)
    names = {user.account_id: user.display_name for user in data.users}
    items = tuple(to_item(issue, names) for issue in data.issues)
    bundle = load([RULES], today=TODAY)
    context = bundle.context(TODAY)
    created = {item.key: item.created for item in items}
    stored = []
    for finding in evaluate(bundle.ruleset, items, context):
        # Deterministic first sightings spread over the weeks since the item was created.
        first = max(created[finding.item_key], NOW - timedelta(days=7 * (len(finding.item_key) % 5)))
        status = FindingStatus.WAIVED if finding.waived else FindingStatus.OPEN
        stored.append(StoredFinding(finding, status, first, NOW))
    return ReportInputs(
        week="2026-W48",
        today=TODAY,
        items=items,
        findings=tuple(stored),
        ruleset=bundle.ruleset,
        context=context,
        waivers=bundle.waivers,
        last_check=None,
        history={},
        jira_browse_url="https://jira.example.com/browse",
        jira_server_id=jira_server_id,
        top_n=top_n,
    )


__all__ = ["NOW", "TODAY", "date", "demo_inputs", "to_item"]
