"""v1 JSON shapes: content (pages, attachments), versions, history, spaces, labels, with ``expand`` handling.

v1 answers carry ``_expandable`` for what was not expanded and ``_links`` whose paths are relative to
``_links.base`` (``https://site/wiki`` on Cloud, the context root on DC).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote, quote_plus

from pmo_bot.sandbox.confluence.context import Ctx, stamp, user_json
from pmo_bot.sandbox.confluence.model import Attachment, Label, Page, Space, Version
from pmo_bot.sandbox.confluence.operations import operations_json


def parse_expand(raw: str | None) -> set[str]:
    """``body.storage,version`` -> every requested path and its prefixes (``body``, ``body.storage``...)."""
    wanted: set[str] = set()
    for item in (raw or "").split(","):
        parts = [p for p in item.strip().split(".") if p]
        for i in range(1, len(parts) + 1):
            wanted.add(".".join(parts[:i]))
    return wanted


def version_json(ctx: Ctx, version: Version, content_id: str) -> dict[str, Any]:
    return {
        "by": user_json(ctx, version.by),
        "when": stamp(version.when),
        "friendlyWhen": stamp(version.when),
        "message": version.message,
        "number": version.number,
        "minorEdit": version.minor_edit,
        "contentTypeModified": False,
        "_expandable": {"collaborators": "", "content": f"/rest/api/content/{content_id}"},
        "_links": {"self": f"{ctx.base}/rest/api/content/{content_id}/version/{version.number}"},
    }


def history_json(ctx: Ctx, page: Page) -> dict[str, Any]:
    first = page.revisions[0].version
    return {
        "latest": page.status == "current",
        "createdBy": user_json(ctx, first.by),
        "createdDate": stamp(first.when),
        "lastUpdated": version_json(ctx, page.version, page.id),
        "_expandable": {"previousVersion": "", "contributors": "", "nextVersion": ""},
        "_links": {"self": f"{ctx.base}/rest/api/content/{page.id}/history"},
    }


def space_json(ctx: Ctx, space: Space, expand: set[str] | None = None) -> dict[str, Any]:
    expand = expand or set()
    body: dict[str, Any] = {
        "id": space.id,
        "key": space.key,
        "name": space.name,
        "type": "global",
        "status": "current",
        "_expandable": {
            "settings": "",
            "metadata": "",
            "operations": "",
            "lookAndFeel": "",
            "permissions": "",
            "icon": "",
            "description": "",
            "theme": "",
            "history": "",
        },
        "_links": {
            "webui": f"/spaces/{space.key}" if ctx.cloud else f"/display/{space.key}",
            "self": f"{ctx.base}/rest/api/space/{space.key}",
        },
    }
    if "operations" in expand:
        body["operations"] = operations_json(ctx.state.operations(space.key))
        del body["_expandable"]["operations"]
    if "homepage" in expand:
        body["homepage"] = content_json(ctx, ctx.state.page(space.homepage_id), set())
    else:
        body["_expandable"]["homepage"] = f"/rest/api/content/{space.homepage_id}"
    return body


def label_json(label: Label) -> dict[str, Any]:
    return {"prefix": label.prefix, "name": label.name, "id": label.id, "label": label.name}


def labels_json(ctx: Ctx, page: Page, start: int = 0, limit: int = 200) -> dict[str, Any]:
    chosen = page.labels[start : start + limit]
    return {
        "results": [label_json(lb) for lb in chosen],
        "start": start,
        "limit": limit,
        "size": len(chosen),
        "_links": {"self": f"{ctx.base}/rest/api/content/{page.id}/label"},
    }


def page_links(ctx: Ctx, page: Page) -> dict[str, str]:
    webui = (
        f"/spaces/{page.space_key}/pages/{page.id}/{quote_plus(page.title)}"
        if ctx.cloud
        else f"/pages/viewpage.action?pageId={page.id}"
    )
    return {
        "webui": webui,
        "edit": f"/pages/resumedraft.action?draftId={page.id}",
        "tinyui": f"/x/{_tiny(page.id)}",
        "self": f"{ctx.base}/rest/api/content/{page.id}",
    }


def _tiny(content_id: str) -> str:
    # Confluence's tiny links are a base64 of the id; any stable short token serves the sandbox.
    return format(int(content_id), "x")


def content_json(ctx: Ctx, page: Page, expand: set[str]) -> dict[str, Any]:
    state = ctx.state
    body: dict[str, Any] = {
        "id": page.id,
        "type": "page",
        "status": page.status,
        "title": page.title,
        "macroRenderedOutput": {},
        "extensions": {"position": page.position},
    }
    expandable: dict[str, str] = {
        "container": f"/rest/api/space/{page.space_key}",
        "metadata": "",
        "restrictions": f"/rest/api/content/{page.id}/restriction/byOperation",
        "children": f"/rest/api/content/{page.id}/child",
        "descendants": f"/rest/api/content/{page.id}/descendant",
    }
    space = state.spaces.get(page.space_key)
    builders: dict[str, tuple[str, Callable[[], Any]]] = {
        "space": (f"/rest/api/space/{page.space_key}", lambda: space_json(ctx, space) if space else None),
        "history": (f"/rest/api/content/{page.id}/history", lambda: history_json(ctx, page)),
        "version": ("", lambda: version_json(ctx, page.version, page.id)),
        "ancestors": ("", lambda: [content_json(ctx, a, set()) for a in state.ancestors(page)]),
    }
    for key, (link, build) in builders.items():
        value = build() if key in expand else None
        if value is None:
            expandable[key] = link
        else:
            body[key] = value
    if "body" in expand:
        body["body"] = _body_json(page, expand)
    else:
        expandable["body"] = ""
    if "metadata" in expand:
        body["metadata"] = {"labels": labels_json(ctx, page)} if "metadata.labels" in expand else {}
    if "children" in expand:
        body["children"] = _children_json(ctx, page, expand)
    if "container" in expand and space:
        body["container"] = space_json(ctx, space)
        expandable.pop("container")
    body["_expandable"] = {k: v for k, v in expandable.items() if k not in body}
    body["_links"] = page_links(ctx, page)
    return body


def _body_json(page: Page, expand: set[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for representation in ("storage", "view", "export_view", "styled_view", "editor"):
        if f"body.{representation}" not in expand:
            continue
        value = page.current.body
        if representation != "storage":
            from pmo_bot.sandbox.render import storage_to_html  # rendered views only when asked

            value = storage_to_html(value, lambda name: name, lambda title: title)
        out[representation] = {
            "value": value,
            "representation": representation,
            "embeddedContent": [],
            "_expandable": {"content": f"/rest/api/content/{page.id}"},
        }
    return out


def _children_json(ctx: Ctx, page: Page, expand: set[str]) -> dict[str, Any]:
    out: dict[str, Any] = {"_expandable": {}}
    if "children.page" in expand:
        kids = ctx.state.children(page.id)
        out["page"] = {
            "results": [content_json(ctx, k, set()) for k in kids],
            "start": 0,
            "limit": 25,
            "size": len(kids),
        }
    if "children.attachment" in expand:
        files = ctx.state.attachments_of(page.id)
        out["attachment"] = {
            "results": [attachment_json(ctx, a, set()) for a in files],
            "start": 0,
            "limit": 25,
            "size": len(files),
        }
    return out


def attachment_json(ctx: Ctx, att: Attachment, expand: set[str]) -> dict[str, Any]:
    rev = att.current
    download = (
        f"/download/attachments/{att.page_id}/{quote(att.title)}"
        f"?version={rev.version.number}&modificationDate={int(rev.version.when.timestamp() * 1000)}&api=v2"
    )
    body: dict[str, Any] = {
        "id": att.id,
        "type": "attachment",
        "status": "current",
        "title": att.title,
        "macroRenderedOutput": {},
        "metadata": {
            "comment": rev.comment,
            "mediaType": rev.media_type,
            "labels": {"results": [], "start": 0, "limit": 200, "size": 0},
        },
        "extensions": {"mediaType": rev.media_type, "fileSize": len(rev.data), "comment": rev.comment},
        "version": version_json(ctx, rev.version, att.id),
        "_expandable": {"space": f"/rest/api/space/{ctx.state.pages[att.page_id].space_key}"},
        "_links": {
            "webui": f"/pages/viewpageattachments.action?pageId={att.page_id}&preview={quote(att.title)}",
            "download": download,
            "self": f"{ctx.base}/rest/api/content/{att.id}",
        },
    }
    page = ctx.state.pages.get(att.page_id)
    if "container" in expand and page is not None:
        body["container"] = content_json(ctx, page, set())
    else:
        body["_expandable"]["container"] = f"/rest/api/content/{att.page_id}"
    return body


def listing(
    ctx: Ctx, results: list[dict[str, Any]], *, start: int, limit: int, total: int, path: str, query: dict[str, str]
) -> dict[str, Any]:
    """The v1 paged envelope; ``_links.next`` only when more results exist (relative to ``_links.base``)."""
    links: dict[str, str] = {"base": ctx.base, "context": ctx.prefix, "self": f"{ctx.base}{path}"}
    if start + len(results) < total:
        params = {**query, "start": str(start + limit), "limit": str(limit)}
        links["next"] = f"{path}?" + "&".join(f"{k}={quote(v, safe='')}" for k, v in params.items())
    if start > 0:
        params = {**query, "start": str(max(start - limit, 0)), "limit": str(limit)}
        links["prev"] = f"{path}?" + "&".join(f"{k}={quote(v, safe='')}" for k, v in params.items())
    return {"results": results, "start": start, "limit": limit, "size": len(results), "_links": links}
