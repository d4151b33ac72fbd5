"""Confluence REST v1 on both flavours: Cloud under ``/wiki/rest/api``, DC at ``/rest/api`` (no context path).

shared/ has no v1 spec: responses are checked against the hand-written schemas of ``confluence_v1_schemas.py``
(from Atlassian's v1 reference), errors against its ``{statusCode, message}`` error body.
"""

# ruff: noqa: F811 - the fixtures imported from fidelity_fixtures are parameters of the tests
from __future__ import annotations

import pytest
import requests

from tests.sandbox.confluence_helpers import MALFORMED, REPORTS, SPACE, STORAGE, create_v1, find_page, v1_page
from tests.sandbox.fidelity_fixtures import (  # noqa: F401 - fixtures used by name
    Site,
    covers,
    declared_operations_validated,
    site,
)
from tests.sandbox.spec_validation import validated, validated_error

XSRF = {"X-Atlassian-Token": "no-check"}


@covers("GET {wiki}/rest/api/content", "GET {wiki}/rest/api/content/{id}")
def test_find_by_title_and_get_with_expand(site: Site) -> None:
    reports = find_page(site, REPORTS)
    assert reports["body"]["storage"]["representation"] == "storage"
    params = {"expand": "body.storage,version,ancestors,space"}
    page = validated(site.session.get(site.v1(f"content/{reports['id']}"), params=params))
    assert page["title"] == REPORTS
    assert page["space"]["key"] == SPACE
    assert page["version"]["number"] >= 1
    assert page["ancestors"], "the reports parent sits under the space home page"
    missing = validated(site.session.get(site.v1("content"), params={"spaceKey": SPACE, "title": "No such page"}))
    assert missing["results"] == []
    assert missing["size"] == 0


@covers("POST {wiki}/rest/api/content")
def test_create_rejects_duplicates_and_malformed_storage(site: Site) -> None:
    parent = find_page(site, REPORTS)["id"]
    title = site.unique("Weekly report")
    created = create_v1(site, title, parent)
    assert created["version"]["number"] == 1
    assert created["ancestors"][-1]["id"] == parent
    body = validated_error(site.session.post(site.v1("content"), json=v1_page(title, STORAGE, parent)), 400)
    assert "title" in body["message"].lower()
    validated_error(site.session.post(site.v1("content"), json=v1_page(site.unique("Bad"), MALFORMED, parent)), 400)


@covers("PUT {wiki}/rest/api/content/{id}", "GET {wiki}/rest/api/content/{id}/history")
def test_update_needs_the_next_version(site: Site) -> None:
    parent = find_page(site, REPORTS)["id"]
    title = site.unique("Versioned report")
    page_id = create_v1(site, title, parent)["id"]
    history = validated(site.session.get(site.v1(f"content/{page_id}/history")))
    current = history["lastUpdated"]["number"]
    url = site.v1(f"content/{page_id}")
    response = site.session.put(url, params={"status": "current"}, json=v1_page(title, "<p>v2</p>", None, current + 1))
    assert response.status_code == 200, response.text
    assert validated(response)["version"]["number"] == current + 1
    kept = validated(site.session.get(url, params={"expand": "ancestors,body.storage"}))
    assert kept["ancestors"][-1]["id"] == parent, "omitting ancestors keeps the parent"
    assert kept["body"]["storage"]["value"] == "<p>v2</p>"
    stale = site.session.put(url, json=v1_page(title, "<p>v3</p>", None, current + 1))
    validated_error(stale, 409)
    validated_error(site.session.put(url, json=v1_page(title, MALFORMED, None, current + 2)), 400)
    after = validated(site.session.get(site.v1(f"content/{page_id}/history")))
    assert after["lastUpdated"]["number"] == current + 1


@covers("GET {wiki}/rest/api/content/{id}/child/page", "GET {wiki}/rest/api/content/search")
def test_children_and_cql_search(site: Site) -> None:
    parent = find_page(site, REPORTS)["id"]
    title = site.unique("Child report")
    child = create_v1(site, title, parent)["id"]
    children = validated(site.session.get(site.v1(f"content/{parent}/child/page"), params={"limit": 200}))
    assert child in [c["id"] for c in children["results"]]
    cql = f'parent={parent} AND space="{SPACE}"'
    # atlassian-python-api sends this GET with a "{}" body; Confluence ignores it.
    found = validated(site.session.get(site.v1("content/search"), params={"cql": cql, "limit": 200}, data="{}"))
    assert child in [c["id"] for c in found["results"]]
    by_title = validated(site.session.get(site.v1("content/search"), params={"cql": f'title="{title}"'}))
    assert [c["id"] for c in by_title["results"]] == [child]
    validated_error(site.session.get(site.v1("content/search"), params={"cql": "parent = = 3"}), 400)


@covers("GET {wiki}/rest/api/content/{id}/child/page")
def test_child_pages_page_with_start_limit_and_next_links(site: Site) -> None:
    parent = create_v1(site, site.unique("Paged parent"), find_page(site, REPORTS)["id"])["id"]
    children = [create_v1(site, site.unique("Paged child"), parent)["id"] for _ in range(5)]
    url: str | None = site.v1(f"content/{parent}/child/page")
    params: dict[str, int] | None = {"limit": 2}
    seen: list[str] = []
    while url:
        page = validated(site.session.get(url, params=params))
        assert page["size"] == len(page["results"]) <= 2
        seen += [c["id"] for c in page["results"]]
        nxt = page["_links"].get("next")
        url, params = (site.wiki + nxt if nxt else None), None
    assert sorted(seen) == sorted(children)


@covers(
    "GET {wiki}/rest/api/content/{id}/label",
    "POST {wiki}/rest/api/content/{id}/label",
    "DELETE {wiki}/rest/api/content/{id}/label",
)
def test_labels_accept_an_object_or_an_array(site: Site) -> None:
    page = create_v1(site, site.unique("Labelled"), find_page(site, REPORTS)["id"])["id"]
    url = site.v1(f"content/{page}/label")
    validated(site.session.post(url, json={"prefix": "global", "name": "pmo-report"}))
    added = validated(site.session.post(url, json=[{"prefix": "global", "name": "weekly"}]))
    assert {"pmo-report", "weekly"} <= {label["name"] for label in added["results"]}
    removed = site.session.delete(url, params={"name": "weekly"})
    assert removed.status_code == 204, removed.text
    validated(removed)
    assert [label["name"] for label in validated(site.session.get(url))["results"]] == ["pmo-report"]


@covers("GET {wiki}/rest/api/content/{id}/child/attachment", "POST {wiki}/rest/api/content/{id}/child/attachment")
def test_attachment_upload_needs_the_xsrf_header(site: Site) -> None:
    page = create_v1(site, site.unique("Charts"), find_page(site, REPORTS)["id"])["id"]
    url = site.v1(f"content/{page}/child/attachment")
    files = {"file": ("burndown.png", b"\x89PNG\r\n\x1a\nfirst", "image/png")}
    assert site.session.post(url, files=files).status_code == 403, "XSRF check: the header is required"
    uploaded = validated(site.session.post(url, files=files, data={"comment": "chart"}, headers=XSRF))
    assert [a["title"] for a in uploaded["results"]] == ["burndown.png"]
    assert uploaded["results"][0]["type"] == "attachment"
    listed = validated(site.session.get(url, params={"filename": "burndown.png"}))
    assert [a["id"] for a in listed["results"]] == [uploaded["results"][0]["id"]]
    # The same filename again through POST is refused; updates go through .../data (DC) or PUT (Cloud).
    validated_error(site.session.post(url, files=files, headers=XSRF), 400)


@covers("PUT /wiki/rest/api/content/{id}/child/attachment", flavors=("cloud",))
@covers("POST {wiki}/rest/api/content/{id}/child/attachment/{attachmentId}/data")
def test_attachment_updates(site: Site) -> None:
    page = create_v1(site, site.unique("Chart updates"), find_page(site, REPORTS)["id"])["id"]
    url = site.v1(f"content/{page}/child/attachment")
    attachment = validated(site.session.post(url, files=png("hours.png", b"v1"), headers=XSRF))["results"][0]
    # New data for an existing attachment (DC, and Cloud v1 too).
    data_url = f"{url}/{attachment['id']}/data"
    updated = validated(site.session.post(data_url, files=png("hours.png", b"v2"), headers=XSRF))
    assert updated["id"] == attachment["id"]
    assert updated["version"]["number"] == 2
    if site.cloud:  # Cloud's create-or-update by filename
        replaced = validated(site.session.put(url, files=png("hours.png", b"v3"), headers=XSRF))["results"][0]
        assert replaced["id"] == attachment["id"]
        assert replaced["version"]["number"] == 3
        created = validated(site.session.put(url, files=png("new.png", b"v1"), headers=XSRF))["results"][0]
        assert created["id"] != attachment["id"]
    listed = validated(site.session.get(url))
    assert "hours.png" in [a["title"] for a in listed["results"]]
    assert len(listed["results"]) == (2 if site.cloud else 1)


def png(name: str, payload: bytes) -> dict[str, tuple[str, bytes, str]]:
    return {"file": (name, b"\x89PNG\r\n\x1a\n" + payload, "image/png")}


@covers("GET {wiki}/rest/api/space", "GET {wiki}/rest/api/space/{key}", "GET {wiki}/rest/api/search")
def test_spaces_and_site_search(site: Site) -> None:
    spaces = validated(site.session.get(site.v1("space")))
    assert SPACE in [space["key"] for space in spaces["results"]]
    space = validated(site.session.get(site.v1(f"space/{SPACE}")))
    assert space["key"] == SPACE
    validated_error(site.session.get(site.v1("space/NOSUCHSPACE")), 404)
    found = validated(site.session.get(site.v1("search"), params={"cql": f'title="{REPORTS}"'}))
    assert [hit["content"]["title"] for hit in found["results"]] == [REPORTS]


@covers("DELETE {wiki}/rest/api/content/{id}", "DELETE {wiki}/rest/api/content/{id}/label/{label}")
def test_delete_label_by_path_and_trash_a_page(site: Site) -> None:
    page = create_v1(site, site.unique("Short-lived"), find_page(site, REPORTS)["id"])["id"]
    validated(site.session.post(site.v1(f"content/{page}/label"), json={"prefix": "global", "name": "tmp"}))
    removed = site.session.delete(site.v1(f"content/{page}/label/tmp"))
    assert removed.status_code == 204, removed.text
    validated(removed)
    trashed = site.session.delete(site.v1(f"content/{page}"))
    assert trashed.status_code == 204, trashed.text
    validated(trashed)
    validated_error(site.session.get(site.v1(f"content/{page}")), 404)


def test_unknown_content_is_404_and_no_auth_is_401(site: Site) -> None:
    validated_error(site.session.get(site.v1("content/999999999")), 404)
    validated_error(site.anonymous.get(site.v1("content"), params={"spaceKey": SPACE}), 401)
    wrong = requests.get(site.v1("content"), auth=(site.running.user, "wrong"), timeout=10)
    validated_error(wrong, 401)


def test_v2_only_on_cloud(site: Site) -> None:
    response = site.session.get(f"{site.running.url}/wiki/api/v2/spaces")
    assert response.status_code == (200 if site.cloud else 404)


@pytest.mark.parametrize("body", ["<p>a</p><p>b</p>", "<ac:structured-macro ac:name='toc'/>", "plain text"])
def test_well_formed_storage_fragments_are_accepted(site: Site, body: str) -> None:
    # Storage format is an XML fragment: several top-level elements and bare text are fine.
    create_v1(site, site.unique("Fragment"), find_page(site, REPORTS)["id"], body)
