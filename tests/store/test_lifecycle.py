"""The findings lifecycle as a pure function: what a run's findings do to the stored ones."""

from __future__ import annotations

from datetime import timedelta

import pytest

from pmo_bot.store.lifecycle import ChangeKind, reconcile
from pmo_bot.store.records import FindingStatus, StoredFinding
from tests.factories import T0, make_finding

T1 = T0 + timedelta(days=1)
T2 = T0 + timedelta(days=2)


def _stored(rule: str, key: str, status: FindingStatus = FindingStatus.OPEN, **kw: object) -> StoredFinding:
    values: dict[str, object] = {"first_seen": T0, "last_seen": T0}
    values.update(kw)
    return StoredFinding(make_finding(rule, key), status, **values)  # type: ignore[arg-type]


def _kinds(result: object) -> dict[tuple[str, str], ChangeKind]:
    return {(c.rule_id, c.item_key): c.kind for c in result.changes}  # type: ignore[attr-defined]


def test_a_new_finding_opens_with_first_and_last_seen_now() -> None:
    result = reconcile([], [make_finding("r1", "PAY-1")], ["PAY-1"], T1)
    (state,) = result.states
    assert (state.status, state.first_seen, state.last_seen, state.resolved_at) == (FindingStatus.OPEN, T1, T1, None)
    assert _kinds(result) == {("r1", "PAY-1"): ChangeKind.OPENED}


def test_a_finding_seen_again_keeps_first_seen_and_is_not_a_change() -> None:
    result = reconcile([_stored("r1", "PAY-1")], [make_finding("r1", "PAY-1")], ["PAY-1"], T1)
    (state,) = result.states
    assert (state.first_seen, state.last_seen) == (T0, T1)
    assert result.changes == ()


def test_a_new_fingerprint_is_a_change() -> None:
    current = make_finding("r1", "PAY-1", fingerprint="other", observed="budget is 0")
    result = reconcile([_stored("r1", "PAY-1")], [current], ["PAY-1"], T1)
    assert _kinds(result) == {("r1", "PAY-1"): ChangeKind.CHANGED}
    assert result.states[0].finding.observed == "budget is 0"


def test_only_evaluated_items_resolve_their_findings() -> None:
    previous = [_stored("r1", "PAY-1"), _stored("r1", "PAY-2")]
    result = reconcile(previous, [], ["PAY-1"], T1)
    assert _kinds(result) == {("r1", "PAY-1"): ChangeKind.RESOLVED}
    (state,) = result.states
    assert (state.status, state.resolved_at, state.last_seen) == (FindingStatus.RESOLVED, T1, T0)


def test_resolved_findings_stay_resolved_and_untouched() -> None:
    previous = [_stored("r1", "PAY-1", FindingStatus.RESOLVED, resolved_at=T0)]
    result = reconcile(previous, [], ["PAY-1"], T1)
    assert result.states == ()
    assert result.changes == ()


def test_a_finding_that_returns_after_resolution_is_a_new_occurrence() -> None:
    previous = [_stored("r1", "PAY-1", FindingStatus.RESOLVED, resolved_at=T1)]
    result = reconcile(previous, [make_finding("r1", "PAY-1")], ["PAY-1"], T2)
    (state,) = result.states
    assert (state.status, state.first_seen, state.resolved_at) == (FindingStatus.OPEN, T2, None)
    assert _kinds(result) == {("r1", "PAY-1"): ChangeKind.REOPENED}


def test_waivers_move_findings_between_open_and_waived() -> None:
    waived = make_finding("r1", "PAY-1", waiver="pilot (approved by Ann, until 2026-12-31)")
    result = reconcile([_stored("r1", "PAY-1")], [waived], ["PAY-1"], T1)
    assert _kinds(result) == {("r1", "PAY-1"): ChangeKind.WAIVED}
    assert result.states[0].status is FindingStatus.WAIVED
    assert result.states[0].first_seen == T0

    again = reconcile(result.states, [make_finding("r1", "PAY-1")], ["PAY-1"], T2)
    assert _kinds(again) == {("r1", "PAY-1"): ChangeKind.UNWAIVED}
    assert again.states[0].status is FindingStatus.OPEN


def test_a_finding_first_seen_under_a_waiver_is_recorded_as_waived() -> None:
    waived = make_finding("r1", "PAY-1", waiver="x (approved by A, until 2026-12-31)")
    result = reconcile([], [waived], [], T1)
    assert result.states[0].status is FindingStatus.WAIVED
    assert _kinds(result) == {("r1", "PAY-1"): ChangeKind.WAIVED}


def test_a_baseline_run_marks_current_findings_and_later_runs_keep_the_mark() -> None:
    first = reconcile(
        [_stored("r0", "PAY-1")], [make_finding("r0", "PAY-1"), make_finding("r1", "PAY-1")], [], T1, baseline=True
    )
    assert all(s.baseline for s in first.states)
    later = reconcile(first.states, [make_finding("r1", "PAY-1"), make_finding("r2", "PAY-1")], ["PAY-1"], T2)
    marks = {s.finding.rule_id: s.baseline for s in later.states}
    assert marks == {"r1": True, "r2": False, "r0": True}  # r0 resolved, r2 is new since the baseline


def test_changes_are_sorted_and_items_with_findings_count_as_evaluated() -> None:
    result = reconcile([], [make_finding("b", "PAY-2"), make_finding("a", "PAY-2"), make_finding("z", "PAY-1")], [], T1)
    assert [(c.item_key, c.rule_id) for c in result.changes] == [("PAY-1", "z"), ("PAY-2", "a"), ("PAY-2", "b")]


def test_two_findings_of_one_rule_on_one_item_are_a_bug() -> None:
    with pytest.raises(ValueError, match="produced two findings for PAY-1"):
        reconcile([], [make_finding("r1", "PAY-1"), make_finding("r1", "PAY-1")], ["PAY-1"], T1)
