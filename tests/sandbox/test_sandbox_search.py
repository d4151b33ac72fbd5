"""Search: Cloud's token paging and page caps, 410 on the removed API, Data Center's startAt/total, lag."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from pmo_bot.sandbox.running import RunningSandbox, start_sandbox
from tests.sandbox.jira_site import build_site

STORIES = 150  # per project: 2 * (1 epic + 150 stories + 1 sub-task) = 304 issues


@pytest.fixture(scope="module", params=["cloud", "datacenter"])
def big_site(request: pytest.FixtureRequest) -> Iterator[RunningSandbox]:
    with start_sandbox(flavor=request.param, seed="none") as running:
        running.sandbox.load(build_site(STORIES))
        yield running


@pytest.fixture
def session(big_site: RunningSandbox) -> requests.Session:
    http = requests.Session()
    http.auth = (big_site.user, big_site.token)
    return http


def expected_keys(site: RunningSandbox, project: str) -> list[str]:
    issues = [i for i in site.sandbox.jira.issues if i.project == project]
    return [i.key for i in sorted(issues, key=lambda i: i.number)]


def page_all_cloud(session: requests.Session, site: RunningSandbox, body: dict[str, Any]) -> list[dict[str, Any]]:
    url = f"{site.url}/rest/api/3/search/jql"
    issues: list[dict[str, Any]] = []
    token = None
    while True:
        page = session.post(url, json={**body, **({"nextPageToken": token} if token else {})})
        assert page.status_code == 200, page.text
        data = page.json()
        assert "total" not in data
        issues += data["issues"]
        token = data.get("nextPageToken")
        assert data["isLast"] == (token is None)
        if token is None:
            return issues


def only(site: RunningSandbox, flavor: str) -> None:
    if site.flavor != flavor:
        pytest.skip(f"{flavor} behaviour")


def test_cloud_paging_returns_each_match_once_in_order(session: requests.Session, big_site: RunningSandbox) -> None:
    only(big_site, "cloud")
    body = {"jql": "project = ALP ORDER BY key ASC", "fields": ["summary", "status"], "maxResults": 37}
    issues = page_all_cloud(session, big_site, body)
    assert [i["key"] for i in issues] == expected_keys(big_site, "ALP")
    assert set(issues[0]["fields"]) == {"summary", "status"}


def test_cloud_fields_default_to_id_only(session: requests.Session, big_site: RunningSandbox) -> None:
    only(big_site, "cloud")
    data = session.get(f"{big_site.url}/rest/api/3/search/jql", params={"jql": "project = BET"}).json()
    assert len(data["issues"]) == 50
    assert data["issues"][0] == {"id": str(big_site.sandbox.jira.by_key["BET-1"].id)}


def test_cloud_caps_pages_by_requested_fields(session: requests.Session, big_site: RunningSandbox) -> None:
    only(big_site, "cloud")
    url = f"{big_site.url}/rest/api/3/search/jql"
    ids_only = session.get(url, params={"jql": "project in (ALP, BET)", "maxResults": 5000}).json()
    assert len(ids_only["issues"]) == 2 * (STORIES + 2)
    with_fields = session.get(url, params={"jql": "project in (ALP, BET)", "maxResults": 5000, "fields": "*all"}).json()
    assert len(with_fields["issues"]) == 100
    assert with_fields["nextPageToken"]


def test_cloud_removed_search_is_410(session: requests.Session, big_site: RunningSandbox) -> None:
    only(big_site, "cloud")
    for version in ("2", "3"):
        response = session.get(f"{big_site.url}/rest/api/{version}/search", params={"jql": "project = ALP"})
        assert response.status_code == 410
        assert "/rest/api/3/search/jql" in response.json()["errorMessages"][0]


def test_cloud_refuses_unbounded_and_bad_jql(session: requests.Session, big_site: RunningSandbox) -> None:
    only(big_site, "cloud")
    url = f"{big_site.url}/rest/api/3/search/jql"
    unbounded = session.get(url, params={"jql": "ORDER BY key"})
    assert unbounded.status_code == 400
    assert unbounded.json()["errorMessages"] == [
        "Unbounded JQL queries are not allowed here. Please add a search restriction to your query."
    ]
    bad = session.get(url, params={"jql": "project = ALP AND"})
    assert bad.status_code == 400
    assert bad.json()["errorMessages"]
    assert session.get(url, params={"jql": "project = ALP", "nextPageToken": "garbage"}).status_code == 400


def test_cloud_approximate_count(session: requests.Session, big_site: RunningSandbox) -> None:
    only(big_site, "cloud")
    response = session.post(f"{big_site.url}/rest/api/3/search/approximate-count", json={"jql": "labels = even"})
    assert response.json() == {"count": sum(1 for i in big_site.sandbox.jira.issues if "even" in i.labels)}


def test_datacenter_paging_by_start_at(session: requests.Session, big_site: RunningSandbox) -> None:
    only(big_site, "datacenter")
    url = f"{big_site.url}/rest/api/2/search"
    keys: list[str] = []
    start = 0
    while True:
        page = session.post(
            url, json={"jql": "project = BET ORDER BY key", "startAt": start, "maxResults": 40, "fields": ["summary"]}
        ).json()
        assert page["total"] == STORIES + 2
        keys += [i["key"] for i in page["issues"]]
        start += len(page["issues"])
        if not page["issues"] or start >= page["total"]:
            break
    assert keys == expected_keys(big_site, "BET")


def test_datacenter_clamps_max_results_and_has_no_enhanced_search(
    session: requests.Session, big_site: RunningSandbox
) -> None:
    only(big_site, "datacenter")
    page = session.get(f"{big_site.url}/rest/api/2/search", params={"jql": "", "maxResults": 5000}).json()
    assert page["maxResults"] == 1000
    assert page["total"] == len(big_site.sandbox.jira.issues)
    assert session.get(f"{big_site.url}/rest/api/2/search/jql", params={"jql": "project = BET"}).status_code == 404


def test_epic_children_by_parent_or_epic_link(session: requests.Session, big_site: RunningSandbox) -> None:
    if big_site.flavor == "cloud":
        url, jql = f"{big_site.url}/rest/api/3/search/jql", "parent = ALP-1"
    else:
        url, jql = f"{big_site.url}/rest/api/2/search", '"Epic Link" = ALP-1'
    data = session.get(url, params={"jql": jql, "maxResults": 500, "fields": "key"}).json()
    assert sorted(i["key"] for i in data["issues"]) == sorted(f"ALP-{n}" for n in range(2, STORIES + 2))


def test_search_lag_shows_stale_values_until_it_passes(empty_cloud_sandbox: RunningSandbox) -> None:
    site = empty_cloud_sandbox
    site.sandbox.load(build_site(3))
    http = requests.Session()
    http.auth = (site.user, site.token)
    assert http.put(f"{site.url}/_sandbox/faults", json={"search_lag_seconds": 30}).status_code == 200
    assert http.put(f"{site.url}/rest/api/2/issue/ALP-2", json={"fields": {"summary": "Renamed"}}).status_code == 204
    url = f"{site.url}/rest/api/3/search/jql"
    stale = http.get(url, params={"jql": "key = ALP-2", "fields": "summary"}).json()["issues"]
    assert stale[0]["fields"]["summary"] == "Story 2 of ALP"
    issue_id = stale[0]["id"]
    fresh = http.get(url, params={"jql": "key = ALP-2", "fields": "summary", "reconcileIssues": issue_id}).json()
    assert fresh["issues"][0]["fields"]["summary"] == "Renamed"
    assert http.get(f"{site.url}/rest/api/2/issue/ALP-2").json()["fields"]["summary"] == "Renamed"
