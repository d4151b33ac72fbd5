"""Jira comments, comment properties and issue properties, validated against the platform v3 spec.

One store serves both bodies: v3 answers ADF, v2 wiki markup (Cloud and DC alike). DC comment authors carry
name/key rather than accountId; J3's UserDetails allows both, so the same schema check applies.
"""

# ruff: noqa: F811 - the fixtures imported from fidelity_fixtures are parameters of the tests
from __future__ import annotations

import json

import pytest

from tests.sandbox.fidelity_fixtures import (  # noqa: F401 - fixtures used by name
    Site,
    covers,
    declared_operations_validated,
    site,
)
from tests.sandbox.jira_helpers import add_comment, adf, new_issue, only
from tests.sandbox.spec_validation import assert_adf, validated, validated_error

REPORT_ADF = {
    "version": 1,
    "type": "doc",
    "content": [
        {"type": "heading", "attrs": {"level": 3}, "content": [{"type": "text", "text": "PMO status report"}]},
        {
            "type": "paragraph",
            "content": [
                {"type": "text", "text": "Overall: "},
                {"type": "status", "attrs": {"text": "AT RISK", "color": "yellow"}},
            ],
        },
        {
            "type": "bulletList",
            "content": [
                {
                    "type": "listItem",
                    "content": [{"type": "paragraph", "content": [{"type": "text", "text": "Spent 12h of 40h"}]}],
                }
            ],
        },
        {"type": "paragraph", "content": [{"type": "text", "text": "pmo-bot:v1", "marks": [{"type": "code"}]}]},
    ],
}


@covers(
    "POST /rest/api/{v}/issue/{issueIdOrKey}/comment",
    "GET /rest/api/{v}/issue/{issueIdOrKey}/comment/{id}",
    "PUT /rest/api/{v}/issue/{issueIdOrKey}/comment/{id}",
    "DELETE /rest/api/{v}/issue/{issueIdOrKey}/comment/{id}",
)
@pytest.mark.parametrize("notify", ["true", "false", "False"])
def test_comment_lifecycle_201_200_204(site: Site, notify: str) -> None:
    key = new_issue(site, site.unique("Comments"))
    for version in site.versions:
        body = REPORT_ADF if version == "3" else "h3. PMO status report\n* Spent 12h of 40h"
        created = add_comment(site, key, body, version)
        # DC identifies users by name/key; Cloud by accountId only (GDPR removed name/key from Cloud answers).
        author = created["author"]
        if site.cloud:
            assert author["accountId"]
            assert "name" not in author
        else:
            assert author["name"]
            assert author["key"]
        url = site.api(version, f"issue/{key}/comment/{created['id']}")
        fetched = validated(site.session.get(url))
        assert fetched["id"] == created["id"]
        edited_body = adf("Spent 20h of 40h") if version == "3" else "Spent 20h of 40h"
        response = site.session.put(url, params={"notifyUsers": notify}, json={"body": edited_body})
        assert response.status_code == 200, response.text
        edited = validated(response)
        assert edited["updated"] >= edited["created"]
        assert "20h" in json.dumps(validated(site.session.get(url))["body"])
        deleted = site.session.delete(url)
        assert deleted.status_code == 204, deleted.text
        assert validated(deleted) is None
        validated_error(site.session.get(url), 404)


@covers("GET /rest/api/3/issue/{issueIdOrKey}/comment/{id}", flavors=("cloud",))
def test_one_store_serves_adf_on_v3_and_wiki_markup_on_v2(site: Site) -> None:
    only(site, "cloud")
    key = new_issue(site, site.unique("Formats"))
    from_v3 = add_comment(site, key, REPORT_ADF, "3")
    as_v2 = validated(site.session.get(site.api("2", f"issue/{key}/comment/{from_v3['id']}")))
    assert isinstance(as_v2["body"], str)
    assert "PMO status report" in as_v2["body"]
    assert "Spent 12h of 40h" in as_v2["body"]
    from_v2 = add_comment(site, key, "h3. Risks\n* Budget at risk", "2")
    as_v3 = validated(site.session.get(site.api("3", f"issue/{key}/comment/{from_v2['id']}")))
    assert_adf(as_v3["body"])
    assert "Budget at risk" in json.dumps(as_v3["body"])


@covers("GET /rest/api/{v}/issue/{issueIdOrKey}/comment")
def test_comment_list_paginates(site: Site) -> None:
    key = new_issue(site, site.unique("Paging"))
    ids = [add_comment(site, key, f"note {n}")["id"] for n in range(3)]
    for version in site.versions:
        url = site.api(version, f"issue/{key}/comment")
        page = validated(site.session.get(url, params={"startAt": 1, "maxResults": 1}))
        assert (page["startAt"], page["maxResults"], page["total"]) == (1, 1, 3)
        assert [c["id"] for c in page["comments"]] == ids[1:2]
        everything = validated(site.session.get(url))
        assert [c["id"] for c in everything["comments"]] == ids
        newest_first = validated(site.session.get(url, params={"orderBy": "-created"}))
        assert [c["id"] for c in newest_first["comments"]] == ids[::-1]


@covers("GET /rest/api/{v}/issue/{issueIdOrKey}/comment", "POST /rest/api/{v}/comment/list")
def test_comment_properties_on_create_and_expand(site: Site) -> None:
    key = new_issue(site, site.unique("Marked"))
    marker = {"key": "pmo-bot", "value": {"rule": "overdue", "hash": "abc"}}
    comment = add_comment(site, key, "Bot comment", properties=[marker])
    for version in site.versions:
        url = site.api(version, f"issue/{key}/comment")
        page = validated(site.session.get(url, params={"expand": "properties"}))
        found = next(c for c in page["comments"] if c["id"] == comment["id"])
        assert found["properties"] == [marker]
        listed = site.session.post(
            site.api(version, "comment/list"), params={"expand": "properties"}, json={"ids": [int(comment["id"])]}
        )
        [by_id] = validated(listed)["values"]
        assert by_id["properties"] == [marker]


@covers(
    "PUT /rest/api/{v}/comment/{commentId}/properties/{propertyKey}",
    "GET /rest/api/{v}/comment/{commentId}/properties/{propertyKey}",
    "GET /rest/api/{v}/comment/{commentId}/properties",
    "DELETE /rest/api/{v}/comment/{commentId}/properties/{propertyKey}",
)
def test_comment_properties_store_the_raw_body(site: Site) -> None:
    key = new_issue(site, site.unique("Comment props"))
    comment_id = add_comment(site, key, "Bot comment")["id"]
    for version in site.versions:
        url = site.api(version, f"comment/{comment_id}/properties/pmo-bot.{version}")
        assert_property_lifecycle(site, url)
        keys = validated(site.session.get(site.api(version, f"comment/{comment_id}/properties")))
        assert f"pmo-bot.{version}" in [k["key"] for k in keys["keys"]]
        deleted = site.session.delete(url)
        assert deleted.status_code == 204
        validated(deleted)
        validated_error(site.session.get(url), 404)


@covers(
    "PUT /rest/api/{v}/issue/{issueIdOrKey}/properties/{propertyKey}",
    "GET /rest/api/{v}/issue/{issueIdOrKey}/properties/{propertyKey}",
    "GET /rest/api/{v}/issue/{issueIdOrKey}/properties",
    "DELETE /rest/api/{v}/issue/{issueIdOrKey}/properties/{propertyKey}",
)
def test_issue_properties_store_the_raw_body(site: Site) -> None:
    key = new_issue(site, site.unique("Issue props"))
    for version in site.versions:
        url = site.api(version, f"issue/{key}/properties/pmo-bot.state")
        assert_property_lifecycle(site, url)
        keys = validated(site.session.get(site.api(version, f"issue/{key}/properties")))
        assert "pmo-bot.state" in [k["key"] for k in keys["keys"]]
        deleted = site.session.delete(url)
        assert deleted.status_code == 204
        validated(deleted)
        validated_error(site.session.get(url), 404)


def assert_property_lifecycle(site: Site, url: str) -> None:
    """201 on create, 200 on update, the raw JSON body back as ``value``, 32 768 bytes at most."""
    first = site.session.put(url, json={"commentId": "100", "hash": "abc"})
    assert first.status_code == 201, first.text
    validated(first)
    second = site.session.put(url, json={"commentId": "100", "hash": "def"})
    assert second.status_code == 200, second.text
    validated(second)
    stored = validated(site.session.get(url))
    assert stored == {"key": url.rsplit("/", 1)[1], "value": {"commentId": "100", "hash": "def"}}
    validated_error(site.session.put(url, json={"blob": "x" * 33_000}), 400)
    assert validated(site.session.get(url))["value"]["hash"] == "def"


def test_comment_on_unknown_issue_or_comment_is_404(site: Site) -> None:
    key = new_issue(site, site.unique("Missing comment"))
    for version in site.versions:
        validated_error(site.session.get(site.api(version, f"issue/{key}/comment/999999999")), 404)
        body = adf("x") if version == "3" else "x"
        validated_error(site.session.post(site.api(version, "issue/NOPE-1/comment"), json={"body": body}), 404)
