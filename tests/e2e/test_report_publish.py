"""Publishing the weekly page, both flavours: idempotent per week, a new version only when content changes; two
weeks in a row ("what changed", a past week from its stored snapshot, no-op republishing, people's text kept)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from pmo_bot.errors import UsageError
from pmo_bot.jobs import check_job
from pmo_bot.report.job import report_job
from pmo_bot.sandbox.running import RunningSandbox, start_sandbox
from pmo_bot.store import open_from_settings
from tests.e2e.conftest import SiteReader, settings_for

pytestmark = pytest.mark.slow


@pytest.fixture(params=["cloud", "datacenter"])
def site(request: pytest.FixtureRequest) -> Iterator[RunningSandbox]:
    with start_sandbox(flavor=request.param, seed="demo") as running:
        yield running


class Wiki:
    def __init__(self, site: RunningSandbox) -> None:
        self.http = SiteReader(site).http
        self.api = f"{site.confluence_url}/rest/api"

    def page(self, page_id: str) -> dict[str, Any]:
        found = self.http.get(f"{self.api}/content/{page_id}", params={"expand": "version,body.storage"}, timeout=10)
        found.raise_for_status()
        return dict(found.json())

    def titled(self, title: str) -> list[dict[str, Any]]:
        params = {"spaceKey": "PMO", "title": title, "expand": "version,body.storage"}
        return list(self.http.get(f"{self.api}/content", params=params, timeout=10).json()["results"])

    def attachments(self, page_id: str) -> list[str]:
        found = self.http.get(f"{self.api}/content/{page_id}/child/attachment", timeout=10).json()
        return sorted(a["title"] for a in found["results"])

    def labels(self, page_id: str) -> set[str]:
        return {x["name"] for x in self.http.get(f"{self.api}/content/{page_id}/label", timeout=10).json()["results"]}

    def edit(self, page: dict[str, Any], body: str) -> None:
        """What a person does in the editor: a new version of the page."""
        data = {"id": page["id"], "type": "page", "title": page["title"],
                "body": {"storage": {"value": body, "representation": "storage"}},
                "version": {"number": page["version"]["number"] + 1}}  # fmt: skip
        self.http.put(f"{self.api}/content/{page['id']}", json=data, timeout=10).raise_for_status()


def writes_since(site: RunningSandbox, before: int) -> list[str]:
    return [f"{r['method']} {r['path']}" for r in site.requests(before) if r["method"] in ("POST", "PUT", "DELETE")]


def test_weekly_page_is_published_once_and_versioned_only_on_change(site: RunningSandbox, tmp_path: Path) -> None:
    settings = settings_for(site, tmp_path / "pmo.db")
    wiki = Wiki(site)
    now = datetime.now(UTC)
    check_job(settings)

    first = report_job(settings, now=now, output=tmp_path / "report.html")
    assert first.published is not None
    assert first.published.action == "created"
    page = wiki.page(first.published.page_id)
    assert page["title"] == first.page.title
    ET.fromstring(
        '<r xmlns:ac="http://atlassian.com/ac" xmlns:ri="http://atlassian.com/ri">'
        + page["body"]["storage"]["value"]
        + "</r>"
    )
    charts = [f.filename for f in first.page.files if f.filename.endswith(".png")]
    assert charts
    assert set(charts) <= set(wiki.attachments(page["id"]))
    assert "pmo-report" in wiki.labels(page["id"])
    assert (tmp_path / "report.html").read_text().startswith("<!DOCTYPE html>")

    again = report_job(settings, now=now)
    assert again.published is not None
    assert again.published.action == "unchanged"
    assert wiki.page(page["id"])["version"]["number"] == page["version"]["number"]
    assert len(wiki.titled(first.page.title)) == 1

    # Data changes (an epic loses its budget), the check records it, the same week is published again.
    reader = SiteReader(site)
    reader.edit("PAY-27", {reader.fields_by_name()["Budget"]: None})
    check_job(settings)
    changed = report_job(settings, now=now)
    assert changed.published is not None
    assert changed.published.action == "updated"
    assert changed.published.page_id == page["id"]
    assert wiki.page(page["id"])["version"]["number"] == page["version"]["number"] + 1

    # Next week: a second page, and the index (a child page the bot owns) lists both; the parent is untouched.
    (parent,) = wiki.titled(settings.confluence_parent_title)
    following = report_job(settings, now=now + timedelta(days=7))
    assert following.published is not None
    assert following.published.page_id != page["id"]
    (index_page,) = wiki.titled(f"{settings.confluence_parent_title} — index")
    index = index_page["body"]["storage"]["value"]
    assert first.page.title in index
    assert following.page.title in index
    (parent_after,) = wiki.titled(settings.confluence_parent_title)
    assert parent_after["version"]["number"] == parent["version"]["number"]
    assert parent_after["body"]["storage"]["value"] == parent["body"]["storage"]["value"]


def test_dry_run_writes_nothing(site: RunningSandbox, tmp_path: Path) -> None:
    settings = settings_for(site, tmp_path / "pmo.db")
    check_job(settings)
    before = site.last_request_id()
    outcome = report_job(settings, dry_run=True)
    assert outcome.published is None
    writes = [r for r in site.requests(before) if r["method"] in ("POST", "PUT", "DELETE")]
    assert writes == []
    assert Wiki(site).titled(outcome.page.title) == []


def test_missing_parent_page_is_a_clear_configuration_error(site: RunningSandbox, tmp_path: Path) -> None:
    settings = settings_for(site, tmp_path / "pmo.db", PMO_CONFLUENCE_PARENT_TITLE="No Such Page")
    check_job(settings)
    with pytest.raises(Exception, match="No Such Page"):
        report_job(settings)


def test_two_weeks_what_changed_a_past_week_from_its_snapshot_and_quiet_republishing(
    site: RunningSandbox, tmp_path: Path
) -> None:
    settings = settings_for(site, tmp_path / "pmo.db")
    wiki, reader = Wiki(site), SiteReader(site)
    week_one = datetime.now(UTC)
    week_two = datetime.combine(week_one.date() + timedelta(days=7), time(9), tzinfo=UTC)  # later: same day
    check_job(settings)
    first = report_job(settings, now=week_one)
    assert first.published is not None
    assert "What changed" not in first.page.body  # nothing was published before

    # During the week: an open epic's due date passes, so next week it is newly overdue.
    with open_from_settings(settings) as store:
        epic = next(i for i in store.items.all() if i.is_epic and not i.is_done and i.due_date is not None
                    and i.due_date > week_two.date())  # fmt: skip
    reader.edit(epic.key, {"duedate": (week_two.date() - timedelta(days=2)).isoformat()})
    check_job(settings)

    second = report_job(settings, now=week_two)
    assert second.published is not None
    assert second.published.action == "created"
    body = wiki.page(second.published.page_id)["body"]["storage"]["value"]
    assert f"What changed since {first.week}" in body
    changed = body[body.index("What changed") : body.index("PMO commentary")]
    assert "newly overdue" in changed
    assert epic.key in changed

    # The past week, a week later: rendered from its stored snapshot (today's data would show the overdue epic),
    # identical to what was published, and nothing is written.
    before = site.last_request_id()
    past = report_job(settings, week=first.week, now=week_two)
    assert past.page.body == first.page.body
    assert past.published is not None
    assert past.published.action == "unchanged"
    assert writes_since(site, before) == []
    with pytest.raises(UsageError, match=rf"no snapshot for 2026-W01 \(earliest: {first.week}\)"):
        report_job(settings, week="2026-W01", now=week_two)

    # The same week again, later that day: only "as of" and the last check's time could differ: zero writes.
    before = site.last_request_id()
    check_job(settings)
    again = report_job(settings, now=week_two + timedelta(hours=3))
    assert again.published is not None
    assert again.published.action == "unchanged"
    assert [w for w in writes_since(site, before) if "/wiki/" in w or "/content" in w or "/pages" in w] == []

    # A PMO writes commentary on the page; then the data changes and the page is regenerated.
    page = wiki.page(second.published.page_id)
    ours = page["body"]["storage"]["value"]
    start = ours.index("<h2>PMO commentary</h2>") + len("<h2>PMO commentary</h2>")
    end = ours.index("<h2>", start)
    wiki.edit(page, ours[:start] + "<p>Steering committee: hold the CRM rollout.</p>" + ours[end:])
    reader.edit(epic.key, {"duedate": (week_two.date() - timedelta(days=20)).isoformat()})
    check_job(settings)
    updated = report_job(settings, now=week_two)
    assert updated.published is not None
    assert updated.published.action == "updated"
    assert updated.published.edited_by_others is not None  # reported, not silently lost
    latest = wiki.page(second.published.page_id)
    assert "Steering committee: hold the CRM rollout." in latest["body"]["storage"]["value"]
    assert latest["version"]["minorEdit"] is True  # watchers heard of this week's page once
