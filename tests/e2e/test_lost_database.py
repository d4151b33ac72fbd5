"""After the database is lost, stale issues stay stale: activity is measured from people's changes, and the
bot's own comment (which moved ``updated``) is not activity. Both flavours, against the sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pmo_bot.sandbox.running import RunningSandbox, start_sandbox
from tests.e2e.conftest import SiteReader, settings_for
from tests.e2e.runs import assert_no_duplicates, check

RULE = "not-stale-in-progress"


@pytest.fixture(params=["cloud", "datacenter"])
def site(request: pytest.FixtureRequest) -> Iterator[RunningSandbox]:
    with start_sandbox(flavor=request.param, seed="demo") as running:
        yield running


def stale_keys(summary: object) -> set[str]:
    plan = summary.plan  # type: ignore[attr-defined]
    return {p.issue_key for p in plan for f in p.content.findings if f.rule_id == RULE}


def test_a_stale_issue_is_still_flagged_after_the_database_is_lost(site: RunningSandbox, database: Path) -> None:
    settings = settings_for(site, database)
    first = check(settings)
    stale = stale_keys(first)
    assert stale, "the demo portfolio has stale work in progress"
    assert first.writes_done.get("create")

    database.unlink()  # the operator loses the database; Jira now shows the bot's comments as the last update
    again = check(settings)

    assert stale_keys(again) == stale
    assert again.writes_done.get("resolve", 0) == 0  # no "all checks pass" because of the bot's own comment
    assert again.writes_done.get("create", 0) == 0  # comments were found again, not duplicated
    assert_no_duplicates(SiteReader(site), site)
