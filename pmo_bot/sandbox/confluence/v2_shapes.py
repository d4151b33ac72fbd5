"""v2 JSON shapes (the C2 spec's PageBulk/PageSingle, SpaceBulk, Label, AttachmentBulk, ChildPage) and cursors.

Decision: a page without a parent (a space home page) omits ``parentId``/``parentType``: the spec types them as
non-nullable strings, so omitting is the spec-valid reading of "null if there is no parent page".
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar
from urllib.parse import urlencode

from starlette.requests import Request

from pmo_bot.sandbox.confluence.context import Ctx, stamp
from pmo_bot.sandbox.confluence.model import Attachment, Label, Page, Space, Version
from pmo_bot.sandbox.confluence.v1_shapes import page_links
from pmo_bot.sandbox.responses import JSONResponse

T = TypeVar("T")


def version_json(version: Version) -> dict[str, Any]:
    return {
        "createdAt": stamp(version.when),
        "message": version.message,
        "number": version.number,
        "minorEdit": version.minor_edit,
        "authorId": version.by,
    }


def label_json(label: Label) -> dict[str, Any]:
    return {"id": label.id, "name": label.name, "prefix": label.prefix}


def page_json(ctx: Ctx, page: Page, *, body_format: str | None, single: bool = False) -> dict[str, Any]:
    space = ctx.state.spaces[page.space_key]
    links = page_links(ctx, page)
    out: dict[str, Any] = {
        "id": page.id,
        "status": page.status,
        "title": page.title,
        "spaceId": str(space.id),
        "position": page.position,
        "authorId": page.author,
        "ownerId": page.author,
        "lastOwnerId": None,
        "createdAt": stamp(page.created),
        "version": version_json(page.version),
        "body": body_json(page, body_format, single=single),
        "_links": {"webui": links["webui"], "editui": links["edit"], "tinyui": links["tinyui"]},
    }
    if page.parent_id is not None:
        out["parentId"] = page.parent_id
        out["parentType"] = "page"
    return out


def body_json(page: Page, body_format: str | None, *, single: bool) -> dict[str, Any]:
    if body_format == "storage":
        return {"storage": {"representation": "storage", "value": page.current.body}}
    if body_format == "view" and single:
        from pmo_bot.sandbox.render import storage_to_html  # rendered only when asked

        html = storage_to_html(page.current.body, lambda name: name, lambda title: title)
        return {"view": {"representation": "view", "value": html}}
    # atlas_doc_format and the other renderings are not produced by the sandbox.
    return {}


def space_json(ctx: Ctx, space: Space) -> dict[str, Any]:
    return {
        "id": str(space.id),
        "key": space.key,
        "name": space.name,
        "type": "global",
        "status": "current",
        "authorId": space.author,
        "createdAt": stamp(space.created),
        "homepageId": space.homepage_id,
        "_links": {"webui": f"/spaces/{space.key}"},
    }


def child_json(ctx: Ctx, page: Page) -> dict[str, Any]:
    return {
        "id": page.id,
        "status": "current",
        "title": page.title,
        "spaceId": str(ctx.state.spaces[page.space_key].id),
        "childPosition": page.position,
    }


def attachment_json(ctx: Ctx, att: Attachment) -> dict[str, Any]:
    rev = att.current
    download = f"/download/attachments/{att.page_id}/{att.title}?version={rev.version.number}&api=v2"
    webui = f"/pages/viewpageattachments.action?pageId={att.page_id}&preview={att.title}"
    return {
        "id": att.id,
        "status": "current",
        "title": att.title,
        "createdAt": stamp(att.created),
        "pageId": att.page_id,
        "mediaType": rev.media_type,
        "mediaTypeDescription": rev.media_type,
        "comment": rev.comment,
        "fileId": f"file-{att.id}",
        "fileSize": len(rev.data),
        "webuiLink": webui,
        "downloadLink": download,
        "version": version_json(rev.version),
        "_links": {"webui": webui, "download": download},
    }


def decode_cursor(raw: str | None) -> int:
    """Cursors are opaque to clients; here one holds the offset of the next result."""
    if not raw:
        return 0
    try:
        offset = json.loads(base64.urlsafe_b64decode(raw.encode() + b"=" * (-len(raw) % 4)))["o"]
    except (ValueError, KeyError, TypeError):
        raise ValueError(f"Invalid cursor: {raw}") from None
    if not isinstance(offset, int) or offset < 0:
        raise ValueError(f"Invalid cursor: {raw}")
    return offset


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"o": offset}).encode()).decode().rstrip("=")


def paged(
    ctx: Ctx,
    request: Request,
    items: Sequence[T],
    render: Callable[[T], dict[str, Any]],
    default_limit: int = 25,
) -> JSONResponse:
    """A MultiEntityResult page of ``items`` (only the page is rendered), with ``_links.next`` and a ``Link``
    header when more remain."""
    raw_limit = request.query_params.get("limit")
    limit = int(raw_limit) if raw_limit else default_limit
    if limit < 1 or limit > 250:
        raise ValueError("limit must be between 1 and 250")
    offset = decode_cursor(request.query_params.get("cursor"))
    chosen = [render(item) for item in items[offset : offset + limit]]
    links: dict[str, str] = {"base": ctx.base}
    headers: dict[str, str] = {}
    if offset + limit < len(items):
        params = [(k, v) for k, v in request.query_params.multi_items() if k != "cursor"]
        params.append(("cursor", encode_cursor(offset + limit)))
        links["next"] = f"{request.url.path}?{urlencode(params)}"
        headers["Link"] = f'<{links["next"]}>; rel="next", <{ctx.base}>; rel="base"'
    return JSONResponse({"results": chosen, "_links": links}, headers=headers)
