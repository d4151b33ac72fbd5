"""Fault injection: seeded, reproducible 429s, 5xx, latency, dropped connections and per-issue write limits.

Decisions are pure: ``FaultInjector.decide`` draws from its own ``random.Random(seed)`` a fixed number of times
per matching request, so the same request sequence always meets the same faults. Where several 429 reasons or
drop modes are configured, the one served is read from the same draw that chose the fault (its position within
the fault's share), so listing more of them never shifts the sequence.
"""

from __future__ import annotations

import random
import re
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

RateLimitReason = Literal["jira-burst-based", "jira-per-issue-on-write", "jira-quota-tenant-based"]
DropMode = Literal["before-apply", "after-apply"]
PER_ISSUE_REASON = "jira-per-issue-on-write"
_Choice = TypeVar("_Choice")

WRITE_METHODS = frozenset({"POST", "PUT", "DELETE", "PATCH"})
# Jira Cloud's per-issue write limits: (writes, window seconds).
PER_ISSUE_WINDOWS = ((20, 2.0), (100, 30.0))
_ISSUE_WRITE_PATH = re.compile(r"^/rest/api/[23]/issue/([^/]+)")


class FaultSettings(BaseModel):
    """The body of ``PUT /_sandbox/faults``. Rates are probabilities per matching request."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    seed: int = 0
    rate_429: float = Field(0.0, ge=0, le=1)
    # One reason, or several to draw from evenly (list one twice to draw it twice as often). Drawn, the per-issue
    # reason goes only where Jira sends it: to writes to an issue (alone, it goes wherever the settings match).
    reason_429: RateLimitReason | Annotated[tuple[RateLimitReason, ...], Field(min_length=1)] = "jira-burst-based"
    retry_after: int = Field(1, ge=0)
    rate_500: float = Field(0.0, ge=0, le=1)
    rate_502: float = Field(0.0, ge=0, le=1)
    rate_503: float = Field(0.0, ge=0, le=1)
    latency_ms: int = Field(0, ge=0)
    drop_rate: float = Field(0.0, ge=0, le=1)
    drop_mode: DropMode | Annotated[tuple[DropMode, ...], Field(min_length=1)] = "after-apply"
    per_issue_write_limits: bool = False
    search_lag_seconds: float = Field(0.0, ge=0)
    methods: tuple[str, ...] = ()  # empty: every method
    path_pattern: str | None = None  # a regular expression searched in the path; None: every path

    @property
    def reasons_429(self) -> tuple[RateLimitReason, ...]:
        return (self.reason_429,) if isinstance(self.reason_429, str) else self.reason_429

    @property
    def drop_modes(self) -> tuple[DropMode, ...]:
        return (self.drop_mode,) if isinstance(self.drop_mode, str) else self.drop_mode


@dataclass(frozen=True, slots=True)
class FaultDecision:
    """What to do with one request. ``status`` None means serve it normally (after ``latency``)."""

    latency: float = 0.0
    status: int | None = None
    headers: tuple[tuple[str, str], ...] = ()
    reason: str | None = None  # RateLimit-Reason for 429s
    drop: DropMode | None = None

    @property
    def label(self) -> str | None:
        if self.status is not None:
            return str(self.status)
        if self.drop is not None:
            return f"drop-{self.drop.split('-')[0]}"
        return "latency" if self.latency else None


NO_FAULT = FaultDecision()


def _pick(choices: tuple[_Choice, ...], position: float) -> _Choice:
    """The choice at ``position`` in [0, 1): uniform over ``choices`` when the position is."""
    return choices[min(int(position * len(choices)), len(choices) - 1)]


def _is_issue_write(method: str, path: str) -> bool:
    return method.upper() in WRITE_METHODS and _ISSUE_WRITE_PATH.match(path) is not None


def _rate_limit_headers(retry_after: int, reason: str, limit: int, now: datetime) -> tuple[tuple[str, str], ...]:
    reset = (now + timedelta(seconds=max(retry_after, 1))).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        ("Retry-After", str(retry_after)),
        ("RateLimit-Reason", reason),
        ("X-RateLimit-Limit", str(limit)),
        ("X-RateLimit-Remaining", "0"),
        ("X-RateLimit-Reset", reset),
    )


class FaultInjector:
    """Holds the current settings, the seeded generator and the per-issue write windows."""

    def __init__(self, settings: FaultSettings | None = None) -> None:
        self._lock = threading.Lock()
        self._writes: dict[str, deque[float]] = {}
        self.configure(settings or FaultSettings())

    @property
    def settings(self) -> FaultSettings:
        return self._settings

    def configure(self, settings: FaultSettings) -> None:
        with self._lock:
            self._settings = settings
            self._random = random.Random(settings.seed)
            self._pattern = re.compile(settings.path_pattern) if settings.path_pattern else None
            self._writes.clear()

    def _matches(self, method: str, path: str) -> bool:
        settings = self._settings
        if settings.methods and method.upper() not in {m.upper() for m in settings.methods}:
            return False
        return self._pattern is None or bool(self._pattern.search(path))

    def decide(self, method: str, path: str, *, clock: float | None = None) -> FaultDecision:
        settings = self._settings
        with self._lock:
            per_issue = self._per_issue_limit(method, path, time.monotonic() if clock is None else clock)
            if per_issue is not None or not self._matches(method, path):
                return per_issue or NO_FAULT
            # Always two draws per matching request, so one setting does not shift the others' sequence.
            error_draw, drop_draw = self._random.random(), self._random.random()
        latency = settings.latency_ms / 1000
        now = datetime.now(UTC)
        threshold = 0.0
        for status, rate in (
            (429, settings.rate_429),
            (500, settings.rate_500),
            (502, settings.rate_502),
            (503, settings.rate_503),
        ):
            if error_draw < threshold + rate:
                return self._error(status, latency, now, (error_draw - threshold) / rate, method, path)
            threshold += rate
        if drop_draw < settings.drop_rate:
            return FaultDecision(latency=latency, drop=_pick(settings.drop_modes, drop_draw / settings.drop_rate))
        return FaultDecision(latency=latency) if latency else NO_FAULT

    def _error(
        self, status: int, latency: float, now: datetime, position: float, method: str, path: str
    ) -> FaultDecision:
        settings = self._settings
        if status == 429:
            reasons = settings.reasons_429
            if len(reasons) > 1 and not _is_issue_write(method, path):
                reasons = tuple(r for r in reasons if r != PER_ISSUE_REASON) or reasons
            reason = _pick(reasons, position)
            headers = _rate_limit_headers(settings.retry_after, reason, 100, now)
            return FaultDecision(latency, 429, headers, reason)
        if status == 503:
            return FaultDecision(latency, 503, (("Retry-After", str(settings.retry_after)),))
        return FaultDecision(latency, status)

    def _per_issue_limit(self, method: str, path: str, now: float) -> FaultDecision | None:
        """Jira Cloud's per-issue write limiter: 20 writes per 2 s and 100 per 30 s on one issue."""
        if not self._settings.per_issue_write_limits or method.upper() not in WRITE_METHODS:
            return None
        match = _ISSUE_WRITE_PATH.match(path)
        if match is None:
            return None
        stamps = self._writes.setdefault(match.group(1).upper(), deque())
        while stamps and now - stamps[0] > PER_ISSUE_WINDOWS[-1][1]:
            stamps.popleft()
        for limit, window in PER_ISSUE_WINDOWS:
            recent = [s for s in stamps if now - s < window]
            if len(recent) >= limit:
                retry_after = max(1, round(window - (now - recent[0]) + 0.5))
                headers = _rate_limit_headers(retry_after, PER_ISSUE_REASON, limit, datetime.now(UTC))
                return FaultDecision(0.0, 429, headers, PER_ISSUE_REASON)
        stamps.append(now)
        return None
