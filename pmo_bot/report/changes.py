"""What changed since the last published week: this week's ``WeekState`` against the one stored with that week.

A ``WeekState`` is the compact part of a week that "what changed" compares: project statuses, the epics at risk,
each budgeted epic's forecast, the open deliverables and the open findings. It is stored with every published
week (``report_snapshots``) and compared, never recomputed from today's data, so the section is the same
whenever the page is rebuilt. Lists are sorted: the same two states always give the same section.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from pmo_bot.report.context import (
    CategoryChange,
    Changes,
    EpicChange,
    ForecastMove,
    PortfolioReport,
    RagChange,
)
from pmo_bot.report.facts import Facts
from pmo_bot.report.weekstate import EpicFacts, WeekState

LARGEST_MOVES = 5  # forecast movements shown
MIN_MOVE = 1.0  # a forecast moving by less than one currency unit did not move


def week_state(facts: Facts, report: PortfolioReport) -> WeekState:
    at_risk = {r.key: r for r in report.epics_at_risk.rows}
    keys = {i.key for i in facts.items if i.is_epic} | {i.key for i in facts.deliverables(facts.items)}
    epics: dict[str, EpicFacts] = {}
    for key in sorted(keys):
        item = facts.index.by_key[key]
        m = facts.metrics(item)
        open_deliverable = item.hierarchy_level >= facts.policy.deliverable_min_level and not item.is_done
        overdue = open_deliverable and item.due_date is not None and item.due_date < facts.today
        risk = at_risk.get(key)
        epics[key] = EpicFacts(
            summary=item.summary,
            at_risk=risk is not None,
            at_stake=risk.at_stake if risk is not None else 0.0,
            eac=round(float(m["eac"]), 2) if item.is_epic and m["eac"] is not None else None,
            due_date=item.due_date,
            overdue=overdue,
            open_deliverable=open_deliverable and item.due_date is not None,
            done=item.is_done,
        )
    findings = sorted(
        (s.finding.category, s.finding.rule_id, s.finding.item_key)
        for found in facts.open_by_item.values()
        for s in found
    )
    return WeekState(report.week, {p.key: p.rag for p in report.projects}, epics, tuple(findings))


def changes(before: WeekState | None, now: WeekState, browse_url: str) -> Changes | None:
    """The "what changed" section, or None when no earlier week was stored (the first published week)."""
    if before is None:
        return None

    def url(key: str) -> str:
        return f"{browse_url.rstrip('/')}/{key}"

    def epic(key: str, e: EpicFacts) -> EpicChange:
        return EpicChange(key, url(key), e.summary, e.at_stake, e.due_date)

    projects = tuple(
        RagChange(key, before.projects[key], rag)
        for key, rag in sorted(now.projects.items())
        if key in before.projects and before.projects[key] is not rag
    )
    old, new = before.epics, now.epics
    newly = sorted(
        (epic(k, e) for k, e in new.items() if e.at_risk and not (k in old and old[k].at_risk)),
        key=lambda c: (-c.at_stake, c.key),
    )
    back = sorted(
        (epic(k, old[k]) for k, e in new.items() if k in old and old[k].at_risk and not e.at_risk),
        key=lambda c: (-c.at_stake, c.key),
    )
    overdue = sorted(
        (epic(k, e) for k, e in new.items() if e.overdue and not (k in old and old[k].overdue)),
        key=lambda c: (c.due_date or date.min, c.key),
    )
    delivered = sorted(
        (epic(k, old[k]) for k, e in new.items() if e.done and k in old and old[k].open_deliverable),
        key=lambda c: (c.due_date or date.min, c.key),
    )
    moves = []
    for key, e in new.items():
        was = old.get(key)
        if e.eac is None or was is None or was.eac is None or abs(e.eac - was.eac) < MIN_MOVE:
            continue
        moves.append(ForecastMove(key, url(key), e.summary, was.eac, e.eac, round(e.eac - was.eac, 2)))
    moves.sort(key=lambda m: (-abs(m.change), m.key))
    opened = Counter(c for c, *_ in set(now.findings) - set(before.findings))
    closed = Counter(c for c, *_ in set(before.findings) - set(now.findings))
    categories = tuple(CategoryChange(c, opened[c], closed[c]) for c in sorted(set(opened) | set(closed)))
    return Changes(
        since_week=before.week,
        projects=projects,
        newly_at_risk=tuple(newly),
        back_in_line=tuple(back),
        newly_overdue=tuple(overdue),
        delivered=tuple(delivered),
        forecasts=tuple(moves[:LARGEST_MOVES]),
        findings=categories,
    )
