"""Portfolio-wide numbers computed from items and findings: pure, shared by ``check`` and ``report``.

``index`` links items to their children and ancestors once; ``weekly_metrics`` is what each check run
records per ISO week (portfolio and per project) so the weekly report can draw 12-week trends.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from pmo_bot.domain import Finding, Item, Severity
from pmo_bot.rules.context import EvaluationContext
from pmo_bot.rules.goals import ancestors_of
from pmo_bot.rules.metrics import Metrics


@dataclass(frozen=True, slots=True)
class Index:
    by_key: Mapping[str, Item]
    children: Mapping[str, Sequence[Item]]

    def ancestors(self, item: Item) -> tuple[Item, ...]:
        return ancestors_of(item, self.by_key)

    def metrics(self, item: Item, ctx: EvaluationContext) -> Metrics:
        return Metrics(item, self.children.get(item.key, ()), ctx, self.ancestors(item))


def index(items: Iterable[Item]) -> Index:
    by_key = {item.key: item for item in items}
    children: dict[str, list[Item]] = defaultdict(list)
    for item in by_key.values():
        if item.parent_key and item.parent_key in by_key:
            children[item.parent_key].append(item)
    return Index(by_key, dict(children))


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _scope_metrics(
    items: Sequence[Item], findings: Sequence[Finding], idx: Index, ctx: EvaluationContext
) -> dict[str, Any]:
    open_findings = [f for f in findings if not f.waived]
    with_errors = {f.item_key for f in open_findings if f.severity is Severity.ERROR}
    by_severity = {s.value: sum(1 for f in open_findings if f.severity is s) for s in Severity}
    budget = cost = 0.0
    overdue = 0
    for item in items:
        m = idx.metrics(item, ctx)
        if item.is_epic and item.budget:
            budget += item.budget
            cost += float(m["cost"] or 0.0)
        if not item.is_done and (m["days_overdue"] or 0) > 0:
            overdue += 1
    total = len(items)
    return {
        "items": total,
        "items_with_errors": len(with_errors),
        "compliance_score": round(1 - len(with_errors) / total, 4) if total else 1.0,
        "open_findings": len(open_findings),
        "open_by_severity": by_severity,
        "waived": sum(1 for f in findings if f.waived),
        "budget": round(budget, 2),
        "cost": round(cost, 2),
        "burn": round(cost / budget, 4) if budget else None,
        "overdue": overdue,
    }


def weekly_metrics(
    items: Sequence[Item], findings: Sequence[Finding], ctx: EvaluationContext
) -> dict[str, dict[str, Any]]:
    """Scope ("portfolio" or a project key) -> the numbers trends are drawn from."""
    idx = index(items)
    by_project: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        by_project[item.project].append(item)
    findings_by_project: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        holder = idx.by_key.get(finding.item_key)
        if holder is not None:
            findings_by_project[holder.project].append(finding)
    scopes = {"portfolio": _scope_metrics(items, findings, idx, ctx)}
    for project, members in sorted(by_project.items()):
        scopes[project] = _scope_metrics(members, findings_by_project[project], idx, ctx)
    return scopes
