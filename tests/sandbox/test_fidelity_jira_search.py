"""Jira search as the real products serve it: Cloud's enhanced search, DC's startAt search, JQL errors.

Every response is validated against the Jira platform v3 spec (``validated``); error answers against J3's
``ErrorCollection`` (``validated_error``).
"""

# ruff: noqa: F811 - the fixtures imported from fidelity_fixtures are parameters of the tests
from __future__ import annotations

from typing import Any

import pytest

from tests.sandbox.fidelity_fixtures import (  # noqa: F401 - fixtures used by name
    Site,
    covers,
    declared_operations_validated,
    site,
)
from tests.sandbox.jira_helpers import a_project, new_issue, only
from tests.sandbox.spec_validation import validated, validated_error


def enhanced_pages(site: Site, version: str, jql: str, page_size: int, fields: str = "summary") -> list[Any]:
    issues: list[Any] = []
    token: str | None = None
    for _ in range(1000):
        params = {"jql": jql, "maxResults": page_size, "fields": fields}
        if token:
            params["nextPageToken"] = token
        page = validated(site.session.get(site.api(version, "search/jql"), params=params))
        assert "total" not in page  # enhanced search has no totals
        assert "startAt" not in page
        assert len(page["issues"]) <= page_size
        issues.extend(page["issues"])
        token = page.get("nextPageToken")
        assert page["isLast"] == (token is None)
        if token is None:
            return issues
    raise AssertionError("enhanced search never reached its last page")


@covers("GET /rest/api/{v}/search/jql", flavors=("cloud",))
@pytest.mark.parametrize("version", ["2", "3"])
def test_enhanced_search_pages_by_token_without_totals(site: Site, version: str) -> None:
    only(site, "cloud")
    jql = f"project = {a_project(site)} ORDER BY key ASC"
    small = enhanced_pages(site, version, jql, page_size=7)
    large = enhanced_pages(site, version, jql, page_size=50)
    keys = [issue["key"] for issue in small]
    assert len(keys) > 7, "the demo project spans several pages"
    assert len(set(keys)) == len(keys), "no issue repeats across pages"
    assert keys == [issue["key"] for issue in large], "page size does not change the result"
    assert all(set(issue["fields"]) == {"summary"} for issue in small)


@covers("GET /rest/api/3/search/jql", flavors=("cloud",))
def test_enhanced_search_fields_default_to_id_only(site: Site) -> None:
    only(site, "cloud")
    page = validated(site.session.get(site.api("3", "search/jql"), params={"jql": f"project = {a_project(site)}"}))
    assert page["issues"]
    for issue in page["issues"]:
        assert issue["id"]
        assert not issue.get("fields"), "enhanced search returns no fields unless asked"


@covers("GET /rest/api/3/search/jql", flavors=("cloud",))
def test_enhanced_search_all_fields_are_adf_on_v3(site: Site) -> None:
    only(site, "cloud")
    params = {"jql": f"project = {a_project(site)} ORDER BY key", "fields": "*all", "maxResults": 20}
    page = validated(site.session.get(site.api("3", "search/jql"), params=params))
    fields = page["issues"][0]["fields"]
    assert {"summary", "status", "issuetype", "labels", "created", "updated"} <= set(fields)
    described = [i["fields"]["description"] for i in page["issues"] if i["fields"].get("description")]
    assert described, "some demo issues have descriptions"
    assert all(isinstance(d, dict) and d["type"] == "doc" for d in described)  # ADF, validated by `validated`


@covers("POST /rest/api/{v}/search/jql", flavors=("cloud",))
@pytest.mark.parametrize("version", ["2", "3"])
def test_enhanced_search_post_takes_a_field_list(site: Site, version: str) -> None:
    only(site, "cloud")
    body = {"jql": f"project = {a_project(site)}", "fields": ["summary", "labels"], "maxResults": 5}
    page = validated(site.session.post(site.api(version, "search/jql"), json=body))
    assert 0 < len(page["issues"]) <= 5
    assert all(set(i["fields"]) == {"summary", "labels"} for i in page["issues"])
    # SearchAndReconcileRequestBean has additionalProperties: false; Jira rejects unknown members.
    body["startAt"] = 0
    validated_error(site.session.post(site.api(version, "search/jql"), json=body), 400)


@covers("GET /rest/api/{v}/search/jql", flavors=("cloud",))
@covers("GET /rest/api/2/search", flavors=("datacenter",))
def test_search_field_syntax_names_and_properties(site: Site) -> None:
    key = new_issue(site, site.unique("Searchable"), description="Some scope")
    state = {"commentId": "100", "hash": "abc"}
    stored = site.session.put(site.api("2", f"issue/{key}/properties/pmo-bot.state"), json=state)
    assert stored.status_code == 201, stored.text
    path = "search/jql" if site.cloud else "search"
    for version in site.versions:
        params = {
            "jql": f"key = {key}",
            "fields": "*all,-description",
            "expand": "names",
            "properties": "pmo-bot.state",
        }
        [issue] = validated(site.session.get(site.api(version, path), params=params))["issues"]
        assert "summary" in issue["fields"]
        assert "description" not in issue["fields"]
        assert issue["properties"] == {"pmo-bot.state": state}
        navigable = validated(
            site.session.get(
                site.api(version, path), params={"jql": f"key = {key}", "fields": "*navigable", "expand": "names"}
            )
        )
        assert "summary" in navigable["issues"][0]["fields"]
        assert navigable["names"]["summary"] == "Summary"


@covers("POST /rest/api/{v}/search/approximate-count", flavors=("cloud",))
@pytest.mark.parametrize("version", ["2", "3"])
def test_approximate_count(site: Site, version: str) -> None:
    only(site, "cloud")
    jql = f"project = {a_project(site)}"
    counted = validated(site.session.post(site.api(version, "search/approximate-count"), json={"jql": jql}))
    assert counted["count"] == len(enhanced_pages(site, "3", jql, page_size=100))


@covers("GET /rest/api/{v}/search", "POST /rest/api/{v}/search", flavors=("cloud",))
def test_removed_search_answers_410_on_cloud(site: Site) -> None:
    only(site, "cloud")
    for version in site.versions:
        params = {"jql": f"project = {a_project(site)}"}
        for response in (
            site.session.get(site.api(version, "search"), params=params),
            site.session.post(site.api(version, "search"), json=params),
        ):
            body = validated_error(response, 410)
            assert any("/search/jql" in message for message in body["errorMessages"])


# DC: /rest/api/2/search is the live search. Its SearchResults shape matches J3's (deprecated) /rest/api/3/search
# operation, which is what `validated` checks against; only the path version differs.
@covers("GET /rest/api/2/search", "POST /rest/api/2/search", flavors=("datacenter",))
def test_dc_search_pages_by_start_at_with_total(site: Site) -> None:
    only(site, "datacenter")
    jql = f"project = {a_project(site)} ORDER BY key ASC"
    keys: list[str] = []
    start, total = 0, None
    while total is None or start < total:
        params = {"jql": jql, "startAt": start, "maxResults": 9, "fields": "summary"}
        page = validated(site.session.get(site.api("2", "search"), params=params))
        assert page["startAt"] == start
        assert page["maxResults"] <= 9
        total = page["total"] if total is None else total
        assert page["total"] == total
        keys += [issue["key"] for issue in page["issues"]]
        start += len(page["issues"])
        if not page["issues"]:
            break
    assert len(keys) == total > 9
    assert len(set(keys)) == total
    posted = validated(
        site.session.post(site.api("2", "search"), json={"jql": jql, "maxResults": 1000, "fields": ["summary"]})
    )
    assert [issue["key"] for issue in posted["issues"]][: len(keys)] == keys[: len(posted["issues"])]
    assert posted["total"] == total


def test_dc_has_no_enhanced_search_nor_v3(site: Site) -> None:
    only(site, "datacenter")
    jql = {"jql": f"project = {a_project(site)}"}
    assert site.session.get(site.api("2", "search/jql"), params=jql).status_code == 404
    assert site.session.post(site.api("2", "search/approximate-count"), json=jql).status_code == 404
    assert site.session.get(site.api("3", "myself")).status_code == 404


@pytest.mark.parametrize(
    "jql",
    [
        "project = ",
        "project = PMO AND",
        "summary ~",
        "nosuchfield = 3",
        "project in (A, B",
        'duedate > "not a date"',
    ],
)
def test_bad_jql_is_a_400_with_error_messages(site: Site, jql: str) -> None:
    path = "search/jql" if site.cloud else "search"
    body = validated_error(site.session.get(site.api(site.versions[-1], path), params={"jql": jql}), 400)
    assert body["errorMessages"], "JQL errors come back as errorMessages"


def test_unbounded_jql_rejected_on_cloud_only(site: Site) -> None:
    if site.cloud:
        response = site.session.get(site.api("3", "search/jql"), params={"jql": "ORDER BY key"})
        assert validated_error(response, 400)["errorMessages"]
    else:
        page = validated(site.session.get(site.api("2", "search"), params={"jql": "ORDER BY key", "maxResults": 1}))
        assert page["total"] > 0
