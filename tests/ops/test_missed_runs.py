"""Missed and repeated runs, decided from the schedule state in the database (as after a restart)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pmo_bot.ops.alerts import Alerter
from pmo_bot.ops.daemon import DueRunner, JobPlan
from pmo_bot.ops.lease import RunLease
from pmo_bot.store import Store

MONDAY_7 = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def _runner(store: Store, clock: Clock, cron: str, ran: list[datetime], grace_hours: float = 24) -> DueRunner:
    plan = JobPlan("report", cron, "UTC", timedelta(hours=grace_hours), 30)

    def job(_lease: RunLease) -> str:
        ran.append(clock.now)
        return "succeeded"

    return DueRunner(store, lambda: plan, job, lambda: Alerter(None, 3), clock=clock)


def test_a_weekly_report_missed_while_down_runs_once_on_restart(store: Store) -> None:
    clock, ran = Clock(MONDAY_7 - timedelta(days=2)), []
    first = _runner(store, clock, "0 7 * * mon", ran)
    assert first.poll() is None  # first start: tracking begins, nothing owed from before
    clock.now = MONDAY_7 + timedelta(hours=5)  # the bot was down at 07:00 and comes back at noon
    restarted = _runner(store, clock, "0 7 * * mon", ran)  # a new process: state comes from the database
    assert restarted.poll() == "succeeded"
    assert restarted.poll() is None  # once
    assert ran == [clock.now]
    clock.now += timedelta(days=6)
    assert restarted.poll() is None  # nothing until next Monday
    assert store.jobs.get("report").last_due == MONDAY_7


def test_a_run_missed_longer_than_the_grace_is_skipped(store: Store) -> None:
    clock, ran = Clock(MONDAY_7 - timedelta(days=1)), []
    runner = _runner(store, clock, "0 7 * * mon", ran, grace_hours=2)
    runner.poll()
    clock.now = MONDAY_7 + timedelta(hours=3)
    assert runner.poll() is None
    assert ran == []
    assert store.jobs.get("report").last_due == MONDAY_7  # given up, not owed any more
    clock.now = MONDAY_7 + timedelta(days=7, minutes=1)
    assert runner.poll() == "succeeded"  # the next one runs normally


def test_a_check_missed_many_times_runs_once(store: Store) -> None:
    clock, ran = Clock(datetime(2026, 12, 1, 0, 0, tzinfo=UTC)), []
    runner = _runner(store, clock, "*/30 * * * *", ran)
    runner.poll()
    clock.now += timedelta(hours=10, minutes=5)  # twenty fire times missed
    assert runner.poll() == "succeeded"
    assert runner.poll() is None
    assert len(ran) == 1
    assert store.jobs.get("report").last_due == datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    clock.now += timedelta(minutes=25)
    assert runner.poll() == "succeeded"  # 10:30


def test_a_fire_time_a_replica_already_ran_is_not_run_again(store: Store) -> None:
    clock, ran_a, ran_b = Clock(datetime(2026, 12, 1, 0, 0, tzinfo=UTC)), [], []
    a = _runner(store, clock, "*/30 * * * *", ran_a)
    b = _runner(store, clock, "*/30 * * * *", ran_b)
    a.poll()
    clock.now += timedelta(minutes=31)
    assert a.poll() == "succeeded"
    assert b.poll() is None
    assert (len(ran_a), len(ran_b)) == (1, 0)
