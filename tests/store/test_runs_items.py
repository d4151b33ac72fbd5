"""Runs and item snapshots, on every backend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from pmo_bot import logs
from pmo_bot.store import Store
from pmo_bot.store.records import FindingStatus, RunKind, RunStatus
from tests.factories import T0, make_finding, make_item

T1 = T0 + timedelta(hours=1)


def test_a_run_is_opened_then_closed_with_counts(store: Store) -> None:
    run = store.runs.start(RunKind.CHECK, T0)
    assert (run.status, run.finished_at) == (RunStatus.RUNNING, None)
    counts = {"seen": 3, "skipped": {"no permission": 1}, "findings": {"error": 2}, "writes": {"planned": 1}}
    done = store.runs.finish(run.id, RunStatus.PARTIAL, T1, counts)
    assert store.runs.get(run.id) == done
    assert (done.status, done.started_at, done.finished_at, dict(done.counts)) == (RunStatus.PARTIAL, T0, T1, counts)


def test_latest_picks_the_newest_run_of_a_kind_and_status(store: Store) -> None:
    first = store.runs.finish(store.runs.start(RunKind.CHECK, T0).id, RunStatus.SUCCEEDED, T0)
    store.runs.finish(store.runs.start(RunKind.CHECK, T1).id, RunStatus.FAILED, T1)
    store.runs.finish(store.runs.start(RunKind.REPORT, T1).id, RunStatus.SUCCEEDED, T1)
    assert store.runs.latest(RunKind.CHECK) == first
    latest_any = store.runs.latest(RunKind.CHECK, status=None)
    assert latest_any is not None
    assert latest_any.status is RunStatus.FAILED
    assert [r.kind for r in store.runs.recent()] == [RunKind.REPORT, RunKind.CHECK, RunKind.CHECK]


def test_a_run_error_is_stored_redacted(store: Store) -> None:
    logs.register_secret("tok-4d1d0c2e-secret")
    run = store.runs.start(RunKind.CHECK, T0)
    failed = store.runs.finish(run.id, RunStatus.FAILED, T1, error="401 for tok-4d1d0c2e-secret, Bearer abcdefgh123")
    assert failed.error == "401 for ***, Bearer ***"


def test_instants_come_back_as_the_same_utc_instant(store: Store) -> None:
    local = datetime(2026, 3, 29, 1, 30, tzinfo=timezone(timedelta(hours=-7)))
    run = store.runs.start(RunKind.CHECK, local)
    back = store.runs.get(run.id)
    assert back is not None
    assert back.started_at == local
    assert back.started_at.utcoffset() == timedelta(0)


def test_naive_datetimes_are_refused(store: Store) -> None:
    with pytest.raises(Exception, match="naive datetime"):
        store.runs.start(RunKind.CHECK, datetime(2026, 1, 1))


def test_upsert_tells_new_changed_and_unchanged_items_apart(store: Store) -> None:
    first = store.items.upsert([make_item("PAY-1"), make_item("PAY-2"), make_item("PAY-3")], run_id=1)
    assert first.inserted == ("PAY-1", "PAY-2", "PAY-3")
    bumped_only = make_item("PAY-2", updated=T1)  # e.g. the bot's own comment: no content change
    edited = make_item("PAY-3", summary="New scope", updated=T1)
    second = store.items.upsert([make_item("PAY-1"), bumped_only, edited], run_id=2)
    assert (second.inserted, second.changed, second.unchanged) == ((), ("PAY-3",), ("PAY-1", "PAY-2"))
    assert store.items.get("PAY-2") == bumped_only
    states = store.items.states(["PAY-1", "PAY-2", "PAY-3", "PAY-9"])
    assert sorted(states) == ["PAY-1", "PAY-2", "PAY-3"]
    assert states["PAY-2"].updated == T1
    assert [i.key for i in store.items.all()] == ["PAY-1", "PAY-2", "PAY-3"]


def test_get_many_returns_the_stored_items_among_the_keys(store: Store) -> None:
    store.items.upsert([make_item("PAY-1"), make_item("PAY-2"), make_item("PAY-3")], run_id=1)
    store.items.mark_deleted(["PAY-3"], T1)
    assert sorted(i.key for i in store.items.get_many(["PAY-2", "PAY-9", "PAY-1", "PAY-3"])) == ["PAY-1", "PAY-2"]


def test_all_filters_by_project(store: Store) -> None:
    store.items.upsert([make_item("PAY-1"), make_item("OPS-1"), make_item("HR-1")], run_id=1)
    assert [i.key for i in store.items.all(["PAY", "HR"])] == ["HR-1", "PAY-1"]
    assert store.items.count() == 3


def test_a_full_sync_finds_unseen_items_and_deleting_them_resolves_their_findings(store: Store) -> None:
    store.items.upsert([make_item("PAY-1"), make_item("PAY-2"), make_item("OPS-1")], run_id=1)
    store.findings.reconcile([make_finding("r1", "PAY-2")], ["PAY-2"], T0)
    assert set(store.items.states_in(["PAY"])) == {"PAY-1", "PAY-2"}

    assert store.items.mark_deleted(["PAY-2"], T1) == 1
    assert store.items.get("PAY-2") is None
    assert [i.key for i in store.items.all()] == ["OPS-1", "PAY-1"]
    assert store.items.states_in(["PAY"])["PAY-2"].deleted  # still known, as deleted
    assert len(store.items.all(include_deleted=True)) == 3
    (finding,) = store.findings.all()
    assert (finding.status, finding.resolved_at) == (FindingStatus.RESOLVED, T1)

    back = store.items.upsert([make_item("PAY-2")], run_id=3)  # moved back into scope
    assert back.changed == ("PAY-2",)
    assert store.items.get("PAY-2") is not None


def test_upsert_handles_more_rows_than_one_statement_takes(store: Store) -> None:
    items = [make_item(f"BIG-{n}", summary=f"s{n}") for n in range(1, 2502)]
    assert len(store.items.upsert(items, run_id=1).inserted) == 2501
    assert len(store.items.upsert(items, run_id=2).unchanged) == 2501
    assert store.items.count() == 2501


def test_the_same_key_twice_in_one_upsert_is_a_bug(store: Store) -> None:
    with pytest.raises(ValueError, match="twice"):
        store.items.upsert([make_item("PAY-1"), make_item("PAY-1")], run_id=1)


def test_item_timestamps_are_utc_aware(store: Store) -> None:
    store.items.upsert([make_item("PAY-1", updated=datetime(2026, 5, 1, 23, 30, tzinfo=UTC))], run_id=1)
    item = store.items.get("PAY-1")
    assert item is not None
    assert item.updated == datetime(2026, 5, 1, 23, 30, tzinfo=UTC)


def test_an_unchanged_item_is_not_rewritten_and_written_ones_wait_for_evaluation(store: Store) -> None:
    store.items.upsert([make_item("PAY-1"), make_item("PAY-2", parent_key="PAY-1")], run_id=1)
    assert store.items.pending() == {"PAY-1": None, "PAY-2": "PAY-1"}
    store.items.evaluated(None)
    assert store.items.pending() == {}
    store.items.upsert([make_item("PAY-1"), make_item("PAY-2", parent_key="PAY-1")], run_id=2)
    assert store.items.pending() == {}  # nothing changed: nothing written, nothing to re-evaluate
    store.items.upsert([make_item("PAY-2", summary="New scope", parent_key="PAY-1")], run_id=3)
    assert store.items.pending() == {"PAY-2": "PAY-1"}
    store.items.evaluated(["PAY-2"])
    store.items.mark_deleted(["PAY-2"], T1)
    assert store.items.pending() == {"PAY-2": "PAY-1"}  # a deletion changes its parent's roll-ups


def test_projects_of_names_the_project_of_each_known_key(store: Store) -> None:
    store.items.upsert([make_item("PAY-1"), make_item("OPS-7")], run_id=1)
    assert store.items.projects_of(["PAY-1", "OPS-7", "HR-9"]) == {"PAY-1": "PAY", "OPS-7": "OPS"}
