"""A rule's grace period runs across check runs: the finding appears only after the condition has held N days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from pmo_bot import wiring
from pmo_bot.check import CheckDeps, run_check
from pmo_bot.config import CheckOptions
from pmo_bot.rules import loader
from pmo_bot.sandbox.running import RunningSandbox
from pmo_bot.store import open_from_settings
from tests.e2e.conftest import settings_for

RULE = """\
version: 1
rules:
  - id: epics-have-a-due-date-soon
    title: Epics get a due date within three days
    category: deliverables
    severity: warning
    scope:
      issue_types: [Epic]
    check:
      field: due_date
      op: present
    grace:
      held_for_days: 3
    message: "{{ item.key }} still has no due date."
    remediation: Set it.
"""


def test_held_for_days_counts_from_the_first_failing_run(dc_sandbox: RunningSandbox, tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "rules.yaml").write_text(RULE)
    settings = settings_for(dc_sandbox, tmp_path / "pmo.db", PMO_RULES_DIR=str(rules))
    bundle = loader.load([rules])
    start = datetime.now(UTC)

    def run_on(day: int) -> set[str]:
        with open_from_settings(settings) as store:
            deps = CheckDeps(
                jira=wiring.jira_client(settings),
                store=store,
                bundle=bundle,
                settings=settings,
                clock=lambda: start + timedelta(days=day),
            )
            return {f"{p.issue_key}" for p in run_check(deps, CheckOptions()).plan if p.content.findings}

    assert run_on(0) == set()  # failing, but in grace
    assert run_on(2) == set()
    fired = run_on(3)
    assert fired
    assert all(key.split("-")[0] in {"PAY", "MOB", "DATA", "OPS", "CRM"} for key in fired)
