"""Confluence Cloud v2 against a running sandbox: spaces, page CRUD rules, cursor paging, read-only sub-resources."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from pmo_bot.sandbox.running import RunningSandbox

SPACE = "PMO"


@pytest.fixture
def api(cloud_sandbox: RunningSandbox) -> Iterator[tuple[RunningSandbox, requests.Session]]:
    with requests.Session() as session:
        session.auth = (cloud_sandbox.user, cloud_sandbox.token)
        yield cloud_sandbox, session


def _v2(running: RunningSandbox, path: str) -> str:
    return f"{running.confluence_url}/api/v2/{path}"


def _space(running: RunningSandbox, session: requests.Session) -> dict[str, Any]:
    found = session.get(_v2(running, "spaces"), params={"keys": SPACE, "limit": 1}).json()
    assert len(found["results"]) == 1
    space: dict[str, Any] = found["results"][0]
    return space


def test_create_without_parent_goes_under_the_homepage_and_update_rules(
    api: tuple[RunningSandbox, requests.Session],
) -> None:
    running, session = api
    space = _space(running, session)
    # The library's nested body without "representation".
    created = session.post(
        _v2(running, "pages"),
        json={
            "spaceId": space["id"],
            "status": "current",
            "title": "Week 48",
            "body": {"storage": {"value": "<p>a</p>"}},
        },
    )
    assert created.status_code == 200, created.text
    page = created.json()
    assert page["parentId"] == space["homepageId"]
    assert page["version"]["number"] == 1

    url = _v2(running, f"pages/{page['id']}")
    update = {
        "id": page["id"],
        "status": "current",
        "title": "Week 48",
        "body": {"representation": "storage", "value": "<p>b</p>"},
        "version": {"number": 2, "message": "weekly"},
    }
    no_status = session.put(url, json={k: v for k, v in update.items() if k != "status"})
    assert no_status.status_code == 400
    assert no_status.json()["errors"][0]["code"] == "INVALID_REQUEST_PARAMETER"
    stale = session.put(url, json={**update, "version": {"number": 1}})
    assert stale.status_code == 409
    assert stale.json()["errors"][0]["status"] == 409
    malformed = session.put(url, json={**update, "body": {"representation": "storage", "value": "<p>b"}})
    assert malformed.status_code == 400
    done = session.put(url, json=update)
    assert done.status_code == 200
    assert done.json()["version"]["number"] == 2
    huge = "<p>" + "x" * 5_300_000 + "</p>"
    too_big = session.put(
        url, json={**update, "version": {"number": 3}, "body": {"representation": "storage", "value": huge}}
    )
    assert too_big.status_code == 413

    # atlassian-python-api's update_page reads with body-format=none first.
    assert session.get(url, params={"body-format": "none"}).json()["body"] == {}
    assert session.get(url, params={"body-format": "html"}).status_code == 400
    got = session.get(url, params={"body-format": "storage", "include-labels": "true"}).json()
    assert got["body"]["storage"]["value"] == "<p>b</p>"
    assert got["labels"]["results"] == []

    duplicate = session.post(
        _v2(running, "pages"),
        json={"spaceId": space["id"], "title": "week 48", "body": {"representation": "storage", "value": "<p/>"}},
    )
    assert duplicate.status_code == 400

    found = session.get(
        _v2(running, "pages"),
        params={"space-id": space["id"], "title": "Week 48", "status": "current", "body-format": "storage"},
    ).json()
    assert [p["id"] for p in found["results"]] == [page["id"]]


def test_cursor_pagination_walks_every_page_once(api: tuple[RunningSandbox, requests.Session]) -> None:
    running, session = api
    state = running.sandbox.confluence
    for n in range(260):
        state.create_page(SPACE, f"Bulk {n:03d}", "<p>x</p>", parent_id=None, by="seed")
    total = len(state.all_pages())
    space = _space(running, session)

    seen: list[str] = []
    response = session.get(_v2(running, "pages"), params={"space-id": space["id"], "limit": 250})
    pages = 1
    while True:
        body = response.json()
        seen.extend(p["id"] for p in body["results"])
        if "next" not in body["_links"]:
            assert "Link" not in response.headers
            break
        assert response.headers["Link"].startswith(f'<{body["_links"]["next"]}>; rel="next"')
        response = session.get(running.url + body["_links"]["next"])
        pages += 1
    assert pages == 2
    assert len(seen) == len(set(seen)) == total

    assert session.get(_v2(running, "pages"), params={"limit": 251}).status_code == 400
    assert session.get(_v2(running, "pages"), params={"cursor": "not-a-cursor"}).status_code == 400


def test_labels_attachments_and_children_are_readable(api: tuple[RunningSandbox, requests.Session]) -> None:
    running, session = api
    state = running.sandbox.confluence
    reports = state.find_by_title(SPACE, "Portfolio reports")
    assert reports is not None
    state.add_labels(reports.id, [("global", "pmo-report")])
    state.add_attachment(reports.id, "chart.png", b"png", media_type="image/png", comment="", minor_edit=True, by="x")
    child = state.create_page(SPACE, "Week 1", "<p/>", parent_id=reports.id, by="x")

    labels = session.get(_v2(running, f"pages/{reports.id}/labels")).json()
    assert [lb["name"] for lb in labels["results"]] == ["pmo-report"]
    files = session.get(_v2(running, f"pages/{reports.id}/attachments")).json()
    assert files["results"][0]["title"] == "chart.png"
    assert files["results"][0]["fileSize"] == 3
    kids = session.get(_v2(running, f"pages/{reports.id}/children")).json()
    assert child.id in [k["id"] for k in kids["results"]]
    # C2 has no label writes: the library's add_page_label endpoint does not exist.
    assert session.post(_v2(running, f"pages/{reports.id}/labels"), json={"name": "x"}).status_code == 404
    assert session.get(_v2(running, "pages/999999")).status_code == 404


def test_data_center_has_no_v2(dc_sandbox: RunningSandbox) -> None:
    response = requests.get(f"{dc_sandbox.url}/api/v2/spaces", auth=(dc_sandbox.user, dc_sandbox.token), timeout=10)
    assert response.status_code == 404
