"""Client-side politeness for every Atlassian call: a request rate, 429s handled by reason, bounded retries.

``PoliteSession`` is a ``requests.Session`` handed to atlassian-python-api, so the library's calls and our raw
calls share one throttle. Atlassian's documented behaviour (atlassian-api.md §5):

- quota (``jira-quota-*``): pause *everything* until ``Retry-After``;
- burst (``jira-burst-based``): slow down *that endpoint*;
- per-issue writes (``jira-per-issue-on-write``): slow down writes to *that issue*;
- 5xx and network failures: exponential backoff 2, 4, 8, 16 s with jitter x[0.7, 1.3], at most ``max_retries``.

Only requests that are safe to repeat are retried after a failure that may have reached the server; a 429 was
not processed, so it is always retried. A comment create that failed ambiguously is handed back to the caller,
which verifies before trying again (see ``pmo_bot.atlassian.jira``).
"""

from __future__ import annotations

import math
import random
import re
import threading
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests
import tenacity

from pmo_bot import logs
from pmo_bot.atlassian.transport import DeadlineAdapter, deadline, same_origin
from pmo_bot.errors import RemoteError
from pmo_bot.ops import metrics

log = logs.get_logger(__name__)

RETRYABLE_STATUS = frozenset({500, 502, 503, 504})
# The run lease's fencing check for writes sent from this context, for clients built where no session is handed
# in (the report's Confluence client); ``PoliteSession.write_guard`` takes precedence. It raises when the lease
# is lost, else returns the seconds within which the write must leave (the lease is certainly ours until then).
WriteGuard = Callable[[], float | None]
WRITE_GUARD: ContextVar[WriteGuard | None] = ContextVar("pmo_bot_write_guard", default=None)
# Transport failures: refused, reset, timed out, or cut mid-answer. A cut body surfaces from requests as
# ChunkedEncodingError, which is not a ConnectionError, so it is named here explicitly.
NETWORK_ERRORS: tuple[type[Exception], ...] = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
)
# POSTs that only read, and so may be repeated after an ambiguous failure.
_READ_ONLY_POST = re.compile(
    r"/(search(/jql)?|search/approximate-count|comment/list|worklog/list|changelog/bulkfetch)/?$"
)
_ISSUE_IN_PATH = re.compile(r"/issue/([A-Za-z][A-Za-z0-9_]*-\d+|\d+)(?:/|$)")
_ID_SEGMENT = re.compile(r"(?<!/api)/(?:\d+|[A-Za-z][A-Za-z0-9_]*-\d+)(?=/|$)")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_retries: int = 4
    base_delay: float = 2.0
    max_delay: float = 60.0
    jitter: tuple[float, float] = (0.7, 1.3)


def endpoint_of(method: str, url: str) -> str:
    """``GET /rest/api/3/issue/{id}/comment``: the unit Atlassian's burst limiter counts."""
    path = urlsplit(url).path
    return f"{method.upper()} {_ID_SEGMENT.sub('/{id}', path)}"


def issue_of(url: str) -> str | None:
    match = _ISSUE_IN_PATH.search(urlsplit(url).path)
    return match.group(1) if match else None


def is_repeatable(method: str, url: str) -> bool:
    method = method.upper()
    if method in ("GET", "HEAD", "OPTIONS", "PUT", "DELETE"):
        return True  # PUT and DELETE are idempotent in Jira and Confluence
    return method == "POST" and bool(_READ_ONLY_POST.search(urlsplit(url).path))


def retry_after_seconds(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # HTTP-date form: fall back to our own backoff rather than guess at clocks


@dataclass
class Throttle:
    """Shared pacing state. Thread-safe; time and sleep are injectable for tests."""

    rate: float  # requests per second overall; 0 disables
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    _next_slot: float = 0.0
    _paused_until: float = 0.0
    _endpoint_gap: dict[str, float] = field(default_factory=dict)
    _endpoint_next: dict[str, float] = field(default_factory=dict)
    _issue_next: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wait(self, endpoint: str, issue: str | None, is_write: bool) -> None:
        with self._lock:
            now = self.clock()
            start = max(now, self._paused_until, self._endpoint_next.get(endpoint, 0.0))
            if self.rate > 0:
                start = max(start, self._next_slot)
                self._next_slot = start + 1.0 / self.rate
            if is_write and issue:
                start = max(start, self._issue_next.get(issue, 0.0))
            gap = self._endpoint_gap.get(endpoint, 0.0)
            if gap:
                self._endpoint_next[endpoint] = start + gap
                self._endpoint_gap[endpoint] = gap * 0.9 if gap > 0.01 else 0.0  # recover gradually
        if start > now:
            self.sleep(start - now)

    def rate_limited(self, reason: str, retry_after: float, endpoint: str, issue: str | None) -> None:
        with self._lock:
            until = self.clock() + retry_after
            if "quota" in reason or "cost" in reason:
                self._paused_until = max(self._paused_until, until)
            elif "per-issue" in reason and issue:
                self._issue_next[issue] = max(self._issue_next.get(issue, 0.0), until)
            else:  # burst-based, unknown reasons, and Data Center (no reason header)
                self._endpoint_gap[endpoint] = max(self._endpoint_gap.get(endpoint, 0.0) * 2, 0.05)
                self._endpoint_next[endpoint] = max(self._endpoint_next.get(endpoint, 0.0), until)


def _refuse_html(response: requests.Response, endpoint: str) -> None:
    """A REST call answered by a web page (a login screen, a proxy, a wrong base URL) is an error that says so,
    not JSON that the client quietly reads as empty."""
    kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if response.ok and "/rest/" in urlsplit(response.url).path and kind in ("text/html", "application/xhtml+xml"):
        host = urlsplit(response.url).netloc.rsplit("@", 1)[-1]
        raise RemoteError(
            f"{host} answered {endpoint} with a web page (HTTP {response.status_code}, {kind}) instead of JSON: "
            "check that the URL is the site's base URL and that no proxy or login page stands in between"
        )


class _RetryableResponse(Exception):
    def __init__(self, response: requests.Response) -> None:
        self.response = response


class PoliteSession(requests.Session):
    """A requests session that paces, classifies and retries; give it to the Atlassian client."""

    def __init__(
        self,
        throttle: Throttle,
        *,
        policy: RetryPolicy | None = None,
        timeout: float = 30.0,
        rng: random.Random | None = None,
        ca_bundle: str | None = None,
    ) -> None:
        super().__init__()
        # A total deadline per request (connect + headers + body), not only per socket read: see transport.py.
        self.mount("https://", DeadlineAdapter())
        self.mount("http://", DeadlineAdapter())
        self.verify = ca_bundle or True  # verification is never switched off; a CA bundle adds a private CA
        self.throttle = throttle
        self.policy = policy or RetryPolicy()
        self.timeout = timeout
        self.rng = rng or random.Random()  # jitter only, not security
        self.retries = 0
        # Called just before each write is sent (after any throttle pause): the run lease's fencing check.
        self.write_guard: WriteGuard | None = None

    def should_strip_auth(self, old_url: str, new_url: str) -> bool:
        """Credentials follow a redirect only to the very same scheme, host and port (requests alone keeps
        them on an http -> https upgrade and re-adds ~/.netrc entries for the new host)."""
        return not same_origin(old_url, new_url)

    def rebuild_auth(self, prepared_request: requests.PreparedRequest, response: requests.Response) -> None:
        if self.should_strip_auth(response.request.url or "", prepared_request.url or ""):
            prepared_request.headers.pop("Authorization", None)
            prepared_request.headers.pop("Cookie", None)
            return  # and no ~/.netrc look-up for the other host
        super().rebuild_auth(prepared_request, response)  # type: ignore[no-untyped-call]

    @property
    def library_timeout(self) -> int:
        """The timeout to give atlassian-python-api, which truncates it to whole seconds (and 0 breaks urllib3)."""
        return max(1, math.ceil(self.timeout))

    def _wait(self, state: tenacity.RetryCallState) -> float:
        backoff = min(self.policy.base_delay * float(2 ** (state.attempt_number - 1)), self.policy.max_delay)
        backoff *= self.rng.uniform(*self.policy.jitter)
        outcome = state.outcome
        error = outcome.exception() if outcome is not None else None
        if isinstance(error, _RetryableResponse):
            after = retry_after_seconds(error.response)
            if error.response.status_code == 429:
                return 0.0  # the throttle already holds the pause; waiting twice would double it
            if after is not None:
                return min(max(after, 0.0), self.policy.max_delay)
        return backoff

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        method_s = method.decode() if isinstance(method, bytes) else method
        url_s = url.decode() if isinstance(url, bytes) else url
        kwargs.setdefault("timeout", self.timeout)
        endpoint = endpoint_of(method_s, url_s)
        issue = issue_of(url_s)
        is_write = method_s.upper() in ("POST", "PUT", "DELETE")
        repeatable = is_repeatable(method_s, url_s)
        path = urlsplit(url_s).path
        changes = is_write and not _READ_ONLY_POST.search(path)

        def attempt() -> requests.Response:
            self.throttle.wait(endpoint, issue, is_write)
            guard = self.write_guard or WRITE_GUARD.get()
            window = guard() if changes and guard is not None else None
            try:
                with deadline(self.timeout, endpoint, send_within=window):
                    response = super(PoliteSession, self).request(method_s, url_s, *args, **kwargs)
            except NETWORK_ERRORS:
                metrics.request_done(path, None)
                raise
            metrics.request_done(path, response.status_code)
            if response.status_code == 429:
                reason = response.headers.get("RateLimit-Reason", "")
                metrics.rate_limited(path, reason)
                after = retry_after_seconds(response)
                self.throttle.rate_limited(reason, after if after is not None else 5.0, endpoint, issue)
                log.warning("rate_limited", endpoint=endpoint, reason=reason or "unspecified", retry_after=after)
                raise _RetryableResponse(response)
            if response.status_code in RETRYABLE_STATUS and repeatable:
                raise _RetryableResponse(response)
            _refuse_html(response, endpoint)
            return response

        def retryable(error: BaseException) -> bool:
            if isinstance(error, _RetryableResponse):
                return True
            return repeatable and isinstance(error, NETWORK_ERRORS)

        def before_sleep(state: tenacity.RetryCallState) -> None:
            self.retries += 1
            metrics.retried(path)
            error = state.outcome.exception() if state.outcome is not None else None
            detail = f"HTTP {error.response.status_code}" if isinstance(error, _RetryableResponse) else repr(error)
            log.info("request_retried", endpoint=endpoint, attempt=state.attempt_number, cause=detail)

        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self.policy.max_retries + 1),
            wait=self._wait,
            retry=tenacity.retry_if_exception(retryable),
            sleep=self.throttle.sleep,
            before_sleep=before_sleep,
            reraise=True,
        )
        try:
            return retrying(attempt)
        except _RetryableResponse as exhausted:
            return exhausted.response  # the caller's raise_for_status turns it into an error with Jira's message
