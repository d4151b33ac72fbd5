"""Publishing the weekly page, both flavours: idempotent per week, a new version only when content changes."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from pmo_bot.jobs import check_job
from pmo_bot.report.job import report_job
from pmo_bot.sandbox.running import RunningSandbox, start_sandbox
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

    # Next week: a second page, and the parent page lists both.
    following = report_job(settings, now=now + timedelta(days=7))
    assert following.published is not None
    assert following.published.page_id != page["id"]
    (parent,) = wiki.titled(settings.confluence_parent_title)
    index = parent["body"]["storage"]["value"]
    assert first.page.title in index
    assert following.page.title in index


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
