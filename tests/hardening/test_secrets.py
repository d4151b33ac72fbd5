"""Secrets: a canary in every secret setting, then every output of normal, failing and crashing runs searched.

The bot runs as users run it — the console script in a child process, verbose, JSON and console logs — against
a sandbox whose API token is the canary. Searched: every line on stdout and stderr, the HTML preview, every
comment, page, attachment and property on the site (its full state), the site's request log, and every row of
the state database (and its raw bytes). The canary must appear nowhere.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pmo_bot.demo import sandbox_env
from pmo_bot.sandbox.jira import snapshot as jira_snapshot
from pmo_bot.sandbox.running import RunningSandbox, start_sandbox
from tests.e2e.conftest import REPO
from tests.hardening.servers import Recorded, http_server, send_json

pytestmark = pytest.mark.slow

TOKEN = "canaryTok-7f1e2d3c4b5a"  # the site's real token: the runs that must work use it
WRONG = "canaryBad-0a9b8c7d6e5f"  # a refused token, for the failing runs
DB_PASSWORD = "canaryDb-1122aabbcc"
WEBHOOK = "canaryHook-99ffee88"
CANARIES = (TOKEN, WRONG, DB_PASSWORD, WEBHOOK)


@pytest.fixture(params=["cloud", "datacenter"])
def site(request: pytest.FixtureRequest) -> Iterator[RunningSandbox]:
    with start_sandbox(flavor=request.param, seed="demo", token=TOKEN) as running:
        yield running


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """SQLite; or, with PMO_TEST_DATABASE_URL, a PostgreSQL database of its own reached with a canary password
    (loopback connections are trusted, so the password is accepted, and must stay hidden)."""
    server = os.environ.get("PMO_TEST_DATABASE_URL")
    if not server:
        yield f"sqlite:///{tmp_path / 'state.db'}"
        return
    import sqlalchemy

    name = f"pmo_secrets_{os.getpid()}_{time.monotonic_ns() % 10**9}"
    admin = sqlalchemy.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sqlalchemy.text(f'CREATE DATABASE "{name}"'))
    url = sqlalchemy.make_url(server).set(database=name, password=DB_PASSWORD)
    yield url.render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(sqlalchemy.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


class Runner:
    def __init__(self, site: RunningSandbox, tmp_path: Path, webhook: str, database_url: str) -> None:
        self.site = site
        self.tmp_path = tmp_path
        self.outputs: list[str] = []
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("PMO_")}
        self.env.update(sandbox_env(site, database_url))
        self.env.update(
            {
                "PMO_RULES_DIR": str(REPO / "rules"),
                "PMO_MODE": "enforce",
                "PMO_MAX_COMMENT_WRITES": "100000",
                "PMO_REQUEST_RATE": "1000",
                "PMO_MAX_RETRIES": "1",
                "PMO_ALERT_WEBHOOK_URL": webhook,
            }
        )

    def command(self, *args: str, json_logs: bool = True) -> list[str]:
        logs = "--log-json" if json_logs else "--log-console"
        return [sys.executable, "-m", "pmo_bot", "--log-level", "DEBUG", logs, *args]

    def run(self, *args: str, json_logs: bool = True, **env: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            self.command(*args, json_logs=json_logs),
            env={**self.env, **env},
            cwd=self.tmp_path,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        self.outputs += [done.stdout, done.stderr]
        return done

    def killed_after_first_write(self) -> int:
        """Start a check and SIGKILL it as soon as it has written its first comment."""
        since = self.site.last_request_id()
        with subprocess.Popen(
            self.command("check", "--full"),
            env=self.env,
            cwd=self.tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        ) as child:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and child.poll() is None:
                writes = [r for r in self.site.requests(since) if r["method"] in ("POST", "PUT", "DELETE")]
                if any("/comment" in r["path"] for r in writes):
                    child.send_signal(signal.SIGKILL)
                    break
                time.sleep(0.02)
            out, err = child.communicate(timeout=60)
        self.outputs += [out, err]
        return child.returncode


def _site_state(site: RunningSandbox) -> str:
    state = {
        "jira": jira_snapshot.snapshot(site.sandbox.jira),
        "confluence": site.sandbox.confluence.snapshot(),
        "requests": site.requests(),
    }
    return json.dumps(state, default=repr)


def _database_dump(url: str) -> str:
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        with sqlite3.connect(path) as db:
            rows = "\n".join(db.iterdump())
        return rows + path.read_bytes().decode("latin-1")
    import sqlalchemy

    engine = sqlalchemy.create_engine(url)
    lines = []
    with engine.connect() as connection:
        for table in sqlalchemy.inspect(connection).get_table_names():
            for row in connection.execute(sqlalchemy.text(f'SELECT * FROM "{table}"')):
                lines.append(repr(tuple(row)))
    engine.dispose()
    return "\n".join(lines)


def _assert_no_canary(where: str, text: str) -> None:
    for canary in CANARIES:
        assert canary not in text, f"{canary} leaked into {where}"


def test_no_secret_in_any_output_of_normal_failing_and_crashing_runs(
    site: RunningSandbox, tmp_path: Path, database_url: str
) -> None:
    def hook(handler: Any, _: Recorded) -> None:
        send_json(handler, {"ok": True})

    with http_server(hook) as (hook_url, _):
        runner = Runner(site, tmp_path, f"{hook_url}/hooks/{WEBHOOK}", database_url)
        # A crash: the first check killed in the middle of writing comments; then the run after it.
        assert runner.killed_after_first_write() == -signal.SIGKILL
        assert runner.run("check").returncode == 0
        # Normal runs: a report with its HTML preview (console logs), doctor.
        preview = tmp_path / "preview.html"
        assert runner.run("report", "--output", str(preview), json_logs=False).returncode == 0
        assert runner.run("doctor").returncode == 0
        # Failing runs: refused tokens (their canary), an unreachable Confluence, a broken rules directory.
        assert runner.run("doctor", PMO_JIRA_TOKEN=WRONG, PMO_CONFLUENCE_TOKEN=WRONG).returncode != 0
        assert runner.run("report", PMO_CONFLUENCE_URL="http://127.0.0.1:9/wiki").returncode != 0
        assert runner.run("check", PMO_RULES_DIR=str(tmp_path / "missing")).returncode != 0

    outputs = "\n".join(runner.outputs)
    assert '"event": "check_finished"' in outputs  # the logs really were captured, verbose and JSON
    assert site.sandbox.jira.issues  # and the site really holds what the bot wrote
    _assert_no_canary("stdout/stderr", outputs)
    _assert_no_canary("the HTML preview", preview.read_text(encoding="utf-8"))
    state = _site_state(site)
    assert "pmo-bot:v1" in state  # bot comments exist in what is searched
    _assert_no_canary("Jira/Confluence (comments, pages, attachments, properties, request log)", state)
    _assert_no_canary("the state database", _database_dump(runner.env["PMO_DATABASE_URL"]))
