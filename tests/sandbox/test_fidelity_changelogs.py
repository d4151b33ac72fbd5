"""Issue history as real Jira serves it (issue 8): Cloud embeds only the newest 100 histories, newest first, and
serves the rest through ``/issue/{key}/changelog`` (oldest first) and ``/changelog/bulkfetch``; Data Center embeds
the full history and has neither route."""

# ruff: noqa: F811 - the fixtures imported from fidelity_fixtures are parameters of the tests
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from tests.sandbox.fidelity_fixtures import (  # noqa: F401 - fixtures used by name
    Site,
    covers,
    declared_operations_validated,
    site,
)
from tests.sandbox.jira_helpers import get_issue, new_issue, only
from tests.sandbox.spec_validation import validated, validated_error

EDITS = 130  # more than Cloud's embedded cap of 100


def slipping_issue(site: Site, edits: int = EDITS) -> tuple[str, list[str]]:
    """A new issue whose due date slipped ``edits`` times; returns its key and the due dates in order."""
    key = new_issue(site, site.unique("Long-lived"), duedate="2027-01-01")
    dates = [(date(2027, 1, 1) + timedelta(days=n + 1)).isoformat() for n in range(edits)]
    for due in dates:
        response = site.session.put(site.api("2", f"issue/{key}"), json={"fields": {"duedate": due}})
        assert response.status_code == 204, response.text
    return key, dates


@pytest.fixture(scope="module")
def long_lived(site: Site) -> tuple[str, list[str]]:
    return slipping_issue(site)


def due_dates(histories: list[Any]) -> list[str]:
    return [i["to"] for h in histories for i in h["items"] if i["fieldId"] == "duedate"]


@covers("GET /rest/api/{v}/issue/{issueIdOrKey}", flavors=("cloud",))
def test_cloud_embeds_the_newest_100_histories_newest_first(site: Site, long_lived: tuple[str, list[str]]) -> None:
    only(site, "cloud")
    key, dates = long_lived
    for version in site.versions:
        changelog = get_issue(site, key, version, expand="changelog", fields="duedate")["changelog"]
        assert changelog["startAt"] == 0
        assert changelog["total"] == EDITS
        assert changelog["maxResults"] == len(changelog["histories"]) == 100
        assert due_dates(changelog["histories"]) == list(reversed(dates))[:100]
        created = [h["created"] for h in changelog["histories"]]
        assert created == sorted(created, reverse=True)


@covers("POST /rest/api/{v}/search/jql", flavors=("cloud",))
def test_cloud_search_embeds_the_same_capped_page(site: Site, long_lived: tuple[str, list[str]]) -> None:
    only(site, "cloud")
    key, dates = long_lived
    body = {"jql": f"key = {key}", "fields": ["duedate"], "expand": "changelog"}
    for version in site.versions:
        [issue] = validated(site.session.post(site.api(version, "search/jql"), json=body))["issues"]
        assert issue["changelog"]["total"] == EDITS
        assert due_dates(issue["changelog"]["histories"]) == list(reversed(dates))[:100]


@covers("GET /rest/api/{v}/issue/{issueIdOrKey}/changelog", flavors=("cloud",))
def test_cloud_changelog_route_pages_every_history_oldest_first(site: Site, long_lived: tuple[str, list[str]]) -> None:
    only(site, "cloud")
    key, dates = long_lived
    for version in site.versions:
        seen: list[Any] = []
        start = 0
        while True:
            params = {"startAt": start, "maxResults": 1000}
            page = validated(site.session.get(site.api(version, f"issue/{key}/changelog"), params=params))
            assert page["maxResults"] == 100  # clamped
            assert page["total"] == EDITS
            seen += page["values"]
            start += len(page["values"])
            if page["isLast"]:
                break
        assert due_dates(seen) == dates


@covers("POST /rest/api/{v}/changelog/bulkfetch", flavors=("cloud",))
def test_cloud_bulkfetch_filters_fields_and_pages_by_token(site: Site, long_lived: tuple[str, list[str]]) -> None:
    only(site, "cloud")
    key, dates = long_lived
    other, other_dates = slipping_issue(site, 3)
    site.session.put(site.api("2", f"issue/{other}"), json={"fields": {"summary": "Renamed"}}).raise_for_status()
    for version in site.versions:
        body: dict[str, Any] = {"issueIdsOrKeys": [key, other, "NOPE-999"], "fieldIds": ["duedate"], "maxResults": 40}
        histories: dict[str, list[Any]] = {}
        order: list[tuple[str, str]] = []
        pages = 0
        while True:
            page = validated(site.session.post(site.api(version, "changelog/bulkfetch"), json=body))
            pages += 1
            for log in page["issueChangeLogs"]:
                histories.setdefault(log["issueId"], []).extend(log["changeHistories"])
                order += [(h["created"], log["issueId"]) for h in log["changeHistories"]]
                assert all(i["fieldId"] == "duedate" for h in log["changeHistories"] for i in h["items"])
            if "nextPageToken" not in page:
                break
            body["nextPageToken"] = page["nextPageToken"]
        assert pages == 4  # 133 histories, 40 a page
        ids = {get_issue(site, k, version, fields="summary")["id"]: k for k in (key, other)}
        assert {ids[i]: due_dates(h) for i, h in histories.items()} == {key: dates, other: other_dates}
        assert order == sorted(order, key=lambda e: (e[0], int(e[1])))


@pytest.mark.parametrize(
    "body",
    [
        {"issueIdsOrKeys": []},
        {"issueIdsOrKeys": [str(n) for n in range(1001)]},
        {"issueIdsOrKeys": ["A-1"], "fieldIds": [f"customfield_{n}" for n in range(11)]},
        {"issueIdsOrKeys": ["A-1"], "fieldIds": ["status", "status"]},
        {"issueIdsOrKeys": ["A-1"], "maxResults": 0},
        {"issueIdsOrKeys": ["A-1"], "nextPageToken": "not-a-token"},
        {"issueIdsOrKeys": ["A-1"], "expand": "changelog"},
    ],
)
def test_cloud_bulkfetch_refuses_what_the_spec_does_not_allow(site: Site, body: dict[str, Any]) -> None:
    only(site, "cloud")
    validated_error(site.session.post(site.api("3", "changelog/bulkfetch"), json=body), 400)


@covers("GET /rest/api/2/issue/{issueIdOrKey}", flavors=("datacenter",))
def test_dc_embeds_the_full_history_and_has_no_changelog_routes(site: Site, long_lived: tuple[str, list[str]]) -> None:
    only(site, "datacenter")
    key, dates = long_lived
    changelog = get_issue(site, key, "2", expand="changelog", fields="duedate")["changelog"]
    assert changelog["total"] == len(changelog["histories"]) == EDITS
    assert due_dates(changelog["histories"]) == dates
    assert site.session.get(site.api("2", f"issue/{key}/changelog")).status_code == 404
    bulk = site.session.post(site.api("2", "changelog/bulkfetch"), json={"issueIdsOrKeys": [key]})
    assert bulk.status_code == 404
