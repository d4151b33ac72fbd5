"""Frozen values the store hands out. Rows never leave ``pmo_bot.store``; these do."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from pmo_bot.domain import Finding


class RunKind(StrEnum):
    CHECK = "check"
    REPORT = "report"


class RunStatus(StrEnum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    PARTIAL = "partial"  # finished, but some items failed after retries (counted in ``counts``)


class FindingStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"
    WAIVED = "waived"


class CommentState(StrEnum):
    OPEN = "open"  # lists findings
    RESOLVED = "resolved"  # edited to the "all PMO checks pass" note
    DELETED = "deleted"  # removed (resolved_comment = "delete"), or found gone from Jira


@dataclass(frozen=True, slots=True)
class Run:
    id: int
    kind: RunKind
    status: RunStatus
    started_at: datetime
    finished_at: datetime | None
    counts: Mapping[str, Any]  # JSON: seen, evaluated, skipped and reasons, findings by severity, writes...
    error: str | None


@dataclass(frozen=True, slots=True)
class StoredFinding:
    """A finding with its lifecycle. ``finding`` is what the rule said when it was last seen."""

    finding: Finding
    status: FindingStatus
    first_seen: datetime
    last_seen: datetime
    resolved_at: datetime | None = None
    baseline: bool = False

    @property
    def ident(self) -> tuple[str, str]:
        return (self.finding.rule_id, self.finding.item_key)


@dataclass(frozen=True, slots=True)
class ItemsUpserted:
    """What an upsert found: ``changed`` means the content changed, not merely ``updated``."""

    inserted: tuple[str, ...]
    changed: tuple[str, ...]
    unchanged: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class StoredState:
    """What the sync compares a fetched issue with, without decoding the stored snapshot."""

    raw_hash: str | None  # of the issue's JSON when it was last normalised (None: stored by an older pmo-bot)
    content_hash: str  # of the snapshot without ``updated``
    updated: datetime
    parent_key: str | None
    deleted: bool


@dataclass(frozen=True, slots=True)
class BotComment:
    issue_key: str
    comment_id: str
    fingerprint: str
    body_hash: str
    state: CommentState
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Watermark:
    scope: str
    last_updated: datetime | None  # the newest ``updated`` seen by the last successful sync of this scope
    last_full_sync_at: datetime | None


@dataclass(frozen=True, slots=True)
class WeeklySnapshot:
    week: str  # "2026-W48"
    scope: str  # "portfolio", a project key, or "goal:<id>"
    metrics: Mapping[str, Any]
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class ReportPage:
    week: str
    page_id: str
    title: str
    version: int
    content_hash: str
    attachment_hashes: Mapping[str, str]
    published_at: datetime
