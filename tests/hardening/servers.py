"""Tiny misbehaving HTTP(S) servers on 127.0.0.1 (free ports), each in a daemon thread, stopped on exit."""

from __future__ import annotations

import json
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Recorded:
    """What a server saw: one (method, path, headers) per request."""

    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)


Handler = Callable[[BaseHTTPRequestHandler, Recorded], None]


@contextmanager
def http_server(handle: Handler, *, tls: ssl.SSLContext | None = None) -> Iterator[tuple[str, Recorded]]:
    """Serve ``handle`` for every method; yields the base URL and what was recorded."""
    recorded = Recorded()

    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _any(self) -> None:
            recorded.requests.append((self.command, self.path, dict(self.headers.items())))
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            handle(self, recorded)

        do_GET = do_POST = do_PUT = do_DELETE = _any

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    scheme = "https" if tls else "http"
    try:
        yield f"{scheme}://127.0.0.1:{server.server_address[1]}", recorded
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def send_json(handler: BaseHTTPRequestHandler, body: Any, status: int = 200, kind: str = "application/json") -> None:
    data = (json.dumps(body) if not isinstance(body, str) else body).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", kind)
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)


@contextmanager
def trickling_server(*, in_headers: bool, interval: float = 0.5, total: float = 30.0) -> Iterator[str]:
    """A raw server that sends its answer one byte every ``interval`` seconds (headers or body)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.2)
    stop = threading.Event()

    def trickle(conn: socket.socket) -> None:
        with conn:
            conn.settimeout(total)
            try:
                conn.recv(65536)
                body = b'{"version": "9.12.0", "deploymentType": "Server", "pad": "' + b"x" * 1000 + b'"}'
                head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
                slow, fast = (head.encode() + body, b"") if in_headers else (body, head.encode())
                conn.sendall(fast)
                deadline = time.monotonic() + total
                for byte in slow:
                    if stop.is_set() or time.monotonic() > deadline:
                        return
                    conn.sendall(bytes([byte]))
                    time.sleep(interval)
            except OSError:
                return

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            threading.Thread(target=trickle, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()
