"""JQL answered as real Jira answers it (issue 8): what does not exist is a 400, not an empty result; users are
named the flavour's way; valid JQL the sandbox does not implement is refused as the sandbox's limitation."""

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
from tests.sandbox.jira_helpers import a_project, new_issue
from tests.sandbox.spec_validation import validated, validated_error

AMARA = {"accountId": "5b10a2844c20165700ede21g", "name": "amara", "display": "Amara Okafor"}


def search(site: Site, jql: str) -> Any:
    if site.cloud:
        return site.session.post(site.api("3", "search/jql"), json={"jql": jql, "fields": ["summary"]})
    return site.session.post(site.api("2", "search"), json={"jql": jql, "fields": ["summary"]})


def refused(site: Site, jql: str) -> list[str]:
    return list(validated_error(search(site, jql), 400)["errorMessages"])


def keys(site: Site, jql: str) -> list[str]:
    return [issue["key"] for issue in validated(search(site, jql))["issues"]]


@pytest.mark.parametrize("clause", ["key", "issuekey", "issue", "parent"])
def test_an_unknown_issue_key_is_a_400_naming_it(site: Site, clause: str) -> None:
    missing = f"{a_project(site)}-99999"
    assert refused(site, f"{clause} = {missing}") == [
        f"An issue with key '{missing}' does not exist for field '{clause}'."
    ]
    assert refused(site, f"project = {a_project(site)} AND {clause} in ({missing})")


@covers("POST /rest/api/3/search/jql", flavors=("cloud",))
@covers("POST /rest/api/2/search", flavors=("datacenter",))
def test_issue_is_an_alias_of_issuekey(site: Site) -> None:
    key = new_issue(site, site.unique("Alias"))
    assert keys(site, f"issue = {key}") == keys(site, f"issuekey = {key}") == [key]


def test_an_unknown_user_is_a_400_not_an_empty_result(site: Site) -> None:
    assert refused(site, "assignee = nosuchperson") == [
        "The value 'nosuchperson' does not exist for the field 'assignee'."
    ]


def test_users_are_named_the_flavours_way(site: Site) -> None:
    project = a_project(site)
    accepted, refused_ref = (AMARA["accountId"], AMARA["name"]) if site.cloud else (AMARA["name"], AMARA["accountId"])
    keys(site, f"project = {project} AND assignee = {accepted}")  # a 200, whatever it finds
    keys(site, f'project = {project} AND reporter = "{AMARA["display"]}"')  # display names work on both
    assert refused(site, f"project = {project} AND assignee = {refused_ref}") == [
        f"The value '{refused_ref}' does not exist for the field 'assignee'."
    ]


def test_current_user_matches_the_caller_on_both_flavours(site: Site) -> None:
    me = site.session.get(site.api(site.versions[-1], "myself")).json()
    key = new_issue(
        site, site.unique("Mine"), assignee={"accountId": me["accountId"]} if site.cloud else {"name": me["name"]}
    )
    assert key in keys(site, f"project = {a_project(site)} AND assignee = currentUser()")


@pytest.mark.parametrize(
    ("jql", "what"),
    [
        ('status WAS "In Progress"', "the history operator 'WAS'"),
        ('status WAS NOT "Done"', "the history operator 'WAS'"),
        ("status CHANGED", "the history operator 'CHANGED'"),
        ("sprint in openSprints()", "the field 'sprint'"),
        ('assignee in membersOf("jira-users")', "the JQL function 'membersOf()'"),
        ("key in watchedIssues()", "the JQL function 'watchedIssues()'"),
    ],
)
def test_valid_jql_the_sandbox_lacks_is_refused_as_the_sandboxes_limitation(site: Site, jql: str, what: str) -> None:
    [message] = refused(site, f"project = {a_project(site)} AND {jql}")
    assert message.startswith(f"The pmo-bot sandbox does not support {what}.")
    assert "valid JQL on a real Jira site" in message


def test_a_misspelt_function_is_still_the_users_error(site: Site) -> None:
    [message] = refused(site, f"project = {a_project(site)} AND key in noSuchFunction()")
    assert "sandbox" not in message
