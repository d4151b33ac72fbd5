"""The main job end to end, both flavours: one comment per non-compliant issue, edited in place, never twice."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from pmo_bot.check import CheckOptions, CheckSummary
from pmo_bot.config import Settings
from pmo_bot.domain import Mode
from pmo_bot.jobs import check_job
from pmo_bot.sandbox.running import RunningSandbox, start_sandbox
from tests.e2e.conftest import SiteReader, settings_for

pytestmark = pytest.mark.slow


@pytest.fixture(params=["cloud", "datacenter"])
def site(request: pytest.FixtureRequest) -> Iterator[RunningSandbox]:
    with start_sandbox(flavor=request.param, seed="demo") as running:
        yield running


def check(settings: Settings, **options: object) -> CheckSummary:
    return check_job(settings, CheckOptions(**options))[0]  # type: ignore[arg-type]


def commented_keys(summary: CheckSummary) -> set[str]:
    return {p.issue_key for p in summary.plan if p.content.findings}


def test_full_cycle_keeps_exactly_one_comment_per_issue(site: RunningSandbox, database: Path) -> None:
    settings = settings_for(site, database)
    reader = SiteReader(site)

    first = check(settings)
    assert first.items_checked >= 500
    assert sum(first.sync.skipped.values()) == 0
    expected = commented_keys(first)
    assert expected, "the demo portfolio has deliberate problems"
    assert first.writes_done.get("create") == len(expected)
    all_keys = sorted({p.issue_key for p in first.plan} | set(expected))
    for key in all_keys:
        assert len(reader.bot_comments(key)) == (1 if key in expected else 0), key

    # Unchanged portfolio: nothing is written, not even the comments' own "updated" bump counts as activity.
    second = check(settings)
    assert second.writes_done == {}
    assert second.sync.kind == "incremental"

    # A project manager changes an issue so that one of its findings changes: that comment is edited in place.
    target = sorted(expected)[0]
    before = reader.bot_comments(target)[0]
    reader.edit(target, {"duedate": (date.today() - timedelta(days=40)).isoformat()})
    third = check(settings)
    after = reader.bot_comments(target)
    assert len(after) == 1
    assert after[0]["id"] == before["id"]
    assert third.writes_done.get("create", 0) == 0

    # Losing the database loses nothing: the bot finds its comments again and writes no second one.
    database.unlink()
    fourth = check(settings)
    assert fourth.writes_done.get("create", 0) == 0
    for key in sorted(expected)[:40]:
        assert len(reader.bot_comments(key)) == 1, key


def test_audit_mode_writes_nothing(site: RunningSandbox, database: Path) -> None:
    settings = settings_for(site, database, PMO_MODE=Mode.AUDIT.value)
    summary = check(settings)
    assert summary.findings_by_severity
    assert summary.writes_planned == 0
    reader = SiteReader(site)
    assert all(not reader.bot_comments(p.issue_key) for p in summary.plan)
