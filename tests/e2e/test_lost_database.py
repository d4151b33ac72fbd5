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

    # Every stale issue is still stale (its stale finding does not resolve because of the bot's own comment).
    # The converse need not hold: an issue whose last update left no trace a person can be credited with (the
    # sandbox's seed sets `updated` alone) counts as active until the bot's comment covers that update.
    assert stale <= stale_keys(again)
    assert again.writes_done.get("resolve", 0) == 0  # no "all checks pass" because of the bot's own comment
    assert again.writes_done.get("create", 0) == 0  # comments were found again, not duplicated
    assert_no_duplicates(SiteReader(site), site)


def test_data_center_reads_the_state_property_only_where_the_bot_has_commented(
    site: RunningSandbox, database: Path
) -> None:
    """DC searches carry no issue properties; the comments they return tell which new issues can have a bot
    comment. A first run reads no property; after a lost database, only the commented issues' are read."""
    if site.flavor != "datacenter":
        pytest.skip("Cloud's search returns the property with the issue")
    settings = settings_for(site, database)

    def property_reads(since: int) -> set[str]:
        reads = [r["path"] for r in site.requests(since) if r["method"] == "GET" and "/properties/" in r["path"]]
        return {path.split("/issue/")[1].split("/")[0] for path in reads}

    since = site.last_request_id()
    first = check(settings)
    assert property_reads(since) == set()
    commented = {p.issue_key for p in first.plan if p.action.value == "create"}
    assert commented

    database.unlink()
    since = site.last_request_id()
    check(settings)
    assert property_reads(since) == commented
