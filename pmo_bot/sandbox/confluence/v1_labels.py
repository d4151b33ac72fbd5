"""v1 labels: list, add (one object or an array), remove by ``?name=`` or by path."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from pmo_bot.sandbox.confluence.context import Ctx, SandboxLike, int_param, json_body, v1_endpoint
from pmo_bot.sandbox.confluence.errors import v1_error
from pmo_bot.sandbox.confluence.v1_shapes import labels_json
from pmo_bot.sandbox.responses import JSONResponse


async def get_labels(ctx: Ctx, request: Request) -> Response:
    page = ctx.state.page(request.path_params["id"])
    prefix = request.query_params.get("prefix")
    start = int_param(request, "start", 0)
    limit = int_param(request, "limit", 200, low=1, high=200)
    body = labels_json(ctx, page, start, limit)
    if prefix:
        body["results"] = [lb for lb in body["results"] if lb["prefix"] == prefix]
        body["size"] = len(body["results"])
    return JSONResponse(body)


async def add_labels(ctx: Ctx, request: Request) -> Response:
    data = await json_body(request)
    items: list[Any] = data if isinstance(data, list) else [data]
    wanted: list[tuple[str, str]] = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            return v1_error(400, "A label must be an object with a 'name' (and optional 'prefix')")
        wanted.append((str(item.get("prefix") or "global"), item["name"]))
    page = ctx.state.page(request.path_params["id"])
    ctx.state.add_labels(page.id, wanted)
    return JSONResponse(labels_json(ctx, page))


async def remove_label_by_query(ctx: Ctx, request: Request) -> Response:
    name = request.query_params.get("name")
    if not name:
        return v1_error(400, "The label name to remove is required (?name=)")
    ctx.state.remove_label(request.path_params["id"], name)
    return Response(status_code=204)


async def remove_label_by_path(ctx: Ctx, request: Request) -> Response:
    ctx.state.remove_label(request.path_params["id"], request.path_params["label"])
    return Response(status_code=204)


def routes(sandbox: SandboxLike, root: str) -> list[BaseRoute]:
    def wrap(handler: Any) -> Any:
        return v1_endpoint(sandbox, handler)

    return [
        Route(f"{root}/content/{{id}}/label", wrap(get_labels), methods=["GET"]),
        Route(f"{root}/content/{{id}}/label", wrap(add_labels), methods=["POST"]),
        Route(f"{root}/content/{{id}}/label", wrap(remove_label_by_query), methods=["DELETE"]),
        Route(f"{root}/content/{{id}}/label/{{label}}", wrap(remove_label_by_path), methods=["DELETE"]),
    ]
