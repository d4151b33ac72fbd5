"""Error bodies as Confluence sends them: the v1 (Jersey) shape and the v2 ``errors`` list.

v1: ``{"statusCode", "data": {...}, "message": "com.atlassian...Exception: text", "reason"}``.
v2: ``{"errors": [{"status", "code", "title", "detail"}]}`` (the C2 spec leaves error bodies undescribed; this is
the shape Cloud answers with).
"""

from __future__ import annotations

from http import HTTPStatus

from starlette.responses import PlainTextResponse, Response

from pmo_bot.sandbox.confluence.model import BadRequest, Conflict, ConfluenceStateError, Forbidden, NotFound
from pmo_bot.sandbox.responses import JSONResponse

_V1_EXCEPTIONS = {
    400: "com.atlassian.confluence.api.service.exceptions.BadRequestException",
    403: "com.atlassian.confluence.api.service.exceptions.PermissionException",
    404: "com.atlassian.confluence.api.service.exceptions.NotFoundException",
    409: "com.atlassian.confluence.api.service.exceptions.ConflictException",
    413: "com.atlassian.confluence.api.service.exceptions.BadRequestException",
}
_V2_CODES = {
    400: "INVALID_REQUEST_PARAMETER",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    409: "CONFLICT",
    413: "REQUEST_ENTITY_TOO_LARGE",
}


def status_of(error: ConfluenceStateError) -> int:
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, Conflict):
        return 409
    if isinstance(error, Forbidden):
        return 403
    if isinstance(error, BadRequest):
        return 400
    return 500


def v1_error(status: int, message: str) -> JSONResponse:
    exception = _V1_EXCEPTIONS.get(status)
    body = {
        "statusCode": status,
        "data": {
            "authorized": status != 403,
            "valid": status != 400,
            "allowedInReadOnlyMode": True,
            "errors": [],
            "successful": False,
        },
        "message": f"{exception}: {message}" if exception else message,
        "reason": HTTPStatus(status).phrase,
    }
    return JSONResponse(body, status_code=status)


def v1_from(error: ConfluenceStateError) -> JSONResponse:
    return v1_error(status_of(error), str(error))


def v2_error(status: int, title: str, detail: str | None = None) -> JSONResponse:
    code = _V2_CODES.get(status, HTTPStatus(status).name)
    return JSONResponse({"errors": [{"status": status, "code": code, "title": title, "detail": detail}]}, status)


def v2_from(error: ConfluenceStateError) -> JSONResponse:
    return v2_error(status_of(error), str(error))


def xsrf_failed() -> Response:
    """What Confluence answers a multipart write without ``X-Atlassian-Token: no-check``."""
    return PlainTextResponse("XSRF check failed", status_code=403)


def unsupported_media_type() -> Response:
    """Jersey's answer when a resource does not consume the request's content type (no JSON body)."""
    return Response(status_code=415)
