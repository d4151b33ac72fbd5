"""The findings lifecycle, pure: what this run's findings do to the stored ones.

Only items evaluated in this run can resolve findings: an item that was not fetched (incremental sync) keeps its
findings as they were. A finding that comes back after being resolved is a new occurrence (new ``first_seen``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from pmo_bot.domain import Finding
from pmo_bot.store.records import FindingStatus, StoredFinding


class ChangeKind(StrEnum):
    OPENED = "opened"  # first seen
    REOPENED = "reopened"  # seen again after it was resolved
    CHANGED = "changed"  # still open, but what a reader sees changed (fingerprint)
    WAIVED = "waived"  # a waiver now covers it (also when first seen already waived)
    UNWAIVED = "unwaived"  # its waiver expired or was withdrawn
    RESOLVED = "resolved"  # the item was evaluated and the rule no longer fires


@dataclass(frozen=True, slots=True)
class FindingChange:
    kind: ChangeKind
    rule_id: str
    item_key: str
    current: StoredFinding  # the state after this run
    previous: StoredFinding | None


@dataclass(frozen=True, slots=True)
class Reconciliation:
    states: tuple[StoredFinding, ...]  # every finding this run touched, in its new state (to be written)
    changes: tuple[FindingChange, ...]  # the subset whose lifecycle changed, sorted by item then rule


def reconcile(
    previous: Iterable[StoredFinding],
    current: Iterable[Finding],
    evaluated: Collection[str],
    now: datetime,
    *,
    baseline: bool = False,
) -> Reconciliation:
    """``previous``: stored findings (at least those of the evaluated items); ``current``: this run's findings;
    ``evaluated``: keys of every item evaluated this run (items with findings count as evaluated).
    ``baseline``: a ``--baseline`` run marks every current finding as baseline (not to be commented)."""
    before = {p.ident: p for p in previous}
    produced: dict[tuple[str, str], Finding] = {}
    for finding in current:
        ident = (finding.rule_id, finding.item_key)
        if ident in produced:
            raise ValueError(f"rule {finding.rule_id} produced two findings for {finding.item_key}")
        produced[ident] = finding
    scope = set(evaluated) | {key for _, key in produced}

    states: list[StoredFinding] = []
    changes: list[FindingChange] = []
    for ident, finding in produced.items():
        old = before.get(ident)
        state, kind = _carry(old, finding, now, baseline)
        states.append(state)
        if kind is not None:
            changes.append(FindingChange(kind, ident[0], ident[1], state, old))
    for ident, old in before.items():
        if ident[1] in scope and ident not in produced and old.status is not FindingStatus.RESOLVED:
            state = replace(old, status=FindingStatus.RESOLVED, resolved_at=now)
            states.append(state)
            changes.append(FindingChange(ChangeKind.RESOLVED, ident[0], ident[1], state, old))
    changes.sort(key=lambda c: (c.item_key, c.rule_id))
    return Reconciliation(tuple(states), tuple(changes))


def _carry(
    old: StoredFinding | None, finding: Finding, now: datetime, baseline: bool
) -> tuple[StoredFinding, ChangeKind | None]:
    status = FindingStatus.WAIVED if finding.waived else FindingStatus.OPEN
    if old is None or old.status is FindingStatus.RESOLVED:
        fresh = StoredFinding(finding, status, first_seen=now, last_seen=now, baseline=baseline)
        if status is FindingStatus.WAIVED:
            return fresh, ChangeKind.WAIVED
        return fresh, ChangeKind.OPENED if old is None else ChangeKind.REOPENED
    state = replace(old, finding=finding, status=status, last_seen=now, baseline=old.baseline or baseline)
    if status is not old.status:
        return state, ChangeKind.WAIVED if status is FindingStatus.WAIVED else ChangeKind.UNWAIVED
    if finding.fingerprint != old.finding.fingerprint:
        return state, ChangeKind.CHANGED
    return state, None
