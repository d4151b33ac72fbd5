"""Money: budget, spend and earned value rolled up per project and for the portfolio; alignment to goals.

Roll-ups are over epics that have a budget (BAC > 0), so budget, spent and burn describe the same epics:
- budget = sum of BAC; spent = sum of their cost (AC); burn = spent / budget;
- progress = sum(EV) / sum(BAC), with EV = BAC x progress_ratio;
- CPI = sum(EV) / sum(AC); SPI = sum(EV) / sum(PV) over epics whose PV is known;
- EAC = budget / CPI, with the CPI of the same row (so the two never contradict each other), the budget while
  nothing is spent; VAC = budget - EAC. An epic's own EAC (``rules.budget.eac``) is the same formula on its own
  numbers, which is why a project's EAC is not the sum of its epics' forecasts.

Spend outside the budgeted epics (epics without a budget, issues under no epic) is not in "spent"; alignment
counts all spend, and ``unbudgeted`` names the difference so the two totals reconcile on the page.

Alignment counts every unit of work: epics, and issues that sit under no epic. A unit is aligned when its
goal (its own or inherited, see ``docs/metrics.md``) is a known, active goal.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from pmo_bot.domain import Item
from pmo_bot.report.context import Alignment, GoalRow, ProjectRow, Reconciliation, WorkBucket
from pmo_bot.report.facts import Facts
from pmo_bot.report.rag import Signals, assess

BUCKET_KEYS = 10  # keys named under "unaligned" and "retired"


@dataclass(frozen=True, slots=True)
class Rollup:
    budget: float
    spent: float
    burn: float | None
    progress: float | None
    cpi: float | None
    spi: float | None
    eac: float | None
    vac: float | None


def _ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def rollup(facts: Facts, epics: Sequence[Item]) -> Rollup:
    budget = spent = earned = planned = planned_earned = 0.0
    for epic in epics:
        m = facts.metrics(epic)
        bac = m["budget"]
        if bac is None or bac <= 0:
            continue
        cost = float(m["cost"] or 0.0)
        ev = float(m["earned_value"] or 0.0)
        budget += bac
        spent += cost
        earned += ev
        pv = m["planned_value"]
        if pv is not None:
            planned += pv
            planned_earned += ev
    cpi = _ratio(earned, spent)
    eac = forecast(budget, spent, cpi)
    return Rollup(
        budget=round(budget, 2),
        spent=round(spent, 2),
        burn=_ratio(spent, budget),
        progress=_ratio(earned, budget),
        cpi=cpi,
        spi=_ratio(planned_earned, planned),
        eac=eac,
        vac=round(budget - eac, 2) if eac is not None else None,
    )


def forecast(budget: float, spent: float, cpi: float | None) -> float | None:
    """EAC = budget / CPI; the budget while nothing is spent; none when money was spent and nothing earned."""
    if not budget:
        return None
    if not spent:
        return round(budget, 2)
    return round(budget / cpi, 2) if cpi else None


def unbudgeted(facts: Facts) -> tuple[Reconciliation, ...]:
    """Spend that "spent" (budgeted epics) leaves out and alignment counts: the page's reconciliation lines."""
    epics = [0, 0.0]
    loose = [0, 0.0]
    for unit in _units(facts):
        m = facts.metrics(unit)
        cost = float(m["cost"] or 0.0)
        if unit.is_epic and (m["budget"] is None or m["budget"] <= 0) and cost:
            epics[0] += 1
            epics[1] += cost
        elif not unit.is_epic and cost:
            loose[0] += 1
            loose[1] += cost
    found = []
    if epics[0]:
        found.append(
            Reconciliation(round(epics[1], 2), int(epics[0]), "epic without a budget", "epics without a budget")
        )
    if loose[0]:
        found.append(Reconciliation(round(loose[1], 2), int(loose[0]), "issue under no epic", "issues under no epic"))
    return tuple(found)


def due_counts(facts: Facts, items: Sequence[Item]) -> tuple[int, int, int]:
    """(overdue, due within the horizon, open deliverables with a due date)."""
    horizon = facts.policy.horizon_days
    overdue = soon = 0
    open_with_due = facts.deliverables(items)
    for item in open_with_due:
        days = facts.metrics(item)["days_until_due"]
        if days is not None and days < 0:
            overdue += 1
        elif days is not None and days <= horizon:
            soon += 1
    return overdue, soon, len(open_with_due)


def compliance(facts: Facts, items: Sequence[Item]) -> tuple[float, int]:
    """Share of the governed items (some rule scopes them) without an open error, and how many have one."""
    governed = len(facts.governed_in(items))
    errors = facts.errors_in(items)
    return (1 - errors / governed if governed else 1.0), errors


def projects(facts: Facts) -> tuple[ProjectRow, ...]:
    members: dict[str, list[Item]] = defaultdict(list)
    for item in facts.items:
        members[item.project].append(item)
    rows = []
    for key in sorted(members):
        items = members[key]
        money = rollup(facts, [i for i in items if i.is_epic])
        overdue, soon, with_due = due_counts(facts, items)
        score, errors = compliance(facts, items)
        rag, reasons = assess(Signals(len(items), score, money.cpi, money.spi, overdue, with_due), facts.policy)
        rows.append(
            ProjectRow(
                key=key,
                rag=rag,
                reasons=reasons,
                items=len(items),
                compliance_score=score,
                compliance_change=facts.change(key, score),
                open_findings=sum(len(facts.open_by_item.get(i.key, ())) for i in items),
                errors=errors,
                budget=money.budget,
                spent=money.spent,
                burn=money.burn,
                progress=money.progress,
                cpi=money.cpi,
                spi=money.spi,
                eac=money.eac,
                vac=money.vac,
                overdue=overdue,
                due_soon=soon,
                governed=len(facts.governed_in(items)),
            )
        )
    return tuple(rows)


def _units(facts: Facts) -> list[Item]:
    """Epics, and issues under no epic (sub-tasks roll into their parent's cost)."""
    by_key = facts.index.by_key
    units = []
    for item in facts.items:
        if item.is_epic:
            units.append(item)
        elif item.hierarchy_level == 0:
            parent = by_key.get(item.parent_key) if item.parent_key else None
            if parent is None or (not parent.is_epic and not any(a.is_epic for a in facts.index.ancestors(item))):
                units.append(item)
    return units


def _bucket(facts: Facts, units: list[Item]) -> WorkBucket:
    costed = sorted(((float(facts.metrics(u)["cost"] or 0.0), u.key) for u in units), key=lambda c: (-c[0], c[1]))
    return WorkBucket(len(units), round(sum(c for c, _ in costed), 2), tuple(k for _, k in costed[:BUCKET_KEYS]))


def alignment(facts: Facts) -> Alignment:
    spent_by_goal: dict[str, float] = defaultdict(float)
    epics_by_goal: dict[str, int] = defaultdict(int)
    unaligned: list[Item] = []
    retired: list[Item] = []
    total = aligned = 0.0
    for unit in _units(facts):
        m = facts.metrics(unit)
        cost = float(m["cost"] or 0.0)
        total += cost
        goal_id = m["goal_id"]
        if goal_id is None:
            unaligned.append(unit)
            continue
        spent_by_goal[goal_id] += cost
        epics_by_goal[goal_id] += unit.is_epic
        if m["goal_active"]:
            aligned += cost
        else:
            retired.append(unit)
    committed = facts.ctx.goal_committed or {}
    goals = []
    for goal in sorted(facts.ctx.goals.values(), key=lambda g: g.id):
        envelope = goal.budget_envelope
        goals.append(
            GoalRow(
                id=goal.id,
                name=goal.name,
                owner=goal.owner,
                active=goal.active,
                epics=epics_by_goal.get(goal.id, 0),
                envelope=envelope,
                committed=round(committed.get(goal.id, 0.0), 2),
                spent=round(spent_by_goal.get(goal.id, 0.0), 2),
                envelope_used=committed.get(goal.id, 0.0) / envelope if envelope else None,
                spend_share=_ratio(spent_by_goal.get(goal.id, 0.0), total),
            )
        )
    return Alignment(
        goals=tuple(goals),
        spent_total=round(total, 2),
        aligned_spent=round(aligned, 2),
        aligned_share=_ratio(aligned, total),
        unaligned=_bucket(facts, unaligned),
        retired=_bucket(facts, retired),
    )
