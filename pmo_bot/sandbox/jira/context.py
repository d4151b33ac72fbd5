"""What a Jira handler receives, and the wrapper that makes a synchronous handler an atomic endpoint.

A handler is a plain function ``(ctx) -> Response``. The wrapper awaits the request body first, then runs the
handler under ``Sandbox.lock`` without awaiting anything, so each request's state change is atomic.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from pmo_bot.sandbox.faults import WRITE_METHODS
from pmo_bot.sandbox.jira.errors import JiraHttpError, bad_request
from pmo_bot.sandbox.jira.records import Issue, User
from pmo_bot.sandbox.jira.state import JiraState, now_utc
from pmo_bot.sandbox.site import Sandbox

Handler = Callable[["JiraCtx"], Response]
Endpoint = Callable[[Request], Awaitable[Response]]


@dataclass(slots=True)
class JiraCtx:
    sandbox: Sandbox
    request: Request
    body: bytes
    now: datetime

    @property
    def state(self) -> JiraState:
        return self.sandbox.jira

    @property
    def cloud(self) -> bool:
        return self.sandbox.flavor == "cloud"

    @property
    def version(self) -> str:
        """ "2" or "3" from ``/rest/api/{version}/...``."""
        return self.request.url.path.split("/")[3]

    @property
    def base(self) -> str:
        return f"{self.request.url.scheme}://{self.request.url.netloc}"

    @property
    def api(self) -> str:
        return f"{self.base}/rest/api/{self.version}"

    @property
    def user(self) -> User:
        return self.state.bot

    @property
    def user_ref(self) -> str:
        """How JQL names the caller: accountId on Cloud, username on Data Center."""
        return self.user.account_id if self.cloud else self.user.name

    def visible_issues(self, refs: Iterable[str]) -> list[Issue]:
        """The issues that ids or keys name, once each, in order; unknown or unbrowsable ones are left out."""
        found: dict[int, Issue] = {}
        for ref in refs:
            issue = self.state.browsable(self.state.issue(str(ref)))
            if issue is not None:
                found.setdefault(issue.id, issue)
        return list(found.values())

    def path(self, name: str) -> str:
        return str(self.request.path_params[name])

    def query(self, name: str, default: str | None = None) -> str | None:
        return self.request.query_params.get(name, default)

    def int_query(self, name: str, default: int, *, low: int = 0) -> int:
        raw = self.request.query_params.get(name)
        if raw is None or raw == "":
            return default
        try:
            return max(low, int(raw))
        except ValueError:
            raise bad_request(f"The value '{raw}' is invalid for the parameter '{name}'.") from None

    def bool_query(self, name: str, default: bool) -> bool:
        """Java parses booleans case-insensitively: ``false``, ``False`` and ``FALSE`` all work."""
        raw = self.request.query_params.get(name)
        return default if raw is None else raw.strip().lower() == "true"

    def list_query(self, name: str) -> list[str]:
        values: list[str] = []
        for raw in self.request.query_params.getlist(name):
            values.extend(part.strip() for part in raw.split(",") if part.strip())
        return values

    def json(self) -> Any:
        if not self.body.strip():
            raise bad_request("No content to map due to end-of-input")
        try:
            return json.loads(self.body)
        except ValueError as error:
            raise bad_request(f"Unexpected character in the request body: {error}") from None

    def json_object(self) -> dict[str, Any]:
        data = self.json()
        if not isinstance(data, dict):
            raise bad_request("The request body must be a JSON object.")
        return data


def _label_search_lag(request: Request) -> None:
    """The request log names a search answered from a lagging index, unless another fault was served."""
    labels = request.scope.setdefault("state", {})
    if labels.get("fault") in (None, "latency"):
        labels["fault"] = "search-lag"


def endpoint(sandbox: Sandbox, handler: Handler) -> Endpoint:
    async def run(request: Request) -> Response:
        body = await request.body()
        with sandbox.lock:
            ctx = JiraCtx(sandbox, request, body, now_utc())
            state = sandbox.jira
            state.search_lag = sandbox.faults.settings.search_lag_seconds
            if request.method in WRITE_METHODS and "key" in request.path_params:
                state.freeze(state.issue(str(request.path_params["key"])), ctx.now)
            lagged = state.lagged_views
            try:
                return handler(ctx)
            except JiraHttpError as error:
                return error.response()
            finally:
                if state.lagged_views != lagged:
                    _label_search_lag(request)

    run.__name__ = handler.__name__
    return run
