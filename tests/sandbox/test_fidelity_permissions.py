"""The login's project permissions, configurable per project, served by ``mypermissions`` and enforced as real
Jira enforces them (issue 8): no Browse hides the project, no Add Comments is a 403, and so on."""

# ruff: noqa: F811 - the fixtures imported from fidelity_fixtures are parameters of the tests
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from pmo_bot.sandbox.running import RunningSandbox, start_sandbox
from tests.sandbox.fidelity_fixtures import (  # noqa: F401 - fixtures used by name
    Site,
    authenticated_session,
    covers,
    declared_operations_validated,
    site,
)
from tests.sandbox.fidelity_seed import PROJECT
from tests.sandbox.jira_site import build_site
from tests.sandbox.spec_validation import validated, validated_error

NOT_FOUND = "Issue does not exist or you do not have permission to see it."


def set_permissions(url: str, grants: dict[str, list[str]]) -> Any:
    answer = requests.put(f"{url}/_sandbox/account", json={"permissions": grants}, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()


@covers("GET /rest/api/{v}/mypermissions")
def test_mypermissions_reports_the_configured_grant(site: Site) -> None:
    asked = "BROWSE_PROJECTS,ADD_COMMENTS,EDIT_OWN_COMMENTS,EDIT_ISSUES"
    url = site.running.url
    try:
        for version in site.versions:
            mine = validated(site.session.get(site.api(version, "mypermissions"), params={"permissions": asked}))
            assert {k: v["havePermission"] for k, v in mine["permissions"].items()} == dict.fromkeys(
                asked.split(","), True
            )
        set_permissions(url, {PROJECT: ["BROWSE_PROJECTS"]})
        for version in site.versions:
            params = {"permissions": asked, "projectKey": PROJECT}
            mine = validated(site.session.get(site.api(version, "mypermissions"), params=params))
            have = {k: v["havePermission"] for k, v in mine["permissions"].items()}
            assert have == {
                "BROWSE_PROJECTS": True,
                "ADD_COMMENTS": False,
                "EDIT_OWN_COMMENTS": False,
                "EDIT_ISSUES": False,
            }
            assert mine["permissions"]["ADD_COMMENTS"]["type"] == "PROJECT"
        set_permissions(url, {PROJECT: []})
        missing = site.session.get(site.api("2", "mypermissions"), params={"permissions": asked, "projectKey": PROJECT})
        validated_error(missing, 404)
    finally:
        set_permissions(url, {})


def test_mypermissions_needs_the_permissions_parameter_on_cloud_only(site: Site) -> None:
    response = site.session.get(site.api(site.versions[-1], "mypermissions"))
    if site.cloud:
        validated_error(response, 400)
    else:
        assert set(validated(response)["permissions"]) >= {"BROWSE_PROJECTS", "ADD_COMMENTS", "EDIT_ISSUES"}
    validated_error(site.session.get(site.api("2", "mypermissions"), params={"permissions": "NOT_A_KEY"}), 400)


@pytest.fixture(params=["cloud", "datacenter"])
def two_projects(request: pytest.FixtureRequest) -> Iterator[tuple[RunningSandbox, requests.Session]]:
    """ALP fully granted; BET browse-only (the bot may read but not comment nor write properties)."""
    grants = {"BET": ["BROWSE_PROJECTS"]}
    with start_sandbox(flavor=request.param, seed="none", permissions=grants) as running:
        running.sandbox.load(build_site(3))
        yield running, authenticated_session(running, request.param)


def api(running: RunningSandbox, path: str) -> str:
    return f"{running.url}/rest/api/{'3' if running.flavor == 'cloud' else '2'}/{path}"


def body(running: RunningSandbox, text: str) -> Any:
    if running.flavor == "datacenter":
        return text
    return {
        "version": 1,
        "type": "doc",
        "content": [{"type": "paragraph", "content": [{"type": "text", "text": text}]}],
    }


def search(running: RunningSandbox, http: requests.Session, jql: str) -> requests.Response:
    if running.flavor == "cloud":
        return http.post(api(running, "search/jql"), json={"jql": jql, "fields": ["summary"]})
    return http.post(api(running, "search"), json={"jql": jql, "fields": ["summary"]})


def test_browse_but_not_comment(two_projects: tuple[RunningSandbox, requests.Session]) -> None:
    running, http = two_projects
    assert http.get(api(running, "issue/BET-2")).status_code == 200
    refused = http.post(api(running, "issue/BET-2/comment"), json={"body": body(running, "hello")})
    assert refused.status_code == 403
    assert refused.json() == {
        "errorMessages": ["You do not have the permission to comment on this issue."],
        "errors": {},
    }
    assert http.put(api(running, "issue/BET-2/properties/pmo-bot.state"), json={"a": 1}).status_code == 403
    assert http.put(api(running, "issue/BET-2"), json={"fields": {"summary": "x"}}).status_code == 403
    assert http.get(api(running, "issue/BET-2/comment")).json()["comments"] == []  # nothing was written
    # The other project is unaffected.
    assert http.post(api(running, "issue/ALP-2/comment"), json={"body": body(running, "hello")}).status_code == 201
    assert http.put(api(running, "issue/ALP-2/properties/pmo-bot.state"), json={"a": 1}).status_code == 201


def test_own_comments_need_edit_and_delete_own(two_projects: tuple[RunningSandbox, requests.Session]) -> None:
    running, http = two_projects
    created = http.post(api(running, "issue/ALP-3/comment"), json={"body": body(running, "mine")}).json()
    set_permissions(running.url, {"ALP": ["BROWSE_PROJECTS", "ADD_COMMENTS"]})
    url = api(running, f"issue/ALP-3/comment/{created['id']}")
    edit = http.put(url, json={"body": body(running, "edited")})
    assert edit.status_code == 400
    assert edit.json()["errorMessages"] == ["You do not have the permission to edit this comment."]
    assert http.delete(url).status_code == 400
    set_permissions(running.url, {})
    assert http.put(url, json={"body": body(running, "edited")}).status_code == 200


def test_no_browse_hides_the_project_everywhere(two_projects: tuple[RunningSandbox, requests.Session]) -> None:
    running, http = two_projects
    comment = http.post(api(running, "issue/ALP-2/comment"), json={"body": body(running, "seen")}).json()
    assert http.put(api(running, "issue/ALP-2"), json={"fields": {"duedate": "2027-01-01"}}).status_code == 204
    alp_2 = str(running.sandbox.jira.by_key["ALP-2"].id)

    def bulk_issue_ids() -> set[str]:
        found = http.post(api(running, "changelog/bulkfetch"), json={"issueIdsOrKeys": ["ALP-2", "BET-2"]}).json()
        return {log["issueId"] for log in found["issueChangeLogs"]}

    if running.flavor == "cloud":
        assert alp_2 in bulk_issue_ids()
    before = search(running, http, "project in (ALP, BET)")
    assert before.status_code == 200
    assert {i["key"].split("-")[0] for i in before.json()["issues"]} == {"ALP", "BET"}
    set_permissions(running.url, {"ALP": []})

    missing = http.get(api(running, "issue/ALP-2"))
    assert missing.status_code == 404
    assert missing.json()["errorMessages"] == [NOT_FOUND]
    assert http.get(api(running, "issue/ALP-2/comment")).status_code == 404
    assert http.get(api(running, "issue/ALP-2/properties/pmo-bot.state")).status_code == 404
    assert http.get(api(running, f"comment/{comment['id']}/properties")).status_code == 404
    refused = search(running, http, "project in (ALP, BET)")
    assert refused.status_code == 400
    assert refused.json()["errorMessages"] == ["The value 'ALP' does not exist for the field 'project'."]
    assert search(running, http, "key = ALP-2").json()["errorMessages"] == [
        "An issue with key 'ALP-2' does not exist for field 'key'."
    ]
    only_bet = search(running, http, "project = BET OR summary ~ Story")
    assert {i["key"].split("-")[0] for i in only_bet.json()["issues"]} == {"BET"}
    assert [p["key"] for p in http.get(api(running, "project")).json()] == ["BET"]
    assert http.get(api(running, "project/ALP")).status_code == 404
    listed = http.post(api(running, "comment/list"), json={"ids": [int(comment["id"])]}).json()
    assert listed["values"] == []
    if running.flavor == "cloud":
        assert alp_2 not in bulk_issue_ids()
    set_permissions(running.url, {})
    assert http.get(api(running, "issue/ALP-2")).status_code == 200


def test_operator_api_refuses_unknown_permissions(two_projects: tuple[RunningSandbox, requests.Session]) -> None:
    running, _ = two_projects
    bad = requests.put(f"{running.url}/_sandbox/account", json={"permissions": {"ALP": ["FLY"]}}, timeout=10)
    assert bad.status_code == 400
    assert "unknown permission 'FLY'" in bad.json()["error"]
    account = requests.get(f"{running.url}/_sandbox/account", timeout=10).json()
    assert account["permissions"] == {"BET": ["BROWSE_PROJECTS"]}
    assert "ADD_COMMENTS" in account["default_permissions"]
