"""Crash harness: run ``check`` or ``report`` in a child process and SIGKILL it at a seeded write.

``KillSwitch`` wraps the sandbox's ASGI app. Armed with a child's pid, it counts the writes that match, and at
the n-th either kills the child *before* the sandbox applies the write, or lets the sandbox apply it and kills
the child before the answer leaves (the write happened; the bot never learned it) — the moments between a
comment write and its bookkeeping, and between a page update and its attachments. Children are forked from a
preloaded fork server, so a trial costs milliseconds of start-up, not an interpreter launch.
"""

from __future__ import annotations

import functools
import io
import multiprocessing
import os
import re
import signal
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pmo_bot.sandbox.app import build_app
from pmo_bot.sandbox.running import RunningSandbox, prepare_sandbox
from pmo_bot.sandbox.server import ThreadedServer
from pmo_bot.sandbox.site import Flavor

WRITES = frozenset({"POST", "PUT", "DELETE"})
Match = Callable[[str, str], bool]


def comment_write(method: str, path: str) -> bool:
    return bool(re.search(r"/issue/[^/]+/comment(/\d+)?$", path))


def property_write(method: str, path: str) -> bool:
    return "/properties/" in path


def confluence_write(method: str, path: str) -> bool:
    return "/rest/api/3/" not in path and "/rest/api/2/" not in path and "/_sandbox" not in path


def any_write(method: str, path: str) -> bool:
    return "/_sandbox" not in path and "/search" not in path  # a search POST only reads


@dataclass
class _Arm:
    pid: int
    match: Match
    nth: int
    before: bool
    seen: int = 0


class KillSwitch:
    """ASGI middleware: kill an armed child process at its n-th matching write."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self._arm: _Arm | None = None
        self._lock = threading.Lock()
        self.killed = threading.Event()
        self.at: tuple[str, str] | None = None

    def arm(self, pid: int, match: Match, nth: int, *, before: bool) -> None:
        with self._lock:
            self._arm = _Arm(pid, match, nth, before)
            self.killed.clear()
            self.at = None

    def disarm(self) -> None:
        with self._lock:
            self._arm = None

    def _due(self, method: str, path: str) -> _Arm | None:
        with self._lock:
            arm = self._arm
            if arm is None or method not in WRITES or not arm.match(method, path):
                return None
            arm.seen += 1
            if arm.seen != arm.nth:
                return None
            self._arm = None
            self.at = (method, path)
            return arm

    def _kill(self, arm: _Arm) -> None:
        try:
            os.kill(arm.pid, signal.SIGKILL)
        except ProcessLookupError:
            return
        self.killed.set()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        arm = self._due(scope["method"], scope["path"]) if scope["type"] == "http" else None
        if arm is None:
            await self.app(scope, receive, send)
            return
        if arm.before:  # killed on the way: the sandbox never sees this write
            self._kill(arm)
            await send({"type": "http.response.start", "status": 503, "headers": []})
            await send({"type": "http.response.body", "body": b""})
            return
        fired = False

        async def kill_then_discard(message: Mapping[str, Any]) -> None:
            nonlocal fired
            if not fired:  # the write is applied (the app is answering): kill before the answer leaves
                fired = True
                self._kill(arm)

        await self.app(scope, receive, kill_then_discard)


@contextmanager
def crash_site(flavor: Flavor, issues: int) -> Iterator[tuple[RunningSandbox, KillSwitch]]:
    sandbox, _ = prepare_sandbox(flavor, seed="synthetic", issues=issues)
    switch = KillSwitch(build_app(sandbox))
    with ThreadedServer(switch) as server:
        yield RunningSandbox(server.url, "pmo-bot@example.com", "sandbox-token", flavor, sandbox), switch


# -- children ---------------------------------------------------------------------------------------------


def check_child(env: dict[str, str]) -> None:
    from pmo_bot import logs
    from pmo_bot.config import load_settings
    from pmo_bot.jobs import check_job

    logs.configure(level="ERROR", json=True, stream=io.StringIO())
    check_job(load_settings(None, env=env))


def report_child(env: dict[str, str], now: str) -> None:
    from pmo_bot import logs
    from pmo_bot.config import load_settings
    from pmo_bot.report.job import report_job

    logs.configure(level="ERROR", json=True, stream=io.StringIO())
    report_job(load_settings(None, env=env), now=datetime.fromisoformat(now))


@functools.cache
def _context() -> Any:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["pmo_bot.jobs", "pmo_bot.check", "pmo_bot.report.job", "tests.hardening.crash"])
    return context


def run_and_maybe_kill(
    switch: KillSwitch, target: Callable[..., None], args: tuple[Any, ...], match: Match, nth: int, *, before: bool
) -> bool:
    """Run ``target(*args)`` in a child, killed at the ``nth`` matching write. True if it was killed."""
    child = _context().Process(target=target, args=args)
    child.start()
    assert child.pid is not None
    switch.arm(child.pid, match, nth, before=before)
    child.join(timeout=180)
    switch.disarm()
    if child.is_alive():
        child.kill()
        child.join()
        raise AssertionError("the child neither finished nor was killed in 180 s")
    if child.exitcode == -signal.SIGKILL:
        return True
    assert child.exitcode == 0, f"the child failed on its own (exit {child.exitcode})"
    return False
