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


@dataclass(slots=True)
class _Sums:
    items: int = 0
    budget: float = 0.0
    cost: float = 0.0
    overdue: int = 0


class WeeklyTally:
    """``weekly_metrics`` a part of the portfolio at a time: ``add`` the items in key order (each part with an
    ``Index`` that also holds their children and ancestors), then ``result`` with every finding."""

    def __init__(self, ctx: EvaluationContext) -> None:
        self.ctx = ctx
        self.sums: dict[str, _Sums] = defaultdict(_Sums)
        self.project_of: dict[str, str] = {}

    def add(self, items: Iterable[Item], idx: Index) -> None:
        for item in items:
            self.project_of[item.key] = item.project
            m = idx.metrics(item, self.ctx)
            epic_cost = float(m["cost"] or 0.0) if item.is_epic and item.budget else None
            overdue = not item.is_done and (m["days_overdue"] or 0) > 0
            for scope in ("portfolio", item.project):
                sums = self.sums[scope]
                sums.items += 1
                if epic_cost is not None:
                    sums.budget += item.budget or 0.0
                    sums.cost += epic_cost
                sums.overdue += overdue

    def result(self, findings: Sequence[Finding]) -> dict[str, dict[str, Any]]:
        by_project: dict[str, list[Finding]] = defaultdict(list)
        for finding in findings:
            project = self.project_of.get(finding.item_key)
            if project is not None:
                by_project[project].append(finding)
        scopes = {"portfolio": _numbers(self.sums["portfolio"], findings)}
        for project in sorted(p for p in self.sums if p != "portfolio"):
            scopes[project] = _numbers(self.sums[project], by_project[project])
        return scopes


def _numbers(sums: _Sums, findings: Sequence[Finding]) -> dict[str, Any]:
    open_findings = [f for f in findings if not f.waived]
    with_errors = {f.item_key for f in open_findings if f.severity is Severity.ERROR}
    by_severity = {s.value: sum(1 for f in open_findings if f.severity is s) for s in Severity}
    total, budget, cost = sums.items, sums.budget, sums.cost
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
        "overdue": sums.overdue,
    }


def weekly_metrics(
    items: Sequence[Item], findings: Sequence[Finding], ctx: EvaluationContext
) -> dict[str, dict[str, Any]]:
    """Scope ("portfolio" or a project key) -> the numbers trends are drawn from."""
    tally = WeeklyTally(ctx)
    tally.add(items, index(items))
    return tally.result(findings)
