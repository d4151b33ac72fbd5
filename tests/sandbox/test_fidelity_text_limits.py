"""Jira's 32,767-character limit on text fields, measured per flavour, with Jira's error body (issue 8).

Data Center counts the wiki markup as sent; Cloud counts the document's text (ADF) or the string sent to v2.
"""

# ruff: noqa: F811 - the fixtures imported from fidelity_fixtures are parameters of the tests
from __future__ import annotations

from typing import Any

import pytest

from tests.sandbox.fidelity_fixtures import (  # noqa: F401 - fixtures used by name
    Site,
    covers,
    declared_operations_validated,
    site,
)
from tests.sandbox.jira_helpers import add_comment, get_issue, new_issue, only
from tests.sandbox.spec_validation import validated, validated_error

LIMIT = 32767
TOO_LONG = "The entered text is too long. It exceeds the allowed limit of 32767 characters."


def adf_of(*texts: str, strong: bool = False) -> dict[str, Any]:
    marks = [{"type": "strong"}] if strong else []
    paragraphs = [
        {"type": "paragraph", "content": [{"type": "text", "text": t, **({"marks": marks} if marks else {})}]}
        for t in texts
    ]
    return {"version": 1, "type": "doc", "content": paragraphs}


def body_for(site: Site, version: str, length: int) -> Any:
    """A body Jira counts as ``length`` characters on this flavour and REST version."""
    return adf_of("x" * length) if version == "3" else "x" * length


def assert_too_long(response: Any, field: str) -> None:
    body = validated_error(response, 400)
    assert body["errors"] == {field: TOO_LONG}


@covers("POST /rest/api/{v}/issue/{issueIdOrKey}/comment", "PUT /rest/api/{v}/issue/{issueIdOrKey}/comment/{id}")
def test_comment_at_the_limit_is_taken_one_more_is_refused(site: Site) -> None:
    key = new_issue(site, site.unique("Long comments"))
    for version in site.versions:
        created = add_comment(site, key, body_for(site, version, LIMIT), version)
        url = site.api(version, f"issue/{key}/comment")
        assert_too_long(site.session.post(url, json={"body": body_for(site, version, LIMIT + 1)}), "comment")
        edit_url = f"{url}/{created['id']}"
        assert_too_long(site.session.put(edit_url, json={"body": body_for(site, version, LIMIT + 1)}), "comment")
        shorter = validated(site.session.put(edit_url, json={"body": body_for(site, version, 10)}))
        assert shorter["id"] == created["id"]
    listed = validated(site.session.get(site.api("2", f"issue/{key}/comment"), params={"maxResults": 100}))
    assert len(listed["comments"]) == len(site.versions)  # the refused ones were not stored


def test_dc_counts_the_wiki_markup_not_the_rendered_text(site: Site) -> None:
    only(site, "datacenter")
    key = new_issue(site, site.unique("Markup counts"))
    # 32,760 characters of text, but "*...*" around every 10 characters pushes the markup past the limit.
    markup = " ".join("*" + "y" * 10 + "*" for _ in range(2800))
    assert len(markup.replace("*", "")) < LIMIT < len(markup)
    response = site.session.post(site.api("2", f"issue/{key}/comment"), json={"body": markup})
    assert_too_long(response, "comment")


def test_cloud_counts_the_documents_text_not_its_json(site: Site) -> None:
    only(site, "cloud")
    key = new_issue(site, site.unique("Text counts"))
    # Ten paragraphs of 3,000 bold characters: the JSON is far longer than the limit, the text is not.
    doc = adf_of(*["z" * 3000 for _ in range(10)], strong=True)
    add_comment(site, key, doc, "3")
    over = adf_of(*["z" * 3300 for _ in range(10)])
    assert_too_long(site.session.post(site.api("3", f"issue/{key}/comment"), json={"body": over}), "comment")


@covers("PUT /rest/api/{v}/issue/{issueIdOrKey}")
def test_description_over_the_limit_is_refused(site: Site) -> None:
    key = new_issue(site, site.unique("Long description"))
    for version in site.versions:
        url = site.api(version, f"issue/{key}")
        fields = {"description": body_for(site, version, LIMIT + 1)}
        assert_too_long(site.session.put(url, json={"fields": fields}), "description")
        ok = site.session.put(url, json={"fields": {"description": body_for(site, version, LIMIT)}})
        assert ok.status_code == 204, ok.text
    assert get_issue(site, key, fields="description")["fields"]["description"] == "x" * LIMIT


def test_worklog_comment_over_the_limit_is_refused(site: Site) -> None:
    key = new_issue(site, site.unique("Long worklog"))
    version = site.versions[-1]
    body = {"timeSpentSeconds": 600, "comment": body_for(site, version, LIMIT + 1)}
    response = site.session.post(site.api(version, f"issue/{key}/worklog"), json=body)
    assert_too_long(response, "comment")


@pytest.mark.parametrize("how", ["create", "edit"])
def test_summary_over_255_characters_is_refused(site: Site, how: str) -> None:
    key = new_issue(site, site.unique("Short"))
    if how == "edit":
        response = site.session.put(site.api("2", f"issue/{key}"), json={"fields": {"summary": "s" * 256}})
    else:
        project = key.split("-")[0]
        fields = {"project": {"key": project}, "issuetype": {"name": "Task"}, "summary": "s" * 256}
        response = site.session.post(site.api("2", "issue"), json={"fields": fields})
    body = validated_error(response, 400)
    assert body["errors"] == {"summary": "Summary must be less than 255 characters."}


def test_java_counts_utf16_code_units(site: Site) -> None:
    key = new_issue(site, site.unique("Emoji"))
    emoji = "\U0001f600" * (LIMIT // 2 + 1)  # 16,384 code points, 32,768 UTF-16 code units
    response = site.session.post(site.api("2", f"issue/{key}/comment"), json={"body": emoji})
    assert_too_long(response, "comment")


@pytest.mark.parametrize("flavor", ["cloud", "datacenter"])
def test_the_bots_fitted_comment_is_measured_as_the_sandbox_measures(flavor: str) -> None:
    """The bot fits comments with its own measure; the sandbox must agree, or fitted comments get refused."""
    from datetime import date

    from pmo_bot.comments.fit import fit_content, measure, render
    from pmo_bot.domain import Severity
    from pmo_bot.sandbox.jira.limits import text_length
    from tests.factories import make_finding

    findings = [
        make_finding(
            f"rule-{i:03d}",
            severity=Severity.WARNING,
            message=f"{i} \U0001f680 " + "m" * 980,
            remediation="r" * 980,
            observed="o" * 290,
            expected="e" * 290,
        )
        for i in range(40)
    ]
    today = date(2026, 11, 28)
    for limit in (10**9, LIMIT):  # unfitted (over the limit), then fitted
        content = fit_content(
            "PAY-1", findings, docs_url=None, waiver_procedure="Ask.", flavor=flavor, today=today, limit=limit
        )
        body = render(content, flavor, today)
        assert text_length(body) == measure(body)
        assert (text_length(body) > LIMIT) is (limit > LIMIT)
