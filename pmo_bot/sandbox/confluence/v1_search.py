"""v1 CQL search: ``/content/search`` (content envelope) and ``/search`` (search-result envelope).

atlassian-python-api sends ``GET content/search?cql=parent=ID AND space="K"`` with a ``{}`` JSON body; a body
on a GET is ignored here, as Confluence ignores it. The default page size is 25, as on the real service.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from pmo_bot.sandbox.confluence.context import Ctx, SandboxLike, int_param, stamp, v1_endpoint
from pmo_bot.sandbox.confluence.cql import search
from pmo_bot.sandbox.confluence.errors import v1_error
from pmo_bot.sandbox.confluence.v1_shapes import content_json, listing, page_links, parse_expand
from pmo_bot.sandbox.responses import JSONResponse

DEFAULT_LIMIT = 25
MAX_LIMIT = 200


def _cql(request: Request) -> str | None:
    cql = request.query_params.get("cql")
    return cql if cql and cql.strip() else None


async def content_search(ctx: Ctx, request: Request) -> Response:
    cql = _cql(request)
    if cql is None:
        return v1_error(400, "CQL query parameter is required")
    pages = search(cql, ctx.state)
    start = int_param(request, "start", 0)
    limit = int_param(request, "limit", DEFAULT_LIMIT, low=1, high=MAX_LIMIT)
    expand = parse_expand(request.query_params.get("expand"))
    chosen = [content_json(ctx, p, expand) for p in pages[start : start + limit]]
    query = {k: v for k, v in request.query_params.items() if k not in ("start", "limit")}
    return JSONResponse(
        listing(ctx, chosen, start=start, limit=limit, total=len(pages), path="/rest/api/content/search", query=query)
    )


async def site_search(ctx: Ctx, request: Request) -> Response:
    cql = _cql(request)
    if cql is None:
        return v1_error(400, "CQL query parameter is required")
    pages = search(cql, ctx.state)
    start = int_param(request, "start", 0)
    limit = int_param(request, "limit", DEFAULT_LIMIT, low=1, high=MAX_LIMIT)
    expand = parse_expand(request.query_params.get("expand"))
    results: list[dict[str, Any]] = []
    for page in pages[start : start + limit]:
        space = ctx.state.spaces[page.space_key]
        results.append(
            {
                "content": content_json(ctx, page, expand),
                "title": page.title,
                "excerpt": "",
                "url": page_links(ctx, page)["webui"],
                "resultGlobalContainer": {"title": space.name, "displayUrl": f"/spaces/{space.key}"},
                "breadcrumbs": [],
                "entityType": "content",
                "iconCssClass": "aui-icon content-type-page",
                "lastModified": stamp(page.version.when),
                "friendlyLastModified": stamp(page.version.when),
                "score": 0.0,
            }
        )
    query = {k: v for k, v in request.query_params.items() if k not in ("start", "limit")}
    body = listing(ctx, results, start=start, limit=limit, total=len(pages), path="/rest/api/search", query=query)
    body.update({"totalSize": len(pages), "cqlQuery": _cql(request), "searchDuration": 1})
    return JSONResponse(body)


def routes(sandbox: SandboxLike, root: str) -> list[BaseRoute]:
    """Must be registered before ``content/{id}`` so that ``content/search`` is not read as an id."""

    def wrap(handler: Any) -> Any:
        return v1_endpoint(sandbox, handler)

    return [
        Route(f"{root}/content/search", wrap(content_search), methods=["GET"]),
        Route(f"{root}/search", wrap(site_search), methods=["GET"]),
    ]
