"""The main job end to end, both flavours: one comment per non-compliant issue, edited in place, never twice."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from pmo_bot import check as check_module
from pmo_bot import jobs
from pmo_bot.check import CheckSummary
from pmo_bot.config import CheckOptions, Settings
from pmo_bot.domain import Mode, StatusCategory
from pmo_bot.jobs import check_job
from pmo_bot.sandbox.running import RunningSandbox, start_sandbox
from pmo_bot.store import open_from_settings
from tests.e2e.conftest import SiteReader, settings_for

pytestmark = pytest.mark.slow
IN_PROGRESS = StatusCategory.IN_PROGRESS


@pytest.fixture(params=["cloud", "datacenter"])
def site(request: pytest.FixtureRequest) -> Iterator[RunningSandbox]:
    with start_sandbox(flavor=request.param, seed="demo") as running:
        yield running


def check(settings: Settings, progress: list[tuple[int, int | None]] | None = None, **options: object) -> CheckSummary:
    report = (lambda done, total: progress.append((done, total))) if progress is not None else None
    return check_job(settings, CheckOptions(**options), report)[0]  # type: ignore[arg-type]


def commented_keys(summary: CheckSummary) -> set[str]:
    return {p.issue_key for p in summary.plan if p.content.findings}


def test_full_cycle_keeps_exactly_one_comment_per_issue(site: RunningSandbox, database: Path) -> None:
    settings = settings_for(site, database)
    reader = SiteReader(site)

    progress: list[tuple[int, int | None]] = []
    first = check(settings, progress)
    assert first.items_checked >= 500
    assert progress[-1][0] == first.sync.fetched  # the progress bar ends at what was fetched
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

    # A project manager takes the budget off a commented epic: a new finding, so that comment is edited in place.
    budget_field = reader.fields_by_name()["Budget"]
    with open_from_settings(settings) as store:
        epics = [
            i for i in store.items.get_many(expected) if i.is_epic and i.budget and i.status_category is IN_PROGRESS
        ]
    target = epics[0].key
    before = reader.bot_comments(target)
    reader.edit(target, {budget_field: None})
    third = check(settings)
    after = reader.bot_comments(target)
    assert [c["id"] for c in after] == [c["id"] for c in before]
    assert third.writes_done == {"update": 1}
    (updated,) = [p for p in third.plan if p.action.writes]
    shown = {f.rule_id: f.title for f in updated.content.findings}
    assert updated.issue_key == target
    assert "epic-has-budget" in shown
    assert shown["epic-has-budget"] in str(after[0]["body"])

    # Someone assigns an issue whose only problem was "in progress without assignee": its comment says so.
    unassigned = [
        p.issue_key for p in first.plan if [f.rule_id for f in p.content.findings] == ["in-progress-has-assignee"]
    ]
    fixed = unassigned[0]
    who = {"accountId": reader.me} if site.flavor == "cloud" else {"name": reader.me}
    reader.edit(fixed, {"assignee": who})
    fourth = check(settings)
    assert fourth.writes_done == {"resolve": 1}
    note = reader.bot_comments(fixed)
    assert len(note) == 1
    with open_from_settings(settings) as store:
        still_open = [s for s in store.findings.for_items([fixed]).get(fixed, []) if s.status.value == "open"]
    # Never a false all-clear: "all checks pass" only when nothing at all is open (audit-mode findings count).
    wanted = "nothing to act on now" if still_open else "all checks pass"
    assert wanted in str(note[0]["body"])

    # Losing the database loses nothing: the bot finds its comments again and writes no second one.
    database.unlink()
    fifth = check(settings)
    assert fifth.writes_done.get("create", 0) == 0
    assert fifth.adopted == 0  # the issue properties told it where its comments are
    for key in sorted(expected)[:40]:
        assert len(reader.bot_comments(key)) == 1, key


def test_audit_mode_writes_nothing(site: RunningSandbox, database: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = settings_for(site, database, PMO_MODE=Mode.AUDIT.value)
    during: list[tuple[int, int, int]] = []
    run = check_module.run_check
    monkeypatch.setattr(check_module, "run_check", lambda *a: during.append(gc.get_threshold()) or run(*a))
    before = gc.get_threshold()
    summary = check(settings)
    # The run collects garbage less often than the defaults, and leaves the process's settings as they were.
    assert during == [jobs.BULK_GC_THRESHOLDS]
    assert gc.get_threshold() == before
    assert summary.findings_by_severity
    assert summary.writes_planned == 0
    reader = SiteReader(site)
    assert all(not reader.bot_comments(p.issue_key) for p in summary.plan)
