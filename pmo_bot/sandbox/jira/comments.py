"""Comments: list (paginated, ordered), get, create (201), update (200), delete (204), and bulk by ids."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from pmo_bot.sandbox import markup
from pmo_bot.sandbox.jira.context import JiraCtx
from pmo_bot.sandbox.jira.errors import NO_COMMENT, JiraHttpError, bad_request, not_found
from pmo_bot.sandbox.jira.issues import find_issue, renderer
from pmo_bot.sandbox.jira.limits import check_text
from pmo_bot.sandbox.jira.records import Comment, Issue
from pmo_bot.sandbox.responses import JSONResponse

RouteSpec = tuple[list[str], str, Any]
DEFAULT_PAGE = 100
MAX_PAGE = 5000


def _comment(ctx: JiraCtx, issue: Issue) -> Comment:
    comment = ctx.state.comment_by_id(ctx.path("id"))
    if comment is None or comment.issue_id != issue.id:
        raise not_found(f"Can not find a comment for the id: {ctx.path('id')}.")
    return comment


def _body(ctx: JiraCtx, data: dict[str, Any]) -> markup.Body:
    """A comment body: ADF (validated against the schema) on v3, a wiki-markup string on v2."""
    body = data.get("body")
    if ctx.version == "3":
        if not isinstance(body, dict):
            raise bad_request(errors={"comment": "Comment body must be an Atlassian Document (ADF)."})
        problems = markup.adf_errors(body)
        if problems:
            raise bad_request(errors={"comment": "Invalid ADF document: " + "; ".join(problems)})
        if not markup.to_plain(body) and not body.get("content"):
            raise bad_request(errors={"comment": "Comment body can not be empty!"})
        check_text("comment", body)
        return body
    if not isinstance(body, str) or not body.strip():
        raise bad_request(errors={"comment": "Comment body can not be empty!"})
    check_text("comment", body)
    return body


def _properties(data: dict[str, Any]) -> dict[str, Any]:
    raw = data.get("properties") or []
    if not isinstance(raw, list) or not all(isinstance(p, dict) and isinstance(p.get("key"), str) for p in raw):
        raise bad_request("The comment properties must be a list of {key, value} objects.")
    return {p["key"]: p.get("value") for p in raw}


def _wants_properties(ctx: JiraCtx) -> bool:
    return "properties" in ctx.list_query("expand")


def list_comments(ctx: JiraCtx) -> Response:
    issue = find_issue(ctx)
    start = ctx.int_query("startAt", 0)
    limit = min(ctx.int_query("maxResults", DEFAULT_PAGE, low=0), MAX_PAGE)
    order = (ctx.query("orderBy") or "created").strip()
    comments = sorted(issue.comments, key=lambda c: (c.created, c.id), reverse=order.startswith("-"))
    view = renderer(ctx)
    wanted = _wants_properties(ctx)
    page = [view.comment(issue, c, properties=wanted) for c in comments[start : start + limit]]
    return JSONResponse({"startAt": start, "maxResults": limit, "total": len(comments), "comments": page})


def get_comment(ctx: JiraCtx) -> Response:
    issue = find_issue(ctx)
    comment = _comment(ctx, issue)
    return JSONResponse(renderer(ctx).comment(issue, comment, properties=_wants_properties(ctx)))


def create_comment(ctx: JiraCtx) -> Response:
    issue = find_issue(ctx)
    if not ctx.state.can(issue.project, "ADD_COMMENTS"):
        raise JiraHttpError(403, NO_COMMENT)
    data = ctx.json_object()
    body, properties = _body(ctx, data), _properties(data)
    comment = ctx.state.add_comment(issue, body, ctx.user.account_id, ctx.now)
    comment.properties.update(properties)
    shown = _wants_properties(ctx) or bool(properties)
    return JSONResponse(renderer(ctx).comment(issue, comment, properties=shown), status_code=201)


def _own(ctx: JiraCtx, issue: Issue, comment: Comment, verb: str) -> None:
    # Jira answers 400 (not 403) when the caller may not edit/delete this comment: someone else's without
    # "Edit/Delete All Comments", or its own without "Edit/Delete Own Comments".
    scope = "OWN" if comment.author == ctx.user.account_id else "ALL"
    if not ctx.state.can(issue.project, f"{verb.upper()}_{scope}_COMMENTS"):
        raise JiraHttpError(400, f"You do not have the permission to {verb} this comment.")


def update_comment(ctx: JiraCtx) -> Response:
    issue = find_issue(ctx)
    comment = _comment(ctx, issue)
    data = ctx.json_object()
    body, properties = _body(ctx, data), _properties(data)
    _own(ctx, issue, comment, "edit")
    ctx.bool_query("notifyUsers", True)  # accepted as true/false/False; notifications are not modelled
    comment.body = body
    comment.updated = ctx.now
    comment.update_author = ctx.user.account_id
    comment.properties.update(properties)
    ctx.state.touch(issue, ctx.now)
    return JSONResponse(renderer(ctx).comment(issue, comment, properties=_wants_properties(ctx)))


def delete_comment(ctx: JiraCtx) -> Response:
    issue = find_issue(ctx)
    comment = _comment(ctx, issue)
    _own(ctx, issue, comment, "delete")
    ctx.state.delete_comment(comment, ctx.now)
    return Response(status_code=204)


def comments_by_ids(ctx: JiraCtx) -> Response:
    """``POST /comment/list`` with ``{"ids": [...]}`` (at most 1000)."""
    ids = ctx.json_object().get("ids")
    if not isinstance(ids, list) or len(ids) > 1000:
        raise bad_request("The ids must be a list of at most 1000 comment ids.")
    view, wanted, values = renderer(ctx), _wants_properties(ctx), []
    for ident in ids:
        comment = ctx.state.comment_by_id(str(ident))
        if comment is not None and ctx.state.browsable(ctx.state.by_id[comment.issue_id]):
            values.append(view.comment(ctx.state.by_id[comment.issue_id], comment, properties=wanted))
    return JSONResponse({"maxResults": 1000, "startAt": 0, "total": len(values), "isLast": True, "values": values})


ROUTES: list[RouteSpec] = [
    (["GET"], "/issue/{key}/comment", list_comments),
    (["POST"], "/issue/{key}/comment", create_comment),
    (["GET"], "/issue/{key}/comment/{id}", get_comment),
    (["PUT"], "/issue/{key}/comment/{id}", update_comment),
    (["DELETE"], "/issue/{key}/comment/{id}", delete_comment),
    (["POST"], "/comment/list", comments_by_ids),
]
