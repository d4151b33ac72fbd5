"""Epics at risk and deliverables (due soon, overdue, slipped this week), each cut at top-N.

Epics at risk are the open epics with an open finding (on the epic or one of its children), or overdue, or
with a CPI under the amber threshold. By default the most money at stake comes first (the largest of budget,
forecast at completion and spend so far), then the highest finding severity; ``report_epic_order = "severity"``
puts severity first.
"""

from __future__ import annotations

from datetime import date

from pmo_bot.domain import Item, Severity
from pmo_bot.report.context import Deliverable, Deliverables, EpicRisk, FindingRow, Listing
from pmo_bot.report.facts import Facts
from pmo_bot.rules.schedule import DUE_DATE_FIELDS, parse_change_date
from pmo_bot.store.records import StoredFinding

FINDINGS_PER_EPIC = 5


def finding_row(facts: Facts, stored: StoredFinding) -> FindingRow:
    f = stored.finding
    item = facts.index.by_key.get(f.item_key)
    first = facts.day(stored.first_seen)
    return FindingRow(
        rule_id=f.rule_id,
        title=f.title,
        severity=Severity(f.severity).value,
        category=f.category,
        item_key=f.item_key,
        item_summary=item.summary if item is not None else "",
        item_url=facts.url(f.item_key),
        message=f.message,
        first_seen=first,
        age_days=max(0, (facts.today - first).days),
        waiver=f.waiver,
    )


def _risk(facts: Facts, epic: Item) -> EpicRisk | None:
    m = facts.metrics(epic)
    found = list(facts.open_by_item.get(epic.key, ()))
    for child in facts.index.children.get(epic.key, ()):
        found.extend(facts.open_by_item.get(child.key, ()))
    overdue = m["days_overdue"] or 0
    cpi = m["cpi"]
    if not found and overdue <= 0 and (cpi is None or cpi >= facts.policy.cpi_amber):
        return None
    found.sort(key=lambda s: (-Severity(s.finding.severity).rank, s.finding.item_key != epic.key, s.ident))
    spent = float(m["cost"] or 0.0)
    budget, eac = m["budget"], m["eac"]
    return EpicRisk(
        key=epic.key,
        url=facts.url(epic.key),
        summary=epic.summary,
        project=epic.project,
        status=epic.status,
        goal=m["goal_name"] or m["goal_ref"],
        worst_severity=Severity(found[0].finding.severity).value if found else None,
        at_stake=round(max(budget or 0.0, eac or 0.0, spent), 2),
        budget=budget,
        spent=round(spent, 2),
        eac=eac,
        cpi=cpi,
        progress=m["progress_ratio"],
        due_date=epic.due_date,
        days_overdue=m["days_overdue"],
        findings=tuple(finding_row(facts, s) for s in found[:FINDINGS_PER_EPIC]),
        more_findings=max(0, len(found) - FINDINGS_PER_EPIC),
    )


def epics_at_risk(facts: Facts) -> Listing[EpicRisk]:
    risks = [r for r in (_risk(facts, e) for e in facts.epics if not e.is_done) if r is not None]
    rank = {s.value: s.rank for s in Severity}
    if facts.inputs.epic_order == "severity":
        risks.sort(key=lambda r: (-rank.get(r.worst_severity or "", -1), -r.at_stake, r.key))
    else:
        risks.sort(key=lambda r: (-r.at_stake, -rank.get(r.worst_severity or "", -1), r.key))
    return Listing(tuple(risks), facts.inputs.top_n, "epics-at-risk.csv")


def _deliverable(facts: Facts, item: Item, days: int, previous: date | None = None) -> Deliverable:
    assert item.due_date is not None
    return Deliverable(
        key=item.key,
        url=facts.url(item.key),
        summary=item.summary,
        project=item.project,
        issue_type=item.issue_type,
        status=item.status,
        assignee=item.assignee,
        due_date=item.due_date,
        days=days,
        slips=int(facts.metrics(item)["due_date_slips"] or 0),
        previous_due=previous,
    )


def _slipped_from(facts: Facts, item: Item) -> date | None:
    """The due date before this week's first move to a later date, if it moved later this week."""
    moves = []
    for change in item.changelog:
        if change.field.casefold() not in DUE_DATE_FIELDS or not facts.this_week(change.at):
            continue
        before, after = parse_change_date(change.from_value), parse_change_date(change.to_value)
        if before is not None and after is not None and after > before:
            moves.append((change.at, before))
    return min(moves)[1] if moves else None


def deliverables(facts: Facts) -> Deliverables:
    horizon = facts.policy.horizon_days
    soon: list[Deliverable] = []
    overdue: list[Deliverable] = []
    slipped: list[Deliverable] = []
    for item in facts.deliverables(facts.items):
        assert item.due_date is not None
        days = (item.due_date - facts.today).days
        if days < 0:
            overdue.append(_deliverable(facts, item, -days))
        elif days <= horizon:
            soon.append(_deliverable(facts, item, days))
        previous = _slipped_from(facts, item)
        if previous is not None and item.due_date > previous:
            slipped.append(_deliverable(facts, item, (item.due_date - previous).days, previous))
    soon.sort(key=lambda d: (d.due_date, d.project, d.key))
    overdue.sort(key=lambda d: (-d.days, d.project, d.key))
    slipped.sort(key=lambda d: (-d.days, d.project, d.key))
    n = facts.inputs.top_n
    return Deliverables(
        horizon_days=horizon,
        due_soon=Listing(tuple(soon), n, "deliverables-due-soon.csv"),
        overdue=Listing(tuple(overdue), n, "deliverables-overdue.csv"),
        slipped=Listing(tuple(slipped), n, "deliverables-slipped.csv"),
    )
