"""Concurrency with real processes, on one SQLite file and on one PostgreSQL database: two daemons, a daemon
plus manual checks, a killed holder, a frozen holder. Never two runs of a job at once, never a duplicate
comment, never one scheduled time run twice; the take-over times are printed (``-s``) for the record."""

from __future__ import annotations

import os
import signal
import time
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from pmo_bot.sandbox.running import RunningSandbox, start_sandbox
from tests.e2e.runs import bot_comment_counts, clear_faults, set_faults
from tests.ops.procs import Bot, assert_never_overlapping, bot_env, runs_of

pytestmark = pytest.mark.slow

TICK = "*/4 * * * * *"  # a check every 4 seconds: several ticks in a short test
NEVER = "0 0 1 1 *"


@pytest.fixture
def site() -> Iterator[RunningSandbox]:
    with start_sandbox(flavor="cloud", seed="demo") as running:
        yield running


def _assert_no_duplicate_comments(site: RunningSandbox) -> int:
    counts = bot_comment_counts(site)
    twice = {key: n for key, n in counts.items() if n > 1}
    assert not twice, f"duplicate bot comments: {twice}"
    return sum(counts.values())


def _slow_comment_writes(site: RunningSandbox) -> None:
    """Comment writes take 0.3 s: a run spends a while writing, so a test can stop its holder mid-way."""
    set_faults(site, latency_ms=300, methods=["POST", "PUT"], path_pattern="/comment")


def _empty(pg_url: str) -> str:
    from tests.conftest import _empty_postgres

    _empty_postgres(pg_url)
    return pg_url


def _at(event: dict[str, Any]) -> float:
    """When the process logged ``event`` (its own clock, this host): not when the test got round to reading it."""
    return datetime.fromisoformat(str(event["timestamp"])).timestamp()


def _daemon(site: RunningSandbox, url: str, cwd: Path, **settings: str) -> Bot:
    defaults = {
        "PMO_SCHEDULE__CHECK": TICK,
        "PMO_SCHEDULE__REPORT": NEVER,
        "PMO_SCHEDULE__POLL_SECONDS": "0.5",
        "PMO_LEASE_SECONDS": "4",
        "PMO_PROJECTS": "CRM,MOB",  # a part of the demo portfolio: enough comments to write, short runs
    }
    env = bot_env(site, url, **{**defaults, **settings})
    return Bot(["serve"], env, cwd)


def test_two_daemons_take_turns_and_never_run_one_tick_twice(site: RunningSandbox, db_url: str, tmp_path: Path) -> None:
    daemons = [_daemon(site, db_url, tmp_path), _daemon(site, db_url, tmp_path)]
    try:
        deadline = time.monotonic() + 150
        while time.monotonic() < deadline and sum(len(d.named("job_finished")) for d in daemons) < 3:
            time.sleep(0.2)
    finally:
        codes = [d.stop() for d in daemons]
    assert codes == [0, 0], "\n".join(d.log() for d in daemons)
    finished = [e for d in daemons for e in d.named("job_finished")]
    assert len(finished) >= 3, "\n".join(d.log() for d in daemons)
    dues = Counter(e["due"] for d in daemons for e in d.named("job_started"))
    assert all(n == 1 for n in dues.values()), f"a scheduled time ran twice: {dues}"
    runs = runs_of(db_url)
    assert len(runs) == len(dues)
    assert_never_overlapping(runs)
    assert {r.status.value for r in runs} <= {"succeeded", "partial"}
    assert _assert_no_duplicate_comments(site) > 0


def test_manual_checks_next_to_a_daemon_wait_or_exit_3_naming_the_holder(
    site: RunningSandbox, db_url: str, tmp_path: Path
) -> None:
    set_faults(site, latency_ms=500)  # a slow Jira: the daemon's first run holds the lease for a good while
    daemon = _daemon(site, db_url, tmp_path)
    manual = {"PMO_PROJECTS": "CRM,MOB"}
    try:
        daemon.wait_for("job_started", timeout=90)
        busy = Bot(["check"], bot_env(site, db_url, PMO_LEASE_WAIT_SECONDS="0", **manual), tmp_path)
        assert busy.wait(timeout=120) == 3, busy.log()
        message = busy.log()
        assert f"another run holds the lease (pid {daemon.pid}, host {os.uname().nodename}, since " in message
        patient = Bot(["check"], bot_env(site, db_url, PMO_LEASE_WAIT_SECONDS="300", **manual), tmp_path)
        clear_faults(site)  # the daemon's run now ends soon; the patient run waits for it, then runs
        assert patient.wait(timeout=360) == 0, patient.log()
        daemon.wait_for("job_finished", timeout=60, count=2)
    finally:
        clear_faults(site)
        assert daemon.stop() == 0, daemon.log()
    runs = runs_of(db_url)
    assert len(runs) >= 3
    assert_never_overlapping(runs)
    _assert_no_duplicate_comments(site)


def test_a_killed_holder_is_replaced_at_once_and_nothing_is_written_twice(
    site: RunningSandbox, db_url: str, tmp_path: Path
) -> None:
    # A lease of a minute: only the "its process is gone" path can explain a quick take-over.
    _slow_comment_writes(site)
    victim = _daemon(site, db_url, tmp_path, PMO_LEASE_SECONDS="60")
    victim.wait_for("job_started", timeout=60)
    standby = _daemon(site, db_url, tmp_path, PMO_LEASE_SECONDS="60")
    try:
        standby.wait_for("daemon_started", timeout=90)  # a standby replica, up and polling
        victim.wait_for("comment_written", timeout=90, count=5)  # killed in the middle of writing comments
        assert not standby.named("lease_acquired"), standby.log()
        victim.process.send_signal(signal.SIGKILL)
        killed_at = time.time()
        victim.kill()
        acquired = standby.wait_for("lease_taken_over", timeout=30)
        takeover = _at(acquired) - killed_at
        clear_faults(site)
        standby.wait_for("job_finished", timeout=120)
    finally:
        victim.kill()
        assert standby.stop() == 0, standby.log()
    print(f"\ntake-over after SIGKILL (same host, {db_url.split(':', maxsplit=1)[0]}): {takeover:.2f}s")
    assert takeover < 5
    runs = runs_of(db_url)
    assert runs[0].error
    assert runs[0].error.startswith("interrupted")
    assert_never_overlapping(runs)
    _assert_no_duplicate_comments(site)


@pytest.mark.postgres
def test_a_frozen_holder_is_replaced_after_its_lease_expires_and_then_writes_nothing(
    site: RunningSandbox, pg_url: str, tmp_path: Path
) -> None:
    """High availability: a replica on another host (here: a frozen one, whose pid is alive) is replaced by a
    standby once its lease expires, and on waking writes nothing more."""
    db_url = _empty(pg_url)
    _slow_comment_writes(site)
    frozen = _daemon(site, db_url, tmp_path, PMO_LEASE_SECONDS="3")
    frozen.wait_for("job_started", timeout=60)
    standby = _daemon(site, db_url, tmp_path, PMO_LEASE_SECONDS="3")
    try:
        standby.wait_for("daemon_started", timeout=90)
        frozen.wait_for("comment_written", timeout=90, count=5)
        assert not standby.named("lease_acquired"), standby.log()
        frozen.process.send_signal(signal.SIGSTOP)  # alive but silent: only the lease's expiry frees the job
        stopped_at = time.time()
        acquired = standby.wait_for("lease_acquired", timeout=30)
        takeover = _at(acquired) - stopped_at
        clear_faults(site)
        standby.wait_for("job_finished", timeout=120)
        frozen.process.send_signal(signal.SIGCONT)
        stopped = frozen.wait_for("job_stopped", timeout=30)  # it noticed before its next write
        assert "lease" in stopped["error"]
        written_after = [e for e in frozen.named("comment_written") if _at(e) > stopped_at + 0.5]
        assert len(written_after) <= 1  # at most the one write already on the wire when it was frozen
    finally:
        frozen.process.send_signal(signal.SIGCONT)
        assert frozen.stop() == 0, frozen.log()
        assert standby.stop() == 0, standby.log()
    print(f"\ntake-over after SIGSTOP (lease 3 s, {db_url.split(':', maxsplit=1)[0]}): {takeover:.2f}s")
    assert takeover < 3 + 2
    _assert_no_duplicate_comments(site)


def test_replicas_starting_together_migrate_once(db_url: str, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PMO_")} | {"PMO_DATABASE_URL": db_url}
    upgrades = [Bot(["db", "upgrade"], env, tmp_path) for _ in range(3)]
    codes = [bot.wait(timeout=120) for bot in upgrades]
    assert codes == [0, 0, 0], "\n".join(bot.log() for bot in upgrades)
    said = sorted(bot.stdout.split(": ", 1)[1].split(" ")[0] for bot in upgrades)
    assert said == ["already", "already", "upgraded"], [bot.stdout for bot in upgrades]
