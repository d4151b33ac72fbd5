"""Confluence Cloud REST v2 (``/wiki/api/v2``): spaces, pages (cursor-paged), page labels, attachments, children.

Labels and attachments are read-only in v2, as in the C2 spec; writes go through v1. ``POST /pages`` answers 200.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from pmo_bot.sandbox.confluence.context import Ctx, SandboxLike, json_body, multi_param, v2_endpoint
from pmo_bot.sandbox.confluence.errors import v2_error
from pmo_bot.sandbox.confluence.model import BadRequest, NotFound, Page
from pmo_bot.sandbox.confluence.v2_shapes import (
    attachment_json,
    child_json,
    label_json,
    page_json,
    paged,
    space_json,
)
from pmo_bot.sandbox.responses import JSONResponse

MAX_WRITE_BYTES = 5 * 1024 * 1024
_BODY_FORMATS = {"storage", "atlas_doc_format", "view", "export_view", "anonymous_export_view", "styled_view", "editor"}


def _id(request: Request) -> str:
    raw = request.path_params["id"]
    if not raw.isdigit():
        raise BadRequest(f"Invalid id: {raw}")
    return str(raw)


def _body_format(request: Request, *, single: bool) -> str | None:
    value = request.query_params.get("body-format")
    if value == "none":
        return None  # not in C2's enum, but atlassian-python-api's update_page sends it and Cloud serves it
    allowed = _BODY_FORMATS if single else {"storage", "atlas_doc_format"}
    if value is not None and value not in allowed:
        raise BadRequest(f"Invalid body-format: {value}")
    return value


def _flag(request: Request, name: str, default: bool = False) -> bool:
    raw = request.query_params.get(name)
    return default if raw is None else raw.lower() == "true"


def _with_base(ctx: Ctx, body: dict[str, Any]) -> dict[str, Any]:
    body["_links"] = {**body.get("_links", {}), "base": ctx.base}
    return body


async def get_spaces(ctx: Ctx, request: Request) -> Response:
    keys = set(multi_param(request, "keys"))
    ids = set(multi_param(request, "ids"))
    spaces = sorted(ctx.state.spaces.values(), key=lambda s: s.id)
    chosen = [s for s in spaces if (not keys or s.key in keys) and (not ids or str(s.id) in ids)]
    return paged(ctx, request, chosen, lambda s: space_json(ctx, s))


async def get_space(ctx: Ctx, request: Request) -> Response:
    space = ctx.state.space_by_id(int(_id(request)))
    return JSONResponse(_with_base(ctx, space_json(ctx, space)))


def _page_list(ctx: Ctx, request: Request, space_ids: set[str]) -> list[Page]:
    statuses = multi_param(request, "status") or ["current"]
    pages = ctx.state.all_pages(statuses)
    if space_ids:
        keys = {s.key for s in ctx.state.spaces.values() if str(s.id) in space_ids}
        pages = [p for p in pages if p.space_key in keys]
    title = request.query_params.get("title")
    if title is not None:
        pages = [p for p in pages if p.title == title]
    ids = set(multi_param(request, "id"))
    if ids:
        pages = [p for p in pages if p.id in ids]
    sort = request.query_params.get("sort", "id")
    keys_by: dict[str, Any] = {
        "id": lambda p: int(p.id),
        "title": lambda p: p.title,
        "created-date": lambda p: (p.created, int(p.id)),
        "modified-date": lambda p: (p.version.when, int(p.id)),
    }
    if sort.lstrip("-") not in keys_by:
        raise BadRequest(f"Invalid sort: {sort}")
    return sorted(pages, key=keys_by[sort.lstrip("-")], reverse=sort.startswith("-"))


async def get_pages(ctx: Ctx, request: Request) -> Response:
    body_format = _body_format(request, single=False)
    pages = _page_list(ctx, request, set(multi_param(request, "space-id")))
    return paged(ctx, request, pages, lambda p: page_json(ctx, p, body_format=body_format))


async def get_space_pages(ctx: Ctx, request: Request) -> Response:
    space = ctx.state.space_by_id(int(_id(request)))
    body_format = _body_format(request, single=False)
    pages = _page_list(ctx, request, {str(space.id)})
    return paged(ctx, request, pages, lambda p: page_json(ctx, p, body_format=body_format))


async def get_page(ctx: Ctx, request: Request) -> Response:
    page = ctx.state.page(_id(request), statuses=multi_param(request, "status") or ("current", "archived"))
    body = page_json(ctx, page, body_format=_body_format(request, single=True), single=True)
    if not _flag(request, "include-version", default=True):
        body.pop("version")
    if _flag(request, "include-labels"):
        body["labels"] = {
            "results": [label_json(lb) for lb in page.labels],
            "meta": {"hasMore": False, "cursor": ""},
            "_links": {"self": f"{ctx.prefix}/api/v2/pages/{page.id}/labels"},
        }
    if _flag(request, "include-versions"):
        from pmo_bot.sandbox.confluence.v2_shapes import version_json

        body["versions"] = {
            "results": [version_json(r.version) for r in reversed(page.revisions)],
            "meta": {"hasMore": False, "cursor": ""},
            "_links": {"self": f"{ctx.prefix}/api/v2/pages/{page.id}/versions"},
        }
    return JSONResponse(_with_base(ctx, body))


async def _too_large(request: Request) -> Response | None:
    """C2: page writes over 5 MB answer 413."""
    if len(await request.body()) > MAX_WRITE_BYTES:
        return v2_error(413, "Request entity too large: the request body is over 5 MB")
    return None


def _storage_value(data: dict[str, Any]) -> str:
    body = data.get("body")
    if not isinstance(body, dict):
        raise BadRequest("A page body is required")
    if "storage" in body and isinstance(body["storage"], dict):  # nested form, representation optional
        body = {"representation": "storage", **body["storage"]}
    if body.get("representation") != "storage":
        raise BadRequest(f"Unsupported body representation for the sandbox: {body.get('representation')}")
    value = body.get("value")
    if not isinstance(value, str):
        raise BadRequest("body.value must be a string")
    return value


async def create_page(ctx: Ctx, request: Request) -> Response:
    if too_large := await _too_large(request):
        return too_large
    data = await json_body(request)
    if not isinstance(data, dict) or not data.get("spaceId"):
        return v2_error(400, "spaceId is required")
    if data.get("status", "current") not in ("current", "draft"):
        return v2_error(400, f"Invalid status: {data.get('status')}")
    space = ctx.state.space_by_id(int(str(data["spaceId"])))
    if _flag(request, "root-level") and data.get("parentId"):
        return v2_error(400, "parentId cannot be supplied when root-level is true")
    page = ctx.state.create_page(
        space.key,
        str(data.get("title") or ""),
        _storage_value(data),
        parent_id=data.get("parentId"),
        by=ctx.user,
    )
    return JSONResponse(_with_base(ctx, page_json(ctx, page, body_format="storage", single=True)))


async def update_page(ctx: Ctx, request: Request) -> Response:
    if too_large := await _too_large(request):
        return too_large
    data = await json_body(request)
    if not isinstance(data, dict):
        return v2_error(400, "A JSON body is required")
    missing = [k for k in ("id", "status", "title", "body", "version") if k not in data]
    if missing:
        return v2_error(400, f"Missing required field(s): {', '.join(missing)}")
    page_id = _id(request)
    if str(data["id"]) != page_id:
        return v2_error(400, "The id in the body does not match the id in the path")
    if data["status"] not in ("current", "draft"):
        return v2_error(400, f"Invalid status: {data['status']}")
    version = data["version"] if isinstance(data["version"], dict) else {}
    if not isinstance(version.get("number"), int):
        return v2_error(400, "version.number is required")
    parent = data.get("parentId")
    page = ctx.state.update_page(
        page_id,
        title=str(data["title"]),
        body=_storage_value(data),
        version=version["number"],
        by=ctx.user,
        message=str(version.get("message") or ""),
        parent_id=str(parent) if parent else None,
    )
    return JSONResponse(_with_base(ctx, page_json(ctx, page, body_format="storage", single=True)))


async def get_page_labels(ctx: Ctx, request: Request) -> Response:
    page = ctx.state.page(_id(request))
    prefix = request.query_params.get("prefix")
    labels = [lb for lb in page.labels if prefix is None or lb.prefix == prefix]
    return paged(ctx, request, labels, label_json)


async def get_page_attachments(ctx: Ctx, request: Request) -> Response:
    page = ctx.state.page(_id(request))
    files = ctx.state.attachments_of(page.id, request.query_params.get("filename"))
    return paged(ctx, request, files, lambda a: attachment_json(ctx, a), default_limit=50)


async def get_page_children(ctx: Ctx, request: Request) -> Response:
    page = ctx.state.page(_id(request))
    return paged(ctx, request, ctx.state.children(page.id), lambda k: child_json(ctx, k))


async def no_such_endpoint(ctx: Ctx, request: Request) -> Response:
    # C2 has no label write endpoint; the library's add_page_label calls one anyway (§7.4).
    raise NotFound("Not Found")


def routes(sandbox: SandboxLike, root: str) -> list[BaseRoute]:
    def wrap(handler: Any) -> Any:
        return v2_endpoint(sandbox, handler)

    return [
        Route(f"{root}/spaces", wrap(get_spaces), methods=["GET"]),
        Route(f"{root}/spaces/{{id}}", wrap(get_space), methods=["GET"]),
        Route(f"{root}/spaces/{{id}}/pages", wrap(get_space_pages), methods=["GET"]),
        Route(f"{root}/pages", wrap(get_pages), methods=["GET"]),
        Route(f"{root}/pages", wrap(create_page), methods=["POST"]),
        Route(f"{root}/pages/{{id}}", wrap(get_page), methods=["GET"]),
        Route(f"{root}/pages/{{id}}", wrap(update_page), methods=["PUT"]),
        Route(f"{root}/pages/{{id}}/labels", wrap(get_page_labels), methods=["GET"]),
        Route(f"{root}/pages/{{id}}/labels", wrap(no_such_endpoint), methods=["POST"]),
        Route(f"{root}/pages/{{id}}/attachments", wrap(get_page_attachments), methods=["GET"]),
        Route(f"{root}/pages/{{id}}/children", wrap(get_page_children), methods=["GET"]),
    ]
