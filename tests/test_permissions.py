"""Project permissions: what ``doctor`` reports and which comment writes a check sets aside."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import responses

from pmo_bot.check import _without_forbidden
from pmo_bot.comments.plan import CommentPolicy, plan_comments
from pmo_bot.errors import RemoteError
from pmo_bot.permissions import NEEDED, comment_blocks, read_access
from tests.atlassian.test_jira_adapter import BASE, client
from tests.factories import make_finding
from tests.sandbox.spec_validation import assert_jira_component


class PermissionsJira:
    flavor = "cloud"

    def __init__(self, denied: dict[str, set[str]], broken: set[str] = frozenset()) -> None:  # type: ignore[assignment]
        self.denied, self.broken = denied, broken
        self.asked: list[str] = []

    def my_permissions(self, project: str, keys: Sequence[str]) -> dict[str, bool]:
        self.asked.append(project)
        if project in self.broken:
            raise RemoteError("Jira answered HTTP 400 while reading the bot's permissions", status=400)
        return {key: key not in self.denied.get(project, set()) for key in keys}


def test_access_names_which_project_lacks_which_permission() -> None:
    jira = PermissionsJira({"OPS": {"ADD_COMMENTS", "EDIT_ISSUES"}}, broken={"OLD"})
    access = {a.project: a for a in read_access(jira, ["PAY", "OPS", "OLD", "PAY"])}  # type: ignore[arg-type]
    assert jira.asked == ["OLD", "OPS", "PAY"]  # once per project
    assert access["PAY"].missing == ()
    assert access["OPS"].missing == ("ADD_COMMENTS", "EDIT_ISSUES")
    assert access["OPS"].describe_missing() == (
        f"ADD_COMMENTS ({NEEDED['ADD_COMMENTS']}), EDIT_ISSUES ({NEEDED['EDIT_ISSUES']})"
    )
    assert access["OLD"].unknown is not None
    assert access["OLD"].may_comment  # unknown: assume yes, 403s are then counted per issue
    blocks = comment_blocks(list(access.values()))
    assert list(blocks) == ["OPS"]
    assert "missing ADD_COMMENTS (add comments)" in blocks["OPS"]


def test_a_check_sets_aside_the_writes_of_a_project_it_may_not_comment_in() -> None:
    findings = {
        "PAY-1": [make_finding(item_key="PAY-1")],
        "OPS-1": [make_finding(item_key="OPS-1")],
        "OPS-2": [make_finding(item_key="OPS-2")],
    }
    plan = plan_comments(findings, {}, CommentPolicy(), today=date(2026, 11, 28))
    jira = PermissionsJira({"OPS": {"ADD_COMMENTS"}})
    kept, skipped = _without_forbidden(jira, plan, {k: k.split("-")[0] for k in findings})  # type: ignore[arg-type]
    assert [p.issue_key for p in kept] == ["PAY-1"]
    assert skipped == {"OPS": {"writes": 2, "reason": comment_blocks(read_access(jira, ["OPS"]))["OPS"]}}  # type: ignore[arg-type]


def test_nothing_to_write_asks_nothing() -> None:
    jira = PermissionsJira({})
    assert _without_forbidden(jira, [], {}) == ([], {})  # type: ignore[arg-type]
    assert jira.asked == []


@responses.activate
def test_mypermissions_is_asked_per_project_with_the_permission_keys() -> None:
    answer = {
        "permissions": {
            "BROWSE_PROJECTS": {"id": "10", "key": "BROWSE_PROJECTS", "type": "PROJECT", "havePermission": True},
            "ADD_COMMENTS": {"id": "15", "key": "ADD_COMMENTS", "type": "PROJECT", "havePermission": False},
        }
    }
    assert_jira_component("Permissions", answer)
    responses.add(responses.GET, f"{BASE}/rest/api/2/mypermissions", json=answer)
    granted = client("cloud").my_permissions("PAY", ["BROWSE_PROJECTS", "ADD_COMMENTS", "EDIT_ISSUES"])
    assert granted == {"BROWSE_PROJECTS": True, "ADD_COMMENTS": False, "EDIT_ISSUES": False}
    url = responses.calls[0].request.url or ""
    assert "projectKey=PAY" in url
    assert "permissions=BROWSE_PROJECTS,ADD_COMMENTS,EDIT_ISSUES" in url
