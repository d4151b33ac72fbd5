from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from pmo_bot.check import grace_history
from pmo_bot.store import Store

DAY1 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def test_the_failing_clock_starts_once_and_stops_when_the_check_passes(store: Store) -> None:
    store.failing.record({("stale", "PAY-1"), ("stale", "PAY-2")}, ["PAY-1", "PAY-2", "PAY-3"], DAY1)
    store.failing.record({("stale", "PAY-1")}, ["PAY-1", "PAY-2", "PAY-3"], DAY1 + timedelta(days=3))
    assert store.failing.dates(UTC) == {("stale", "PAY-1"): date(2026, 11, 20)}


def test_items_not_evaluated_keep_their_clock(store: Store) -> None:
    store.failing.record({("stale", "PAY-1")}, ["PAY-1"], DAY1)
    store.failing.record(set(), ["PAY-9"], DAY1 + timedelta(days=1))  # an incremental run that skipped PAY-1
    assert store.failing.dates(UTC) == {("stale", "PAY-1"): date(2026, 11, 20)}


def test_grace_history_is_the_earliest_known_day(store: Store) -> None:
    store.failing.record({("stale", "PAY-1")}, ["PAY-1"], DAY1)
    assert grace_history(store, UTC)[("stale", "PAY-1")] == date(2026, 11, 20)
