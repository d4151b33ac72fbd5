"""The daemon as an operator runs it: starts, checks, and on SIGTERM lets the running check finish."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from pmo_bot.demo import sandbox_env
from pmo_bot.sandbox.running import RunningSandbox
from pmo_bot.store import open_store
from pmo_bot.store.records import RunKind, RunStatus

REPO = Path(__file__).resolve().parents[2]


def test_sigterm_stops_the_daemon_after_its_running_check(dc_sandbox: RunningSandbox, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'daemon.db'}"
    # A fast client: since the history work, a Data Center sync at the default 10 requests/s takes minutes.
    env = {
        **os.environ,
        **sandbox_env(dc_sandbox, url),
        "PMO_RULES_DIR": str(REPO / "rules"),
        "PMO_REQUEST_RATE": "500",
    }
    daemon = subprocess.Popen(
        [sys.executable, "-m", "pmo_bot", "--log-json", "serve", "--run-now"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(daemon.stderr or ()), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 60
        while not any('"check_started"' in line for line in lines) and time.monotonic() < deadline:
            time.sleep(0.1)  # wait until the first check is under way
        assert any('"check_started"' in line for line in lines), "the daemon did not start its first check"
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(timeout=60)
        reader.join(timeout=10)
    finally:
        if daemon.poll() is None:
            daemon.kill()
    err = "".join(lines)
    assert daemon.returncode == 0, err
    assert '"event": "daemon_stopped"' in err
    with open_store(url) as store:
        (run,) = store.runs.recent(RunKind.CHECK)
    assert run.status is RunStatus.SUCCEEDED  # not left "running": the stop waited for it
