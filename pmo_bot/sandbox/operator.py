"""Operator endpoints under ``/_sandbox/``: health, reset, seed, the request log and fault injection.

They are not part of Atlassian's API and need no authentication, so tests can always steer the sandbox.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from pmo_bot.sandbox import views
from pmo_bot.sandbox.confluence.operations import check_space_grants
from pmo_bot.sandbox.faults import FaultSettings
from pmo_bot.sandbox.jira.grants import check_grants
from pmo_bot.sandbox.responses import JSONResponse
from pmo_bot.sandbox.site import Sandbox, SeedProfile, check_time_zone


class AccountBody(BaseModel):
    """``PUT /_sandbox/account``: the login's settings a test may change (members left out stay as they are)."""

    model_config = ConfigDict(extra="forbid")

    time_zone: str | None = None
    # Project key -> the permissions the login holds there (others keep theirs); {} restores the default grant.
    permissions: dict[str, list[str]] | None = None
    # Confluence space key -> "operation:targetType" strings the login may do there; {} restores the default.
    space_permissions: dict[str, list[str]] | None = None

    @field_validator("permissions")
    @classmethod
    def _grants(cls, value: dict[str, list[str]] | None) -> dict[str, list[str]] | None:
        if value is not None:
            check_grants(value)
        return value

    @field_validator("space_permissions")
    @classmethod
    def _space_grants(cls, value: dict[str, list[str]] | None) -> dict[str, list[str]] | None:
        if value is not None:
            check_space_grants(value)
        return value

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        return None if value is None else check_time_zone(value)


class SeedBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    profile: SeedProfile = "demo"
    issues: int | None = Field(None, ge=0, le=2_000_000)
    seed: int = 1


def _problem(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


async def _json_body(request: Request) -> Any:
    raw = await request.body()
    return json.loads(raw) if raw.strip() else {}


def routes(sandbox: Sandbox) -> list[BaseRoute]:
    async def health(_: Request) -> Response:
        jira = sandbox.jira
        return JSONResponse(
            {
                "status": "ok",
                "flavor": sandbox.flavor,
                "issues": len(jira.issues),
                "projects": len(jira.projects),
                "seed": {
                    "profile": sandbox.last_seed.profile,
                    "issues": sandbox.last_seed.issues,
                    "seed": sandbox.last_seed.seed,
                },
            }
        )

    async def reset(_: Request) -> Response:
        sandbox.reset()
        return await health(_)

    async def seed(request: Request) -> Response:
        try:
            body = SeedBody.model_validate(await _json_body(request))
        except (ValidationError, ValueError) as error:
            return _problem(400, f"bad seed request: {error}")
        sandbox.seed(body.profile, body.issues, body.seed)
        return await health(request)

    async def requests(request: Request) -> Response:
        raw = request.query_params.get("since", "0")
        if not raw.isdigit():
            return _problem(400, "since must be a request id (a non-negative integer)")
        entries = sandbox.log.since(int(raw))
        return JSONResponse({"requests": [e.to_json() for e in entries], "last_id": sandbox.log.last_id()})

    async def get_account(_: Request) -> Response:
        return JSONResponse(sandbox.account())

    async def put_account(request: Request) -> Response:
        try:
            body = AccountBody.model_validate(await _json_body(request))
        except (ValidationError, ValueError) as error:
            return _problem(400, f"bad account settings: {error}")
        with sandbox.lock:
            if body.time_zone is not None:
                sandbox.jira.time_zone = body.time_zone
            if body.permissions == {}:
                sandbox.jira.permissions = {}
            elif body.permissions is not None:
                sandbox.jira.permissions.update(check_grants(body.permissions))
            if body.space_permissions == {}:
                sandbox.confluence.space_operations = {}
            elif body.space_permissions is not None:
                sandbox.confluence.space_operations.update(check_space_grants(body.space_permissions))
            sandbox.jira.generation += 1  # cached search results depend on what the login may see
        return JSONResponse(sandbox.account())

    async def get_faults(_: Request) -> Response:
        return JSONResponse(sandbox.faults.settings.model_dump(mode="json"))

    async def put_faults(request: Request) -> Response:
        try:
            settings = FaultSettings.model_validate(await _json_body(request))
        except (ValidationError, ValueError) as error:
            return _problem(400, f"bad fault settings: {error}")
        sandbox.faults.configure(settings)
        return JSONResponse(settings.model_dump(mode="json"))

    async def delete_faults(_: Request) -> Response:
        sandbox.faults.configure(FaultSettings())
        return Response(status_code=204)

    return [
        Route("/_sandbox/health", health, methods=["GET"]),
        Route("/_sandbox/reset", reset, methods=["POST"]),
        Route("/_sandbox/seed", seed, methods=["POST"]),
        Route("/_sandbox/requests", requests, methods=["GET"]),
        Route("/_sandbox/account", get_account, methods=["GET"]),
        Route("/_sandbox/account", put_account, methods=["PUT"]),
        Route("/_sandbox/faults", get_faults, methods=["GET"]),
        Route("/_sandbox/faults", put_faults, methods=["PUT"]),
        Route("/_sandbox/faults", delete_faults, methods=["DELETE"]),
        *views.routes(sandbox),
    ]
