"""atlassian-python-api 5.0.5 itself against the sandbox's Jira, both flavours, traps included.

These prove the sandbox reproduces what the real products do with the library's actual requests (read back
from the sandbox's request log), not what the library hopes for. Reference: atlassian-api.md §0, §1.3, §3, §4.
"""

# ruff: noqa: F811 - the fixtures imported from fidelity_fixtures are parameters of the tests
from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qs

import pytest
from atlassian import Jira, JiraCloud

from tests.sandbox.fidelity_fixtures import Site, site  # noqa: F401 - fixture used by name
from tests.sandbox.fidelity_seed import ISSUES_IN_PROJECT, PROJECT
from tests.sandbox.jira_helpers import adf, only

JQL = f"project = {PROJECT} ORDER BY key ASC"


def legacy(site: Site) -> Jira:
    if site.cloud:
        return Jira(url=site.jira, username=site.running.user, password=site.running.token, cloud=True)
    return Jira(url=site.jira, token=site.running.token)


def cloud_client(site: Site) -> JiraCloud:
    return JiraCloud(url=site.jira, username=site.running.user, password=site.running.token)


def sent(site: Site, since: int, count: int) -> list[dict[str, Any]]:
    """The ``count`` requests the library sent since a request-log cursor (method, path, query, status).

    The sandbox logs a request once its response is fully sent, so the entry of the call that just returned can
    trail by a moment: poll briefly (a bounded wait, not a timing assertion).
    """
    deadline = time.monotonic() + 5
    while len(entries := site.running.requests(since)) < count and time.monotonic() < deadline:
        time.sleep(0.005)
    return entries


def query(entry: dict[str, Any]) -> dict[str, list[str]]:
    return parse_qs(str(entry["query"]))


def new_key(site: Site, jira: Jira, summary: str) -> str:
    fields = {"project": {"key": PROJECT}, "issuetype": {"name": "Task"}, "summary": site.unique(summary)}
    return str(jira.create_issue(fields=fields)["key"])


def test_cloud_jql_forces_v3_all_fields_and_refuses_offsets(site: Site) -> None:
    only(site, "cloud")
    jira = legacy(site)
    mark = site.running.last_request_id()
    page = jira.jql(JQL, limit=5)
    [request] = sent(site, mark, 1)
    assert request["path"] == "/rest/api/3/search/jql"
    assert query(request)["fields"] == ["*all"]
    assert "total" not in page
    assert len(page["issues"]) == 5
    described = next(i for i in page["issues"] if i["fields"].get("description"))
    assert described["fields"]["description"]["type"] == "doc", "v3 search returns ADF"
    assert isinstance(jira.issue(described["key"])["fields"]["description"], str), "the same client's v2 GET"
    with pytest.raises(ValueError, match="enhanced_jql"):
        jira.jql(JQL, start=5)


@pytest.mark.parametrize("client", ["legacy", "cloud"])
def test_cloud_enhanced_search_pages_to_the_end(site: Site, client: str) -> None:
    only(site, "cloud")
    jira = legacy(site) if client == "legacy" else cloud_client(site)
    tickets = jira.enhanced_jql_get_list_of_tickets(JQL, fields=["summary"])
    keys = [t["key"] for t in tickets]
    assert len(keys) == len(set(keys)) >= ISSUES_IN_PROJECT
    assert all(set(t["fields"]) == {"summary"} for t in tickets)
    token, paged = None, []
    while True:
        page = jira.enhanced_jql(JQL, fields="summary", limit=7, nextPageToken=token)
        paged += [i["key"] for i in page["issues"]]
        token = page.get("nextPageToken")
        if not token:
            break
    assert paged == keys


def test_cloud_approximate_count_on_both_paths(site: Site) -> None:
    only(site, "cloud")
    mark = site.running.last_request_id()
    count = legacy(site).approximate_issue_count(f"project = {PROJECT}")["count"]
    assert count == cloud_client(site).count_issues(data={"jql": f"project = {PROJECT}"})["count"]
    assert count >= ISSUES_IN_PROJECT
    paths = [r["path"] for r in sent(site, mark, 2)]
    assert paths == ["/rest/api/2/search/approximate-count", "/rest/api/3/search/approximate-count"]


def test_dc_jql_pages_by_start_at_and_the_limit_trap(site: Site) -> None:
    only(site, "datacenter")
    jira = legacy(site)
    page = jira.jql(JQL, fields="summary", start=10, limit=5)
    assert (page["startAt"], len(page["issues"])) == (10, 5)
    total = page["total"]
    assert total >= ISSUES_IN_PROJECT
    everything = jira.jql_get_list_of_tickets(JQL, fields="summary")
    assert len({t["key"] for t in everything}) == total
    mark = site.running.last_request_id()
    limited = jira.jql_get_list_of_tickets(JQL, fields="summary", limit=7)
    assert len(limited) == 7, "with a limit the library stops after the first page"
    [request] = sent(site, mark, 1)
    assert request["path"] == "/rest/api/2/search"
    assert query(request)["startAt"] == ["0"]


@pytest.mark.parametrize("notify", [True, False])
def test_comment_add_edit_delete(site: Site, notify: bool) -> None:
    jira = legacy(site)
    key = new_key(site, jira, "Library comments")
    comment = jira.issue_add_comment(key, "h3. PMO check\n* overdue")
    assert comment["body"].startswith("h3. PMO check")
    mark = site.running.last_request_id()
    edited = jira.issue_edit_comment(key, comment["id"], "h3. PMO check\n* resolved", notify_users=notify)
    assert "resolved" in edited["body"]
    [request] = sent(site, mark, 1)
    assert request["status"] == 200
    assert query(request)["notifyUsers"] == ["true" if notify else "false"]
    # The legacy client has no delete-comment method: the raw call is what works.
    jira.delete(f"rest/api/2/issue/{key}/comment/{comment['id']}")
    assert jira.issue_get_comments(key)["comments"] == []


def test_cloud_update_comment_sends_a_capital_false(site: Site) -> None:
    only(site, "cloud")
    key = new_key(site, legacy(site), "Capital False")
    cloud = cloud_client(site)
    comment = cloud.add_comment(key, data={"body": adf("first")})
    mark = site.running.last_request_id()
    updated = cloud.update_comment(key, comment["id"], data={"body": adf("second")}, notify_users=False)
    assert updated["body"]["content"][0]["content"][0]["text"] == "second"
    [request] = sent(site, mark, 1)
    assert query(request)["notifyUsers"] == ["False"]
    assert request["status"] == 200
    cloud.delete_comment(key, comment["id"])
    assert legacy(site).issue_get_comments(key)["total"] == 0


def test_comment_property_legacy_wraps_the_value(site: Site) -> None:
    jira = legacy(site)
    key = new_key(site, jira, "Comment property")
    comment_id = jira.issue_add_comment(key, "bot")["id"]
    jira.set_comment_property(comment_id, "pmo-bot", {"hash": "abc"})
    assert jira.get_comment_property(comment_id, "pmo-bot")["value"] == {"value": {"hash": "abc"}}
    if site.cloud:  # the generated Cloud client sends the raw body
        cloud_client(site).set_comment_property(comment_id, "pmo-bot.raw", data={"hash": "abc"})
        assert jira.get_comment_property(comment_id, "pmo-bot.raw")["value"] == {"hash": "abc"}
    keys = [k["key"] for k in jira.get_comment_properties_keys(comment_id)["keys"]]
    assert "pmo-bot" in keys


def test_issue_properties(site: Site) -> None:
    jira = legacy(site)
    key = new_key(site, jira, "Issue property")
    mark = site.running.last_request_id()
    jira.set_issue_property(key, "pmo-bot.state", {"commentId": "100", "hash": "abc"})
    jira.set_issue_property(key, "pmo-bot.state", {"commentId": "100", "hash": "def"})
    assert [r["status"] for r in sent(site, mark, 2)] == [201, 200]
    assert jira.get_issue_property(key, "pmo-bot.state")["value"] == {"commentId": "100", "hash": "def"}
    assert [k["key"] for k in jira.get_issue_property_keys(key)["keys"]] == ["pmo-bot.state"]


def test_labels_through_label_issue_and_edit_issue(site: Site) -> None:
    jira = legacy(site)
    key = new_key(site, jira, "Labels")
    mark = site.running.last_request_id()
    jira.label_issue(key, ["pmo-risk", "pmo-ok"])
    jira.unlabel_issue(key, ["pmo-ok"])
    jira.edit_issue(key, {"labels": [{"add": "pmo-overdue"}]}, notify_users=False)
    requests_sent = sent(site, mark, 3)
    assert [r["path"] for r in requests_sent] == [f"/rest/api/2/issue/{key}"] * 3
    assert [r["status"] for r in requests_sent] == [204] * 3
    assert query(requests_sent[2])["notifyUsers"] == ["false"]
    assert sorted(jira.issue(key, fields="labels")["fields"]["labels"]) == ["pmo-overdue", "pmo-risk"]
