"""The transport under ``PoliteSession``: a total deadline per request, and redirects that keep credentials home.

requests' ``timeout`` bounds each socket read, not the request: a server (or proxy) trickling one byte every
half second keeps a 30 s timeout from ever firing. ``DeadlineAdapter`` records the connections a request
uses; a timer shuts their sockets when the request's deadline passes, which ends any read in progress, and
``deadline`` turns the resulting failure into ``requests.Timeout``. No thread is left behind.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

_current = threading.local()  # .watch: the _Watch of the request running on this thread, if any


class _Watch:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._connections: list[HTTPConnection] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def add(self, connection: HTTPConnection) -> None:
        with self._lock:
            self._connections.append(connection)
            expired = self.expired
        if expired:
            _shut(connection)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            connections = list(self._connections)
        for connection in connections:
            _shut(connection)

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.cancel()


def _shut(connection: HTTPConnection) -> None:
    sock = connection.sock
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)  # the blocked recv returns at once; the pool discards the connection


class _Watched:
    def request(self, *args: Any, **kwargs: Any) -> Any:
        watch = getattr(_current, "watch", None)
        if watch is not None:
            watch.add(self)
        return super().request(*args, **kwargs)  # type: ignore[misc]


class _HTTPConnection(_Watched, HTTPConnection):
    pass


class _HTTPSConnection(_Watched, HTTPSConnection):
    pass


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


class DeadlineAdapter(HTTPAdapter):
    """requests' adapter, with connections that a ``deadline`` can cut."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}


@contextlib.contextmanager
def deadline(seconds: float, what: str) -> Iterator[None]:
    """Bound everything inside (connect, headers, body) to ``seconds`` in total; raise ``requests.Timeout``."""
    watch = _Watch(seconds)
    previous = getattr(_current, "watch", None)
    _current.watch = watch
    watch.start()
    try:
        yield
    except (requests.RequestException, urllib3.exceptions.HTTPError, http.client.HTTPException, OSError):
        if watch.expired:
            raise requests.Timeout(f"no complete answer to {what} within {seconds:g} s") from None
        raise
    finally:
        watch.stop()
        _current.watch = previous


def same_origin(old_url: str, new_url: str) -> bool:
    """Scheme, host and port all equal: the only redirect that may carry credentials."""
    old, new = urlsplit(old_url), urlsplit(new_url)
    defaults = {"http": 80, "https": 443}
    return (old.scheme, old.hostname, old.port or defaults.get(old.scheme)) == (
        new.scheme,
        new.hostname,
        new.port or defaults.get(new.scheme),
    )
