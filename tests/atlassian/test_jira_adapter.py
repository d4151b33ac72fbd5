"""The Jira adapter at the HTTP seam: what it sends and how it reads the answers, both validated against J3."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
import responses

from pmo_bot.atlassian.jira import JiraClient, NotFound
from pmo_bot.atlassian.polite import PoliteSession, RetryPolicy, Throttle
from pmo_bot.errors import AuthError, RemoteError
from tests.sandbox.spec_validation import assert_adf, assert_jira_component

BASE = "http://127.0.0.1:9"


def client(flavor: str) -> JiraClient:
    session = PoliteSession(
        Throttle(rate=0, sleep=lambda _: None), policy=RetryPolicy(max_retries=1), rng=random.Random(1)
    )
    user = "pmo-bot@example.com" if flavor == "cloud" else None
    return JiraClient(BASE, user=user, token="t0ken", session=session, flavor=flavor)  # type: ignore[arg-type]


def issue(n: int) -> dict[str, Any]:
    return {
        "id": str(10000 + n),
        "key": f"PAY-{n}",
        "self": f"{BASE}/rest/api/3/issue/{10000 + n}",
        "fields": {"summary": f"S{n}"},
    }


def sent(call: Any) -> Any:
    return json.loads(call.request.body)


@responses.activate
def test_cloud_search_follows_next_page_token_and_sends_a_valid_enhanced_search_body() -> None:
    pages = [
        {"issues": [issue(1), issue(2)], "nextPageToken": "tok-2", "isLast": False},
        {"issues": [issue(3)], "isLast": True},
    ]
    for page in pages:
        assert_jira_component("SearchAndReconcileResults", page)
        responses.add(responses.POST, f"{BASE}/rest/api/3/search/jql", json=page)
    found = list(
        client("cloud").search(
            "project = PAY", ["summary", "duedate"], expand=("changelog",), properties=("pmo-bot.state",)
        )
    )
    assert [i["key"] for page in found for i in page.issues] == ["PAY-1", "PAY-2", "PAY-3"]
    bodies = [sent(c) for c in responses.calls]
    for body in bodies:
        assert_jira_component("SearchAndReconcileRequestBean", body)
    assert bodies[0]["fields"] == ["summary", "duedate"]  # never *all
    assert "nextPageToken" not in bodies[0]
    assert bodies[1]["nextPageToken"] == "tok-2"


@responses.activate
def test_data_center_search_advances_by_what_the_server_returned() -> None:
    # The server clamps maxResults to 2 although 500 were asked for: paging must not skip issues 3 and 4.
    for start, keys in ((0, [1, 2]), (2, [3, 4]), (4, [5])):
        page = {"startAt": start, "maxResults": 2, "total": 5, "issues": [issue(k) for k in keys]}
        assert_jira_component("SearchResults", page)
        responses.add(responses.POST, f"{BASE}/rest/api/2/search", json=page)
    found = list(client("datacenter").search("project = PAY", ["summary"]))
    assert [i["key"] for page in found for i in page.issues] == [f"PAY-{n}" for n in range(1, 6)]
    starts = [sent(c)["startAt"] for c in responses.calls]
    assert starts == [0, 2, 4]
    for c in responses.calls:
        assert_jira_component("SearchRequestBean", sent(c))


@responses.activate
def test_data_center_search_sends_only_the_members_its_request_bean_accepts() -> None:
    # Jira DC deserialises the body strictly: "properties" or "fieldsByKeys" would be a 400 on a real site.
    page = {"startAt": 0, "maxResults": 500, "total": 1, "issues": [issue(1)]}
    responses.add(responses.POST, f"{BASE}/rest/api/2/search", json=page)
    found = list(
        client("datacenter").search("project = PAY", ["summary"], expand=("changelog",), properties=("pmo-bot.state",))
    )
    assert [i["key"] for p in found for i in p.issues] == ["PAY-1"]
    body = sent(responses.calls[0])
    assert set(body) <= {"jql", "startAt", "maxResults", "fields", "expand", "validateQuery"}
    assert body["expand"] == ["changelog"]


def comment(n: int, author: dict[str, Any]) -> dict[str, Any]:
    body = {
        "version": 1,
        "type": "doc",
        "content": [{"type": "paragraph", "content": [{"type": "text", "text": f"c{n}"}]}],
    }
    return {"id": str(n), "author": author, "body": body, "created": "2026-11-20T09:58:12.345+0000"}


@responses.activate
def test_comments_are_listed_across_pages_with_their_properties() -> None:
    me = {"accountId": "bot-1", "displayName": "PMO Bot"}
    first = {"startAt": 0, "maxResults": 1, "total": 2, "comments": [comment(1, me)]}
    second = {
        "startAt": 1,
        "maxResults": 1,
        "total": 2,
        "comments": [comment(2, me) | {"properties": [{"key": "k", "value": {"a": 1}}]}],
    }
    for page in (first, second):
        assert_jira_component("PageOfComments", page)
        responses.add(responses.GET, f"{BASE}/rest/api/3/issue/PAY-1/comment", json=page)
    found = client("cloud").comments("PAY-1")
    assert [(c.id, c.text, dict(c.properties)) for c in found] == [("1", "c1", {}), ("2", "c2", {"k": {"a": 1}})]
    assert "expand=properties" in responses.calls[0].request.url


@responses.activate
def test_edits_never_notify_and_properties_are_sent_raw() -> None:
    responses.add(responses.PUT, f"{BASE}/rest/api/3/issue/PAY-1/comment/7", json=comment(7, {"accountId": "bot-1"}))
    responses.add(responses.PUT, f"{BASE}/rest/api/3/issue/PAY-1/properties/pmo-bot.state", status=201)
    jira = client("cloud")
    doc = {"version": 1, "type": "doc", "content": [{"type": "paragraph", "content": [{"type": "text", "text": "x"}]}]}
    jira.edit_comment("PAY-1", "7", doc)
    jira.set_issue_property("PAY-1", "pmo-bot.state", {"commentId": "7"})
    edit, prop = responses.calls
    assert "notifyUsers=false" in edit.request.url
    assert_adf(sent(edit)["body"])
    assert sent(prop) == {"commentId": "7"}  # not wrapped in {"value": ...} like the library's legacy helper


@responses.activate
def test_data_center_comments_are_wiki_markup_on_rest_2() -> None:
    responses.add(
        responses.POST, f"{BASE}/rest/api/2/issue/PAY-1/comment", status=201, json=comment(9, {"name": "pmo-bot"})
    )
    assert client("datacenter").add_comment("PAY-1", "h3. PMO compliance check") == "9"
    assert sent(responses.calls[0]) == {"body": "h3. PMO compliance check"}
    assert responses.calls[0].request.headers["Authorization"] == "Bearer t0ken"


@pytest.mark.parametrize(
    ("status", "error"), [(401, AuthError), (403, RemoteError), (404, NotFound), (400, RemoteError)]
)
@responses.activate
def test_errors_become_ours_with_jiras_message_and_no_secret(status: int, error: type[Exception]) -> None:
    body = {"errorMessages": ["Issue does not exist or you do not have permission to see it."], "errors": {}}
    assert_jira_component("ErrorCollection", body)
    responses.add(responses.GET, f"{BASE}/rest/api/3/issue/PAY-1/comment", status=status, json=body)
    with pytest.raises(error) as raised:
        client("cloud").comments("PAY-1")
    assert type(raised.value) is error  # only a 401 is systemic; a 403 fails one item, not the run
    assert "t0ken" not in str(raised.value)
    assert "while listing comments of PAY-1" in str(raised.value)


@responses.activate
def test_a_missing_issue_property_is_none_not_an_error() -> None:
    responses.add(
        responses.GET,
        f"{BASE}/rest/api/3/issue/PAY-1/properties/pmo-bot.state",
        status=404,
        json={"errorMessages": ["not found"]},
    )
    assert client("cloud").get_issue_property("PAY-1", "pmo-bot.state") is None


@responses.activate
@pytest.mark.parametrize("flavor", ["cloud", "datacenter"])
def test_an_odd_search_answer_is_a_clear_error_and_a_refused_one_keeps_jiras_words(flavor: str) -> None:
    path = f"{BASE}/rest/api/3/search/jql" if flavor == "cloud" else f"{BASE}/rest/api/2/search"
    responses.add(responses.POST, path, json=[{"key": "PAY-1"}])
    with pytest.raises(RemoteError, match="Jira answered the search with a JSON list where an object was expected"):
        list(client(flavor).search("project = PAY", ["summary"]))
    responses.replace(responses.POST, path, body="not json {", content_type="application/json")
    with pytest.raises(RemoteError, match="the search with a JSON string"):
        list(client(flavor).search("project = PAY", ["summary"]))
    refused = {"errorMessages": ["Field 'duedate' does not exist or you do not have permission to view it."]}
    responses.replace(responses.POST, path, json=refused, status=400)
    with pytest.raises(RemoteError, match="HTTP 400 while searching issues: Field 'duedate' does not exist"):
        list(client(flavor).search("project = PAY", ["summary"]))
    responses.replace(responses.POST, path, body="")
    assert [page.issues for page in client(flavor).search("project = PAY", ["summary"])] == [[]]
