"""``pmo-bot check`` as an operator runs it: a subprocess configured only by ``PMO_*`` variables.

Exit codes: 0 success, 1 the run failed (credentials refused, write cap, Jira failing), 2 invalid configuration.
Failures print one ``error:`` line per problem on stderr, never a traceback and never a secret.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pmo_bot.sandbox.running import RunningSandbox, start_sandbox
from tests.e2e.conftest import REPO
from tests.e2e.runs import jira_writes, set_faults

TOKEN = "tok-7c1e-DO-NOT-PRINT"  # recognisable, so that any echo of it shows
SUMMARY_KEYS = {
    "run_id",
    "status",
    "dry_run",
    "sync",
    "coverage",
    "findings",
    "comments",
    "template_errors",
    "warnings",
    "scopes",
    "evaluation",
    "duration_seconds",
}


@pytest.fixture(params=["cloud", "datacenter"])
def site(request: pytest.FixtureRequest) -> Iterator[RunningSandbox]:
    with start_sandbox(flavor=request.param, seed="demo", token=TOKEN) as running:
        yield running


def environment(site: RunningSandbox | None, database: Path, **overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PMO_")}
    env |= {
        "PMO_JIRA_URL": site.jira_url if site else "http://127.0.0.1:9",
        "PMO_JIRA_TOKEN": TOKEN,
        "PMO_DATABASE_URL": f"sqlite:///{database}",
        "PMO_RULES_DIR": str(REPO / "rules"),
        "PMO_MODE": "enforce",
        "PMO_PROJECTS": "CRM",
        "PMO_MAX_COMMENT_WRITES": "100",
        "PMO_REQUEST_RATE": "1000",
    }
    if site is not None and site.flavor == "cloud":
        env["PMO_JIRA_USER"] = site.user
    return env | overrides


def pmo_bot(env: dict[str, str], *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pmo_bot", *args]
    result = subprocess.run(command, check=False, env=env, cwd=cwd, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in result.stderr
    assert TOKEN not in result.stdout + result.stderr
    return result


def error_lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    """What the user is told: stderr without the structured log lines."""
    return [line for line in result.stderr.splitlines() if line.strip() and not line.startswith("{")]


def summary(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(result.stdout)  # stdout is the JSON document alone; logs go to stderr
    return data


def test_check_prints_a_json_summary_and_exits_0(site: RunningSandbox, database: Path, tmp_path: Path) -> None:
    env = environment(site, database)
    since = site.last_request_id()
    dry = pmo_bot(env, "check", "--dry-run", "--format", "json", cwd=tmp_path)
    assert dry.returncode == 0, dry.stderr
    planned = summary(dry)
    assert set(planned) == SUMMARY_KEYS
    assert planned["dry_run"] is True
    assert planned["comments"]["writes_planned"] > 0
    assert not jira_writes(site.requests(since))

    real = pmo_bot(env, "check", "--format", "json", cwd=tmp_path)
    assert real.returncode == 0, real.stderr
    done = summary(real)
    assert set(done) == SUMMARY_KEYS
    assert done["status"] == "succeeded"
    assert done["coverage"]["items_checked"] == planned["coverage"]["items_checked"] > 0
    assert done["comments"]["writes_done"] == {"create": planned["comments"]["writes_planned"]}
    assert done["comments"]["failed"] == {}
    assert set(done["findings"]["by_severity"]) <= {"error", "warning", "info"}

    again = summary(pmo_bot(env, "check", "--format", "json", cwd=tmp_path))
    assert again["sync"]["kind"] == "incremental"
    assert again["comments"]["writes_done"] == {}


def test_invalid_configuration_exits_2_with_one_line_per_problem(database: Path, tmp_path: Path) -> None:
    env = environment(None, database, PMO_MODE="bogus", PMO_MAX_COMMENT_WRITES="-1")

    result = pmo_bot(env, "check", "--format", "json", cwd=tmp_path)

    assert result.returncode == 2
    assert result.stdout == ""
    lines = error_lines(result)
    assert len(lines) == 2, lines
    assert lines[0].startswith("error: ")
    assert any("PMO_MODE" in line and "'audit' or 'enforce'" in line for line in lines)
    assert any("PMO_MAX_COMMENT_WRITES" in line for line in lines)


def test_a_refused_token_exits_1_with_a_clear_message(site: RunningSandbox, database: Path, tmp_path: Path) -> None:
    env = environment(site, database, PMO_JIRA_TOKEN="wrong-" + TOKEN)

    result = pmo_bot(env, "check", "--format", "json", cwd=tmp_path)

    assert result.returncode == 1
    assert result.stdout == ""
    (line,) = error_lines(result)
    assert line.startswith("error: Jira refused the credentials")
    assert "HTTP 401" in line


@pytest.mark.parametrize("site", ["datacenter"], indirect=True)
def test_the_write_cap_exits_1_and_says_how_to_proceed(site: RunningSandbox, database: Path, tmp_path: Path) -> None:
    env = environment(site, database, PMO_MAX_COMMENT_WRITES="2")
    since = site.last_request_id()

    result = pmo_bot(env, "check", cwd=tmp_path)

    assert result.returncode == 1
    (line,) = error_lines(result)
    assert "max_comment_writes is 2; nothing was written" in line
    assert "--baseline" in line
    assert not jira_writes(site.requests(since))


@pytest.mark.parametrize("site", ["cloud"], indirect=True)
def test_a_jira_that_keeps_failing_exits_1(site: RunningSandbox, database: Path, tmp_path: Path) -> None:
    set_faults(site, rate_503=1.0, retry_after=0, path_pattern=r"/search(/jql)?$")

    result = pmo_bot(environment(site, database, PMO_MAX_RETRIES="1"), "check", cwd=tmp_path)

    assert result.returncode == 1
    (line,) = error_lines(result)
    assert "HTTP 503 while searching issues" in line
