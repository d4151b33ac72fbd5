"""The demo's comments read as issue 10 promised: people's words, one root cause instead of its echoes, a waiver
in force with its expiry in words, and a waiver request link per finding."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pmo_bot.demo import run_demo
from pmo_bot.richtext import plain_text
from pmo_bot.sandbox.running import start_sandbox

pytestmark = pytest.mark.slow


def _comment(sandbox: object, key: str) -> str:
    jira = sandbox.jira  # type: ignore[attr-defined]
    issue = next(i for i in jira.issues if i.key == key)
    bodies = [c.body for c in issue.comments]
    texts = [b if isinstance(b, str) else plain_text(b) for b in bodies]
    return next(t for t in texts if "pmo-bot:v1" in t or "PMO compliance" in t)


def test_the_demo_comments_read_in_peoples_words_with_root_causes_and_waivers(tmp_path: Path) -> None:
    with start_sandbox("cloud", seed="demo") as running:
        run_demo(running, tmp_path)
        overspent = _comment(running.sandbox, "CRM-28")
        waived = _comment(running.sandbox, "PAY-27")
        adf = json.dumps(next(i for i in running.sandbox.jira.issues if i.key == "CRM-28").comments[0].body)

    assert "CRM-28 has cost €53,450 against a budget of €44,000 (121% spent)." in overspent
    assert "spent 121% of budget" in overspent
    assert "budget spent at most 100%" in overspent
    assert "burn_ratio" not in overspent
    assert "cpi-above-threshold" not in overspent  # superseded by cost-within-budget
    assert "forecast-within-budget" not in overspent
    assert "mailto:pmo@example.com?subject=Waiver%20request%3A%20cost-within-budget%20on%20CRM-28" in adf
    assert "Waivers in force" in waived
    assert "Due dates do not keep slipping (due-date-slips-limited): waived, approved by priya.raman" in waived
    assert "(expires in " in waived
