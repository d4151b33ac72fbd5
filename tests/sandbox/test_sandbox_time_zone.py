"""The login's Jira time zone (issue 8): served by ``myself`` and used to read JQL date literals, as Jira does."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests
from typer.testing import CliRunner

from pmo_bot.cli import app
from pmo_bot.sandbox.running import RunningSandbox, start_sandbox
from pmo_bot.sandbox.site import SandboxConfig
from tests.sandbox.fidelity_fixtures import authenticated_session
from tests.sandbox.fidelity_seed import fidelity_seed


@pytest.fixture(params=["cloud", "datacenter"])
def flavor(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@contextmanager
def site(flavor: str, zone: str) -> Iterator[tuple[RunningSandbox, requests.Session]]:
    with start_sandbox(flavor=flavor, seed="none", time_zone=zone) as running:  # type: ignore[arg-type]
        running.sandbox.load(fidelity_seed())
        yield running, authenticated_session(running, flavor)


def search_keys(running: RunningSandbox, http: requests.Session, jql: str) -> list[str]:
    if running.flavor == "cloud":
        page = http.post(f"{running.url}/rest/api/3/search/jql", json={"jql": jql, "fields": ["summary"]})
    else:
        page = http.post(f"{running.url}/rest/api/2/search", json={"jql": jql, "fields": ["summary"]})
    assert page.status_code == 200, page.text
    return [i["key"] for i in page.json()["issues"]]


@pytest.mark.parametrize("zone", ["UTC", "Pacific/Auckland", "Pacific/Honolulu"])
def test_myself_serves_the_zone_and_jql_dates_are_read_in_it(flavor: str, zone: str) -> None:
    with site(flavor, zone) as (running, http):
        api = f"{running.url}/rest/api/{'3' if flavor == 'cloud' else '2'}"
        assert http.get(f"{api}/myself").json()["timeZone"] == zone
        project = next(iter(running.sandbox.jira.projects))
        body = {"fields": {"project": {"key": project}, "issuetype": {"name": "Task"}, "summary": "Zoned"}}
        key = http.post(f"{api.replace('/3', '/2')}/issue", json=body).json()["key"]
        updated = running.sandbox.jira.by_key[key].updated
        # The same wall-clock literal, one hour after the update as a UTC clock reads it.
        literal = (updated.astimezone(UTC) + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M")
        found = key in search_keys(running, http, f'project = {project} AND updated >= "{literal}"')
        # In UTC the literal is an hour after the update; in Auckland (+13) it is 12 hours before it; in
        # Honolulu (-10) 11 hours after it.
        assert found is (zone == "Pacific/Auckland")
        local = updated.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")
        assert key in search_keys(running, http, f'project = {project} AND updated >= "{local}"')


def test_an_unknown_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown time zone"):
        SandboxConfig(time_zone="Mars/Olympus_Mons")
    result = CliRunner().invoke(app, ["sandbox", "serve", "--time-zone", "Mars/Olympus_Mons", "--seed", "none"])
    assert result.exit_code != 0
    assert "--time-zone" in result.output


def test_default_is_utc() -> None:
    assert SandboxConfig().time_zone == "UTC"


def test_the_operator_api_changes_the_zone_until_reset(flavor: str) -> None:
    with site(flavor, "UTC") as (running, http):
        api = f"{running.url}/rest/api/{'3' if flavor == 'cloud' else '2'}"
        changed = requests.put(f"{running.url}/_sandbox/account", json={"time_zone": "Pacific/Auckland"}, timeout=10)
        assert changed.status_code == 200
        assert changed.json()["time_zone"] == "Pacific/Auckland"
        assert http.get(f"{api}/myself").json()["timeZone"] == "Pacific/Auckland"
        bad = requests.put(f"{running.url}/_sandbox/account", json={"time_zone": "Nowhere/Land"}, timeout=10)
        assert bad.status_code == 400
        assert "unknown time zone" in bad.json()["error"]
        requests.post(f"{running.url}/_sandbox/reset", timeout=30).raise_for_status()
        assert http.get(f"{api}/myself").json()["timeZone"] == "UTC"
