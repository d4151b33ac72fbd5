"""``pmo-bot serve``: the daemon. Runs the check and the weekly report on their cron schedules, one runner per
job across replicas (the run lease), with hot reload, an optional health/metrics endpoint and alerts."""

from __future__ import annotations

import contextlib
import signal
from datetime import timedelta
from typing import Annotated

import typer

from pmo_bot import logs
from pmo_bot.commands.options import ConfigOption
from pmo_bot.config import load_settings
from pmo_bot.jobs import check_job, report
from pmo_bot.ops.alerts import Alerter
from pmo_bot.ops.daemon import DueRunner, JobPlan
from pmo_bot.ops.http import build_app
from pmo_bot.ops.lease import RunLease
from pmo_bot.ops.reload import LiveSettings
from pmo_bot.sandbox.server import ThreadedServer
from pmo_bot.scheduler import build_scheduler
from pmo_bot.store import open_from_settings

log = logs.get_logger(__name__)


def serve(
    config: ConfigOption = None,
    run_now: Annotated[
        bool, typer.Option("--run-now", help="Run a check once at start, then follow the schedule.")
    ] = False,
    http_port: Annotated[
        int | None,
        typer.Option("--http-port", help="Serve /healthz, /readyz and /metrics on this port (setting: http_port)."),
    ] = None,
) -> None:
    """Run until stopped: `check` and `report` on their cron schedules (the `schedule` settings)."""
    first = load_settings(config)
    store = open_from_settings(first)  # upgrades the schema under the migration lock
    live = LiveSettings(config, load_settings, store)

    def plan(name: str) -> JobPlan:
        s = live.settings
        cron = s.schedule.check if name == "check" else s.schedule.report
        grace = timedelta(hours=s.schedule.missed_grace_hours)
        return JobPlan(name, cron, s.schedule.timezone, grace, s.lease_seconds)

    def alerter() -> Alerter:
        s = live.settings
        url = s.alert_webhook_url.get_secret_value() if s.alert_webhook_url else None
        return Alerter(url, s.alert_after_failures)

    def run_check(lease: RunLease) -> str:
        live.poll()  # a change saved just before the run applies to it
        return check_job(live.settings, lease=lease)[0].status.value

    def run_report(lease: RunLease) -> str:
        live.poll()
        report(live.settings, lease=lease)
        return "succeeded"

    runners = {
        "check": DueRunner(store, lambda: plan("check"), run_check, alerter),
        "report": DueRunner(store, lambda: plan("report"), run_report, alerter),
    }
    runners["check"].force_next = run_now
    scheduler = build_scheduler(first.schedule, {name: r.poll for name, r in runners.items()}, {"reload": live.poll})
    port = http_port if http_port is not None else first.http_port
    server = None
    if port is not None:
        age = lambda: timedelta(minutes=live.settings.ready_max_age_minutes)  # noqa: E731
        server = ThreadedServer(build_app(store, age), host=first.http_host, port=port).start()
        log.info("http_started", url=server.url)
    log.info("daemon_started", check=first.schedule.check, report=first.schedule.report, tz=first.schedule.timezone)

    def stop(signum: int, _frame: object) -> None:
        # `docker stop` and systemd send SIGTERM: let a running job finish, then leave (a safe restart).
        log.info("daemon_stopping", signal=signal.Signals(signum).name)
        scheduler.shutdown(wait=True)

    signal.signal(signal.SIGTERM, stop)
    try:
        with contextlib.suppress(KeyboardInterrupt, SystemExit):
            scheduler.start()
    finally:
        if server is not None:
            server.stop()
        live.close()
        store.close()
    log.info("daemon_stopped")
