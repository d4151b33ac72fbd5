"""The comment end to end, as a project manager meets it in Jira: people's words in the configured locale, the
waiver request link, root causes instead of echoes; a switch to audit mode that writes nothing; and a wording
change that rolls out under the write cap instead of blocking the run."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pmo_bot import wiring
from pmo_bot.check import CheckDeps, CheckSummary, run_check
from pmo_bot.config import CheckOptions, Settings
from pmo_bot.rules import loader
from pmo_bot.sandbox.running import RunningSandbox
from pmo_bot.store import open_from_settings
from tests.e2e.conftest import SiteReader, settings_for
from tests.e2e.runs import check, fast_session

URL = "https://desk.example.com/new?rule={rule}&issue={issue}"


def _settings(site: RunningSandbox, database: Path, **env: str) -> Settings:
    values = {"PMO_PROJECTS": "CRM", "PMO_LOCALE": "de_DE", "PMO_WAIVER_REQUEST_URL": URL, **env}
    return settings_for(site, database, **values)


def _check_on(settings: Settings, day: datetime, *, dry_run: bool = False) -> CheckSummary:
    jira = wiring.jira_client(settings, fast_session(settings))
    with open_from_settings(settings) as store:
        deps = CheckDeps(jira, store, loader.load([settings.rules_dir]), settings, clock=lambda: day)
        return run_check(deps, CheckOptions(dry_run=dry_run))


def test_an_overspent_epic_reads_in_the_locale_with_its_root_cause_and_a_waiver_link(
    dc_sandbox: RunningSandbox, database: Path
) -> None:
    reader = SiteReader(dc_sandbox)
    check(_settings(dc_sandbox, database))

    (comment,) = reader.bot_comments("CRM-28")
    body = str(comment["body"])

    assert "CRM\\-28 has cost 53.450 € against a budget of 44.000 € (121% spent)." in body  # de_DE
    assert "_Observed:_ spent 121% of budget" in body
    assert "_Expected:_ budget spent at most 100%" in body
    assert "cpi\\-above\\-threshold" not in body  # superseded by cost-within-budget: one cause, one finding
    assert "forecast\\-within\\-budget" not in body
    assert "[cost\\-within\\-budget|https://desk.example.com/new?rule=cost-within-budget&issue=CRM-28]" in body
    assert re.search(r"Checked by pmo\\-bot on \d\d\.\d\d\.\d{4}\.", body)  # the locale's date
    assert "rules/waivers.yaml" not in body


def test_switching_to_audit_mode_writes_nothing_and_keeps_every_comment(
    dc_sandbox: RunningSandbox, database: Path
) -> None:
    reader = SiteReader(dc_sandbox)
    first = check(_settings(dc_sandbox, database))
    commented = sorted(p.issue_key for p in first.plan if p.content.findings)
    before = {key: reader.bot_comments(key) for key in commented}

    audit = check(_settings(dc_sandbox, database, PMO_MODE="audit"))

    assert audit.writes_done == {}
    assert {key: reader.bot_comments(key) for key in commented} == before
    assert not any("all checks pass" in str(c["body"]) for cs in before.values() for c in cs)


def test_a_wording_change_rolls_out_within_the_cap_over_later_runs(dc_sandbox: RunningSandbox, database: Path) -> None:
    now = datetime.now(UTC)
    first = _check_on(_settings(dc_sandbox, database), now)
    commented = sum(1 for p in first.plan if p.content.findings)
    assert commented > 2

    reworded = {"PMO_WAIVER_PROCEDURE": "Ask Priya.", "PMO_WAIVER_REQUEST_URL": URL + "&from=bot"}
    later = now + timedelta(days=8)  # past comment_refresh_days: the new wording is due everywhere
    # Eight days on, some findings are genuinely new or changed: those are written at once, never deferred.
    dry = _check_on(_settings(dc_sandbox, database, **reworded), later, dry_run=True)
    essential = sum(1 for p in dry.plan if p.action.writes and not p.refresh)
    refreshes = sum(1 for p in dry.plan if p.action.writes and p.refresh)
    assert refreshes > 2
    cap = str(essential + 2)
    runs = [_check_on(_settings(dc_sandbox, database, PMO_MAX_COMMENT_WRITES=cap, **reworded), later)]
    while runs[-1].pending_refreshes:
        runs.append(_check_on(_settings(dc_sandbox, database, PMO_MAX_COMMENT_WRITES=cap, **reworded), later))
        assert len(runs) <= commented

    assert sum(runs[0].writes_done.values()) == essential + 2
    assert runs[0].pending_refreshes == refreshes - 2
    assert all(sum(r.writes_done.values()) <= essential + 2 for r in runs)
    assert all("from=bot" in str(c["body"]) for key in _keys(first) for c in SiteReader(dc_sandbox).bot_comments(key))


def _keys(summary: CheckSummary) -> list[str]:
    return [p.issue_key for p in summary.plan if p.content.findings]
