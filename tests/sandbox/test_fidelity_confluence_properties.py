"""Content properties, where pmo-bot keeps a weekly page's fingerprint: v1 ``/rest/api/content/{id}/property``
(both flavours, checked against ``confluence_v1_schemas``) and v2 ``/wiki/api/v2/pages/{id}/properties`` (Cloud,
checked against ``confluence-v2.openapi.json``). Versions must go up by one; keys are unique per page."""

# ruff: noqa: F811 - the fixtures imported from fidelity_fixtures are parameters of the tests
from __future__ import annotations

import pytest

from tests.sandbox.confluence_helpers import REPORTS, create_v1, find_page
from tests.sandbox.fidelity_fixtures import (  # noqa: F401 - fixtures used by name
    Site,
    covers,
    declared_operations_validated,
    site,
)
from tests.sandbox.spec_validation import validated, validated_error


def _page(site: Site, name: str) -> str:
    parent = find_page(site, REPORTS)
    return str(create_v1(site, f"{name} {next(site._counter)}", parent["id"])["id"])


@covers(
    "GET {wiki}/rest/api/content/{id}/property",
    "POST {wiki}/rest/api/content/{id}/property",
    "GET {wiki}/rest/api/content/{id}/property/{key}",
    "PUT {wiki}/rest/api/content/{id}/property/{key}",
    "DELETE {wiki}/rest/api/content/{id}/property/{key}",
)
def test_v1_property_lifecycle(site: Site) -> None:
    page = _page(site, "Props v1")
    base = site.v1(f"content/{page}/property")
    assert validated(site.session.get(base))["results"] == []
    made = validated(site.session.post(base, json={"key": "pmo-bot.report", "value": {"fingerprint": "a1"}}))
    assert (made["key"], made["value"], made["version"]["number"]) == ("pmo-bot.report", {"fingerprint": "a1"}, 1)
    validated_error(site.session.post(base, json={"key": "pmo-bot.report", "value": 1}), 409)  # duplicate key
    validated_error(site.session.post(base, json={"key": "no-value"}), 400)
    got = validated(site.session.get(f"{base}/pmo-bot.report"))
    assert got["value"] == {"fingerprint": "a1"}
    stale = {"value": {"fingerprint": "b2"}, "version": {"number": 1}}
    validated_error(site.session.put(f"{base}/pmo-bot.report", json=stale), 409)  # must be current + 1
    validated_error(site.session.put(f"{base}/pmo-bot.report", json={"value": 2}), 400)  # no version
    update = {"key": "pmo-bot.report", "value": {"fingerprint": "b2"}, "version": {"number": 2, "minorEdit": True}}
    updated = validated(site.session.put(f"{base}/pmo-bot.report", json=update))
    assert (updated["value"], updated["version"]["number"], updated["version"]["minorEdit"]) == (
        {"fingerprint": "b2"},
        2,
        True,
    )
    # PUT of a missing key with version 1 creates it (Cloud's documented behaviour); any other version is 404.
    validated_error(site.session.put(f"{base}/other", json={"value": 1, "version": {"number": 2}}), 404)
    assert validated(site.session.put(f"{base}/other", json={"value": [1], "version": {"number": 1}}))["value"] == [1]
    listed = validated(site.session.get(base))
    assert sorted(p["key"] for p in listed["results"]) == ["other", "pmo-bot.report"]
    deleted = site.session.delete(f"{base}/other")
    assert deleted.status_code == 204
    validated(deleted)
    validated_error(site.session.get(f"{base}/other"), 404)
    validated_error(site.session.get(site.v1("content/999999/property")), 404)


@covers(
    "GET /wiki/api/v2/pages/{page-id}/properties",
    "POST /wiki/api/v2/pages/{page-id}/properties",
    "GET /wiki/api/v2/pages/{page-id}/properties/{property-id}",
    "PUT /wiki/api/v2/pages/{page-id}/properties/{property-id}",
    "DELETE /wiki/api/v2/pages/{page-id}/properties/{property-id}",
    flavors=("cloud",),
)
def test_v2_page_property_lifecycle(site: Site) -> None:
    if site.flavor != "cloud":
        pytest.skip("Data Center has no v2 API")
    page = _page(site, "Props v2")
    base = site.v2(f"pages/{page}/properties")
    made = validated(site.session.post(base, json={"key": "pmo-bot.report", "value": {"fingerprint": "a1"}}))
    assert made["version"]["number"] == 1
    validated_error(site.session.post(base, json={"key": "pmo-bot.report", "value": 1}), 400)  # duplicate key
    validated(site.session.post(base, json={"key": "another", "value": "x"}))
    found = validated(site.session.get(base, params={"key": "pmo-bot.report"}))
    assert [p["id"] for p in found["results"]] == [made["id"]]
    listed = validated(site.session.get(base, params={"sort": "-key", "limit": 1}))
    assert [p["key"] for p in listed["results"]] == ["pmo-bot.report"]
    assert "next" in listed["_links"]
    one = f"{base}/{made['id']}"
    assert validated(site.session.get(one))["value"] == {"fingerprint": "a1"}
    validated_error(site.session.put(one, json={"key": "pmo-bot.report", "value": 2, "version": {"number": 1}}), 400)
    body = {"key": "pmo-bot.report", "value": {"fingerprint": "b2"}, "version": {"number": 2, "message": "m"}}
    updated = validated(site.session.put(one, json=body))
    assert (updated["value"], updated["version"]["number"]) == ({"fingerprint": "b2"}, 2)
    deleted = site.session.delete(one)
    assert deleted.status_code == 204
    validated(deleted)
    validated_error(site.session.get(one), 404)
    validated_error(site.session.get(site.v2(f"pages/{page}/properties/12x")), 400)
