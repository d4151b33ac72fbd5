"""What needs following up over time: aging findings, waivers, 12-week trends, and the rules in force."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from pmo_bot.domain import Severity
from pmo_bot.report.context import Count, FindingRow, Listing, RuleRow, TrendPoint, WaiverRow, Waivers
from pmo_bot.report.delivery import finding_row
from pmo_bot.report.facts import Facts
from pmo_bot.store.records import WeeklySnapshot

TREND_WEEKS = 12
AGE_BANDS: tuple[tuple[str, int], ...] = (("0-7 days", 7), ("8-30 days", 30), ("31-90 days", 90))
OLDEST = "over 90 days"


def aging(facts: Facts) -> tuple[Listing[FindingRow], tuple[Count, ...]]:
    rows = [finding_row(facts, s) for found in facts.open_by_item.values() for s in found]
    rows.sort(key=lambda r: (r.first_seen, -Severity(r.severity).rank, r.rule_id, r.item_key))
    bands: Counter[str] = Counter()
    for row in rows:
        bands[next((name for name, limit in AGE_BANDS if row.age_days <= limit), OLDEST)] += 1
    names = [name for name, _ in AGE_BANDS] + [OLDEST]
    return Listing(tuple(rows), facts.inputs.top_n, "findings-aging.csv"), tuple(Count(n, bands[n]) for n in names)


def waivers(facts: Facts) -> Waivers:
    horizon = facts.policy.horizon_days
    today = facts.today
    rows = sorted(
        (
            WaiverRow(w.rule_id, tuple(sorted(w.issue_keys)), w.reason, w.approver, w.expires, (w.expires - today).days)
            for w in facts.inputs.waivers
        ),
        key=lambda r: (r.expires, r.rule_id, r.issue_keys),
    )
    in_force = tuple(r for r in rows if r.days_left >= 0)
    return Waivers(
        in_force=in_force,
        expiring=tuple(r for r in in_force if r.days_left <= horizon),
        expired=tuple(sorted((r for r in rows if r.days_left < 0), key=lambda r: (-r.days_left, r.rule_id))),
        horizon_days=horizon,
    )


def live_metrics(facts: Facts, score: float, burn: float | None) -> Mapping[str, Any]:
    """This week's trend point with the definitions every check run records (``portfolio.weekly_metrics``:
    a test keeps the two in step): compliance, open findings, budget burn and open items past their due date."""
    today = facts.today
    overdue = sum(1 for i in facts.items if not i.is_done and i.due_date is not None and i.due_date < today)
    return {
        "compliance_score": round(score, 4),
        "open_findings": sum(len(found) for found in facts.open_by_item.values()),
        "burn": round(burn, 4) if burn is not None else None,
        "overdue": overdue,
    }


def _point(week: str, metrics: Mapping[str, Any]) -> TrendPoint:
    def number(name: str) -> Any:
        value = metrics.get(name)
        return value if isinstance(value, int | float) and not isinstance(value, bool) else None

    return TrendPoint(week, number("compliance_score"), number("open_findings"), number("burn"), number("overdue"))


def trends(facts: Facts, live: Mapping[str, Any]) -> tuple[TrendPoint, ...]:
    """The recorded weeks before the report's week, then the report's week from live numbers."""
    week = facts.inputs.week
    history: tuple[WeeklySnapshot, ...] = tuple(facts.inputs.history.get("portfolio", ()))
    earlier = {s.week: s for s in history if s.week < week}  # a week recorded twice: the later row wins
    points = [_point(w, earlier[w].metrics) for w in sorted(earlier)][-(TREND_WEEKS - 1) :]
    return (*points, _point(week, live))


def rules(facts: Facts) -> tuple[RuleRow, ...]:
    counts = Counter(s.finding.rule_id for found in facts.open_by_item.values() for s in found)
    return tuple(
        RuleRow(
            r.id,
            r.title,
            r.category,
            Severity(r.severity).value,
            r.mode.value if r.mode is not None else "default",
            counts[r.id],
        )
        for r in sorted(facts.inputs.ruleset.rules, key=lambda r: (r.category, r.id))
    )
