"""The tables (SQLModel). Internal to ``pmo_bot.store``: the rest of pmo-bot sees frozen records, never rows.

Every change here needs a new Alembic revision in ``migrations/versions``; ``tests/store/test_schema.py``
fails when the migrated schema and these models drift apart. No secret is ever stored.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Index, String, Table, UniqueConstraint, true
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in, timezone-aware UTC out, on SQLite (no zone support) and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} given to the store: pass a timezone-aware one")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = SQLModel.metadata


def table(name: str) -> Table:
    return metadata.tables[name]


class CleanText(TypeDecorator[str]):
    """Text with NUL characters replaced (U+FFFD): PostgreSQL refuses them, and Jira text can carry them."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return value.replace("\x00", "\ufffd") if value is not None else None


JSONType = JSON()  # not JSONB: jsonb refuses "\u0000", and snapshots must round-trip whatever Jira sent


def _json(**kwargs: Any) -> Any:
    return Field(sa_type=JSONType, **kwargs)


def _text(length: int | None = None, **kwargs: Any) -> Any:
    return Field(sa_type=CleanText(length) if length else CleanText(), **kwargs)


def _instant(**kwargs: Any) -> Any:
    return Field(sa_type=UTCDateTime, **kwargs)


class RunRow(SQLModel, table=True):
    __tablename__ = "runs"
    __table_args__ = (Index("ix_runs_kind_started", "kind", "started_at"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = _text(16)  # check | report
    started_at: datetime = _instant()
    finished_at: datetime | None = _instant(default=None)
    status: str = _text(16)  # running | succeeded | failed | partial
    counts: dict[str, Any] = _json(default_factory=dict)
    error: str | None = _text(default=None)


class ItemRow(SQLModel, table=True):
    __tablename__ = "items"
    __table_args__ = (
        # The sync's look-up reads only this index (SQLite stores the snapshot inline, before these columns).
        Index("ix_items_sync", "key", "raw_hash", "content_hash", "updated", "parent_key", "deleted"),
        Index("ix_items_pending", "pending"),
    )

    key: str = _text(64, primary_key=True)
    id: str = _text(32)
    project: str = _text(64, index=True)
    issue_type: str = _text(128)
    hierarchy_level: int
    summary: str = _text()
    status: str = _text(128)
    status_category: str = _text(16)
    updated: datetime = _instant()
    parent_key: str | None = _text(64, default=None, index=True)
    snapshot: dict[str, Any] = _json()
    content_hash: str = _text(64)  # of the snapshot without ``updated``: tells real edits apart
    last_seen_run: int | None = None
    deleted: bool = False
    raw_hash: str | None = Field(default=None, max_length=32)  # of the issue's JSON as Jira sent it
    pending: bool = Field(default=True, sa_column_kwargs={"server_default": true()})  # not yet evaluated


class FindingRow(SQLModel, table=True):
    __tablename__ = "findings"
    __table_args__ = (Index("ix_findings_status", "status"), Index("ix_findings_item", "item_key"))

    rule_id: str = _text(128, primary_key=True)
    item_key: str = _text(64, primary_key=True)
    title: str = _text()
    severity: str = _text(16)
    category: str = _text(64)
    mode: str = _text(16)
    status: str = _text(16)  # open | resolved | waived
    observed: str = _text()
    expected: str = _text()
    message: str = _text()
    remediation: str = _text()
    fingerprint: str = _text(128)
    waiver: str | None = _text(default=None)
    baseline: bool = False  # recorded by a --baseline run: not commented while baseline_new_only is on
    first_seen: datetime = _instant()
    last_seen: datetime = _instant()
    resolved_at: datetime | None = _instant(default=None)


class BotCommentRow(SQLModel, table=True):
    __tablename__ = "bot_comments"

    issue_key: str = Field(primary_key=True, max_length=64)
    comment_id: str = Field(max_length=64)
    fingerprint: str = Field(max_length=128)
    body_hash: str = Field(max_length=64)
    state: str = Field(max_length=16)  # open | resolved | deleted
    created_at: datetime = _instant()
    updated_at: datetime = _instant()


class SyncWatermarkRow(SQLModel, table=True):
    __tablename__ = "sync_watermarks"

    scope: str = Field(primary_key=True, max_length=128)
    last_updated: datetime | None = _instant(default=None)
    last_full_sync_at: datetime | None = _instant(default=None)
    updated_at: datetime = _instant()


class WeeklySnapshotRow(SQLModel, table=True):
    __tablename__ = "weekly_snapshots"
    __table_args__ = (UniqueConstraint("week", "scope", name="uq_weekly_snapshots_week_scope"),)

    id: int | None = Field(default=None, primary_key=True)
    week: str = Field(max_length=8)  # ISO week, "2026-W48"
    scope: str = Field(max_length=128)  # "portfolio", a project key or "goal:<id>"
    metrics: dict[str, Any] = _json()
    recorded_at: datetime = _instant()


class ReportPageRow(SQLModel, table=True):
    __tablename__ = "report_pages"

    week: str = Field(primary_key=True, max_length=8)
    page_id: str = Field(max_length=64)
    title: str
    version: int
    content_hash: str = Field(max_length=64)
    attachment_hashes: dict[str, str] = _json(default_factory=dict)
    published_at: datetime = _instant()


class ReportSnapshotRow(SQLModel, table=True):
    """What a published week showed (the report model) and the compact state next week compares against."""

    __tablename__ = "report_snapshots"

    week: str = Field(primary_key=True, max_length=8)
    report: dict[str, Any] = _json()  # the PortfolioReport as JSON (pmo_bot.report.archive)
    state: dict[str, Any] = _json()  # the WeekState as JSON
    recorded_at: datetime = _instant()


class FailingSinceRow(SQLModel, table=True):
    """Since when a rule's check has failed on an item, including while the rule's grace period hides it."""

    __tablename__ = "failing_since"

    rule_id: str = _text(128, primary_key=True)
    item_key: str = _text(64, primary_key=True, index=True)
    since: datetime = _instant()


# -- operations (migration 0003): run leases and the daemon's schedule state ----------------------------------


class RunLeaseRow(SQLModel, table=True):
    """Who may run a job now. Times are seconds since the epoch on the database server's clock."""

    __tablename__ = "run_leases"

    job: str = Field(primary_key=True, max_length=16)
    token: int = 0  # fencing token: grows by one at every acquisition
    holder: str = Field(default="", max_length=64)  # one process's lease keeper (random id)
    pid: int = 0
    host: str = Field(default="", max_length=255)
    acquired_at: float = 0.0
    expires_at: float = 0.0


class JobStateRow(SQLModel, table=True):
    """The daemon's schedule, shared by replicas: the last scheduled time handled and the failure streak."""

    __tablename__ = "job_state"

    job: str = Field(primary_key=True, max_length=16)
    last_due: datetime = _instant()  # the scheduled fire time most recently run (or given up as missed)
    last_status: str | None = Field(default=None, max_length=16)
    last_success_at: datetime | None = _instant(default=None)
    failures_in_a_row: int = 0
    notes: dict[str, Any] = _json(default_factory=dict)  # "reload": the rejected files' problems
    updated_at: datetime = _instant()


class EvaluationMarkRow(SQLModel, table=True):
    """Per check scope: the day and the context (rules, settings) the stored findings were evaluated with."""

    __tablename__ = "evaluation_marks"

    scope: str = Field(primary_key=True, max_length=128)
    day: str = Field(max_length=10)  # ISO date
    context_hash: str = Field(max_length=64)
    updated_at: datetime = _instant()


class CommentIntentRow(SQLModel, table=True):
    """A comment create about to be sent: until its record replaces this, a look-up must precede any create."""

    __tablename__ = "comment_intents"

    issue_key: str = Field(primary_key=True, max_length=64)
    started_at: datetime = _instant()
