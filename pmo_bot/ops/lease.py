"""The run lease as one process holds it: acquire (waiting a little), keep alive, check before every write.

One lease per job (``check``, ``report``) in the state database, so at most one process runs a job at a time:
the daemon, its replicas and manual runs alike. The holder renews every third of ``lease_seconds`` from a
background thread; a holder that dies stops renewing and its lease expires, then anyone may take it. A holder
on this host whose process is gone is taken over at once (a dead process writes nothing). Before each write
the run calls ``ensure_held``: a holder that was paused past its expiry (and so may have been replaced) stops
instead of writing next to its successor. Each acquisition gets a new fencing token.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from pmo_bot import logs
from pmo_bot.errors import LeaseHeld, LeaseLost
from pmo_bot.ops import metrics
from pmo_bot.store.leases import Claimant, LeaseInfo, Leases

log = logs.get_logger(__name__)


def process_alive(pid: int) -> bool:
    """Whether ``pid`` names a live (not zombie) process on this host."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a killed child its parent has not reaped yet is a zombie: dead for our purpose
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[0] not in ("Z", "X")


def describe(info: LeaseInfo | None) -> str:
    if info is None:
        return "another run holds the lease"
    since = info.since.strftime("%Y-%m-%d %H:%M:%S UTC")
    return f"another run holds the lease (pid {info.pid}, host {info.host}, since {since})"


class RunLease:
    """One acquisition of one job's lease by this process. Use ``acquire`` then ``release`` (or ``hold``)."""

    def __init__(
        self,
        leases: Leases,
        job: str,
        ttl: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.leases, self.job, self.ttl = leases, job, ttl
        self.claimant = Claimant(holder=uuid.uuid4().hex, pid=os.getpid(), host=socket.gethostname())
        self.token: int | None = None
        self._clock, self._sleep = clock, sleep
        self._confirmed = 0.0  # clock() before the last successful acquire or renew: the lease is ours until +ttl
        self._lost = False
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._heartbeat: threading.Thread | None = None

    def acquire(self, wait: float = 0.0) -> None:
        """Take the lease, retrying for up to ``wait`` seconds; raise ``LeaseHeld`` (exit code 3) if busy."""
        deadline = self._clock() + wait
        while True:
            started = self._clock()
            token = self.leases.try_acquire(self.job, self.claimant, self.ttl) or self._take_from_dead()
            if token is not None:
                self.token, self._confirmed, self._lost = token, started, False
                self._stop.clear()
                self._heartbeat = threading.Thread(target=self._renew_loop, name=f"lease-{self.job}", daemon=True)
                self._heartbeat.start()
                metrics.LEASE_HELD.labels(self.job).set(1)
                log.info("lease_acquired", job=self.job, fence=token)
                return
            remaining = deadline - self._clock()
            if remaining <= 0:
                metrics.LEASE_BUSY.labels(self.job).inc()
                raise LeaseHeld(f"{self.job}: {describe(self.leases.held(self.job))}")
            self._sleep(min(0.5, remaining))

    def _take_from_dead(self) -> int | None:
        info = self.leases.held(self.job)
        if info is None or info.host != self.claimant.host or process_alive(info.pid):
            return None
        token = self.leases.try_acquire(self.job, self.claimant, self.ttl, only_token=info.token)
        if token is not None:
            metrics.LEASE_TAKEOVERS.labels(self.job).inc()
            log.warning("lease_taken_over", job=self.job, from_pid=info.pid, host=info.host, reason="holder died")
        return token

    def _renew(self) -> bool:
        """One renewal; True when the lease is still ours. A database error is not a loss (yet)."""
        if self.token is None or self._lost:
            return False
        started = self._clock()
        try:
            renewed = self.leases.renew(self.job, self.claimant.holder, self.token, self.ttl)
        except Exception as error:  # the database is briefly unreachable: the lease may still be ours
            log.warning("lease_renew_failed", job=self.job, error=logs.redact_text(str(error)))
            return self._clock() - self._confirmed < self.ttl
        with self._lock:
            if renewed:
                self._confirmed = max(self._confirmed, started)
            else:
                self._lost = True
        if not renewed:
            metrics.LEASE_HELD.labels(self.job).set(0)
            log.error("lease_lost", job=self.job, fence=self.token)
        return renewed

    def _renew_loop(self) -> None:
        while not self._stop.wait(self.ttl / 3):
            if not self._renew() and self._lost:
                return

    def ensure_held(self) -> float:
        """Raise ``LeaseLost`` unless the lease is certainly still ours (renewing first if in doubt); else the
        seconds it certainly stays ours, within which a write must leave (``PoliteSession``)."""
        if self._lost:
            raise LeaseLost(f"{self.job}: the run lease was lost (another process took it over); stopping")
        if self._clock() - self._confirmed > self.ttl / 2 and not self._renew():
            raise LeaseLost(f"{self.job}: the run lease could not be renewed; stopping before the next write")
        return self._confirmed + self.ttl - self._clock()

    def release(self) -> None:
        self._stop.set()
        if self._heartbeat is not None:
            self._heartbeat.join(timeout=self.ttl)
            self._heartbeat = None
        if self.token is not None and not self._lost:
            try:
                self.leases.release(self.job, self.claimant.holder, self.token)
            except Exception as error:  # it expires on its own
                log.warning("lease_release_failed", job=self.job, error=logs.redact_text(str(error)))
        metrics.LEASE_HELD.labels(self.job).set(0)
        log.info("lease_released", job=self.job, fence=self.token)
        self.token = None


@contextmanager
def hold(leases: Leases, job: str, ttl: float, wait: float = 0.0) -> Iterator[RunLease]:
    lease = RunLease(leases, job, ttl)
    lease.acquire(wait)
    try:
        yield lease
    finally:
        lease.release()
