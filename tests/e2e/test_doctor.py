from __future__ import annotations

from pathlib import Path

from pmo_bot.doctor import Doctor
from pmo_bot.sandbox.running import RunningSandbox
from tests.e2e.conftest import settings_for


def test_doctor_passes_against_a_healthy_site(dc_sandbox: RunningSandbox, database: Path) -> None:
    results = Doctor(settings_for(dc_sandbox, database)).run()
    assert [r.name for r in results if not r.ok] == []
    assert {r.name for r in results} >= {"jira authentication", "jira fields", "confluence space and parent page"}


def test_doctor_names_what_is_wrong_and_suggests_fields(cloud_sandbox: RunningSandbox, database: Path) -> None:
    settings = settings_for(cloud_sandbox, database, PMO_FIELDS__BUDGET="Budjet", PMO_PROJECTS="PAY,NOPE")
    failed = {r.name: r.detail for r in Doctor(settings).run() if not r.ok}
    assert "did you mean 'Budget'" in failed["jira fields"]
    assert "NOPE" in failed["jira projects"]


def test_doctor_reports_refused_credentials_without_echoing_them(cloud_sandbox: RunningSandbox, database: Path) -> None:
    settings = settings_for(cloud_sandbox, database, PMO_JIRA_TOKEN="wrong-secret-4242")
    results = Doctor(settings).run()
    auth = next(r for r in results if r.name.startswith("jira"))
    assert not auth.ok
    assert all("wrong-secret-4242" not in r.detail for r in results)
