"""Findings persisted with their lifecycle, and the lookups the rules, comments and report use."""

from __future__ import annotations

from datetime import date, timedelta, timezone

from pmo_bot.store import Store
from pmo_bot.store.lifecycle import ChangeKind
from pmo_bot.store.records import FindingStatus
from tests.factories import T0, make_finding

T1 = T0 + timedelta(days=1)
T2 = T0 + timedelta(days=2)


def test_the_lifecycle_persists_across_runs(store: Store) -> None:
    first = store.findings.reconcile([make_finding("r1", "PAY-1"), make_finding("r2", "PAY-2")], [], T0)
    assert {c.kind for c in first.changes} == {ChangeKind.OPENED}

    # Run 2 evaluates only PAY-1 (incremental): r1 is fixed there; PAY-2 was not fetched, so r2 stays open.
    second = store.findings.reconcile([], ["PAY-1"], T1)
    assert [(c.kind, c.item_key) for c in second.changes] == [(ChangeKind.RESOLVED, "PAY-1")]
    by_rule = {f.finding.rule_id: f for f in store.findings.all()}
    assert by_rule["r1"].status is FindingStatus.RESOLVED
    assert by_rule["r1"].resolved_at == T1
    assert (by_rule["r2"].status, by_rule["r2"].last_seen) == (FindingStatus.OPEN, T0)

    third = store.findings.reconcile([make_finding("r2", "PAY-2", fingerprint="v2")], ["PAY-2"], T2)
    assert [c.kind for c in third.changes] == [ChangeKind.CHANGED]
    (stored,) = store.findings.all([FindingStatus.OPEN])
    assert (stored.finding.fingerprint, stored.first_seen, stored.last_seen) == ("v2", T0, T2)


def test_a_stored_finding_reads_back_as_the_finding_the_rule_produced(store: Store) -> None:
    finding = make_finding(
        "r1", "PAY-1", observed="budget < 0 & <none>", waiver="pilot (approved by A, until 2027-01-31)"
    )
    store.findings.reconcile([finding], ["PAY-1"], T0)
    (stored,) = store.findings.for_items(["PAY-1"])["PAY-1"]
    assert stored.finding == finding
    assert stored.status is FindingStatus.WAIVED


def test_since_limits_to_findings_seen_or_resolved_recently(store: Store) -> None:
    store.findings.reconcile([make_finding("old", "PAY-1"), make_finding("gone", "PAY-2")], [], T0)
    store.findings.reconcile([], ["PAY-2"], T2)
    recent = store.findings.all(since=T1)
    assert [(f.finding.rule_id, f.status) for f in recent] == [("gone", FindingStatus.RESOLVED)]


def test_first_seen_dates_are_local_days_of_active_findings(store: Store) -> None:
    late_evening = T0.replace(hour=23)  # 23:00 UTC is the next day in UTC+2
    store.findings.reconcile([make_finding("r1", "PAY-1"), make_finding("r2", "PAY-2")], [], late_evening)
    store.findings.reconcile([], ["PAY-2"], T2)
    assert store.findings.first_seen_dates(timezone(timedelta(hours=2))) == {("r1", "PAY-1"): date(2026, 11, 3)}


def test_baselined_lists_active_findings_recorded_by_a_baseline_run(store: Store) -> None:
    store.findings.reconcile([make_finding("r1", "PAY-1"), make_finding("r1", "PAY-2")], [], T0, baseline=True)
    store.findings.reconcile([make_finding("r2", "PAY-1")], ["PAY-1"], T1)  # r1 on PAY-1 fixed, r2 new
    assert store.findings.baselined() == frozenset({("r1", "PAY-2")})


def test_large_reconciliations_work_in_chunks(store: Store) -> None:
    keys = [f"BIG-{n}" for n in range(1, 2001)]
    store.findings.reconcile([make_finding("r1", k) for k in keys], keys, T0)
    result = store.findings.reconcile([], keys, T1)
    assert len(result.changes) == 2000
    assert store.findings.all([FindingStatus.OPEN]) == []
