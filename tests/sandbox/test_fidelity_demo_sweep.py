"""The whole demo portfolio, read through the API and validated: every issue with all fields and its changelog,
every comment and worklog page, every Confluence page. This is what catches a seeded value the spec (or ADF)
does not allow, which the small fixed site of the other fidelity tests cannot.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.sandbox.fidelity_fixtures import (  # noqa: F401 - fixtures used by name
    FLAVORS,
    Site,
    authenticated_session,
    covers,
    declared_operations_validated,
)
from tests.sandbox.spec_validation import validated

pytestmark = pytest.mark.slow  # about 15 s: the whole demo portfolio through the validator, both flavours


@pytest.fixture(scope="module", params=FLAVORS)
def site(request: pytest.FixtureRequest) -> Iterator[Site]:
    from pmo_bot.sandbox.running import start_sandbox

    with start_sandbox(flavor=request.param, seed="demo") as running:
        yield Site(running=running, flavor=request.param, session=authenticated_session(running, request.param))


def every_issue(site: Site, version: str, fields: str = "*all", expand: str = "changelog") -> list[Any]:
    issues: list[Any] = []
    if site.cloud:
        params: dict[str, Any] = {"jql": "created <= now() ORDER BY key", "fields": fields, "expand": expand}
        while True:
            page = validated(site.session.get(site.api(version, "search/jql"), params=params))
            issues += page["issues"]
            if page["isLast"]:
                return issues
            params["nextPageToken"] = page["nextPageToken"]
    params = {"jql": "ORDER BY key", "fields": fields, "expand": expand, "maxResults": 1000, "startAt": 0}
    while True:
        page = validated(site.session.get(site.api(version, "search"), params=params))
        issues += page["issues"]
        params["startAt"] += len(page["issues"])
        if not page["issues"] or params["startAt"] >= page["total"]:
            return issues


@covers("GET /rest/api/{v}/search/jql", flavors=("cloud",))
@covers("GET /rest/api/2/search", flavors=("datacenter",))
def test_every_demo_issue_validates(site: Site) -> None:
    for version in site.versions:
        issues = every_issue(site, version)
        assert len(issues) > 300, "the demo portfolio"
        assert len({issue["key"] for issue in issues}) == len(issues)
        if version == "3":
            described = [i for i in issues if i["fields"].get("description")]
            assert described
            assert all(i["fields"]["description"]["type"] == "doc" for i in described)
        slipped = [
            i for i in issues if any(it["field"] == "duedate" for h in i["changelog"]["histories"] for it in h["items"])
        ]
        assert slipped, "the demo has due dates that slipped, recorded in the changelog"


@covers("GET /rest/api/{v}/issue/{issueIdOrKey}/comment", "GET /rest/api/{v}/issue/{issueIdOrKey}/worklog")
def test_demo_comments_and_worklogs_validate(site: Site) -> None:
    keys = [issue["key"] for issue in every_issue(site, "2", fields="summary", expand="")]
    logged = 0
    for key in keys[:: max(1, len(keys) // 30)]:  # a spread sample keeps this fast
        for version in site.versions:
            validated(site.session.get(site.api(version, f"issue/{key}/comment")))
            logged += validated(site.session.get(site.api(version, f"issue/{key}/worklog")))["total"]
    assert logged > 0, "the demo has worklogs"


@covers("GET {wiki}/rest/api/content", "GET {wiki}/rest/api/content/{id}")
def test_every_demo_page_validates(site: Site) -> None:
    listing = validated(site.session.get(site.v1("content"), params={"spaceKey": "PMO", "type": "page", "limit": 200}))
    assert listing["results"], "the demo PMO space has pages"
    for page in listing["results"]:
        params = {"expand": "body.storage,version,ancestors,space"}
        full = validated(site.session.get(site.v1(f"content/{page['id']}"), params=params))
        assert full["body"]["storage"]["value"] is not None
        if site.cloud:
            validated(site.session.get(site.v2(f"pages/{page['id']}"), params={"body-format": "storage"}))
