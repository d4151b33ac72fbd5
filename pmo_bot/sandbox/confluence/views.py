"""Human views under ``/_sandbox/``: a page rendered as HTML, and its attachments' bytes (no auth needed)."""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from pmo_bot.sandbox.confluence.context import SandboxLike, stamp
from pmo_bot.sandbox.confluence.model import NotFound, Page
from pmo_bot.sandbox.render import BASE_CSS, storage_to_html
from pmo_bot.sandbox.render.safe import esc

VIEW_ROOT = "/_sandbox/view/page"
FILE_ROOT = "/_sandbox/attachment"


def page_view_url(page_id: str) -> str:
    return f"{VIEW_ROOT}/{quote(page_id)}"


def _document(title: str, body: str) -> str:
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'><title>{esc(title)}</title>"
        f"<style>{BASE_CSS}</style></head><body>"
        "<header class='bar'><a href='/_sandbox/'>pmo-bot sandbox</a> &rsaquo; Confluence</header>"
        f"<main>{body}</main></body></html>"
    )


def render_page(sandbox: SandboxLike, page: Page, version: int | None = None) -> str:
    state = sandbox.confluence
    revision = page.current
    if version is not None:
        picked = [r for r in page.revisions if r.version.number == version]
        if not picked:
            raise NotFound(f"Page {page.id} has no version {version}")
        revision = picked[0]

    def attachment_url(filename: str) -> str:
        return f"{FILE_ROOT}/{quote(page.id)}/{quote(filename, safe='')}"

    def page_url(title: str) -> str:
        target = state.find_by_title(page.space_key, title)
        return page_view_url(target.id) if target else "#"

    crumbs = " / ".join(f"<a href='{esc(page_view_url(a.id))}'>{esc(a.title)}</a>" for a in state.ancestors(page))
    space = state.spaces.get(page.space_key)
    space_name = esc(space.name if space else page.space_key)
    labels = "".join(f"<span class='label'>{esc(lb.name)}</span>" for lb in page.labels)
    files = state.attachments_of(page.id)
    file_list = ", ".join(
        f"<a href='{esc(attachment_url(a.title))}'>{esc(a.title)}</a> (v{a.current.version.number})" for a in files
    )
    latest = "" if revision is page.current else f" (latest is {page.version.number})"
    meta = (
        f"<div class='meta'>Version {revision.version.number}{latest} · {esc(stamp(revision.version.when))}"
        f" · by {esc(revision.version.by)}"
        + (f" · “{esc(revision.version.message)}”" if revision.version.message else "")
        + (f"<br>{labels}" if labels else "")
        + "</div>"
    )
    content = storage_to_html(revision.body, attachment_url, page_url)
    body = (
        f"<div class='breadcrumbs'>{space_name}{' / ' + crumbs if crumbs else ''}</div>"
        f"<h1 class='page-title'>{esc(revision.title)}</h1>{meta}"
        f"<article class='page-body'>{content}</article>"
        + (f"<div class='attachments'>Attachments: {file_list}</div>" if files else "")
    )
    return _document(revision.title, body)


def routes(sandbox: SandboxLike) -> list[BaseRoute]:
    async def view(request: Request) -> Response:
        raw_version = request.query_params.get("version", "")
        try:
            page = sandbox.confluence.page(request.path_params["id"], statuses=("current", "trashed"))
            html = render_page(sandbox, page, int(raw_version) if raw_version.isdigit() else None)
        except NotFound as exc:
            return HTMLResponse(_document("Not found", f"<h1>Not found</h1><p>{esc(exc)}</p>"), status_code=404)
        return HTMLResponse(html)

    async def attachment(request: Request) -> Response:
        files = sandbox.confluence.attachments_of(request.path_params["page"], request.path_params["filename"])
        if not files:
            return Response("Attachment not found", status_code=404, media_type="text/plain")
        revision = files[0].current
        # Served as an attachment unless it is an image: uploaded HTML/SVG must not run in the sandbox origin.
        inline = revision.media_type in ("image/png", "image/jpeg", "image/gif", "image/webp")
        headers = {"X-Content-Type-Options": "nosniff"}
        if not inline:
            headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(files[0].title)}"
        return Response(revision.data, media_type=revision.media_type, headers=headers)

    return [
        Route(f"{VIEW_ROOT}/{{id}}", view, methods=["GET"]),
        Route(f"{FILE_ROOT}/{{page}}/{{filename}}", attachment, methods=["GET"]),
    ]
