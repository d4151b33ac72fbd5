"""The transport under ``PoliteSession``: a total deadline per request, and redirects that keep credentials home.

requests' ``timeout`` bounds each socket read, not the request: a server (or proxy) trickling one byte every
half second keeps a 30 s timeout from ever firing. ``DeadlineAdapter`` records the connections a request
uses; one watchdog thread shuts their sockets when the request's deadline passes, which ends any read in
progress, and ``deadline`` turns the resulting failure into ``requests.Timeout``.
"""

from __future__ import annotations

import contextlib
import heapq
import http.client
import itertools
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from pmo_bot.errors import LeaseLost

_current = threading.local()  # .watch: the _Watch of the request running on this thread, if any


class _Watch:
    def __init__(self, seconds: float, send_within: float | None = None) -> None:
        now = time.monotonic()
        self.due = now + seconds
        self.send_by = now + send_within if send_within is not None else None
        self.expired = self.stopped = False
        self._connections: list[HTTPConnection] = []
        self._lock = threading.Lock()

    def add(self, connection: HTTPConnection) -> None:
        """Called as ``connection`` is about to send: the last moment a fenced write can still be held back."""
        if self.send_by is not None and time.monotonic() > self.send_by:
            raise LeaseLost("the run lease expired before a write was sent (the process was paused); not sent")
        with self._lock:
            self._connections.append(connection)
            expired = self.expired
        if expired:
            _shut(connection)

    def expire(self) -> None:
        with self._lock:
            if self.stopped:  # the request ended: its connection may already serve the next one
                return
            self.expired = True
            connections = list(self._connections)
        for connection in connections:
            _shut(connection)

    def start(self) -> None:
        _WATCHDOG.watch(self)

    def stop(self) -> None:
        with self._lock:
            self.stopped = True


class _Watchdog:
    """One thread for every deadline: it sleeps until the earliest and expires the requests past theirs (a timer
    thread per request cost about 0.3 ms on each of them)."""

    def __init__(self) -> None:
        self._due: list[tuple[float, int, _Watch]] = []  # a heap; stopped watches leave it when they come first
        self._wake = threading.Condition()
        self._order = itertools.count()
        self._thread: threading.Thread | None = None

    def watch(self, watch: _Watch) -> None:
        with self._wake:
            heapq.heappush(self._due, (watch.due, next(self._order), watch))
            if self._thread is None or not self._thread.is_alive():  # the first request (or after a fork)
                self._thread = threading.Thread(target=self._run, name="request-deadlines", daemon=True)
                self._thread.start()
            elif self._due[0][2] is watch:
                self._wake.notify()

    def _run(self) -> None:
        while True:
            with self._wake:
                while self._due and self._due[0][2].stopped:
                    heapq.heappop(self._due)
                wait = self._due[0][0] - time.monotonic() if self._due else None
                if wait is None or wait > 0:
                    self._wake.wait(wait)
                    continue
                _, _, watch = heapq.heappop(self._due)
            watch.expire()


_WATCHDOG = _Watchdog()


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
def deadline(seconds: float, what: str, *, send_within: float | None = None) -> Iterator[None]:
    """Bound everything inside (connect, headers, body) to ``seconds`` in total; raise ``requests.Timeout``.
    ``send_within``: a write fenced by the run lease must start sending within these seconds, or is not sent
    (``LeaseLost``): a process paused between the lease check and the send must not write after another took
    over."""
    watch = _Watch(seconds, send_within)
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
