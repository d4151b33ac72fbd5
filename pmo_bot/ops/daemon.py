"""Whether this replica runs a job now, decided against the state database so that replicas agree.

Each poll: find the latest scheduled fire time not yet handled (many missed ones coalesce into one); give it up
if it is older than ``schedule.missed_grace_hours``; otherwise try the job's lease without waiting. The winner
checks again under the lease that no replica ran it meanwhile, runs it, and records it as handled. A runner
that dies mid-run never records its fire time, so after its lease expires a standby replica runs it: that is
the take-over. The failure streak recorded here drives the alerts.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pmo_bot import logs
from pmo_bot.errors import LeaseHeld, LeaseLost, PmoError
from pmo_bot.ops import metrics
from pmo_bot.ops.alerts import Alerter
from pmo_bot.ops.lease import RunLease
from pmo_bot.scheduler import cron_trigger, latest_due
from pmo_bot.store import Store

log = logs.get_logger(__name__)

JobFn = Callable[[RunLease], str]  # runs the job under the lease; returns the run status


@dataclass(frozen=True, slots=True)
class JobPlan:
    name: str
    cron: str
    timezone: str
    grace: timedelta
    lease_seconds: float


class DueRunner:
    def __init__(
        self,
        store: Store,
        plan: Callable[[], JobPlan],
        run: JobFn,
        alerter: Callable[[], Alerter],
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.store, self._plan, self._run, self._alerter, self._clock = store, plan, run, alerter, clock
        self.force_next = False  # `serve --run-now`: run once at start whatever the schedule says

    def poll(self) -> str | None:
        """Run the job if it is due here and now; returns the run's status, or None when nothing ran."""
        plan = self._plan()
        now = self._clock()
        state = self.store.jobs.get(plan.name) or self.store.jobs.start_tracking(plan.name, now)
        forced = self.force_next
        due = now if forced else latest_due(cron_trigger(plan.cron, plan.timezone), state.last_due, now)
        if due is None:
            return None
        if not forced and now - due > plan.grace:
            self.store.jobs.handled(plan.name, due, None, now)
            metrics.MISSED_RUNS.labels(plan.name).inc()
            log.warning("run_missed", job=plan.name, due=due.isoformat(), grace_hours=plan.grace.total_seconds() / 3600)
            return None
        lease = RunLease(self.store.leases, plan.name, plan.lease_seconds)
        try:
            lease.acquire(0)
        except LeaseHeld as busy:
            log.debug("run_left_to_lease_holder", job=plan.name, holder=str(busy))
            return None
        try:
            return self._run_due(plan, due, lease, forced)
        finally:
            lease.release()

    def _run_due(self, plan: JobPlan, due: datetime, lease: RunLease, forced: bool) -> str | None:
        before = self.store.jobs.get(plan.name)
        if before is not None and before.last_due >= due and not forced:
            return None  # another replica ran it between our look and our lease
        self.force_next = False
        log.info("job_started", job=plan.name, due=due.isoformat(), fence=lease.token)
        started = time.monotonic()
        status, error = "failed", None
        try:
            status = self._run(lease)
        except LeaseLost as lost:
            log.error("job_stopped", job=plan.name, error=str(lost))  # the new holder runs this fire time
            metrics.run_finished(plan.name, "failed", time.monotonic() - started, time.time())
            return "failed"
        except PmoError as problem:
            error = str(problem)
            log.error("job_failed", job=plan.name, error=error)
        except Exception as bug:  # keep serving; the traceback goes to the log
            error = f"{type(bug).__name__}: {bug}"
            log.exception("job_crashed", job=plan.name)
        after = self.store.jobs.handled(plan.name, due, status, self._clock())
        metrics.run_finished(plan.name, status, time.monotonic() - started, time.time())
        log.info("job_finished", job=plan.name, status=status, failures_in_a_row=after.failures_in_a_row)
        self._alerter().observe(
            plan.name, status, after.failures_in_a_row, before.failures_in_a_row if before else 0, error
        )
        return status
