"""``pmo-bot runs`` and ``pmo-bot findings`` after real checks against the sandbox, and per-rule counts."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from pmo_bot.cli import app
from pmo_bot.demo import sandbox_env
from pmo_bot.sandbox.running import RunningSandbox, start_sandbox
from tests.e2e.conftest import REPO


@pytest.fixture(scope="module")
def site() -> Iterator[RunningSandbox]:
    with start_sandbox(flavor="cloud", seed="demo") as running:
        yield running


@pytest.fixture
def bot(site: RunningSandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    env = sandbox_env(site, f"sqlite:///{tmp_path / 'bot.db'}")
    env |= {"PMO_RULES_DIR": str(REPO / "rules"), "PMO_PROJECTS": "CRM", "PMO_REQUEST_RATE": "1000"}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(tmp_path)
    return CliRunner()


def invoke(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(app, ["--log-json", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_check_counts_findings_per_rule_and_runs_and_findings_list_them(bot: CliRunner) -> None:
    summary = json.loads(invoke(bot, "check", "--format", "json"))
    by_rule: dict[str, int] = summary["findings"]["by_rule"]
    assert by_rule
    assert sum(by_rule.values()) == sum(summary["findings"]["by_severity"].values())
    text = invoke(bot, "check")
    assert "Open findings by rule" in text
    top = max(by_rule, key=lambda r: (by_rule[r], r))
    assert top in text

    listed: dict[str, Any] = json.loads(invoke(bot, "runs", "--format", "json"))
    assert [r["job"] for r in listed["runs"]] == ["check", "check"]
    first = listed["runs"][-1]
    assert first["status"] == "succeeded"
    assert first["items_checked"] == summary["coverage"]["items_checked"]
    assert first["findings"] == sum(by_rule.values())
    assert first["writes"] == summary["comments"]["writes_done"]
    assert first["duration_seconds"] > 0
    assert listed["rejected_files"] == []
    assert listed["leases"] == {"check": None, "report": None}
    table = invoke(bot, "runs", "--job", "check", "--limit", "1")
    assert "succeeded" in table
    assert str(listed["runs"][0]["id"]) in table
    assert "No runs yet." in invoke(bot, "runs", "--job", "report")
    assert "published:" in invoke(bot, "report")  # under the report lease, its Confluence writes fenced
    (report_run,) = json.loads(invoke(bot, "runs", "--job", "report", "--format", "json"))["runs"]
    assert report_run["status"] == "succeeded"

    rows = list(csv.DictReader(io.StringIO(invoke(bot, "findings", "--state", "open", "--format", "csv"))))
    assert Counter(r["rule_id"] for r in rows) == Counter(by_rule)
    assert {r["project"] for r in rows} == {"CRM"}
    errors = json.loads(invoke(bot, "findings", "--severity", "error", "--state", "open", "--format", "json"))
    assert len(errors) == summary["findings"]["by_severity"].get("error", 0)
    assert {f["severity"] for f in errors} <= {"error"}
    one_rule = json.loads(invoke(bot, "findings", "--rule", top, "--format", "json"))
    assert {f["rule_id"] for f in one_rule} == {top}
    assert len(one_rule) >= by_rule[top]
    assert json.loads(invoke(bot, "findings", "--project", "NOPE", "--format", "json")) == []
    assert "No findings match." in invoke(bot, "findings", "--project", "NOPE")
    assert top in invoke(bot, "findings", "--rule", top, "--limit", "3")
