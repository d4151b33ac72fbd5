"""Issue search: Cloud's enhanced ``/search/jql`` (tokens), Data Center's ``/search`` (startAt/total), counts.

A query is evaluated once: the ordered issue ids are stored, and later pages are sliced from them. Cloud pages
carry an opaque ``nextPageToken`` naming the stored result; Data Center pages re-use a result cached by
``(jql, state generation)``. Page sizes follow Cloud's documented behaviour: ``maxResults`` defaults to 50, and
the server returns at most 5000 issues per page for id/key-only requests and at most 100 otherwise (the real
limit shrinks as more fields are requested; 100 is what ``*all``-style requests get).
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from starlette.responses import Response

from pmo_bot.sandbox.jira.catalogue import FieldDef
from pmo_bot.sandbox.jira.context import JiraCtx
from pmo_bot.sandbox.jira.errors import SEARCH_REMOVED, JiraHttpError, bad_request
from pmo_bot.sandbox.jira.issue_json import IssueRenderer, select_fields
from pmo_bot.sandbox.jira.records import Issue
from pmo_bot.sandbox.jira.resolver import JiraFieldResolver
from pmo_bot.sandbox.jira.search_body import check_cloud_search_body, check_dc_search_body
from pmo_bot.sandbox.jira.state import JiraState
from pmo_bot.sandbox.jql import JqlError, compile_query, parse
from pmo_bot.sandbox.jql.errors import UNBOUNDED_MESSAGE
from pmo_bot.sandbox.responses import JSONResponse

RouteSpec = tuple[list[str], str, Any]
DEFAULT_PAGE = 50
ID_ONLY_PAGE_CAP = 5000
FIELDS_PAGE_CAP = 100
DC_PAGE_CAP = 1000  # jira.search.views.default.max [UNCERTAIN]
BAD_TOKEN = "The provided next page token is invalid or expired."  # noqa: S105 - a message
# Query parameters each GET accepts (J3 for Cloud; Jira DC's REST reference); POST bodies: ``search_body``.
_ENHANCED_KEYS = frozenset(
    {
        "jql",
        "nextPageToken",
        "maxResults",
        "fields",
        "expand",
        "properties",
        "fieldsByKeys",
        "failFast",
        "reconcileIssues",
    }
)
_DC_KEYS = frozenset(
    {"jql", "startAt", "maxResults", "fields", "expand", "properties", "validateQuery", "fieldsByKeys"}
)


def evaluate(ctx: JiraCtx, jql: str, *, require_bounded: bool, fresh: frozenset[int] = frozenset()) -> list[int]:
    """Run a JQL query over the search index (which lags when the fault settings say so); ordered ids."""
    try:
        query = parse(jql)
        if require_bounded and not query.is_bounded:
            raise JqlError([UNBOUNDED_MESSAGE])
        zone = ZoneInfo(ctx.state.time_zone)  # Jira reads date literals in the searching user's zone
        compiled = compile_query(query, JiraFieldResolver(ctx.state), ctx.now, zone, current_user=ctx.user_ref)
    except JqlError as error:
        raise JiraHttpError(400, *error.messages) from None
    state = ctx.state
    hits = [
        view
        for view in _index_view(state, ctx.now, fresh)
        if compiled.matches(view) and (not state.permissions or state.browsable(view))
    ]
    return [issue.id for issue in compiled.sort(hits)]


def _index_view(state: JiraState, now: datetime, fresh: frozenset[int]) -> list[Issue]:
    if not state.stale:
        return state.issues
    views = []
    for issue in state.issues:
        view = issue if issue.id in fresh else state.search_view(issue, now)
        if view is not None:
            views.append(view)
    return views


def _page_issues(
    ctx: JiraCtx, ids: list[int], selected: list[FieldDef], options: dict[str, Any], fresh: frozenset[int]
) -> list[dict[str, Any]]:
    state = ctx.state
    view = IssueRenderer(state, ctx.api, cloud=ctx.cloud, version=ctx.version)
    expand, properties, want_key = options["expand"], options["properties"], options["want_key"]
    issues = []
    for ident in ids:
        current = state.by_id.get(ident)
        if current is None:
            continue
        shown = current if ident in fresh else state.search_view(current, ctx.now) or current
        if not selected and not expand and not properties:
            issues.append({"id": str(ident), "key": shown.key} if want_key else {"id": str(ident)})
        else:
            issues.append(view.issue(shown, selected, expand=expand, properties=properties))
    return issues


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    raise bad_request("Expected a list of strings.")


def _params(ctx: JiraCtx, allowed: frozenset[str]) -> dict[str, Any]:
    if ctx.request.method == "POST":
        body = ctx.json_object()
        if ctx.cloud:
            check_cloud_search_body(body)
        else:
            check_dc_search_body(body)
        return body
    query = ctx.request.query_params
    params: dict[str, Any] = {k: query.get(k) for k in allowed if query.get(k) is not None}
    for name in ("fields", "expand", "properties", "reconcileIssues"):
        if name in params:
            params[name] = ctx.list_query(name)
    return params


def _int(value: Any, name: str, default: int) -> int:
    if value is None or value == "":
        return default
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        raise bad_request(f"The value '{value}' is invalid for the parameter '{name}'.") from None


def _names_schema(data: dict[str, Any], selected: list[FieldDef], expand: list[str]) -> None:
    if "names" in expand:
        data["names"] = {f.id: f.name for f in selected}
    if "schema" in expand:
        data["schema"] = {f.id: f.schema for f in selected}


def enhanced_search(ctx: JiraCtx) -> Response:
    params = _params(ctx, _ENHANCED_KEYS)
    requested = _as_list(params.get("fields"))
    selected = select_fields(ctx.state, requested, "id")
    expand, properties = _as_list(params.get("expand")), _as_list(params.get("properties"))[:5]
    fresh = frozenset(int(i) for i in _as_list(params.get("reconcileIssues")) if str(i).isdigit())
    cap = ID_ONLY_PAGE_CAP if not selected and not expand and not properties else FIELDS_PAGE_CAP
    limit = min(_int(params.get("maxResults"), "maxResults", DEFAULT_PAGE), cap)
    store = ctx.state.search_results
    token = params.get("nextPageToken")
    if token:
        ident, offset = _decode_token(str(token))
        ids = store.by_token(ident)
        if ids is None:
            raise bad_request(BAD_TOKEN)
    else:
        ids = evaluate(ctx, str(params.get("jql") or ""), require_bounded=True, fresh=fresh)
        ident, offset = store.put_token(ids), 0
    page_ids = ids[offset : offset + limit]
    options = {"expand": expand, "properties": properties, "want_key": "key" in requested}
    data: dict[str, Any] = {"issues": _page_issues(ctx, page_ids, selected, options, fresh)}
    end = offset + len(page_ids)
    if end < len(ids):
        data["nextPageToken"] = _encode_token(ident, end)
    data["isLast"] = end >= len(ids)
    _names_schema(data, selected, expand)
    return JSONResponse(data)


def _encode_token(ident: str, offset: int) -> str:
    return base64.urlsafe_b64encode(f"{ident}:{offset}".encode()).decode().rstrip("=")


def _decode_token(token: str) -> tuple[str, int]:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        ident, _, offset = raw.partition(":")
        return ident, int(offset)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise bad_request(BAD_TOKEN) from None


def classic_search(ctx: JiraCtx) -> Response:
    """Data Center's ``/rest/api/2/search``; on Cloud it is gone (410)."""
    if ctx.cloud:
        return JSONResponse({"errorMessages": [SEARCH_REMOVED], "errors": {}}, status_code=410)
    params = _params(ctx, _DC_KEYS)
    jql = str(params.get("jql") or "")
    start = _int(params.get("startAt"), "startAt", 0)
    limit = min(_int(params.get("maxResults"), "maxResults", DEFAULT_PAGE), DC_PAGE_CAP)
    requested = _as_list(params.get("fields"))
    selected = select_fields(ctx.state, requested, "*navigable")
    expand, properties = _as_list(params.get("expand")), _as_list(params.get("properties"))
    store = ctx.state.search_results
    key = (jql, ctx.state.generation)
    ids = store.by_query(key) if not ctx.state.stale else None
    if ids is None:
        ids = evaluate(ctx, jql, require_bounded=False)
        store.put_query(key, ids)
    options = {"expand": expand, "properties": properties, "want_key": True}
    page = _page_issues(ctx, ids[start : start + limit], selected, options, frozenset())
    data: dict[str, Any] = {
        "expand": "schema,names",
        "startAt": start,
        "maxResults": limit,
        "total": len(ids),
        "issues": page,
    }
    _names_schema(data, selected, expand)
    return JSONResponse(data)


def approximate_count(ctx: JiraCtx) -> Response:
    body = ctx.json_object()
    return JSONResponse({"count": len(evaluate(ctx, str(body.get("jql") or ""), require_bounded=True))})


ROUTES: list[RouteSpec] = [(["GET", "POST"], "/search", classic_search)]
CLOUD_ROUTES: list[RouteSpec] = [
    (["GET", "POST"], "/search/jql", enhanced_search),
    (["POST"], "/search/approximate-count", approximate_count),
]
