"""Real pmo-bot processes for the concurrency suites: started with an operator's environment, their JSON log
read line by line, stopped (or killed) by the test."""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pmo_bot.demo import sandbox_env
from pmo_bot.sandbox.running import RunningSandbox
from pmo_bot.store import open_store
from pmo_bot.store.records import Run, RunKind

REPO = Path(__file__).resolve().parents[2]


def bot_env(sandbox: RunningSandbox, database_url: str, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PMO_") or k.startswith("PMO_TEST_")}
    env.update(sandbox_env(sandbox, database_url))
    env.update(
        {
            "PMO_RULES_DIR": str(REPO / "rules"),
            "PMO_MODE": "enforce",
            "PMO_MAX_COMMENT_WRITES": "100000",
            "PMO_REQUEST_RATE": "200",
            "PMO_MAX_RETRIES": "2",
        }
    )
    env.update(settings)
    return env


class Bot:
    """One pmo-bot process; ``events`` holds its JSON log lines as they arrive."""

    def __init__(self, args: list[str], env: Mapping[str, str], cwd: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pmo_bot", "--log-json", *args],
            env=dict(env),
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.pid = self.process.pid
        self.events: list[dict[str, Any]] = []
        self.stderr_lines: list[str] = []
        self.stdout = ""
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self._out = threading.Thread(target=self._read_out, daemon=True)
        self._out.start()

    def _read(self) -> None:
        for line in self.process.stderr or ():
            self.stderr_lines.append(line)
            try:
                event = json.loads(line)
            except ValueError:
                continue
            event["_seen"] = time.monotonic()
            self.events.append(event)

    def _read_out(self) -> None:
        self.stdout = (self.process.stdout.read() if self.process.stdout else "") or ""

    def named(self, name: str) -> list[dict[str, Any]]:
        return [e for e in list(self.events) if e.get("event") == name]

    def wait_for(self, name: str, timeout: float = 60, count: int = 1) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.named(name)
            if len(found) >= count:
                return found[count - 1]
            if self.process.poll() is not None and len(self.named(name)) < count:
                time.sleep(0.2)  # let the reader catch up with the last lines
                if len(self.named(name)) < count:
                    break
            time.sleep(0.05)
        raise AssertionError(f"pid {self.pid}: no {count}x {name!r} within {timeout}s:\n{self.log()}")

    def log(self) -> str:
        return "".join(self.stderr_lines[-60:])

    def stop(self, timeout: float = 60) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        finally:
            self.kill()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)
        self._reader.join(timeout=10)
        self._out.join(timeout=10)

    def wait(self, timeout: float = 120) -> int:
        code = self.process.wait(timeout=timeout)
        self._reader.join(timeout=10)
        self._out.join(timeout=10)
        return code


def runs_of(database_url: str, kind: RunKind = RunKind.CHECK) -> list[Run]:
    with open_store(database_url) as store:
        return sorted(store.runs.recent(kind, limit=1000), key=lambda r: (r.started_at, r.id))


def assert_never_overlapping(runs: list[Run]) -> None:
    """Each run started after the previous one finished (runs a killed process left are closed by the next)."""
    for before, after in itertools.pairwise(runs):
        assert before.finished_at is not None, f"run {before.id} never finished"
        assert after.started_at >= before.finished_at, f"runs {before.id} and {after.id} overlapped"
