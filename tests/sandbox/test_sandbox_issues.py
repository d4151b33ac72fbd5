"""GET/POST/PUT issue: fields per flavour, label edits, the changelog, ``updated`` and Jira's error bodies."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from pmo_bot.sandbox.jira.catalogue import CUSTOM_FIELD_IDS
from pmo_bot.sandbox.running import RunningSandbox

EPIC_LINK = CUSTOM_FIELD_IDS["Epic Link"]


def api(site: RunningSandbox, path: str, version: str = "2") -> str:
    return f"{site.url}/rest/api/{version}/{path}"


def fields(http: requests.Session, site: RunningSandbox, key: str, names: str, **params: str) -> dict[str, Any]:
    response = http.get(api(site, f"issue/{key}"), params={"fields": names, **params})
    assert response.status_code == 200, response.text
    return response.json()


def test_unknown_issue_is_404_with_jiras_body(http: requests.Session, small_site: RunningSandbox) -> None:
    response = http.get(api(small_site, "issue/NOPE-99"))
    assert response.status_code == 404
    assert response.json() == {
        "errorMessages": ["Issue does not exist or you do not have permission to see it."],
        "errors": {},
    }


def test_epic_children_use_parent_on_cloud_and_epic_link_on_datacenter(
    http: requests.Session, small_site: RunningSandbox
) -> None:
    story = fields(http, small_site, "ALP-3", f"parent,{EPIC_LINK}")["fields"]
    subtask = fields(http, small_site, "ALP-42", "parent")["fields"]
    assert subtask["parent"]["key"] == "ALP-2"  # sub-tasks use parent on both
    if small_site.flavor == "cloud":
        assert story["parent"]["key"] == "ALP-1"
        assert EPIC_LINK not in story  # Epic Link does not exist on Cloud
    else:
        assert "parent" not in story
        assert story[EPIC_LINK] == "ALP-1"


def test_v3_serves_adf_and_v2_wiki_markup_from_one_store(http: requests.Session, small_site: RunningSandbox) -> None:
    v2 = fields(http, small_site, "ALP-2", "description")["fields"]["description"]
    assert v2 == "Story 2\n\nSecond paragraph"
    if small_site.flavor == "cloud":
        v3 = http.get(api(small_site, "issue/ALP-2", "3"), params={"fields": "description"}).json()
        assert v3["fields"]["description"]["type"] == "doc"
        assert [block["content"][0]["text"] for block in v3["fields"]["description"]["content"]] == [
            "Story 2",
            "Second paragraph",
        ]
    else:
        assert http.get(api(small_site, "issue/ALP-2", "3")).status_code == 404


@pytest.mark.parametrize("notify", ["true", "false", "False"])
def test_labels_add_remove_then_replace(http: requests.Session, small_site: RunningSandbox, notify: str) -> None:
    url = api(small_site, "issue/ALP-2")
    before = fields(http, small_site, "ALP-2", "labels,updated")["fields"]
    edit = {"update": {"labels": [{"add": "pmo-risk"}, {"remove": "even"}]}, "historyMetadata": {}, "unknown": 1}
    assert http.put(url, params={"notifyUsers": notify}, json=edit).status_code == 204
    after = fields(http, small_site, "ALP-2", "labels,updated")["fields"]
    assert after["labels"] == ["pmo-risk"]
    assert after["updated"] > before["updated"]
    assert http.put(url, json={"fields": {"labels": ["a", "b"]}}).status_code == 204
    assert fields(http, small_site, "ALP-2", "labels")["fields"]["labels"] == ["a", "b"]


def test_same_field_in_fields_and_update_is_refused(http: requests.Session, small_site: RunningSandbox) -> None:
    body = {"fields": {"labels": ["x"]}, "update": {"labels": [{"add": "y"}]}}
    response = http.put(api(small_site, "issue/ALP-2"), json=body)
    assert response.status_code == 400
    assert "labels" in response.json()["errors"]
    assert fields(http, small_site, "ALP-2", "labels")["fields"]["labels"] == ["even"]


def test_label_with_a_space_is_refused(http: requests.Session, small_site: RunningSandbox) -> None:
    response = http.put(api(small_site, "issue/ALP-2"), json={"update": {"labels": [{"add": "two words"}]}})
    assert response.status_code == 400
    assert "labels" in response.json()["errors"]


def test_due_date_change_is_in_the_changelog_with_author_and_time(
    http: requests.Session, small_site: RunningSandbox
) -> None:
    me = http.get(api(small_site, "myself")).json()
    assert http.put(api(small_site, "issue/ALP-3"), json={"fields": {"duedate": "2027-02-01"}}).status_code == 204
    issue = fields(http, small_site, "ALP-3", "duedate,updated", expand="changelog")
    last = issue["changelog"]["histories"][-1]
    assert last["items"] == [
        {"field": "duedate", "fieldtype": "jira", "fieldId": "duedate", "from": "2026-12-04",
         "fromString": "2026-12-04", "to": "2027-02-01", "toString": "2027-02-01"}
    ]  # fmt: skip
    assert last["author"]["emailAddress"] == me["emailAddress"]
    assert last["created"] == issue["fields"]["updated"]
    assert issue["fields"]["duedate"] == "2027-02-01"


def test_moving_a_story_to_another_epic(http: requests.Session, small_site: RunningSandbox) -> None:
    if small_site.flavor == "cloud":
        body: dict[str, Any] = {"fields": {"parent": {"key": "BET-1"}}}
    else:
        body = {"fields": {EPIC_LINK: "BET-1"}}
    assert http.put(api(small_site, "issue/ALP-3"), json=body).status_code == 204
    children = http.get(api(small_site, "issue/BET-1"), params={"fields": "summary"})
    assert children.status_code == 200
    story = fields(http, small_site, "ALP-3", f"parent,{EPIC_LINK}")["fields"]
    assert (story.get("parent") or {}).get("key", story.get(EPIC_LINK)) == "BET-1"


def test_create_issue_then_read_it(http: requests.Session, small_site: RunningSandbox) -> None:
    body: dict[str, Any] = {
        "fields": {
            "project": {"key": "BET"},
            "issuetype": {"name": "Task"},
            "summary": "Write the runbook",
            "labels": ["ops"],
            CUSTOM_FIELD_IDS["Budget"]: 250,
        }
    }
    created = http.post(api(small_site, "issue"), json=body)
    assert created.status_code == 201, created.text
    key = created.json()["key"]
    assert key == "BET-43"
    got = fields(http, small_site, key, f"summary,labels,{CUSTOM_FIELD_IDS['Budget']},reporter")["fields"]
    assert got["summary"] == "Write the runbook"
    assert got["labels"] == ["ops"]
    assert got[CUSTOM_FIELD_IDS["Budget"]] == 250.0


def test_create_without_summary_is_400_and_creates_nothing(http: requests.Session, small_site: RunningSandbox) -> None:
    body = {"fields": {"project": {"key": "BET"}, "issuetype": {"name": "Task"}}}
    response = http.post(api(small_site, "issue"), json=body)
    assert response.status_code == 400
    assert response.json()["errors"] == {"summary": "You must specify a summary of the issue."}
    assert http.get(api(small_site, "issue/BET-43")).status_code == 404


def test_v3_description_must_be_valid_adf(http: requests.Session, small_site: RunningSandbox) -> None:
    if small_site.flavor != "cloud":
        pytest.skip("REST v3 is Cloud only")
    url = api(small_site, "issue/ALP-2", "3")
    empty_text = {
        "version": 1,
        "type": "doc",
        "content": [{"type": "paragraph", "content": [{"type": "text", "text": ""}]}],
    }
    assert http.put(url, json={"fields": {"description": empty_text}}).status_code == 400
    assert http.put(url, json={"fields": {"description": "plain string"}}).status_code == 400
    good = {
        "version": 1,
        "type": "doc",
        "content": [{"type": "paragraph", "content": [{"type": "text", "text": "ok"}]}],
    }
    assert http.put(url, json={"fields": {"description": good}}).status_code == 204
    assert fields(http, small_site, "ALP-2", "description")["fields"]["description"] == "ok"


def test_catalogue_names_custom_fields_with_cf_clauses(http: requests.Session, small_site: RunningSandbox) -> None:
    catalogue = {f["name"]: f for f in http.get(api(small_site, "field")).json() if f["custom"]}
    budget = catalogue["Budget"]
    assert budget["id"] == CUSTOM_FIELD_IDS["Budget"]
    assert f"cf[{budget['id'].removeprefix('customfield_')}]" in budget["clauseNames"]
    assert ("Epic Link" in catalogue) == (small_site.flavor == "datacenter")
    assert catalogue["Strategic Goal"]["schema"]["custom"].endswith(":select")


def test_issue_types_and_statuses_carry_levels_and_categories(
    http: requests.Session, small_site: RunningSandbox
) -> None:
    levels = {t["name"]: t["hierarchyLevel"] for t in http.get(api(small_site, "issuetype")).json()}
    assert (levels["Epic"], levels["Story"], levels["Sub-task"]) == (1, 0, -1)
    categories = {s["name"]: s["statusCategory"]["key"] for s in http.get(api(small_site, "status")).json()}
    assert (categories["Done"], categories["In Progress"]) == ("done", "indeterminate")
    server = http.get(api(small_site, "serverInfo")).json()
    assert server["deploymentType"] == ("Cloud" if small_site.flavor == "cloud" else "Server")
