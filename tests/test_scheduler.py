from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pmo_bot.config import Schedule
from pmo_bot.errors import RemoteError
from pmo_bot.scheduler import build_scheduler, cron_trigger, guarded, latest_due


def test_a_failing_job_is_logged_and_the_daemon_goes_on() -> None:
    calls: list[str] = []

    def expected_failure() -> None:
        calls.append("remote")
        raise RemoteError("Jira answered HTTP 503")

    def bug() -> None:
        calls.append("bug")
        raise ZeroDivisionError

    guarded("check", expected_failure)()
    guarded("report", bug)()  # neither raises: the scheduler thread must survive
    assert calls == ["remote", "bug"]


def test_every_job_is_polled_often_and_never_overlaps_itself() -> None:
    schedule = Schedule(check="*/15 * * * *", report="0 7 * * mon", timezone="Europe/Berlin", poll_seconds=7)
    scheduler = build_scheduler(schedule, {"check": lambda: None, "report": lambda: None}, {"reload": lambda: None})
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"check", "report", "reload"}
    assert all(job.max_instances == 1 and job.coalesce for job in jobs.values())
    assert jobs["check"].trigger.interval == timedelta(seconds=7)
    assert str(jobs["check"].trigger.timezone) == "Europe/Berlin"


def test_cron_is_read_in_the_schedule_time_zone() -> None:
    trigger = cron_trigger("0 7 * * mon", "Europe/Berlin")
    after = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)  # a Monday
    due = latest_due(trigger, after, datetime(2026, 11, 30, 12, 0, tzinfo=UTC))
    assert due == datetime(2026, 11, 30, 6, 0, tzinfo=UTC)  # 07:00 in Berlin (CET)


def test_many_missed_fire_times_coalesce_into_the_latest() -> None:
    trigger = cron_trigger("*/30 * * * *", "UTC")
    after = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)
    assert latest_due(trigger, after, datetime(2026, 12, 1, 9, 10, tzinfo=UTC)) == datetime(
        2026, 12, 1, 9, 0, tzinfo=UTC
    )
    assert latest_due(trigger, after, after + timedelta(minutes=29)) is None  # nothing due yet
    assert latest_due(trigger, after, after) is None  # the fire time already handled is not due again


def test_six_fields_add_seconds() -> None:
    trigger = cron_trigger("*/20 * * * * *", "UTC")
    after = datetime(2026, 12, 1, 0, 0, 0, tzinfo=UTC)
    assert latest_due(trigger, after, after + timedelta(seconds=50)) == after + timedelta(seconds=40)


def test_a_bad_cron_expression_is_a_config_error() -> None:
    with pytest.raises(ValueError, match="cron expression of 5 fields"):
        Schedule(check="every hour")
