"""The adapter's history reads at the HTTP seam: Cloud bulkfetch (request and answers validated against J3),
its per-issue fallback, and Data Center's full history through GET issue."""

from __future__ import annotations

import json
from typing import Any

import responses

from pmo_bot.atlassian.jira import CHANGELOG_ISSUES_PER_REQUEST
from tests.atlassian.test_jira_adapter import BASE, client
from tests.sandbox.spec_validation import assert_jira_component


def history(n: int, field: str = "status") -> dict[str, Any]:
    return {
        "id": str(n),
        "author": {"accountId": "pm-7", "displayName": "Dana"},
        "created": "2026-11-20T09:58:12.345+0000",
        "items": [{"field": field, "fieldId": field, "fromString": "A", "toString": "B"}],
    }


@responses.activate
def test_bulkfetch_batches_1000_issues_follows_the_token_and_maps_ids_back_to_keys() -> None:
    issues = [(str(10000 + n), f"PAY-{n}") for n in range(CHANGELOG_ISSUES_PER_REQUEST + 1)]
    pages = [
        {"issueChangeLogs": [{"issueId": "10000", "changeHistories": [history(1)]}], "nextPageToken": "t2"},
        {
            "issueChangeLogs": [
                {"issueId": "10000", "changeHistories": [history(2, "duedate")]},
                {"issueId": "10001", "changeHistories": [history(3)]},
            ]
        },
        {"issueChangeLogs": [{"issueId": "11000", "changeHistories": [history(4)]}]},
    ]
    for page in pages:
        assert_jira_component("BulkChangelogResponseBean", page)
        responses.add(responses.POST, f"{BASE}/rest/api/3/changelog/bulkfetch", json=page)
    found = client("cloud").changelogs(issues, ["status", "duedate"])
    assert [h["id"] for h in found["PAY-0"]] == ["1", "2"]
    assert [h["id"] for h in found["PAY-1"]] == ["3"]
    assert [h["id"] for h in found["PAY-1000"]] == ["4"]
    assert found["PAY-2"] == []
    bodies = [json.loads(c.request.body) for c in responses.calls]
    for body in bodies:
        assert_jira_component("BulkChangelogRequestBean", body)
    assert [len(b["issueIdsOrKeys"]) for b in bodies] == [1000, 1000, 1]
    assert bodies[0]["fieldIds"] == ["status", "duedate"]
    assert "nextPageToken" not in bodies[0]
    assert bodies[1]["nextPageToken"] == "t2"


@responses.activate
def test_without_bulkfetch_each_issue_history_is_paged() -> None:
    responses.add(responses.POST, f"{BASE}/rest/api/3/changelog/bulkfetch", status=404, json={"errorMessages": []})
    url = f"{BASE}/rest/api/3/issue/PAY-1/changelog"
    responses.add(responses.GET, url, json={"startAt": 0, "maxResults": 1, "total": 2, "isLast": False,
                                            "values": [history(1)]})  # fmt: skip
    responses.add(responses.GET, url, json={"startAt": 1, "maxResults": 1, "total": 2, "isLast": True,
                                            "values": [history(2)]})  # fmt: skip
    found = client("cloud").changelogs([("10001", "PAY-1")], ["status"])
    assert [h["id"] for h in found["PAY-1"]] == ["1", "2"]


@responses.activate
def test_data_center_reads_the_full_history_through_get_issue() -> None:
    responses.add(
        responses.GET,
        f"{BASE}/rest/api/2/issue/PAY-1",
        json={
            "key": "PAY-1",
            "changelog": {"startAt": 0, "maxResults": 2, "total": 2, "histories": [history(1), history(2)]},
        },
    )
    assert [h["id"] for h in client("datacenter").issue_changelog("PAY-1")] == ["1", "2"]
    assert "expand=changelog" in (responses.calls[0].request.url or "")


@responses.activate
def test_keys_only_search_asks_for_the_key_in_large_pages() -> None:
    page = {"issues": [{"id": "10001", "key": "PAY-1"}, {"id": "10002", "key": "PAY-2"}], "isLast": True}
    assert_jira_component("SearchAndReconcileResults", page)
    responses.add(responses.POST, f"{BASE}/rest/api/3/search/jql", json=page)
    assert client("cloud").search_keys("project = PAY AND (labels = x)") == ["PAY-1", "PAY-2"]
    body = json.loads(responses.calls[0].request.body)
    assert_jira_component("SearchAndReconcileRequestBean", body)
    assert body["fields"] == ["key"]
    assert body["maxResults"] == 1000
