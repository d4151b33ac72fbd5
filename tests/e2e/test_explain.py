from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from pmo_bot.cli import app
from pmo_bot.jobs import check_job, explain_job
from pmo_bot.sandbox.running import RunningSandbox
from tests.e2e.conftest import settings_for


def test_explain_agrees_with_the_findings_of_the_check(dc_sandbox: RunningSandbox, database: Path) -> None:
    settings = settings_for(dc_sandbox, database)
    summary, _ = check_job(settings)
    planned = next(p for p in summary.plan if len(p.content.findings) >= 2)
    item, traces = explain_job(settings, planned.issue_key)
    failing = {t.rule_id for t in traces if t.verdict in ("fails", "waived")}
    assert {f.rule_id for f in planned.content.findings} <= failing
    assert all(t.reasons for t in traces if t.verdict == "fails")
    assert item.key == planned.issue_key
    fresh_item, fresh = explain_job(settings, planned.issue_key, fresh=True)
    assert [(t.rule_id, t.verdict) for t in fresh] == [(t.rule_id, t.verdict) for t in traces]
    assert fresh_item.summary == item.summary


def test_explain_cli_prints_verdicts_and_refuses_unknown_keys(
    cloud_sandbox: RunningSandbox, database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = settings_for(cloud_sandbox, database)
    check_job(settings)
    env = {
        "PMO_JIRA_URL": cloud_sandbox.jira_url,
        "PMO_JIRA_USER": cloud_sandbox.user,
        "PMO_JIRA_TOKEN": cloud_sandbox.token,
        "PMO_DATABASE_URL": settings.database_url,
        "PMO_RULES_DIR": str(settings.rules_dir),
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    runner = CliRunner()
    shown = runner.invoke(app, ["rules", "explain", "PAY-27"])
    assert shown.exit_code == 0, shown.output
    assert "epic-not-overdue" in shown.output
    assert "fails" in shown.output
    missing = runner.invoke(app, ["rules", "explain", "NOPE-1"])
    assert missing.exit_code != 0
