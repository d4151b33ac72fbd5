"""v1 content and space endpoints: find, get, create, update, history, children, spaces."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from pmo_bot.sandbox.confluence.context import Ctx, SandboxLike, int_param, json_body, v1_endpoint
from pmo_bot.sandbox.confluence.errors import unsupported_media_type, v1_error
from pmo_bot.sandbox.confluence.model import BadRequest
from pmo_bot.sandbox.confluence.v1_shapes import (
    attachment_json,
    content_json,
    history_json,
    listing,
    parse_expand,
    space_json,
)
from pmo_bot.sandbox.responses import JSONResponse

DEFAULT_LIMIT = 25
MAX_LIMIT = 200
# What create and update answer with, as the real service does.
WRITE_EXPAND = parse_expand("body.storage,version,ancestors,space,history")


def _statuses(request: Request) -> tuple[str, ...]:
    raw = request.query_params.get("status", "current")
    return ("current", "trashed", "draft") if raw == "any" else tuple(raw.split(","))


async def find_content(ctx: Ctx, request: Request) -> Response:
    q = request.query_params
    start = int_param(request, "start", 0)
    limit = int_param(request, "limit", DEFAULT_LIMIT, low=1, high=MAX_LIMIT)
    pages = ctx.state.all_pages(_statuses(request)) if q.get("type", "page") == "page" else []
    if q.get("spaceKey"):
        pages = [p for p in pages if p.space_key == q["spaceKey"]]
    if q.get("title") is not None:
        pages = [p for p in pages if p.title.casefold() == q["title"].casefold()]
    expand = parse_expand(q.get("expand"))
    chosen = [content_json(ctx, p, expand) for p in pages[start : start + limit]]
    query = {k: v for k, v in q.items() if k not in ("start", "limit")}
    return JSONResponse(
        listing(ctx, chosen, start=start, limit=limit, total=len(pages), path="/rest/api/content", query=query)
    )


def _storage_of(data: dict[str, Any]) -> str | None:
    storage = (data.get("body") or {}).get("storage")
    if storage is None:
        if data.get("body"):
            raise BadRequest("Only the 'storage' representation is supported for page bodies")
        return None
    if storage.get("representation", "storage") != "storage":
        raise BadRequest(f"Unsupported representation: {storage.get('representation')}")
    value = storage.get("value")
    if not isinstance(value, str):
        raise BadRequest("body.storage.value must be a string")
    return value


def _parent_from(data: dict[str, Any]) -> str | None:
    ancestors = data.get("ancestors") or []
    if not ancestors:
        return None
    # The immediate parent is the last ancestor listed.
    return str(ancestors[-1]["id"])


async def create_content(ctx: Ctx, request: Request) -> Response:
    data = await json_body(request)
    if not isinstance(data, dict):
        return v1_error(400, "Could not create content: no JSON body")
    if data.get("type", "page") != "page":
        return v1_error(400, f"Unsupported content type for the sandbox: {data.get('type')}")
    space_key = (data.get("space") or {}).get("key")
    if not space_key:
        return v1_error(400, "Could not create content with type page: space is required")
    body = _storage_of(data) or ""
    by = ctx.user
    message = (data.get("version") or {}).get("message", "")
    page = ctx.state.create_page(
        space_key, str(data.get("title") or ""), body, parent_id=_parent_from(data), by=by, message=message
    )
    return JSONResponse(content_json(ctx, page, WRITE_EXPAND))


async def get_content(ctx: Ctx, request: Request) -> Response:
    content_id = request.path_params["id"]
    expand = parse_expand(request.query_params.get("expand"))
    if content_id in ctx.state.attachments:
        return JSONResponse(attachment_json(ctx, ctx.state.attachment(content_id), expand))
    page = ctx.state.page(content_id, statuses=_statuses(request))
    return JSONResponse(content_json(ctx, page, expand))


async def update_content(ctx: Ctx, request: Request) -> Response:
    content_id = request.path_params["id"]
    if not request.headers.get("content-type", "").startswith("application/json"):
        # The library's attachment re-upload (multipart PUT on content/{attachmentId}) lands here (§7.4).
        return unsupported_media_type()
    data = await json_body(request)
    if not isinstance(data, dict):
        return v1_error(400, "Could not update content: no JSON body")
    if content_id in ctx.state.attachments:
        return v1_error(400, "Updating attachment properties is not supported by the sandbox")
    page = ctx.state.page(content_id)
    version = (data.get("version") or {}).get("number")
    if version is None:
        return v1_error(400, "Must supply an incremented version when updating Content. No version supplied.")
    title = data.get("title")
    if not title:
        return v1_error(400, "Title is required when updating content")
    body = _storage_of(data)
    updated = ctx.state.update_page(
        page.id,
        title=str(title),
        body=page.current.body if body is None else body,
        version=int(version),
        by=ctx.user,
        message=str((data.get("version") or {}).get("message") or ""),
        minor_edit=bool((data.get("version") or {}).get("minorEdit", False)),
        parent_id=_parent_from(data),
    )
    return JSONResponse(content_json(ctx, updated, WRITE_EXPAND))


async def delete_content(ctx: Ctx, request: Request) -> Response:
    ctx.state.trash_page(request.path_params["id"])
    return Response(status_code=204)


async def content_history(ctx: Ctx, request: Request) -> Response:
    page = ctx.state.page(request.path_params["id"], statuses=("current", "trashed"))
    return JSONResponse(history_json(ctx, page))


async def child_pages(ctx: Ctx, request: Request) -> Response:
    page = ctx.state.page(request.path_params["id"])
    start = int_param(request, "start", 0)
    limit = int_param(request, "limit", DEFAULT_LIMIT, low=1, high=MAX_LIMIT)
    kids = ctx.state.children(page.id)
    expand = parse_expand(request.query_params.get("expand"))
    chosen = [content_json(ctx, k, expand) for k in kids[start : start + limit]]
    query = {k: v for k, v in request.query_params.items() if k not in ("start", "limit")}
    path = f"/rest/api/content/{page.id}/child/page"
    return JSONResponse(listing(ctx, chosen, start=start, limit=limit, total=len(kids), path=path, query=query))


async def get_space(ctx: Ctx, request: Request) -> Response:
    key = request.path_params["key"]
    if key not in ctx.state.spaces:
        return v1_error(404, f"No space with key : {key}")
    return JSONResponse(space_json(ctx, ctx.state.spaces[key], parse_expand(request.query_params.get("expand"))))


async def list_spaces(ctx: Ctx, request: Request) -> Response:
    keys = request.query_params.getlist("spaceKey")
    start = int_param(request, "start", 0)
    limit = int_param(request, "limit", DEFAULT_LIMIT, low=1, high=MAX_LIMIT)
    spaces = [s for s in ctx.state.spaces.values() if not keys or s.key in keys]
    expand = parse_expand(request.query_params.get("expand"))
    chosen = [space_json(ctx, s, expand) for s in spaces[start : start + limit]]
    query = {k: v for k, v in request.query_params.items() if k not in ("start", "limit")}
    return JSONResponse(
        listing(ctx, chosen, start=start, limit=limit, total=len(spaces), path="/rest/api/space", query=query)
    )


def routes(sandbox: SandboxLike, root: str) -> list[BaseRoute]:
    """``root`` is the v1 REST root: ``/wiki/rest/api`` on Cloud, ``/rest/api`` on DC."""

    def wrap(handler: Any) -> Any:
        return v1_endpoint(sandbox, handler)

    return [
        Route(f"{root}/content", wrap(find_content), methods=["GET"]),
        Route(f"{root}/content", wrap(create_content), methods=["POST"]),
        Route(f"{root}/content/{{id}}", wrap(get_content), methods=["GET"]),
        Route(f"{root}/content/{{id}}", wrap(update_content), methods=["PUT"]),
        Route(f"{root}/content/{{id}}", wrap(delete_content), methods=["DELETE"]),
        Route(f"{root}/content/{{id}}/history", wrap(content_history), methods=["GET"]),
        Route(f"{root}/content/{{id}}/child/page", wrap(child_pages), methods=["GET"]),
        Route(f"{root}/space", wrap(list_spaces), methods=["GET"]),
        Route(f"{root}/space/{{key}}", wrap(get_space), methods=["GET"]),
    ]
