"""The look-up before a create is skipped only where the bot certainly has no comment: Cloud's search returned
the issue without the bot's property and the store, which knew the issue before, has no record and no create in
flight. A run that dies between a create and its record still makes the next run look (and adopt)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pmo_bot.atlassian.jira import JiraClient
from pmo_bot.comments import writer
from pmo_bot.config import Settings
from pmo_bot.sandbox.running import RunningSandbox, start_sandbox
from pmo_bot.store import open_from_settings
from pmo_bot.store.records import FindingStatus
from tests.e2e.conftest import SiteReader, settings_for
from tests.e2e.runs import check

PROJECT = "CRM"


@pytest.fixture
def site() -> Iterator[RunningSandbox]:
    with start_sandbox(flavor="cloud", seed="demo") as running:
        yield running


@pytest.fixture
def lookups(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Issues the writer looked for a comment of its own on (the history completion lists comments too)."""
    looked: list[str] = []
    real = writer.find_own_comment

    def counting(jira: Any, key: str, me: Any) -> Any:
        looked.append(key)
        return real(jira, key, me)

    monkeypatch.setattr(writer, "find_own_comment", counting)
    return looked


def _compliant_assigned(settings: Settings, count: int) -> list[str]:
    """Issues in progress with an assignee and no finding: unassigning one gives it its first finding."""
    with open_from_settings(settings) as store:
        flagged = {s.finding.item_key for s in store.findings.all((FindingStatus.OPEN, FindingStatus.WAIVED))}
        items = [i for i in store.items.all([PROJECT]) if i.key not in flagged]
    found = [i.key for i in items if i.assignee and i.status_category.value == "indeterminate"]
    assert len(found) >= count
    return found[:count]


def test_a_first_comment_on_a_known_issue_needs_no_look_up(
    site: RunningSandbox, database: Path, lookups: list[str]
) -> None:
    settings = settings_for(site, database, PMO_PROJECTS=PROJECT)
    reader = SiteReader(site)
    first = check(settings)
    assert first.writes_done.get("create")
    (target,) = _compliant_assigned(settings, 1)

    reader.edit(target, {"assignee": None})
    lookups.clear()
    second = check(settings)
    assert second.writes_done == {"create": 1}
    assert target not in lookups
    assert len(reader.bot_comments(target)) == 1


def test_a_run_that_dies_after_a_create_makes_the_next_one_look_and_adopt(
    site: RunningSandbox, database: Path, monkeypatch: pytest.MonkeyPatch, lookups: list[str]
) -> None:
    settings = settings_for(site, database, PMO_PROJECTS=PROJECT)
    reader = SiteReader(site)
    check(settings)
    (target,) = _compliant_assigned(settings, 1)
    reader.edit(target, {"assignee": None})

    real = JiraClient.add_comment

    def dies(self: JiraClient, issue_key: str, *args: object, **kwargs: object) -> object:
        created = real(self, issue_key, *args, **kwargs)  # type: ignore[arg-type]
        if issue_key == target:
            raise SystemExit("killed between the create and its record")
        return created

    monkeypatch.setattr(JiraClient, "add_comment", dies)
    with pytest.raises(SystemExit):
        check(settings)
    monkeypatch.setattr(JiraClient, "add_comment", real)
    assert len(reader.bot_comments(target)) == 1  # created, but neither recorded nor in the property

    lookups.clear()
    again = check(settings)
    assert target in lookups  # the create in flight made it look
    assert again.adopted == 1
    assert len(reader.bot_comments(target)) == 1


def test_a_lost_database_and_a_lost_property_still_look_and_adopt(
    site: RunningSandbox, database: Path, lookups: list[str]
) -> None:
    settings = settings_for(site, database, PMO_PROJECTS=PROJECT)
    reader = SiteReader(site)
    first = check(settings)
    target = sorted(p.issue_key for p in first.plan if p.action.value == "create")[0]
    lost = reader.http.delete(f"{reader.api}/issue/{target}/properties/pmo-bot.state", timeout=10)
    lost.raise_for_status()
    database.unlink()

    lookups.clear()
    again = check(settings)
    assert target in lookups  # a new database knows no issue: it looks before creating
    assert again.adopted == 1
    assert again.writes_done.get("create", 0) == 1  # counted as the planned create, carried out as an edit
    assert len(reader.bot_comments(target)) == 1
