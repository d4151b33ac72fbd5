"""Search request bodies deserialised as strictly as the real products do (issue 8).

Data Center's ``SearchRequestBean`` refuses any member but six with Jackson's plain-text 400; Cloud's
``/search/jql`` body must match J3's ``SearchAndReconcileRequestBean`` (types and members) or it is a 400.
"""

# ruff: noqa: F811 - the fixtures imported from fidelity_fixtures are parameters of the tests
from __future__ import annotations

from typing import Any

import pytest

from pmo_bot.sandbox.jira.search_body import CLOUD_SEARCH_SCHEMA, DC_SEARCH_MEMBERS, INVALID_PAYLOAD
from tests.sandbox.fidelity_fixtures import (  # noqa: F401 - fixtures used by name
    Site,
    covers,
    declared_operations_validated,
    site,
)
from tests.sandbox.jira_helpers import a_project, only
from tests.sandbox.spec_validation import jira_spec, validated, validated_error

JACKSON = 'Unrecognized field "{}" (Class com.atlassian.jira.rest.v2.search.SearchRequestBean), not marked as ignorable'


@pytest.mark.parametrize("member", ["properties", "fieldsByKeys", "nextPageToken"])
def test_dc_search_refuses_members_its_bean_does_not_have(site: Site, member: str) -> None:
    only(site, "datacenter")
    body: dict[str, Any] = {"jql": f"project = {a_project(site)}", "fields": ["summary"], member: ["x"]}
    response = site.session.post(site.api("2", "search"), json=body)
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("text/plain")
    assert response.text.startswith(JACKSON.format(member))


@covers("POST /rest/api/2/search", flavors=("datacenter",))
def test_dc_search_accepts_exactly_the_six_members(site: Site) -> None:
    only(site, "datacenter")
    assert set(DC_SEARCH_MEMBERS) == {"jql", "startAt", "maxResults", "fields", "expand", "validateQuery"}
    body = {
        "jql": f"project = {a_project(site)}",
        "startAt": 0,
        "maxResults": 3,
        "fields": ["summary"],
        "expand": ["names"],
        "validateQuery": True,
    }
    page = validated(site.session.post(site.api("2", "search"), json=body))
    assert len(page["issues"]) == 3
    assert page["names"]["summary"] == "Summary"


def test_cloud_search_body_schema_is_the_specs() -> None:
    spec = jira_spec()["components"]["schemas"]["SearchAndReconcileRequestBean"]
    assert spec["additionalProperties"] is False
    assert set(spec["properties"]) == set(CLOUD_SEARCH_SCHEMA["properties"])
    for name, schema in spec["properties"].items():
        ours = CLOUD_SEARCH_SCHEMA["properties"][name]
        assert ours["type"] == schema["type"], name
        if "items" in schema:
            assert ours["items"]["type"] == schema["items"]["type"], name


@pytest.mark.parametrize(
    "extra",
    [
        {"expand": ["changelog"]},  # a comma-separated string in the spec, not a list
        {"properties": "pmo-bot.state"},  # a list in the spec, not a string
        {"fields": "summary"},
        {"maxResults": "50"},
        {"startAt": 0},  # not a member of the enhanced search
        {"failFast": True},  # a GET parameter only
    ],
)
def test_cloud_search_body_breaking_the_spec_is_a_400(site: Site, extra: dict[str, Any]) -> None:
    only(site, "cloud")
    body = {"jql": f"project = {a_project(site)}", **extra}
    for version in site.versions:
        answer = validated_error(site.session.post(site.api(version, "search/jql"), json=body), 400)
        assert answer["errorMessages"] == [INVALID_PAYLOAD]


@covers("POST /rest/api/{v}/search/jql", flavors=("cloud",))
def test_cloud_search_body_per_spec_is_accepted(site: Site) -> None:
    only(site, "cloud")
    body = {
        "jql": f"project = {a_project(site)}",
        "fields": ["summary"],
        "expand": "names,changelog",
        "properties": ["pmo-bot.state"],
        "maxResults": 2,
        "fieldsByKeys": False,
    }
    for version in site.versions:
        page = validated(site.session.post(site.api(version, "search/jql"), json=body))
        assert len(page["issues"]) == 2
        assert "changelog" in page["issues"][0]
