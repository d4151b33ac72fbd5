"""The transport: a total deadline per request, TLS with a private CA, and redirects that keep credentials home."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
import requests

from pmo_bot import wiring
from pmo_bot.atlassian.polite import PoliteSession, RetryPolicy, Throttle
from pmo_bot.atlassian.transport import DeadlineAdapter
from pmo_bot.config import load_settings
from pmo_bot.errors import LeaseLost, RemoteError
from tests.hardening.servers import Recorded, http_server, send_json, trickling_server

CANARY = "canary-9f3a1c77e2"


def session(timeout: float, retries: int = 0) -> PoliteSession:
    return PoliteSession(Throttle(rate=0), policy=RetryPolicy(max_retries=retries, base_delay=0.01), timeout=timeout)


@pytest.mark.parametrize("in_headers", [False, True], ids=["trickled-body", "trickled-headers"])
def test_a_server_trickling_one_byte_every_half_second_cannot_hold_a_request(in_headers: bool) -> None:
    with trickling_server(in_headers=in_headers) as url:
        started = time.monotonic()
        with pytest.raises(requests.Timeout, match=r"no complete answer to GET /rest/api/2/serverInfo within 2 s"):
            session(timeout=2.0).get(f"{url}/rest/api/2/serverInfo")
        elapsed = time.monotonic() - started
    # The per-read timeout alone would wait for all ~1,100 bytes: 9 minutes.
    assert 1.9 < elapsed < 6


def test_request_timeout_seconds_bounds_a_whole_jira_call_including_its_retries() -> None:
    with trickling_server(in_headers=False) as url:
        env = {"PMO_JIRA_URL": url, "PMO_JIRA_TOKEN": "t0ken", "PMO_REQUEST_TIMEOUT_SECONDS": "1"}
        env["PMO_MAX_RETRIES"] = "1"
        settings = load_settings(None, env=env)
        started = time.monotonic()
        with pytest.raises(RemoteError, match="Jira did not answer while reading serverInfo: Timeout"):
            wiring.jira_client(settings)
        # Two attempts of 1 s each plus one backoff of at most 2.6 s.
        assert time.monotonic() - started < 8


def test_a_fast_server_is_unaffected_and_its_connection_reused() -> None:
    def ok(handler: BaseHTTPRequestHandler, _: Recorded) -> None:
        send_json(handler, {"ok": True})

    with http_server(ok) as (url, recorded):
        http = session(timeout=1.0)
        for _ in range(3):
            assert http.get(f"{url}/rest/api/2/x").json() == {"ok": True}
        time.sleep(1.2)  # past the deadline of the earlier requests: their timers must not cut the next one
        assert http.get(f"{url}/rest/api/2/x").json() == {"ok": True}
        # One watchdog thread for all deadlines, not a thread per request.
        watchdogs = [t for t in threading.enumerate() if t.name.startswith("request-deadlines")]
        assert len(watchdogs) == 1
        assert not [t for t in threading.enumerate() if isinstance(t, threading.Timer)]
    assert len(recorded.requests) == 4


def test_a_write_paused_past_its_lease_window_is_never_sent() -> None:
    """The lease check passed, then the process froze (SIGSTOP, a VM pause) until the lease had expired and a
    standby may have written: the write must not leave when the process wakes."""

    def ok(handler: BaseHTTPRequestHandler, _: Recorded) -> None:
        send_json(handler, {"id": "10001"}, status=201)

    class Paused(DeadlineAdapter):
        def send(self, *args: Any, **kwargs: Any) -> requests.Response:
            time.sleep(0.3)  # between the lease check and the socket
            return super().send(*args, **kwargs)

    with http_server(ok) as (url, recorded):
        http = session(timeout=5.0)
        http.write_guard = lambda: 0.2  # the lease is certainly ours for 0.2 s more
        assert http.get(f"{url}/rest/api/3/myself").ok  # reads are not fenced
        http.mount("http://", Paused())
        with pytest.raises(LeaseLost, match="expired before a write was sent"):
            http.post(f"{url}/rest/api/3/issue/PAY-1/comment", json={"body": "x"})
        http.write_guard = lambda: 5.0
        assert http.post(f"{url}/rest/api/3/issue/PAY-1/comment", json={"body": "x"}).status_code == 201
    assert [method for method, _, _ in recorded.requests] == ["GET", "POST"]  # the late write never arrived


def _redirect_to(target: str) -> object:
    def handle(handler: BaseHTTPRequestHandler, _: Recorded) -> None:
        handler.send_response(302)
        handler.send_header("Location", target + handler.path)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return handle


@pytest.mark.parametrize("auth", ["basic", "bearer"])
def test_a_redirect_to_another_origin_carries_no_credentials(
    auth: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def elsewhere(handler: BaseHTTPRequestHandler, _: Recorded) -> None:
        send_json(handler, {"accountId": "x"})

    with http_server(elsewhere) as (other, seen), http_server(_redirect_to(other)) as (home, _):  # type: ignore[arg-type]
        # A ~/.netrc entry for the other host must not be picked up on the way either.
        netrc = tmp_path / "netrc"
        netrc.write_text(f"machine 127.0.0.1 login someone password {CANARY}-netrc\n")
        netrc.chmod(0o600)
        monkeypatch.setenv("NETRC", str(netrc))
        http = session(timeout=5.0)
        if auth == "basic":
            http.auth = ("bot@example.com", CANARY)
        else:
            http.headers["Authorization"] = f"Bearer {CANARY}"
        assert http.get(f"{home}/rest/api/3/myself").json() == {"accountId": "x"}
    ((method, path, headers),) = seen.requests
    assert (method, path) == ("GET", "/rest/api/3/myself")
    assert "Authorization" not in headers
    assert CANARY not in repr(headers)


def test_a_redirect_within_the_same_origin_keeps_the_credentials() -> None:
    def handle(handler: BaseHTTPRequestHandler, _: Recorded) -> None:
        if handler.path.startswith("/old"):
            handler.send_response(301)
            handler.send_header("Location", handler.path.replace("/old", "", 1))
            handler.send_header("Content-Length", "0")
            handler.end_headers()
        else:
            send_json(handler, {"auth": handler.headers.get("Authorization", "")})

    with http_server(handle) as (url, _):
        http = session(timeout=5.0)
        http.auth = ("bot@example.com", CANARY)
        assert http.get(f"{url}/old/rest/api/3/myself").json()["auth"].startswith("Basic ")
