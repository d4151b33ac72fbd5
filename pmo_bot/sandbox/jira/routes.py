"""Every Jira route, registered under ``/rest/api/2`` (both flavours) and ``/rest/api/3`` (Cloud only)."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from pmo_bot.sandbox.jira import changelogs, comments, issues, meta, permissions, properties, search, worklogs
from pmo_bot.sandbox.jira.context import endpoint
from pmo_bot.sandbox.site import Sandbox


def routes(sandbox: Sandbox) -> list[BaseRoute]:
    versions = ("2", "3") if sandbox.flavor == "cloud" else ("2",)
    table = [
        *meta.ROUTES,
        *permissions.ROUTES,
        *issues.ROUTES,
        *comments.ROUTES,
        *properties.ROUTES,
        *worklogs.ROUTES,
        *search.ROUTES,
    ]
    if sandbox.flavor == "cloud":  # Data Center has no enhanced search, approximate count, or changelog routes
        table += search.CLOUD_ROUTES + changelogs.CLOUD_ROUTES
    return [
        Route(f"/rest/api/{version}{suffix}", endpoint(sandbox, handler), methods=methods)
        for version in versions
        for methods, suffix, handler in table
    ]
