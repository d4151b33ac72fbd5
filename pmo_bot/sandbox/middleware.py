"""Pure ASGI middleware: request log (outermost), authentication, fault injection (innermost).

Operator paths (``/_sandbox/``) skip authentication and faults, so tests can always steer the sandbox.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import logging
import secrets
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pmo_bot.sandbox.faults import WRITE_METHODS, FaultDecision
from pmo_bot.sandbox.requestlog import LoggedRequest
from pmo_bot.sandbox.site import Sandbox

OPERATOR_PREFIX = "/_sandbox"

JIRA_401 = {
    "errorMessages": ["You are not authenticated. Authentication required to perform this operation."],
    "errors": {},
}
CONFLUENCE_V1_401 = {
    "statusCode": 401,
    "data": {"authorized": False, "valid": True, "errors": [], "successful": False},
    "message": "This request requires authentication.",
    "reason": "Unauthorized",
}
CONFLUENCE_V2_401 = {"errors": [{"status": 401, "code": "UNAUTHORIZED", "title": "Unauthorized", "detail": None}]}


class DroppedConnection(Exception):
    """Raised after the response headers went out, so uvicorn closes the socket mid-response."""


class _QuietDrops(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], DroppedConnection))


def silence_dropped_connection_logs() -> None:
    """uvicorn logs every exception escaping the app; injected drops are intended, so hide them."""
    logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _QuietDrops) for f in logger.filters):
        logger.addFilter(_QuietDrops())


async def send_json(send: Send, status: int, body: Any, headers: tuple[tuple[str, str], ...] = ()) -> None:
    payload = json.dumps(body).encode()
    raw_headers = [
        (b"content-type", b"application/json;charset=UTF-8"),
        (b"content-length", str(len(payload)).encode()),
    ]
    raw_headers += [(k.lower().encode(), v.encode()) for k, v in headers]
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": payload})


BROWSE_PREFIX = "/browse/"  # Jira's UI link to an issue; in the sandbox it leads to the human issue view


def is_operator(path: str) -> bool:
    return path == OPERATOR_PREFIX or path.startswith((OPERATOR_PREFIX + "/", BROWSE_PREFIX))


class RequestLogMiddleware:
    def __init__(self, app: ASGIApp, sandbox: Sandbox) -> None:
        self.app = app
        self.sandbox = sandbox

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        log = self.sandbox.log
        request_id = log.next_id()
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 0

        async def recording_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, recording_send)
        finally:
            fault = scope["state"].get("fault")
            query = scope.get("query_string", b"").decode("latin-1")
            duration = round((time.perf_counter() - started) * 1000, 3)
            log.append(LoggedRequest(request_id, scope["method"], scope["path"], query, status, duration, fault))
            if scope["method"] in WRITE_METHODS:
                self.sandbox.changes += 1


class AuthMiddleware:
    """Cloud: Basic user:token. Data Center: Bearer token (a PAT) or Basic user:token."""

    def __init__(self, app: ASGIApp, sandbox: Sandbox) -> None:
        self.app = app
        self.sandbox = sandbox

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or is_operator(scope["path"]) or self._authorised(scope):
            await self.app(scope, receive, send)
            return
        body = self._unauthorised_body(scope["path"])
        challenge = 'Basic realm="protected-by-atlassian"' if self.sandbox.flavor == "cloud" else "Bearer"
        await send_json(send, 401, body, (("WWW-Authenticate", challenge),))

    def _authorised(self, scope: Scope) -> bool:
        config = self.sandbox.config
        header = dict(scope["headers"]).get(b"authorization", b"").decode("latin-1")
        scheme, _, credentials = header.partition(" ")
        if scheme.lower() == "bearer" and config.flavor == "datacenter":
            return secrets.compare_digest(credentials.strip(), config.token)
        if scheme.lower() != "basic":
            return False
        try:
            decoded = base64.b64decode(credentials.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return False
        user, _, token = decoded.partition(":")
        return secrets.compare_digest(user, config.user) and secrets.compare_digest(token, config.token)

    def _unauthorised_body(self, path: str) -> dict[str, Any]:
        prefix = self.sandbox.config.confluence_prefix
        if path.startswith(f"{prefix}/api/v2/"):
            return CONFLUENCE_V2_401
        if path.startswith(("/rest/api/2/", "/rest/api/3/", "/rest/agile/")) or path in ("/rest/api/2", "/rest/api/3"):
            return JIRA_401
        if path.startswith(f"{prefix}/rest/"):
            return CONFLUENCE_V1_401
        return JIRA_401


class FaultMiddleware:
    def __init__(self, app: ASGIApp, sandbox: Sandbox) -> None:
        self.app = app
        self.sandbox = sandbox

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or is_operator(scope["path"]):
            await self.app(scope, receive, send)
            return
        decision = self.sandbox.faults.decide(scope["method"], scope["path"])
        scope.setdefault("state", {})["fault"] = decision.label
        if decision.latency:
            await asyncio.sleep(decision.latency)
        if decision.status is not None:
            await send_json(send, decision.status, _fault_body(decision), decision.headers)
            return
        if decision.drop == "before-apply":
            await _start_then_drop(send, 200)
        if decision.drop == "after-apply":
            await self._apply_then_drop(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def _apply_then_drop(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Let the request take effect, then cut the connection before the client reads the answer."""
        status = 200

        async def swallow(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]

        await self.app(scope, receive, swallow)
        await _start_then_drop(send, status)


async def _start_then_drop(send: Send, status: int) -> None:
    # Promise a body, send none, then fail: uvicorn closes the socket and the client sees a broken response.
    headers = [(b"content-type", b"application/json"), (b"content-length", b"64")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    raise DroppedConnection


def _fault_body(decision: FaultDecision) -> dict[str, Any]:
    if decision.status == 429:
        return {"errorMessages": ["Rate limit exceeded."], "errors": {}}
    messages = {500: "Internal server error", 502: "Bad Gateway", 503: "Service Unavailable"}
    return {"errorMessages": [messages.get(decision.status or 500, "Error")], "errors": {}}
