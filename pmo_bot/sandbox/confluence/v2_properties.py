"""v2 page properties (``/wiki/api/v2/pages/{page-id}/properties``), Cloud only, as in the C2 spec.

List (``key`` filter, ``sort`` by key, cursor paging), create, read, update and delete by property id. The spec
declares 400 (not 409) for refused writes, so a duplicate key and a stale version are 400 here.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from pmo_bot.sandbox.confluence.context import Ctx, SandboxLike, json_body, v2_endpoint
from pmo_bot.sandbox.confluence.errors import v2_error
from pmo_bot.sandbox.confluence.model import BadRequest, Conflict
from pmo_bot.sandbox.confluence.properties import ContentProperty
from pmo_bot.sandbox.confluence.v2_shapes import paged, version_json
from pmo_bot.sandbox.responses import JSONResponse


def _page_id(ctx: Ctx, request: Request) -> str:
    raw = request.path_params["id"]
    if not raw.isdigit():
        raise BadRequest(f"Invalid id: {raw}")
    return ctx.state.page(raw).id


def _property_id(request: Request) -> str:
    raw = request.path_params["property"]
    if not raw.isdigit():
        raise BadRequest(f"Invalid property id: {raw}")
    return str(raw)


def property_json(prop: ContentProperty) -> dict[str, Any]:
    return {"id": prop.id, "key": prop.key, "value": prop.value, "version": version_json(prop.version)}


async def list_properties(ctx: Ctx, request: Request) -> Response:
    page_id = _page_id(ctx, request)
    found = ctx.state.properties.of_page(page_id)
    key = request.query_params.get("key")
    if key is not None:
        found = [p for p in found if p.key == key]
    sort = request.query_params.get("sort")
    if sort not in (None, "key", "-key"):
        raise BadRequest(f"Invalid sort: {sort}")
    if sort == "-key":
        found.reverse()
    return paged(ctx, request, found, property_json)


async def create_property(ctx: Ctx, request: Request) -> Response:
    data = await json_body(request)
    if not isinstance(data, dict):
        return v2_error(400, "The body must be a content property")
    page_id = _page_id(ctx, request)
    try:
        prop = ctx.state.properties.create(
            page_id, data.get("key"), data.get("value"), missing="value" not in data, when=ctx.state.now(),
            by=ctx.user,
        )  # fmt: skip
    except Conflict as error:
        return v2_error(400, str(error))
    return JSONResponse(property_json(prop))


async def get_property(ctx: Ctx, request: Request) -> Response:
    page_id = _page_id(ctx, request)
    return JSONResponse(property_json(ctx.state.properties.get(page_id, _property_id(request))))


async def update_property(ctx: Ctx, request: Request) -> Response:
    data = await json_body(request)
    if not isinstance(data, dict) or "value" not in data:
        return v2_error(400, "The body must carry the property's value and version")
    page_id = _page_id(ctx, request)
    prop = ctx.state.properties.get(page_id, _property_id(request))
    if "key" in data and data["key"] != prop.key:
        return v2_error(400, "The key of a content property cannot be changed")
    raw_version = data.get("version")
    version: dict[str, Any] = raw_version if isinstance(raw_version, dict) else {}
    try:
        updated = ctx.state.properties.update(
            prop, data["value"], version.get("number"), message=str(version.get("message") or ""), minor=False,
            when=ctx.state.now(), by=ctx.user,
        )  # fmt: skip
    except Conflict as error:
        return v2_error(400, str(error))
    return JSONResponse(property_json(updated))


async def delete_property(ctx: Ctx, request: Request) -> Response:
    page_id = _page_id(ctx, request)
    ctx.state.properties.delete(ctx.state.properties.get(page_id, _property_id(request)))
    return Response(status_code=204)


def routes(sandbox: SandboxLike, root: str) -> list[BaseRoute]:
    def wrap(handler: Any) -> Any:
        return v2_endpoint(sandbox, handler)

    base = f"{root}/pages/{{id}}/properties"
    return [
        Route(base, wrap(list_properties), methods=["GET"]),
        Route(base, wrap(create_property), methods=["POST"]),
        Route(f"{base}/{{property}}", wrap(get_property), methods=["GET"]),
        Route(f"{base}/{{property}}", wrap(update_property), methods=["PUT"]),
        Route(f"{base}/{{property}}", wrap(delete_property), methods=["DELETE"]),
    ]
