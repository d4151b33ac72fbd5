"""GET, POST and PUT ``/issue`` (the issue's history: ``changelogs``)."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from pmo_bot.sandbox.jira.catalogue import ISSUE_TYPE_IDS, hierarchy_level
from pmo_bot.sandbox.jira.context import JiraCtx
from pmo_bot.sandbox.jira.edits import EditContext, Editor
from pmo_bot.sandbox.jira.errors import NO_EDIT, JiraHttpError, bad_request, not_found
from pmo_bot.sandbox.jira.issue_json import EPIC_NAME, IssueRenderer, select_fields
from pmo_bot.sandbox.jira.limits import SUMMARY_LIMIT
from pmo_bot.sandbox.jira.records import Issue
from pmo_bot.sandbox.responses import JSONResponse

RouteSpec = tuple[list[str], str, Any]


def renderer(ctx: JiraCtx) -> IssueRenderer:
    return IssueRenderer(ctx.state, ctx.api, cloud=ctx.cloud, version=ctx.version)


def find_issue(ctx: JiraCtx, name: str = "key") -> Issue:
    issue = ctx.state.browsable(ctx.state.issue(ctx.path(name)))
    if issue is None:  # unknown, or in a project the login may not browse: Jira answers alike
        raise not_found()
    return issue


def editor(ctx: JiraCtx) -> Editor:
    return Editor(EditContext(ctx.state, adf=ctx.version == "3", cloud=ctx.cloud), ctx.user.account_id)


def get_issue(ctx: JiraCtx) -> Response:
    issue = find_issue(ctx)
    selected = select_fields(ctx.state, ctx.list_query("fields"), "*all")
    data = renderer(ctx).issue(
        issue, selected, expand=ctx.list_query("expand"), properties=ctx.list_query("properties")
    )
    return JSONResponse(data)


def create_issue(ctx: JiraCtx) -> Response:
    body = ctx.json_object()
    fields = dict(body.get("fields") or {})
    state = ctx.state
    project_ref = fields.pop("project", None) or {}
    project = next(
        (
            p
            for p in state.projects.values()
            if project_ref.get("key") == p.key or str(project_ref.get("id")) == str(p.id)
        ),
        None,
    )
    type_ref = fields.pop("issuetype", None) or {}
    issue_type = next(
        (n for n, i in ISSUE_TYPE_IDS.items() if type_ref.get("name") == n or str(type_ref.get("id")) == i), None
    )
    errors: dict[str, str] = {}
    if project is None:
        errors["project"] = "Specify a valid project ID or key"
    if issue_type is None:
        errors["issuetype"] = "Specify an issue type"
    summary = fields.pop("summary", None)
    if not isinstance(summary, str) or not summary.strip():
        errors["summary"] = "You must specify a summary of the issue."
    elif len(summary.strip()) > SUMMARY_LIMIT:
        errors["summary"] = f"Summary must be less than {SUMMARY_LIMIT} characters."
    if not ctx.cloud and issue_type == "Epic" and not fields.get(EPIC_NAME):
        errors[EPIC_NAME] = "Epic Name is required."
    if issue_type and hierarchy_level(issue_type) == -1 and not fields.get("parent"):
        errors["parent"] = "Sub-tasks must have a parent."
    if errors:
        raise bad_request(errors=errors)
    assert project is not None
    assert issue_type is not None
    assert isinstance(summary, str)
    # Validate the remaining fields against a scratch issue first, so a 400 creates nothing.
    scratch = Issue(0, f"{project.key}-0", project.key, issue_type, summary, "To Do", ctx.now, ctx.user.account_id)
    setters = editor(ctx).plan(scratch, {"fields": fields, "update": body.get("update") or {}})
    issue = state.create_issue(project.key, issue_type, summary.strip(), ctx.now)
    for setter in setters:
        setter(issue)
    properties = body.get("properties")
    if isinstance(properties, list):
        for prop in properties:
            if isinstance(prop, dict) and "key" in prop:
                issue.properties[str(prop["key"])] = prop.get("value")
    return JSONResponse({"id": str(issue.id), "key": issue.key, "self": f"{ctx.api}/issue/{issue.id}"}, 201)


def edit_issue(ctx: JiraCtx) -> Response:
    issue = find_issue(ctx)
    if not ctx.state.can(issue.project, "EDIT_ISSUES"):
        raise JiraHttpError(403, NO_EDIT)
    body = ctx.json_object()
    ctx.bool_query("notifyUsers", True)  # accepted (true/false/False); notifications are not modelled
    setters = editor(ctx).plan(issue, body)
    items = [item for setter in setters for item in setter(issue)]
    properties = body.get("properties")
    if isinstance(properties, list):
        for prop in properties:
            if isinstance(prop, dict) and "key" in prop:
                issue.properties[str(prop["key"])] = prop.get("value")
    if items or properties:
        ctx.state.record(issue, items, ctx.user.account_id, ctx.now)
        ctx.state.touch(issue, ctx.now)
    if ctx.cloud and ctx.bool_query("returnIssue", False):
        selected = select_fields(ctx.state, [], "*all")
        return JSONResponse(renderer(ctx).issue(issue, selected))
    return Response(status_code=204)


ROUTES: list[RouteSpec] = [
    (["POST"], "/issue", create_issue),
    (["GET"], "/issue/{key}", get_issue),
    (["PUT"], "/issue/{key}", edit_issue),
]
