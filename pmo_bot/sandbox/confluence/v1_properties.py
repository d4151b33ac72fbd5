"""v1 content properties (``/rest/api/content/{id}/property``), both flavours: list, create, read, update, delete.

Shapes follow Atlassian's v1 reference ("Content properties"): ``{id, key, value, version{when, message,
number, minorEdit}, _links, _expandable}``; a duplicate key on create and a version that is not current + 1 on
update are 409; ``PUT`` of a missing key creates it when the version is 1, as Cloud documents.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from pmo_bot.sandbox.confluence.context import Ctx, SandboxLike, int_param, json_body, stamp, v1_endpoint
from pmo_bot.sandbox.confluence.errors import v1_error
from pmo_bot.sandbox.confluence.model import NotFound
from pmo_bot.sandbox.confluence.properties import ContentProperty
from pmo_bot.sandbox.responses import JSONResponse


def property_json(ctx: Ctx, prop: ContentProperty) -> dict[str, Any]:
    v = prop.version
    base = f"{ctx.base}/rest/api/content/{prop.page_id}"
    return {
        "id": prop.id,
        "key": prop.key,
        "value": prop.value,
        "version": {"when": stamp(v.when), "message": v.message, "number": v.number, "minorEdit": v.minor_edit},
        "_links": {"self": f"{base}/property/{prop.key}", "base": ctx.base},
        "_expandable": {"content": f"/rest/api/content/{prop.page_id}"},
    }


async def list_properties(ctx: Ctx, request: Request) -> Response:
    page = ctx.state.page(request.path_params["id"])
    start = int_param(request, "start", 0)
    limit = int_param(request, "limit", 10, low=1, high=200)
    found = ctx.state.properties.of_page(page.id)
    chosen = found[start : start + limit]
    links: dict[str, str] = {"base": ctx.base, "self": f"{ctx.base}/rest/api/content/{page.id}/property"}
    if start + limit < len(found):
        links["next"] = f"/rest/api/content/{page.id}/property?start={start + limit}&limit={limit}"
    results = [property_json(ctx, p) for p in chosen]
    return JSONResponse({"results": results, "start": start, "limit": limit, "size": len(results), "_links": links})


async def _object(request: Request) -> dict[str, Any] | None:
    data = await json_body(request)
    return data if isinstance(data, dict) else None


async def create_property(ctx: Ctx, request: Request) -> Response:
    data = await _object(request)
    if data is None:
        return v1_error(400, "A content property must be a JSON object with a key and a value")
    page = ctx.state.page(request.path_params["id"])
    now = ctx.state.now()
    prop = ctx.state.properties.create(
        page.id, data.get("key"), data.get("value"), missing="value" not in data, when=now, by=ctx.user
    )
    return JSONResponse(property_json(ctx, prop))


async def get_property(ctx: Ctx, request: Request) -> Response:
    page = ctx.state.page(request.path_params["id"])
    return JSONResponse(property_json(ctx, ctx.state.properties.by_key(page.id, request.path_params["key"])))


async def update_property(ctx: Ctx, request: Request) -> Response:
    data = await _object(request)
    if data is None or "value" not in data:
        return v1_error(400, "A content property update must be a JSON object with a value and a version")
    page = ctx.state.page(request.path_params["id"])
    key = request.path_params["key"]
    raw_version = data.get("version")
    version: dict[str, Any] = raw_version if isinstance(raw_version, dict) else {}
    store, now = ctx.state.properties, ctx.state.now()
    try:
        prop = store.by_key(page.id, key)
    except NotFound:
        if version.get("number") != 1:
            raise
        return JSONResponse(property_json(ctx, store.create(page.id, key, data["value"], missing=False, when=now,
                                                            by=ctx.user)))  # fmt: skip
    updated = store.update(
        prop,
        data["value"],
        version.get("number"),
        message=str(version.get("message") or ""),
        minor=bool(version.get("minorEdit", False)),
        when=now,
        by=ctx.user,
    )
    return JSONResponse(property_json(ctx, updated))


async def delete_property(ctx: Ctx, request: Request) -> Response:
    page = ctx.state.page(request.path_params["id"])
    ctx.state.properties.delete(ctx.state.properties.by_key(page.id, request.path_params["key"]))
    return Response(status_code=204)


def routes(sandbox: SandboxLike, root: str) -> list[BaseRoute]:
    def wrap(handler: Any) -> Any:
        return v1_endpoint(sandbox, handler)

    base = f"{root}/content/{{id}}/property"
    return [
        Route(base, wrap(list_properties), methods=["GET"]),
        Route(base, wrap(create_property), methods=["POST"]),
        Route(f"{base}/{{key}}", wrap(get_property), methods=["GET"]),
        Route(f"{base}/{{key}}", wrap(update_property), methods=["PUT"]),
        Route(f"{base}/{{key}}", wrap(delete_property), methods=["DELETE"]),
    ]
