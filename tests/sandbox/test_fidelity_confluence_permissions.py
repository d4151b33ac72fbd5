"""What the login may do in a Confluence space (issue 8): reported by ``space?expand=operations`` as Confluence
reports it, configurable per space, and enforced on page and attachment writes (403)."""

# ruff: noqa: F811 - the fixtures imported from fidelity_fixtures are parameters of the tests
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.sandbox.confluence_helpers import REPORTS, SPACE, STORAGE, create_v1, find_page, v1_page
from tests.sandbox.fidelity_fixtures import (  # noqa: F401 - fixtures used by name
    Site,
    covers,
    declared_operations_validated,
    site,
)
from tests.sandbox.spec_validation import validated, validated_error

XSRF = {"X-Atlassian-Token": "no-check"}


def operations(site: Site) -> set[tuple[str, str]]:
    space = validated(site.session.get(site.v1(f"space/{SPACE}"), params={"expand": "operations"}))
    return {(o["operation"], o["targetType"]) for o in space["operations"]}


@pytest.fixture
def read_only(site: Site) -> Iterator[Site]:
    """The login may read the PMO space but not add pages or attachments, for one test."""
    url = f"{site.running.url}/_sandbox/account"
    answer = requests.put(url, json={"space_permissions": {SPACE: ["read:space"]}}, timeout=10)
    assert answer.status_code == 200, answer.text
    try:
        yield site
    finally:
        requests.put(url, json={"space_permissions": {}}, timeout=10).raise_for_status()


@covers("GET {wiki}/rest/api/space/{key}")
def test_space_operations_report_what_the_login_may_do(site: Site) -> None:
    assert {("read", "space"), ("create", "page"), ("create", "attachment")} <= operations(site)


def test_a_read_only_space_refuses_page_and_attachment_writes(read_only: Site) -> None:
    site = read_only
    assert operations(site) == {("read", "space")}
    parent = find_page(site, REPORTS)
    body = validated_error(site.session.post(site.v1("content"), json=v1_page("Nope", STORAGE, parent["id"])), 403)
    assert "PermissionException" in body["message"]
    update = v1_page(parent["title"], STORAGE, version=parent["version"]["number"] + 1)
    validated_error(site.session.put(site.v1(f"content/{parent['id']}"), json=update), 403)
    files = {"file": ("chart.png", b"\x89PNG\r\n\x1a\nx", "image/png")}
    url = site.v1(f"content/{parent['id']}/child/attachment")
    validated_error(site.session.post(url, files=files, headers=XSRF), 403)
    if site.cloud:
        payload: dict[str, Any] = {
            "spaceId": validated(site.session.get(site.v2("spaces"), params={"keys": SPACE}))["results"][0]["id"],
            "status": "current",
            "title": "Nope v2",
            "body": {"representation": "storage", "value": STORAGE},
        }
        answer = validated_error(site.session.post(site.v2("pages"), json=payload), 403)
        assert answer["errors"][0]["code"] == "PERMISSION_DENIED"


def test_the_default_grant_comes_back(site: Site) -> None:
    page = create_v1(site, site.unique("Allowed"), find_page(site, REPORTS)["id"])
    assert page["space"]["key"] == SPACE
