"""Comments, comment and issue properties, and worklogs: codes, bodies, pagination, limits, concurrency."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests

from pmo_bot.sandbox.running import RunningSandbox


def api(site: RunningSandbox, path: str, version: str = "2") -> str:
    return f"{site.url}/rest/api/{version}/{path}"


def adf(text: str) -> dict[str, Any]:
    return {
        "version": 1,
        "type": "doc",
        "content": [{"type": "paragraph", "content": [{"type": "text", "text": text}]}],
    }


def updated(http: requests.Session, site: RunningSandbox, key: str) -> str:
    return str(http.get(api(site, f"issue/{key}"), params={"fields": "updated"}).json()["fields"]["updated"])


def test_comment_lifecycle(http: requests.Session, small_site: RunningSandbox) -> None:
    url = api(small_site, "issue/ALP-2/comment")
    before = updated(http, small_site, "ALP-2")
    created = http.post(url, json={"body": "h3. Report", "properties": [{"key": "pmo-bot", "value": {"v": 1}}]})
    assert created.status_code == 201, created.text
    comment = created.json()
    assert comment["body"] == "h3. Report"
    assert comment["properties"] == [{"key": "pmo-bot", "value": {"v": 1}}]
    assert comment["author"]["emailAddress"] == small_site.user
    assert updated(http, small_site, "ALP-2") > before  # a comment bumps the issue, as on real Jira
    edited = http.put(f"{url}/{comment['id']}", params={"notifyUsers": "False"}, json={"body": "h3. Report v2"})
    assert edited.status_code == 200
    assert edited.json()["body"] == "h3. Report v2"
    got = http.get(f"{url}/{comment['id']}", params={"expand": "properties"}).json()
    assert got["properties"] == [{"key": "pmo-bot", "value": {"v": 1}}]
    assert http.delete(f"{url}/{comment['id']}").status_code == 204
    assert http.get(f"{url}/{comment['id']}").status_code == 404


def test_v3_comment_bodies_are_adf_and_validated(http: requests.Session, small_site: RunningSandbox) -> None:
    if small_site.flavor != "cloud":
        pytest.skip("REST v3 is Cloud only")
    url = api(small_site, "issue/ALP-2/comment", "3")
    assert http.post(url, json={"body": "a string"}).status_code == 400
    assert (
        http.post(
            url, json={"body": {"version": 1, "type": "doc", "content": [{"type": "text", "text": "x"}]}}
        ).status_code
        == 400
    )
    created = http.post(url, json={"body": adf("Status: fine")})
    assert created.status_code == 201
    assert created.json()["body"] == adf("Status: fine")
    as_wiki = http.get(api(small_site, f"issue/ALP-2/comment/{created.json()['id']}")).json()
    assert as_wiki["body"] == "Status: fine"


def test_comments_page_and_order(http: requests.Session, small_site: RunningSandbox) -> None:
    url = api(small_site, "issue/ALP-4/comment")
    ids = [http.post(url, json={"body": f"note {n}"}).json()["id"] for n in range(7)]
    seen = []
    for start in range(0, 7, 3):
        page = http.get(url, params={"startAt": start, "maxResults": 3}).json()
        assert page["total"] == 7
        assert page["startAt"] == start
        seen += [c["id"] for c in page["comments"]]
    assert seen == ids
    newest_first = http.get(url, params={"orderBy": "-created"}).json()["comments"]
    assert [c["id"] for c in newest_first] == ids[::-1]


def test_deleting_someone_elses_comment_is_400(http: requests.Session, small_site: RunningSandbox) -> None:
    with small_site.sandbox.lock:
        jira = small_site.sandbox.jira
        theirs = jira.add_comment(jira.by_key["ALP-5"], "mine, says Bob", "acc-bob", jira.by_key["ALP-5"].created)
    response = http.delete(api(small_site, f"issue/ALP-5/comment/{theirs.id}"))
    assert response.status_code == 400
    assert response.json()["errorMessages"]


def test_issue_properties(http: requests.Session, small_site: RunningSandbox) -> None:
    url = api(small_site, "issue/ALP-2/properties/pmo-bot.state")
    assert http.get(url).status_code == 404
    assert http.put(url, json={"commentId": "1"}).status_code == 201
    assert http.put(url, json={"commentId": "2"}).status_code == 200
    assert http.get(url).json() == {"key": "pmo-bot.state", "value": {"commentId": "2"}}
    keys = http.get(api(small_site, "issue/ALP-2/properties")).json()["keys"]
    assert [k["key"] for k in keys] == ["pmo-bot.state"]
    assert http.delete(url).status_code == 204
    assert http.get(url).status_code == 404


@pytest.mark.parametrize(("size", "status"), [(32768, 201), (32769, 400)])
def test_property_size_limit_is_32768_bytes(
    http: requests.Session, small_site: RunningSandbox, size: int, status: int
) -> None:
    raw = json.dumps("x" * (size - 2))  # the quotes make up the rest
    assert len(raw.encode()) == size
    response = http.put(
        api(small_site, "issue/ALP-3/properties/big"), data=raw, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == status
    if status == 400:
        assert "32768" in response.json()["errorMessages"][0]


def test_comment_properties_store_the_raw_body(http: requests.Session, small_site: RunningSandbox) -> None:
    comment = http.post(api(small_site, "issue/ALP-2/comment"), json={"body": "x"}).json()
    url = api(small_site, f"comment/{comment['id']}/properties/pmo-bot")
    assert http.put(url, json={"hash": "abc"}).status_code == 201
    assert http.put(url, json={"hash": "def"}).status_code == 200
    assert http.get(url).json() == {"key": "pmo-bot", "value": {"hash": "def"}}
    listed = http.get(api(small_site, "issue/ALP-2/comment"), params={"expand": "properties"}).json()
    assert listed["comments"][-1]["properties"] == [{"key": "pmo-bot", "value": {"hash": "def"}}]


def test_worklogs_keep_time_fields_consistent_with_subtasks(http: requests.Session, small_site: RunningSandbox) -> None:
    created = http.post(
        api(small_site, "issue/ALP-2/worklog"), json={"timeSpent": "2h", "started": "2026-11-19T10:00:00.000+0000"}
    )
    assert created.status_code == 201
    assert created.json()["timeSpentSeconds"] == 7200
    names = "timespent,aggregatetimespent,timeestimate,timetracking,progress,aggregateprogress"
    got = http.get(api(small_site, "issue/ALP-2"), params={"fields": names}).json()["fields"]
    assert got["timespent"] == 3600 + 7200
    assert got["aggregatetimespent"] == 3600 + 7200 + 1800  # plus its sub-task ALP-42
    assert got["timeestimate"] == 8 * 3600 - 7200  # auto-adjusted
    assert got["timetracking"]["timeSpentSeconds"] == got["timespent"]
    assert got["timetracking"]["remainingEstimateSeconds"] == got["timeestimate"]
    assert got["progress"] == {"progress": 10800, "total": 10800 + 21600, "percent": 33}
    page = http.get(api(small_site, "issue/ALP-2/worklog")).json()
    assert page["total"] == 2
    assert sum(w["timeSpentSeconds"] for w in page["worklogs"]) == got["timespent"]


def test_32_threads_creating_comments_lose_nothing(small_site: RunningSandbox) -> None:
    def post(n: int) -> str:
        with requests.Session() as session:
            session.auth = (small_site.user, small_site.token)
            response = session.post(api(small_site, "issue/BET-2/comment"), json={"body": f"parallel {n}"})
            assert response.status_code == 201
            return str(response.json()["id"])

    with ThreadPoolExecutor(max_workers=32) as pool:
        ids = list(pool.map(post, range(96)))
    assert len(set(ids)) == 96
    listed = requests.get(api(small_site, "issue/BET-2/comment"), auth=(small_site.user, small_site.token)).json()
    assert listed["total"] == 96
    assert sorted(c["body"] for c in listed["comments"]) == sorted(f"parallel {n}" for n in range(96))
