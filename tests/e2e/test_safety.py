"""The safety switches against the sandbox: --dry-run, the write cap, --baseline, and what a fixed issue gets.

Each test reads the outcome independently: the sandbox's request log for what was written to Jira, the
sandbox's REST API for the comments, and the store for what the bot remembers.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from pmo_bot.check import CheckSummary
from pmo_bot.comments.plan import Action
from pmo_bot.config import Settings
from pmo_bot.errors import WriteCapExceeded
from pmo_bot.sandbox.running import RunningSandbox, start_sandbox
from pmo_bot.store import open_from_settings
from pmo_bot.store.records import RunKind, RunStatus
from tests.e2e.conftest import SiteReader, settings_for
from tests.e2e.runs import assert_one_comment_where_due, check, commented, jira_writes

PROJECT = "CRM"
DUE_DATE_RULE = "epic-has-due-date"
STALE_RULE = "not-stale-in-progress"


@pytest.fixture(params=["cloud", "datacenter"])
def site(request: pytest.FixtureRequest) -> Iterator[RunningSandbox]:
    with start_sandbox(flavor=request.param, seed="demo") as running:
        yield running


@pytest.fixture
def reader(site: RunningSandbox) -> SiteReader:
    return SiteReader(site)


def scoped(site: RunningSandbox, database: Path, **env: str) -> Settings:
    return settings_for(site, database, PMO_PROJECTS=PROJECT, **env)


def actions(summary: CheckSummary) -> list[tuple[str, str, str]]:
    return [(p.issue_key, p.action.value, p.content.fingerprint()) for p in summary.plan]


def stored_comments(settings: Settings) -> dict[str, tuple[str, str, str]]:
    with open_from_settings(settings) as store:
        return {k: (c.comment_id, c.fingerprint, c.state.value) for k, c in store.comments.all().items()}


def only_missing_due_date(summary: CheckSummary) -> str:
    """An issue whose one finding is a missing due date: setting one fixes it."""
    return next(p.issue_key for p in summary.plan if {f.rule_id for f in p.content.findings} == {DUE_DATE_RULE})


def stale_with_more(summary: CheckSummary) -> str:
    """An issue flagged as stale among other findings: touching it changes its findings without fixing it."""
    return next(
        p.issue_key
        for p in summary.plan
        if STALE_RULE in {f.rule_id for f in p.content.findings} and len(p.content.findings) > 1
    )


def compliant_epic(site: RunningSandbox, commented_keys: set[str]) -> str:
    """An open epic in the project with a due date and no findings: clearing the date breaks it."""
    with site.sandbox.lock:
        return next(
            i.key
            for i in site.sandbox.jira.issues
            if i.project == PROJECT
            and i.issue_type == "Epic"
            and i.status != "Done"
            and i.due_date
            and i.key not in commented_keys
        )


def in_days(days: int) -> str:
    return (date.today() + timedelta(days=days)).isoformat()


def test_dry_run_writes_nothing_and_plans_what_the_real_run_then_does(
    site: RunningSandbox, reader: SiteReader, database: Path
) -> None:
    settings = scoped(site, database)
    since = site.last_request_id()
    dry = check(settings, dry_run=True)
    assert dry.writes_planned > 0
    assert not jira_writes(site.requests(since))
    assert stored_comments(settings) == {}

    real = check(settings)
    assert actions(real) == actions(dry)
    assert real.writes_done == {"create": dry.writes_planned}

    # A second cycle: one issue fixed (resolve), one changed so that a finding goes away (update).
    fixed = only_missing_due_date(real)
    changed = stale_with_more(real)
    reader.edit(fixed, {"duedate": in_days(60)})
    reader.edit(changed, {"summary": "Touched, so it is no longer stale"})
    remembered = stored_comments(settings)
    since = site.last_request_id()
    dry = check(settings, dry_run=True)
    assert not jira_writes(site.requests(since))
    assert stored_comments(settings) == remembered
    planned = {p.issue_key: p.action for p in dry.plan if p.action.writes}
    assert planned == {fixed: Action.RESOLVE, changed: Action.UPDATE}

    again = check(settings)
    assert actions(again) == actions(dry)
    assert sum(again.writes_done.values()) == dry.writes_planned


@pytest.mark.parametrize("site", ["datacenter"], indirect=True)
def test_the_write_cap_aborts_before_the_first_write(site: RunningSandbox, database: Path) -> None:
    settings = scoped(site, database, PMO_MAX_COMMENT_WRITES="3")
    planned = check(scoped(site, database.with_name("reference.db")), dry_run=True).writes_planned
    assert planned > 3
    since = site.last_request_id()

    with pytest.raises(WriteCapExceeded) as capped:
        check(settings)

    message = str(capped.value)
    assert f"would write {planned} comments" in message
    assert "max_comment_writes is 3" in message
    assert "PMO_MAX_COMMENT_WRITES" in message
    assert "--dry-run" in message
    assert not jira_writes(site.requests(since))
    assert stored_comments(settings) == {}
    with open_from_settings(settings) as store:
        assert store.runs.recent(RunKind.CHECK)[0].status is RunStatus.FAILED


@pytest.mark.parametrize("site", ["cloud"], indirect=True)
def test_baseline_records_without_commenting_then_only_new_findings_are_commented(
    site: RunningSandbox, reader: SiteReader, database: Path
) -> None:
    settings = scoped(site, database)
    since = site.last_request_id()
    baseline = check(settings, baseline=True)
    assert sum(baseline.findings_by_severity.values()) > 0
    assert baseline.plan == ()
    assert not jira_writes(site.requests(since))

    quiet = check(settings)
    assert quiet.writes_planned == 0  # the backlog stays uncommented
    assert_one_comment_where_due(reader, site, set())

    # A project manager breaks a compliant epic: that finding is new since the baseline.
    epic = compliant_epic(site, set())
    reader.edit(epic, {"duedate": None})
    fresh = check(settings)

    assert fresh.writes_done == {"create": 1}
    (planned,) = [p for p in fresh.plan if p.action.writes]
    assert planned.issue_key == epic
    assert {f.rule_id for f in planned.content.findings} == {DUE_DATE_RULE}
    assert_one_comment_where_due(reader, site, {epic})


@pytest.mark.parametrize("site", ["datacenter", "cloud"], indirect=True)
def test_a_fixed_issue_gets_the_all_checks_pass_note_in_place(
    site: RunningSandbox, reader: SiteReader, database: Path
) -> None:
    settings = scoped(site, database)
    first = check(settings)
    fixed = only_missing_due_date(first)
    (before,) = reader.bot_comments(fixed)

    reader.edit(fixed, {"duedate": in_days(60)})
    second = check(settings)

    assert second.writes_done == {"resolve": 1}
    (after,) = reader.bot_comments(fixed)
    assert after["id"] == before["id"]
    text = str(after["body"])
    # With the due date set, an audit-mode rule (the schedule index) now reports on the epic: the note says what
    # was fixed and that nothing needs action, and never "all checks pass" while a finding is open.
    assert "Fixed since" in text
    assert "nothing to act on now" in text
    assert "all checks pass" not in text
    assert DUE_DATE_RULE not in text
    assert check(settings).writes_done == {}  # the note, once written, is left alone
    assert_one_comment_where_due(reader, site, commented(first))


@pytest.mark.parametrize("site", ["cloud", "datacenter"], indirect=True)
def test_resolved_comment_delete_removes_the_comment_and_a_relapse_gets_a_new_one(
    site: RunningSandbox, reader: SiteReader, database: Path
) -> None:
    settings = scoped(site, database, PMO_RESOLVED_COMMENT="delete")
    first = check(settings)
    fixed = only_missing_due_date(first)

    reader.edit(fixed, {"duedate": in_days(60)})
    second = check(settings)

    assert second.writes_done == {"delete": 1}
    assert reader.bot_comments(fixed) == []
    assert check(settings).writes_done == {}
    assert_one_comment_where_due(reader, site, commented(first) - {fixed})

    reader.edit(fixed, {"duedate": None})
    relapse = check(settings)
    assert relapse.writes_done == {"create": 1}
    assert_one_comment_where_due(reader, site, commented(first))
