"""Compose the sandbox's ASGI app: Jira routes, Confluence routes, operator routes, then the middleware."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware

from pmo_bot.sandbox import operator
from pmo_bot.sandbox.confluence.routes import routes as confluence_routes
from pmo_bot.sandbox.jira.routes import routes as jira_routes
from pmo_bot.sandbox.middleware import (
    AuthMiddleware,
    FaultMiddleware,
    RequestLogMiddleware,
    silence_dropped_connection_logs,
)
from pmo_bot.sandbox.site import Sandbox


def build_app(sandbox: Sandbox) -> Starlette:
    silence_dropped_connection_logs()
    app = Starlette(
        routes=[*operator.routes(sandbox), *jira_routes(sandbox), *confluence_routes(sandbox)],
        # Starlette applies the list outside-in: the log sees every request, auth runs before any fault.
        middleware=[
            Middleware(RequestLogMiddleware, sandbox=sandbox),
            Middleware(AuthMiddleware, sandbox=sandbox),
            Middleware(FaultMiddleware, sandbox=sandbox),
        ],
    )
    app.state.sandbox = sandbox
    return app
