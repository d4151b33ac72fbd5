"""The login's project permissions, configurable per project, served by ``mypermissions`` and enforced.

By default the login holds every project permission below in every project. A test narrows that per project
(``start_sandbox(permissions=...)``, ``PUT /_sandbox/account``): ``{"CRM": ["BROWSE_PROJECTS"]}`` lets the bot
see CRM but not comment there; ``{"CRM": []}`` hides CRM. Enforcement follows what real Jira does:

- no Browse: the project and its issues do not exist for the caller (issue routes 404 "Issue does not exist or
  you do not have permission to see it.", search leaves them out, JQL naming the project is a 400, project GET
  404), as Jira never reveals what one cannot browse;
- no Add Comments: ``POST .../comment`` is a 403 "You do not have the permission to comment on this issue.";
- no Edit Own Comments / Delete Own Comments: editing or deleting the bot's comment is refused as for someone
  else's comment (400, ``comments._own``);
- no Edit Issues: issue property writes and issue edits are a 403.

``GET /mypermissions`` answers J3's ``Permissions`` shape: ``permissions`` is required on Cloud (400 without;
J3), optional on Data Center (all of them); without a project or issue a permission is held if it is held in
any project (J3's description); an unknown project or issue is a 404.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from pmo_bot.sandbox.jira.context import JiraCtx
from pmo_bot.sandbox.jira.errors import NO_COMMENT, NO_EDIT, JiraHttpError, bad_request, not_found
from pmo_bot.sandbox.jira.grants import PROJECT_PERMISSIONS, granted
from pmo_bot.sandbox.jira.records import Issue
from pmo_bot.sandbox.responses import JSONResponse

RouteSpec = tuple[list[str], str, Any]


def can(ctx: JiraCtx, project: str, permission: str) -> bool:
    return ctx.state.can(project, permission)


def require(ctx: JiraCtx, issue: Issue, permission: str) -> None:
    """Refuse an action on a visible issue: 403 with Jira's message."""
    if not can(ctx, issue.project, permission):
        raise JiraHttpError(403, NO_COMMENT if permission == "ADD_COMMENTS" else NO_EDIT)


def _permission_json(key: str, have: bool) -> dict[str, Any]:
    ident, name, description = PROJECT_PERMISSIONS[key]
    return {
        "id": ident,
        "key": key,
        "name": name,
        "type": "PROJECT",
        "description": description,
        "havePermission": have,
    }


def _context_project(ctx: JiraCtx) -> str | None:
    """The project the query names (by project or issue), or None for the global context; 404 if unknown."""
    issue_ref = ctx.query("issueId") or ctx.query("issueKey")
    if issue_ref:
        issue = ctx.state.issue(issue_ref)
        if issue is None or not can(ctx, issue.project, "BROWSE_PROJECTS"):
            raise not_found()
        return issue.project
    project_ref = ctx.query("projectId") or ctx.query("projectKey")
    if project_ref:
        for project in ctx.state.projects.values():
            named = project_ref.upper() == project.key or project_ref == str(project.id)
            if named and can(ctx, project.key, "BROWSE_PROJECTS"):
                return project.key
        raise not_found(f"No project could be found with key '{project_ref}'.")
    return None


def my_permissions(ctx: JiraCtx) -> Response:
    keys = ctx.list_query("permissions")
    if not keys:
        if ctx.cloud:
            raise bad_request("The 'permissions' query parameter is required.")  # J3: "(Required)"
        keys = list(PROJECT_PERMISSIONS)
    unknown = [k for k in keys if k not in PROJECT_PERMISSIONS]
    if unknown:
        raise bad_request(f"Permission key '{unknown[0]}' is invalid.")  # UNCERTAIN: exact wording
    project = _context_project(ctx)
    grants = ctx.state.permissions
    if project is None:
        held = {k for p in ctx.state.projects for k in granted(grants, p)}
    else:
        held = set(granted(grants, project))
    return JSONResponse({"permissions": {k: _permission_json(k, k in held) for k in dict.fromkeys(keys)}})


ROUTES: list[RouteSpec] = [(["GET"], "/mypermissions", my_permissions)]
