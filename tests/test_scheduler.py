from __future__ import annotations

import pytest

from pmo_bot.config import Schedule
from pmo_bot.errors import RemoteError
from pmo_bot.scheduler import build_scheduler, guarded


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


def test_jobs_follow_their_cron_schedule_without_overlapping() -> None:
    schedule = Schedule(check="*/15 * * * *", report="0 7 * * mon", timezone="Europe/Berlin")
    scheduler = build_scheduler(schedule, {"check": lambda: None, "report": lambda: None})
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"check", "report"}
    assert jobs["check"].max_instances == 1
    assert jobs["report"].coalesce is True
    assert str(jobs["check"].trigger.timezone) == "Europe/Berlin"
    assert "minute='*/15'" in str(jobs["check"].trigger)
    assert "day_of_week='mon'" in str(jobs["report"].trigger)


def test_a_bad_cron_expression_is_a_config_error() -> None:
    with pytest.raises(ValueError, match="cron expression of 5 fields"):
        Schedule(check="every hour")
