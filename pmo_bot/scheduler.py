"""The daemon's clock: the one home of APScheduler.

Cron expressions say when each job is *due*; whether a replica *runs* it is decided by
``pmo_bot.ops.daemon`` against the schedule state and the run lease in the state database, so that replicas
agree, a run missed while the bot was down still happens once, and a run whose runner died is taken over. Here,
every job gets a poll on a short interval (``schedule.poll_seconds``) that never overlaps itself; a failing
poll is logged and the daemon stays up.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from pmo_bot import logs
from pmo_bot.config import Schedule
from pmo_bot.errors import PmoError

log = logs.get_logger(__name__)


def cron_trigger(expression: str, timezone: str) -> CronTrigger:
    """5 fields (minute hour day month weekday), or 6 with a leading second (fine-grained schedules)."""
    parts = expression.split()
    if len(parts) == 5:
        return CronTrigger.from_crontab(expression, timezone=timezone)
    second, minute, hour, day, month, day_of_week = parts
    return CronTrigger(
        second=second, minute=minute, hour=hour, day=day, month=month, day_of_week=day_of_week, timezone=timezone
    )


def latest_due(trigger: CronTrigger, after: datetime, now: datetime) -> datetime | None:
    """The latest fire time in (``after``, ``now``], or None: many missed fire times coalesce into one."""
    found: datetime | None = None
    fire = trigger.get_next_fire_time(None, after + timedelta(microseconds=1))
    while fire is not None and fire <= now:
        found = fire
        fire = trigger.get_next_fire_time(fire, fire + timedelta(microseconds=1))
    return found


def guarded(name: str, job: Callable[[], object]) -> Callable[[], None]:
    """Run ``job``; log and swallow its failure so the next scheduled run still happens."""

    def run() -> None:
        try:
            job()
        except PmoError as error:
            log.error("job_failed", job=name, error=str(error))
        except Exception:  # a bug: log it with its traceback, keep serving
            log.exception("job_crashed", job=name)

    return run


def build_scheduler(
    schedule: Schedule, pollers: dict[str, Callable[[], object]], extra: dict[str, Callable[[], object]] | None = None
) -> BlockingScheduler:
    """One never-overlapping poll per job (first one at once), plus ``extra`` housekeeping on the same beat."""
    # A poll that finds the previous one still running (a long run) is skipped by design, not worth a warning.
    logging.getLogger("apscheduler").setLevel(logging.ERROR)
    scheduler = BlockingScheduler(timezone=schedule.timezone)
    for name, poll in {**pollers, **(extra or {})}.items():
        scheduler.add_job(
            guarded(name, poll),
            IntervalTrigger(seconds=schedule.poll_seconds, timezone=schedule.timezone),
            id=name,
            name=name,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,
            next_run_time=datetime.now().astimezone(),
        )
    return scheduler
