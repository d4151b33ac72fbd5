"""``pmo-bot serve``: the daemon. Runs the check and the weekly report on their cron schedules."""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated

import typer

from pmo_bot import logs
from pmo_bot.commands.options import ConfigOption
from pmo_bot.config import load_settings
from pmo_bot.jobs import check_job
from pmo_bot.report.job import report_job
from pmo_bot.scheduler import build_scheduler

log = logs.get_logger(__name__)


def serve(
    config: ConfigOption = None,
    run_now: Annotated[
        bool, typer.Option("--run-now", help="Run a check once at start, then follow the schedule.")
    ] = False,
) -> None:
    """Run until stopped: `check` and `report` on their cron schedules (the `schedule` settings)."""
    settings = load_settings(config)
    jobs: dict[str, Callable[[], object]] = {
        "check": lambda: check_job(settings),
        "report": lambda: report_job(settings),
    }
    scheduler = build_scheduler(settings.schedule, jobs)
    log.info(
        "daemon_started", check=settings.schedule.check, report=settings.schedule.report, tz=settings.schedule.timezone
    )

    def stop(signum: int, _frame: object) -> None:
        # `docker stop` and systemd send SIGTERM: let a running job finish, then leave (a safe restart).
        log.info("daemon_stopping", signal=signal.Signals(signum).name)
        scheduler.shutdown(wait=True)

    signal.signal(signal.SIGTERM, stop)
    if run_now:  # through the scheduler, so that a stop waits for it like for any other run
        scheduler.get_job("check").modify(next_run_time=datetime.now(UTC))
    with contextlib.suppress(KeyboardInterrupt, SystemExit):
        scheduler.start()
    log.info("daemon_stopped")
