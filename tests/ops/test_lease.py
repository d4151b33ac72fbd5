"""The run lease on each backend: one holder at a time, expiry and take-over, fencing, the holder's identity."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import pytest

from pmo_bot.errors import LeaseHeld, LeaseLost
from pmo_bot.ops.lease import RunLease, hold, process_alive
from pmo_bot.store import Store
from pmo_bot.store.leases import Claimant


def test_one_holder_at_a_time_and_the_busy_message_names_it(store: Store) -> None:
    with hold(store.leases, "check", ttl=30) as first:
        assert first.token == 1
        with pytest.raises(LeaseHeld) as busy:
            RunLease(store.leases, "check", 30).acquire(wait=0)
        message = str(busy.value)
        assert f"another run holds the lease (pid {os.getpid()}, host {socket.gethostname()}, since " in message
        assert busy.value.exit_code == 3
        with hold(store.leases, "report", ttl=30):  # another job has its own lease
            pass
    with hold(store.leases, "check", ttl=30) as second:  # released: free again, with a new fencing token
        assert second.token == 2


def test_a_manual_run_waits_briefly_for_the_lease(store: Store) -> None:
    holder = RunLease(store.leases, "check", 30)
    holder.acquire()
    started = time.monotonic()
    with pytest.raises(LeaseHeld):
        RunLease(store.leases, "check", 30).acquire(wait=1.0)
    assert 0.9 <= time.monotonic() - started < 5
    holder.release()


def test_an_expired_lease_is_taken_over_and_its_old_holder_is_fenced_off(store: Store) -> None:
    # A holder from another host that stopped renewing (its process froze): only expiry frees the lease.
    stale = Claimant(holder="elsewhere", pid=1, host="other-host")
    assert store.leases.try_acquire("check", stale, ttl=1) == 1
    with pytest.raises(LeaseHeld, match="host other-host"):
        RunLease(store.leases, "check", 30).acquire(wait=0)
    time.sleep(1.2)
    successor = RunLease(store.leases, "check", 30)
    successor.acquire(wait=0)
    assert successor.token == 2
    assert not store.leases.renew("check", "elsewhere", 1, ttl=30)  # the old holder cannot extend it any more
    successor.release()


def test_a_holder_that_lost_its_lease_stops_before_writing(store: Store) -> None:
    lease = RunLease(store.leases, "check", 1)
    lease._stop.set()  # no heartbeat: as if this process had been frozen
    token = store.leases.try_acquire("check", lease.claimant, ttl=1)
    lease.token = token
    lease._confirmed = time.monotonic()
    assert 0.9 < lease.ensure_held() <= 1.0  # fresh: certainly ours for about its whole ttl
    time.sleep(1.2)
    taker = RunLease(store.leases, "check", 30)
    taker.acquire(wait=0)
    with pytest.raises(LeaseLost, match=r"lost|could not be renewed"):
        lease.ensure_held()
    taker.release()


def test_the_heartbeat_keeps_a_long_run_s_lease(store: Store) -> None:
    with hold(store.leases, "check", ttl=1.5) as lease:
        time.sleep(3.5)  # more than twice the period: renewed in the background
        lease.ensure_held()
        with pytest.raises(LeaseHeld):
            RunLease(store.leases, "check", 1.5).acquire(wait=0)


def test_a_dead_holder_on_this_host_is_replaced_at_once(store: Store) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    assert not process_alive(dead.pid)
    gone = Claimant(holder="dead", pid=dead.pid, host=socket.gethostname())
    assert store.leases.try_acquire("check", gone, ttl=600) == 1
    started = time.monotonic()
    with hold(store.leases, "check", ttl=30, wait=0) as lease:
        assert lease.token == 2
    assert time.monotonic() - started < 2


def test_a_zombie_counts_as_dead() -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    deadline = time.monotonic() + 10
    while process_alive(child.pid) and time.monotonic() < deadline:
        time.sleep(0.05)  # exited but not yet reaped: a zombie
    assert not process_alive(child.pid)
    child.wait()
    assert process_alive(os.getpid())
