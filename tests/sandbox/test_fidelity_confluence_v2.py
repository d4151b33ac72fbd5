"""Confluence Cloud REST v2 (``/wiki/api/v2``), validated against ``confluence-v2.openapi.json``. Cloud only:
Data Center has no v2 API (``test_fidelity_confluence_v1.test_v2_only_on_cloud``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.sandbox.confluence_helpers import MALFORMED, REPORTS, SPACE, STORAGE
from tests.sandbox.fidelity_fixtures import (  # noqa: F401 - fixtures used by name
    Site,
    covers,
    declared_operations_validated,
    open_site,
)
from tests.sandbox.spec_validation import validated, validated_error

CLOUD = ("cloud",)


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    yield from open_site("cloud")


def space_id(site: Site) -> str:
    spaces = validated(site.session.get(site.v2("spaces"), params={"keys": SPACE, "limit": 1}))
    assert [s["key"] for s in spaces["results"]] == [SPACE]
    return str(spaces["results"][0]["id"])


def page_by_title(site: Site, title: str) -> Any:
    params = {"space-id": space_id(site), "title": title, "status": "current", "body-format": "storage"}
    found = validated(site.session.get(site.v2("pages"), params=params))
    assert len(found["results"]) == 1, found
    return found["results"][0]


def create(site: Site, title: str, body: dict[str, Any] | None = None) -> Any:
    payload = {
        "spaceId": space_id(site),
        "status": "current",
        "title": title,
        "parentId": page_by_title(site, REPORTS)["id"],
        "body": body or {"representation": "storage", "value": STORAGE},
    }
    response = site.session.post(site.v2("pages"), json=payload)
    assert response.status_code == 200, response.text
    return validated(response)


@covers("GET /wiki/api/v2/spaces", "GET /wiki/api/v2/spaces/{id}", "GET /wiki/api/v2/pages", flavors=CLOUD)
def test_space_by_key_and_page_by_title(site: Site) -> None:
    sid = space_id(site)
    assert validated(site.session.get(site.v2(f"spaces/{sid}")))["key"] == SPACE
    reports = page_by_title(site, REPORTS)
    assert reports["spaceId"] == sid
    assert reports["body"]["storage"]["representation"] == "storage"
    assert reports["version"]["number"] >= 1


@covers("GET /wiki/api/v2/spaces/{id}/pages", "GET /wiki/api/v2/pages", flavors=CLOUD)
def test_cursor_pagination_with_link_header(site: Site) -> None:
    sid = space_id(site)
    for _ in range(3):
        create(site, site.unique("Paged"))
    everything = validated(site.session.get(site.v2(f"spaces/{sid}/pages"), params={"limit": 250}))
    expected = [p["id"] for p in everything["results"]]
    assert len(expected) >= 4
    seen: list[str] = []
    url: str | None = site.v2("pages")
    params: dict[str, Any] | None = {"space-id": sid, "limit": 2}
    while url:
        response = site.session.get(url, params=params)
        page = validated(response)
        assert len(page["results"]) <= 2
        seen += [p["id"] for p in page["results"]]
        link = response.headers.get("Link")
        nxt = page.get("_links", {}).get("next")
        assert (link is None) == (nxt is None), "Link header and _links.next agree"
        if link:
            assert re.match(r'^<(/wiki/api/v2/pages\?[^>]*cursor=[^>]+)>; rel="next"', link), link
            assert "cursor=" in nxt
        url, params = (site.running.url + nxt, None) if nxt else (None, None)
    assert sorted(seen) == sorted(expected)
    assert len(set(seen)) == len(seen)


@covers("POST /wiki/api/v2/pages", "GET /wiki/api/v2/pages/{id}", flavors=CLOUD)
def test_create_in_both_body_forms(site: Site) -> None:
    flat = create(site, site.unique("Flat body"))
    assert flat["version"]["number"] == 1
    assert flat["parentId"] == page_by_title(site, REPORTS)["id"]
    nested = create(site, site.unique("Nested body"), {"storage": {"value": STORAGE, "representation": "storage"}})
    fetched = validated(site.session.get(site.v2(f"pages/{nested['id']}"), params={"body-format": "storage"}))
    assert "AT RISK" in fetched["body"]["storage"]["value"]


def test_create_rejects_duplicates_and_malformed_storage(site: Site) -> None:
    title = site.unique("Unique")
    create(site, title)
    payload = {
        "spaceId": space_id(site),
        "status": "current",
        "title": title,
        "body": {"representation": "storage", "value": STORAGE},
    }
    validated_error(site.session.post(site.v2("pages"), json=payload), 400)
    payload["title"] = site.unique("Malformed")
    payload["body"] = {"representation": "storage", "value": MALFORMED}
    validated_error(site.session.post(site.v2("pages"), json=payload), 400)


@covers("PUT /wiki/api/v2/pages/{id}", flavors=CLOUD)
def test_update_requires_status_and_the_next_version(site: Site) -> None:
    title = site.unique("Updated")
    page = create(site, title)
    url = site.v2(f"pages/{page['id']}")

    def put(version: int, body: str = "<p>new</p>", **extra: Any) -> Any:
        payload = {
            "id": page["id"],
            "status": "current",
            "title": title,
            "body": {"representation": "storage", "value": body},
            "version": {"number": version},
        }
        payload.update(extra)
        return site.session.put(url, json={k: v for k, v in payload.items() if v is not None})

    validated_error(put(2, status=None), 400)  # what ConfluenceV2.update_page sends
    validated_error(put(1), 409)
    validated_error(put(2, MALFORMED), 400)
    response = put(2)
    assert response.status_code == 200, response.text
    assert validated(response)["version"]["number"] == 2
    fetched = validated(site.session.get(url, params={"body-format": "storage"}))
    assert fetched["body"]["storage"]["value"] == "<p>new</p>"


@covers(
    "GET /wiki/api/v2/pages/{id}/labels",
    "GET /wiki/api/v2/pages/{id}/attachments",
    "GET /wiki/api/v2/pages/{id}/children",
    flavors=CLOUD,
)
def test_read_only_labels_attachments_and_children(site: Site) -> None:
    reports = page_by_title(site, REPORTS)
    child = create(site, site.unique("Labelled child"))
    v1_labels = site.session.post(site.v1(f"content/{child['id']}/label"), json={"prefix": "global", "name": "pmo"})
    assert v1_labels.status_code == 200, v1_labels.text
    labels = validated(site.session.get(site.v2(f"pages/{child['id']}/labels")))
    assert [label["name"] for label in labels["results"]] == ["pmo"]
    attachments = validated(site.session.get(site.v2(f"pages/{child['id']}/attachments")))
    assert attachments["results"] == []
    children = validated(site.session.get(site.v2(f"pages/{reports['id']}/children"), params={"limit": 250}))
    assert child["id"] in [c["id"] for c in children["results"]]
    # Labels cannot be written through v2 (ConfluenceV2.add_page_label calls a path C2 does not have).
    assert site.session.post(site.v2(f"pages/{child['id']}/labels"), json=[{"name": "x"}]).status_code in (404, 405)


def test_unknown_page_404_and_no_auth_401(site: Site) -> None:
    validated_error(site.session.get(site.v2("pages/999999999")), 404)
    validated_error(site.anonymous.get(site.v2("spaces")), 401)
