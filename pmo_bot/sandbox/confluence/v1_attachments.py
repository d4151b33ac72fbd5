"""v1 attachments: list, create (multipart POST), Cloud create-or-update (multipart PUT), new data version,
and the download path that ``_links.download`` points at.

Multipart writes need ``X-Atlassian-Token: no-check`` (XSRF protection) or they get 403 "XSRF check failed".
Decision: Cloud also accepts the ``nocheck`` spelling its docs' curl examples use; DC accepts only ``no-check``
(mcp-atlassian#1378 saw 403 with ``nocheck`` on Server).
"""

from __future__ import annotations

import mimetypes
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from pmo_bot.sandbox.confluence.context import Ctx, SandboxLike, int_param, v1_endpoint
from pmo_bot.sandbox.confluence.errors import v1_error, xsrf_failed
from pmo_bot.sandbox.confluence.model import Attachment, NotFound
from pmo_bot.sandbox.confluence.v1_shapes import attachment_json, listing, parse_expand
from pmo_bot.sandbox.responses import JSONResponse

MAX_FILE_BYTES = 100 * 1024 * 1024


def _xsrf_ok(ctx: Ctx, request: Request) -> bool:
    header = request.headers.get("x-atlassian-token", "").lower()
    return header == "no-check" or (ctx.cloud and header == "nocheck")


class _Upload:
    def __init__(self, filename: str, data: bytes, media_type: str) -> None:
        self.filename, self.data, self.media_type = filename, data, media_type


async def _read_form(request: Request) -> tuple[list[_Upload], str, bool]:
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise ValueError("Attachments must be uploaded as multipart/form-data with a 'file' part")
    form = await request.form(max_part_size=MAX_FILE_BYTES)
    uploads: list[_Upload] = []
    for part in form.getlist("file"):
        if not isinstance(part, UploadFile) or not part.filename:
            raise ValueError("The 'file' part must be a file with a file name")
        data = await part.read()
        # Attachment names are file names: a client-side path is cut to its last segment, as Confluence does.
        filename = part.filename.replace("\\", "/").rsplit("/", 1)[-1]
        guessed = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        declared = part.content_type or ""
        media_type = guessed if declared in ("", "application/binary", "application/octet-stream") else declared
        uploads.append(_Upload(filename, data, media_type))
    if not uploads:
        raise ValueError("At least one 'file' part is required")
    comment = form.get("comment")
    minor = form.get("minorEdit")
    return uploads, comment if isinstance(comment, str) else "", str(minor).lower() == "true"


def _meta(upload: _Upload, comment: str, minor: bool, ctx: Ctx) -> dict[str, Any]:
    return {"media_type": upload.media_type, "comment": comment, "minor_edit": minor, "by": ctx.user}


def _created(ctx: Ctx, page_id: str, attachments: list[Attachment]) -> dict[str, Any]:
    results = [attachment_json(ctx, a, set()) for a in attachments]
    path = f"/rest/api/content/{page_id}/child/attachment"
    return listing(ctx, results, start=0, limit=max(len(results), 1), total=len(results), path=path, query={})


async def list_attachments(ctx: Ctx, request: Request) -> Response:
    page = ctx.state.page(request.path_params["id"])
    files = ctx.state.attachments_of(page.id, request.query_params.get("filename"))
    media_type = request.query_params.get("mediaType")
    if media_type:
        files = [a for a in files if a.current.media_type == media_type]
    start = int_param(request, "start", 0)
    limit = int_param(request, "limit", 50, low=1, high=200)
    expand = parse_expand(request.query_params.get("expand"))
    chosen = [attachment_json(ctx, a, expand) for a in files[start : start + limit]]
    query = {k: v for k, v in request.query_params.items() if k not in ("start", "limit")}
    path = f"/rest/api/content/{page.id}/child/attachment"
    return JSONResponse(listing(ctx, chosen, start=start, limit=limit, total=len(files), path=path, query=query))


async def create_attachments(ctx: Ctx, request: Request) -> Response:
    if not _xsrf_ok(ctx, request):
        return xsrf_failed()
    page = ctx.state.page(request.path_params["id"])
    uploads, comment, minor = await _read_form(request)
    with ctx.state.lock:
        clash = [u.filename for u in uploads if ctx.state.attachments_of(page.id, u.filename)]
        if clash:
            return v1_error(
                400, f"Cannot add a new attachment with same file name as an existing attachment: {clash[0]}"
            )
        made = [ctx.state.add_attachment(page.id, u.filename, u.data, **_meta(u, comment, minor, ctx)) for u in uploads]
    return JSONResponse(_created(ctx, page.id, made))


async def put_attachments(ctx: Ctx, request: Request) -> Response:
    """Cloud's create-or-update: a new version for a known file name, a new attachment otherwise."""
    if not _xsrf_ok(ctx, request):
        return xsrf_failed()
    page = ctx.state.page(request.path_params["id"])
    uploads, comment, minor = await _read_form(request)
    done: list[Attachment] = []
    with ctx.state.lock:
        for u in uploads:
            existing = ctx.state.attachments_of(page.id, u.filename)
            if existing:
                done.append(ctx.state.update_attachment_data(existing[0], u.data, **_meta(u, comment, minor, ctx)))
            else:
                done.append(ctx.state.add_attachment(page.id, u.filename, u.data, **_meta(u, comment, minor, ctx)))
    return JSONResponse(_created(ctx, page.id, done))


async def update_attachment_data(ctx: Ctx, request: Request) -> Response:
    if not _xsrf_ok(ctx, request):
        return xsrf_failed()
    page = ctx.state.page(request.path_params["id"])
    attachment = ctx.state.attachment(request.path_params["att"])
    if attachment.page_id != page.id:
        raise NotFound(f"No attachment {attachment.id} on content {page.id}")
    uploads, comment, minor = await _read_form(request)
    if len(uploads) != 1:
        return v1_error(400, "Exactly one 'file' part is expected when updating attachment data")
    upload = uploads[0]
    with ctx.state.lock:
        others = [a for a in ctx.state.attachments_of(page.id, upload.filename) if a.id != attachment.id]
        if others:
            return v1_error(
                400, f"Cannot add a new attachment with same file name as an existing attachment: {upload.filename}"
            )
        attachment.title = upload.filename
        ctx.state.update_attachment_data(attachment, upload.data, **_meta(upload, comment, minor, ctx))
    return JSONResponse(attachment_json(ctx, attachment, set()))


async def download(ctx: Ctx, request: Request) -> Response:
    files = ctx.state.attachments_of(request.path_params["page"], request.path_params["filename"])
    if not files:
        return Response("Attachment not found", status_code=404, media_type="text/plain")
    revision = files[0].current
    wanted = request.query_params.get("version")
    if wanted:
        picked = [r for r in files[0].revisions if str(r.version.number) == wanted]
        revision = picked[0] if picked else revision
    return Response(revision.data, media_type=revision.media_type)


def routes(sandbox: SandboxLike, root: str, download_root: str) -> list[BaseRoute]:
    def wrap(handler: Any) -> Any:
        return v1_endpoint(sandbox, handler)

    found: list[BaseRoute] = [
        Route(f"{root}/content/{{id}}/child/attachment", wrap(list_attachments), methods=["GET"]),
        Route(f"{root}/content/{{id}}/child/attachment", wrap(create_attachments), methods=["POST"]),
        Route(f"{root}/content/{{id}}/child/attachment/{{att}}/data", wrap(update_attachment_data), methods=["POST"]),
        Route(f"{download_root}/download/attachments/{{page}}/{{filename}}", wrap(download), methods=["GET"]),
    ]
    if sandbox.config.flavor == "cloud":
        found.append(Route(f"{root}/content/{{id}}/child/attachment", wrap(put_attachments), methods=["PUT"]))
    return found
