"""The daemon's schedule: the one home of APScheduler.

Each job runs inside a boundary that logs a failure and keeps the daemon up; runs of one job never overlap
(``max_instances=1``) and a run missed while the process was busy or down is run once, not many times
(``coalesce``). Jobs call the same pipeline functions as the CLI.
"""

from __future__ import annotations

from collections.abc import Callable

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

from pmo_bot import logs
from pmo_bot.config import Schedule
from pmo_bot.errors import PmoError

log = logs.get_logger(__name__)


def guarded(name: str, job: Callable[[], object]) -> Callable[[], None]:
    """Run ``job``; log and swallow its failure so the next scheduled run still happens."""

    def run() -> None:
        log.info("job_started", job=name)
        try:
            job()
        except PmoError as error:
            log.error("job_failed", job=name, error=str(error))
        except Exception:  # a bug: log it with its traceback, keep serving
            log.exception("job_crashed", job=name)
        else:
            log.info("job_finished", job=name)

    return run


def build_scheduler(schedule: Schedule, jobs: dict[str, Callable[[], object]]) -> BlockingScheduler:
    """``jobs`` maps "check" and "report" to callables; their cron expressions come from ``schedule``."""
    scheduler = BlockingScheduler(timezone=schedule.timezone)
    crons = {"check": schedule.check, "report": schedule.report}
    for name, job in jobs.items():
        scheduler.add_job(
            guarded(name, job),
            CronTrigger.from_crontab(crons[name], timezone=schedule.timezone),
            id=name,
            name=name,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=3600,
        )
    return scheduler
