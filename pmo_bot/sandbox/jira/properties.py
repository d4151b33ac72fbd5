"""Issue and comment entity properties: raw JSON bodies, 201 on create, 200 on update, 32 768 bytes at most."""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

from pmo_bot.sandbox.jira.context import JiraCtx
from pmo_bot.sandbox.jira.errors import (
    NO_EDIT,
    PROPERTY_MAX_BYTES,
    PROPERTY_TOO_LONG,
    JiraHttpError,
    bad_request,
    not_found,
)
from pmo_bot.sandbox.jira.issues import find_issue
from pmo_bot.sandbox.responses import JSONResponse

RouteSpec = tuple[list[str], str, Any]
MAX_KEY_LENGTH = 255


def _comment_owner(ctx: JiraCtx) -> tuple[dict[str, Any], str]:
    comment = ctx.state.comment_by_id(ctx.path("id"))
    if comment is None or not ctx.state.browsable(ctx.state.by_id[comment.issue_id]):
        raise not_found(f"Can not find a comment for the id: {ctx.path('id')}.")
    return comment.properties, f"{ctx.api}/comment/{comment.id}/properties"


def _issue_owner(ctx: JiraCtx) -> tuple[dict[str, Any], str]:
    issue = find_issue(ctx)
    return issue.properties, f"{ctx.api}/issue/{issue.id}/properties"


def _value(ctx: JiraCtx) -> Any:
    if len(ctx.body) > PROPERTY_MAX_BYTES:
        raise bad_request(PROPERTY_TOO_LONG)
    if not ctx.body.strip():
        raise bad_request("The property value must be a valid, non-empty JSON value.")
    try:
        return json.loads(ctx.body)
    except ValueError:
        raise bad_request("The property value must be a valid, non-empty JSON value.") from None


def _missing(key: str) -> JiraHttpError:
    return not_found(f"The property with key '{key}' does not exist.")


def _may_write(ctx: JiraCtx) -> None:
    """Writing an entity property needs "Edit Issues" in the issue's project (403 otherwise)."""
    if "key" in ctx.request.path_params:
        project = find_issue(ctx).project
    else:
        comment = ctx.state.comment_by_id(ctx.path("id"))
        project = ctx.state.by_id[comment.issue_id].project if comment else ""
    if not ctx.state.can(project, "EDIT_ISSUES"):
        raise JiraHttpError(403, NO_EDIT)


def _make(owner: Any, *, touches_issue: bool) -> dict[str, Any]:
    def list_keys(ctx: JiraCtx) -> Response:
        properties, base = owner(ctx)
        return JSONResponse({"keys": [{"self": f"{base}/{k}", "key": k} for k in properties]})

    def get(ctx: JiraCtx) -> Response:
        properties, _ = owner(ctx)
        key = ctx.path("prop")
        if key not in properties:
            raise _missing(key)
        return JSONResponse({"key": key, "value": properties[key]})

    def put(ctx: JiraCtx) -> Response:
        properties, _ = owner(ctx)
        _may_write(ctx)
        key = ctx.path("prop")
        if len(key) > MAX_KEY_LENGTH:
            raise bad_request(f"The property key cannot be longer than {MAX_KEY_LENGTH} characters.")
        value = _value(ctx)
        created = key not in properties
        properties[key] = value
        if touches_issue:  # setting an issue property bumps the issue's ``updated``, as on real Jira
            ctx.state.touch(find_issue(ctx), ctx.now)
        return Response(status_code=201 if created else 200)

    def delete(ctx: JiraCtx) -> Response:
        properties, _ = owner(ctx)
        _may_write(ctx)
        key = ctx.path("prop")
        if key not in properties:
            raise _missing(key)
        del properties[key]
        if touches_issue:
            ctx.state.touch(find_issue(ctx), ctx.now)
        return Response(status_code=204)

    return {"list": list_keys, "get": get, "put": put, "delete": delete}


_ISSUE = _make(_issue_owner, touches_issue=True)
_COMMENT = _make(_comment_owner, touches_issue=False)

ROUTES: list[RouteSpec] = [
    (["GET"], "/issue/{key}/properties", _ISSUE["list"]),
    (["GET"], "/issue/{key}/properties/{prop}", _ISSUE["get"]),
    (["PUT"], "/issue/{key}/properties/{prop}", _ISSUE["put"]),
    (["DELETE"], "/issue/{key}/properties/{prop}", _ISSUE["delete"]),
    (["GET"], "/comment/{id}/properties", _COMMENT["list"]),
    (["GET"], "/comment/{id}/properties/{prop}", _COMMENT["get"]),
    (["PUT"], "/comment/{id}/properties/{prop}", _COMMENT["put"]),
    (["DELETE"], "/comment/{id}/properties/{prop}", _COMMENT["delete"]),
]
