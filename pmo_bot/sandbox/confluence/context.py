"""Per-request facts the handlers need: flavour, URL prefix, base URL, acting user; plus request helpers."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from starlette.requests import Request
from starlette.responses import Response

from pmo_bot.sandbox.confluence.errors import v1_error, v1_from, v2_error, v2_from
from pmo_bot.sandbox.confluence.model import ConfluenceStateError
from pmo_bot.sandbox.confluence.state import ConfluenceState

DEFAULT_USER = "pmo-bot@example.com"


class _Config(Protocol):
    @property
    def flavor(self) -> str: ...

    @property
    def confluence_prefix(self) -> str: ...


class SandboxLike(Protocol):
    """What the routes need of H1's ``pmo_bot.sandbox.site.Sandbox``."""

    @property
    def config(self) -> _Config: ...

    @property
    def confluence(self) -> ConfluenceState: ...


@dataclass(frozen=True, slots=True)
class Ctx:
    flavor: str  # "cloud" | "datacenter"
    prefix: str  # "/wiki" on cloud, "" on DC
    host: str  # "http://127.0.0.1:8080"
    user: str
    state: ConfluenceState

    @property
    def cloud(self) -> bool:
        return self.flavor == "cloud"

    @property
    def base(self) -> str:
        return self.host + self.prefix


def make_ctx(sandbox: SandboxLike, request: Request) -> Ctx:
    config = sandbox.config
    user = str(getattr(config, "user", DEFAULT_USER) or DEFAULT_USER)
    host = f"{request.url.scheme}://{request.url.netloc}"
    return Ctx(config.flavor, config.confluence_prefix, host, user, sandbox.confluence)


def stamp(when: datetime) -> str:
    """Confluence's timestamp form: ``2026-11-20T09:58:12.345Z``."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


def user_json(ctx: Ctx, who: str) -> dict[str, Any]:
    name = who.split("@", 1)[0]
    display = name.replace(".", " ").replace("-", " ").title()
    if ctx.cloud:
        return {
            "type": "known",
            "accountId": who,
            "accountType": "atlassian",
            "email": who if "@" in who else "",
            "publicName": display,
            "displayName": display,
            "isExternalCollaborator": False,
        }
    return {"type": "known", "username": name, "userKey": name, "displayName": display}


async def json_body(request: Request) -> Any:
    """The decoded JSON body, or None when the body is empty; raises ValueError on invalid JSON."""
    raw = await request.body()
    if not raw.strip():
        return None
    return json.loads(raw)


def int_param(request: Request, name: str, default: int, *, low: int = 0, high: int | None = None) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    value = int(raw)  # ValueError is mapped to 400 by the caller
    value = max(value, low)
    return min(value, high) if high is not None else value


def multi_param(request: Request, name: str) -> list[str]:
    """Array query parameters arrive repeated or comma-joined; accept both."""
    values: list[str] = []
    for raw in request.query_params.getlist(name):
        values.extend(part for part in raw.split(",") if part)
    return values


Handler = Callable[[Ctx, Request], Awaitable[Response]]
Endpoint = Callable[[Request], Awaitable[Response]]


def v1_endpoint(sandbox: SandboxLike, handler: Handler) -> Endpoint:
    """Wrap a handler: build its context; state refusals and bad parameters become v1 error bodies."""

    async def endpoint(request: Request) -> Response:
        try:
            return await handler(make_ctx(sandbox, request), request)
        except ConfluenceStateError as exc:
            return v1_from(exc)
        except ValueError as exc:
            return v1_error(400, str(exc) or "Bad request")

    return endpoint


def v2_endpoint(sandbox: SandboxLike, handler: Handler) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        try:
            return await handler(make_ctx(sandbox, request), request)
        except ConfluenceStateError as exc:
            return v2_from(exc)
        except ValueError as exc:
            return v2_error(400, str(exc) or "Bad request")

    return endpoint
