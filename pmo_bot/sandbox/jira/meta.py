"""Site metadata: serverInfo, myself, field, project, issuetype, status, statuscategory, priority."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from pmo_bot.sandbox.jira import vocab
from pmo_bot.sandbox.jira.catalogue import ISSUE_TYPE_IDS, PRIORITIES, STATUS_CATEGORIES, STATUS_IDS
from pmo_bot.sandbox.jira.context import JiraCtx
from pmo_bot.sandbox.jira.errors import JiraHttpError, not_found
from pmo_bot.sandbox.jira.formats import jira_time
from pmo_bot.sandbox.jira.records import Project
from pmo_bot.sandbox.responses import JSONResponse

RouteSpec = tuple[list[str], str, Any]


def server_info(ctx: JiraCtx) -> Response:
    cloud = ctx.cloud
    version = [1001, 0, 0] if cloud else [9, 12, 15]
    return JSONResponse(
        {
            "baseUrl": ctx.base,
            "displayUrl": ctx.base,
            "version": ".".join(map(str, version)) + ("-SNAPSHOT" if cloud else ""),
            "versionNumbers": version,
            "deploymentType": "Cloud" if cloud else "Server",
            "buildNumber": 100294 if cloud else 9120015,
            "buildDate": "2026-11-02T00:00:00.000+0000",
            "serverTime": jira_time(ctx.now),
            "scmInfo": "3f2e5d8c4b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e",
            "serverTitle": "Jira" if cloud else "Jira Sandbox",
        }
    )


def myself(ctx: JiraCtx) -> Response:
    zone = ctx.state.time_zone
    return JSONResponse(vocab.user_json(ctx.api, ctx.user, cloud=ctx.cloud, full=True, time_zone=zone))


def fields(ctx: JiraCtx) -> Response:
    return JSONResponse([f.to_json() for f in ctx.state.fields])


def _project(ctx: JiraCtx) -> Project:
    ref = ctx.path("key")
    for project in _visible(ctx):
        if ref.upper() == project.key or ref == str(project.id):
            return project
    raise not_found(f"No project could be found with key '{ref}'.")


def _project_json(ctx: JiraCtx, project: Project, full: bool) -> dict[str, Any]:
    return vocab.project_json(ctx.api, project, ctx.state.user(project.lead), cloud=ctx.cloud, full=full)


def _visible(ctx: JiraCtx) -> list[Project]:
    """The projects the login may browse: Jira lists and finds no others."""
    return [p for p in ctx.state.projects.values() if ctx.state.can(p.key, "BROWSE_PROJECTS")]


def projects(ctx: JiraCtx) -> Response:
    return JSONResponse([_project_json(ctx, p, False) for p in _visible(ctx)])


def project(ctx: JiraCtx) -> Response:
    return JSONResponse(_project_json(ctx, _project(ctx), True))


def project_search(ctx: JiraCtx) -> Response:
    """Cloud's paginated ``GET /project/search``."""
    start, limit = ctx.int_query("startAt", 0), ctx.int_query("maxResults", 50, low=1)
    items = _visible(ctx)
    page = items[start : start + limit]
    return JSONResponse(
        {
            "self": str(ctx.request.url),
            "maxResults": limit,
            "startAt": start,
            "total": len(items),
            "isLast": start + limit >= len(items),
            "values": [_project_json(ctx, p, False) for p in page],
        }
    )


def issue_types(ctx: JiraCtx) -> Response:
    return JSONResponse([vocab.issue_type_json(ctx.api, name) for name in ISSUE_TYPE_IDS])


def issue_type(ctx: JiraCtx) -> Response:
    ident = ctx.path("id")
    for name, type_id in ISSUE_TYPE_IDS.items():
        if type_id == ident:
            return JSONResponse(vocab.issue_type_json(ctx.api, name))
    raise not_found("The issue type ID is invalid.")


def statuses(ctx: JiraCtx) -> Response:
    return JSONResponse([vocab.status_json(ctx.api, name) for name in STATUS_IDS])


def status(ctx: JiraCtx) -> Response:
    ref = ctx.path("ref")
    for name, ident in STATUS_IDS.items():
        if ref in (ident, name) or ref.lower() == name.lower():
            return JSONResponse(vocab.status_json(ctx.api, name))
    raise JiraHttpError(404, f"The status with id '{ref}' does not exist")


def status_categories(ctx: JiraCtx) -> Response:
    return JSONResponse([vocab.status_category_json(ctx.api, key) for key in STATUS_CATEGORIES])


def priorities(ctx: JiraCtx) -> Response:
    return JSONResponse([vocab.priority_json(ctx.api, name) for name in PRIORITIES])


ROUTES: list[RouteSpec] = [
    (["GET"], "/serverInfo", server_info),
    (["GET"], "/myself", myself),
    (["GET"], "/field", fields),
    (["GET"], "/project", projects),
    (["GET"], "/project/search", project_search),
    (["GET"], "/project/{key}", project),
    (["GET"], "/issuetype", issue_types),
    (["GET"], "/issuetype/{id}", issue_type),
    (["GET"], "/status", statuses),
    (["GET"], "/status/{ref}", status),
    (["GET"], "/statuscategory", status_categories),
    (["GET"], "/priority", priorities),
]
