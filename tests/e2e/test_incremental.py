"""Incremental sync, proved on the wire and in the sandbox's request log, and the periodic full reconciliation.

After the first (full) run, a run fetches only the issues updated since the watermark minus the overlap: the
issues people changed, plus those the bot itself commented on within the overlap window (its comment bumped
their ``updated``). The latter are recognised as the bot's own change (``bot_only``) and not re-evaluated as
activity. Deletions cannot show in an ``updated >=`` search, so a periodic full sync finds them.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
import requests

from pmo_bot.sandbox.running import RunningSandbox, start_sandbox
from pmo_bot.store import open_from_settings
from pmo_bot.store.records import FindingStatus
from tests.e2e.conftest import SiteReader, settings_for
from tests.e2e.runs import SearchTap, check, commented, fast_session, jira_writes, searches, set_faults, site_keys

PROJECT = "CRM"
LAG_SECONDS = 2.0


# The bot account's Jira time zone decides how JQL reads the watermark's date literal. A zone east of UTC
# (Auckland, +13 in December) turns a wrongly zoned literal into a wider search; one west of it (Honolulu,
# -10) into a narrower one that would silently miss changes. Both run, each on one flavour.
@pytest.fixture(
    params=[
        ("cloud", "UTC"),
        ("datacenter", "UTC"),
        ("cloud", "Pacific/Honolulu"),
        ("datacenter", "Pacific/Auckland"),
    ],
    ids="-".join,
)
def site(request: pytest.FixtureRequest) -> Iterator[RunningSandbox]:
    flavor, zone = (request.param, "UTC") if isinstance(request.param, str) else request.param
    with start_sandbox(flavor=flavor, seed="demo", time_zone=zone) as running:
        yield running


def delete_issue(site: RunningSandbox, key: str) -> None:
    """An admin deletes an issue. The sandbox has no DELETE /issue route, so it is removed from its state."""
    state = site.sandbox.jira
    with site.sandbox.lock:
        issue = state.by_key.pop(key)
        state.issues.remove(issue)
        del state.by_id[issue.id]
        if issue.parent in state.children:
            state.children[issue.parent] = [c for c in state.children[issue.parent] if c is not issue]
        state.index_comments()
        state.generation += 1


def test_an_incremental_run_fetches_only_what_changed(site: RunningSandbox, database: Path) -> None:
    settings = settings_for(site, database, PMO_PROJECTS=PROJECT)
    reader = SiteReader(site)
    everything = site_keys(site, [PROJECT])

    first = check(settings)
    assert first.sync.kind == "full"
    assert first.sync.fetched == len(everything)
    bot_touched = commented(first)  # the bot's comments bumped these issues' `updated`
    assert first.writes_done == {"create": len(bot_touched)}

    session = fast_session(settings)
    tap = SearchTap(session)
    second = check(settings, session=session)
    assert second.sync.kind == "incremental"
    assert tap.keys() <= bot_touched  # nobody else changed anything: only the bot's own writes come back
    assert second.sync.bot_only == len(tap.keys())
    assert second.sync.changed == 0
    assert second.writes_done == {}

    changed = {"CRM-5", "CRM-40"}
    assert not changed & bot_touched, "pick issues the bot has not commented on"
    reader.edit("CRM-5", {"summary": "Renamed by a project manager"})
    reader.edit("CRM-40", {"duedate": (date.today() - timedelta(days=3)).isoformat()})
    since = site.last_request_id()
    session = fast_session(settings)
    tap = SearchTap(session)

    third = check(settings, session=session)

    log = site.requests(since)
    assert len(searches(log)) == 1, "one page of results, not the whole portfolio"
    ((jql, returned),) = tap.searches
    assert f"project in ({PROJECT})" in jql
    assert 'updated >= "' in jql
    returned_set = set(returned)
    assert changed <= returned_set
    # Anything else returned is an issue the bot itself wrote to within the overlap window (5 minutes).
    assert returned_set - changed <= bot_touched
    assert third.sync.fetched == len(returned)
    assert third.sync.changed == len(changed)
    assert third.sync.bot_only == len(returned_set - changed)
    # No per-issue reads behind the search (no N+1), and writes only where people changed something.
    per_issue_reads = [e for e in log if e["method"] == "GET" and "/issue/" in e["path"]]
    assert {e["path"].split("/issue/")[1].split("/")[0] for e in per_issue_reads} <= changed
    assert {e["path"].split("/issue/")[1].split("/")[0] for e in jira_writes(log)} <= changed
    assert third.items_checked == len(everything)  # the whole portfolio is still evaluated, from the store


@pytest.mark.parametrize("trigger", ["schedule", "--full"])
def test_a_periodic_full_sync_notices_deleted_issues(site: RunningSandbox, database: Path, trigger: str) -> None:
    settings = settings_for(site, database, PMO_PROJECTS=PROJECT)
    first = check(settings)
    victim = sorted(commented(first))[0]  # an issue with open findings and a bot comment
    delete_issue(site, victim)

    incremental = check(settings)
    assert incremental.sync.kind == "incremental"
    assert incremental.sync.deleted == 0  # an `updated >=` search cannot see a deletion

    if trigger == "schedule":
        due = settings_for(site, database, PMO_PROJECTS=PROJECT, PMO_FULL_SYNC_EVERY_HOURS="0.000001")
        since = site.last_request_id()
        session = fast_session(due)
        tap = SearchTap(session)
        reconciled = check(due, session=session)
    else:
        since = site.last_request_id()
        session = fast_session(settings)
        tap = SearchTap(session)
        reconciled = check(settings, session=session, full=True)

    assert reconciled.sync.kind == "full"
    assert tap.searches
    assert all("updated >=" not in jql for jql, _ in tap.searches)
    assert reconciled.sync.deleted == 1
    assert reconciled.items_checked == len(site_keys(site, [PROJECT]))
    assert Counter(e["method"] for e in jira_writes(site.requests(since))) == Counter()
    with open_from_settings(settings) as store:
        assert store.items.get(victim) is None
        assert victim in {item.key for item in store.items.all([PROJECT], include_deleted=True)}
        still_open = store.findings.all([FindingStatus.OPEN])
    assert victim not in {f.finding.item_key for f in still_open}


@pytest.mark.parametrize("site", ["datacenter"], indirect=True)
def test_a_change_search_did_not_show_yet_is_picked_up_by_the_next_run(site: RunningSandbox, database: Path) -> None:
    """Search is eventually consistent: an edit invisible to one run's search is caught by the overlap next time."""
    settings = settings_for(site, database, PMO_PROJECTS=PROJECT)
    reader = SiteReader(site)
    first = check(settings)
    with site.sandbox.lock:
        epic = next(
            i.key
            for i in site.sandbox.jira.issues
            if i.project == PROJECT and i.issue_type == "Epic" and i.status != "Done" and i.due_date
            if i.key not in commented(first)
        )
    set_faults(site, search_lag_seconds=LAG_SECONDS)
    reader.edit(epic, {"duedate": None})  # now it lacks a due date, but search shows the old version for a while

    lagging = check(settings)
    assert epic not in {p.issue_key for p in lagging.plan if p.action.writes}
    assert reader.bot_comments(epic) == []

    time.sleep(LAG_SECONDS + 0.5)  # the index catches up
    caught_up = check(settings)
    assert caught_up.sync.kind == "incremental"
    assert caught_up.writes_done == {"create": 1}
    assert len(reader.bot_comments(epic)) == 1


@pytest.mark.parametrize("streams", ["1", "4"])
def test_a_full_sync_searches_the_projects_apart_at_once_or_together(
    site: RunningSandbox, database: Path, streams: str
) -> None:
    """``concurrent_searches``: above 1, one search per project, run at once; 1, one search for all."""
    settings = settings_for(site, database, PMO_CONCURRENT_SEARCHES=streams)
    projects = sorted({key.rsplit("-", 1)[0] for key in site_keys(site)})
    session = fast_session(settings)
    tap = SearchTap(session)
    done = check(settings, session=session, dry_run=True, full=True)
    asked = {jql.split(" AND ")[0].split(" ORDER BY")[0] for jql, _ in tap.searches}
    if streams == "1":
        assert asked == {f"project in ({', '.join(projects)})"}
    else:
        assert asked == {f"project in ({project})" for project in projects}
    assert tap.keys() == set(site_keys(site))
    assert done.items_checked == len(site_keys(site))


def test_an_issue_edited_while_the_bot_pages_through_search_is_not_lost(site: RunningSandbox, database: Path) -> None:
    """Data Center pages by offset. Ordered by a field people change, an issue edited mid-sync moves to the end
    and shifts the pages after it, so one issue is skipped, and a full sync would then mark it deleted."""
    settings = settings_for(site, database)  # the whole demo: two pages on Data Center, seven on Cloud
    reader = SiteReader(site)
    everything = site_keys(site)
    assert check(settings, dry_run=True).items_checked == len(everything)

    session = fast_session(settings)
    tap = SearchTap(session)

    def edit_after_first_page(response: requests.Response, *args: object, **kwargs: object) -> None:
        with once:  # the projects' searches run at once: the first page to arrive, whichever search it is from
            if tap.searches and not edited:
                edited.append(tap.searches[0][1][0])
                reader.edit(edited[0], {"summary": "Edited while the bot was reading"})

    once = threading.Lock()
    edited: list[str] = []
    session.hooks["response"].append(edit_after_first_page)
    again = check(settings, session=session, dry_run=True, full=True)

    assert edited, "the edit happened"
    assert len(tap.searches) > 1, "the sync took several pages"
    assert tap.keys() == set(everything)
    assert again.sync.deleted == 0
    assert again.items_checked == len(everything)
