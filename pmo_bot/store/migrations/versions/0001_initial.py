"""Initial schema: runs, items, findings, bot comments, sync watermarks, weekly snapshots, report pages.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

JSON = sa.JSON()  # not JSONB: jsonb refuses "\u0000"


def _instant(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _text(name: str, length: int | None = None, nullable: bool = False) -> sa.Column[object]:
    kind = sa.String(length) if length else sa.String()
    return sa.Column(name, kind, nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer(), primary_key=True),
        _text("kind", 16),
        _instant("started_at"),
        _instant("finished_at", nullable=True),
        _text("status", 16),
        sa.Column("counts", JSON, nullable=False),
        _text("error", nullable=True),
    )
    op.create_index("ix_runs_kind_started", "runs", ["kind", "started_at"])
    op.create_table(
        "items",
        sa.Column("key", sa.String(64), primary_key=True),
        _text("id", 32),
        _text("project", 64),
        _text("issue_type", 128),
        sa.Column("hierarchy_level", sa.Integer(), nullable=False),
        _text("summary"),
        _text("status", 128),
        _text("status_category", 16),
        _instant("updated"),
        _text("parent_key", 64, nullable=True),
        sa.Column("snapshot", JSON, nullable=False),
        _text("content_hash", 64),
        sa.Column("last_seen_run", sa.Integer(), nullable=True),
        sa.Column("deleted", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_items_project", "items", ["project"])
    op.create_index("ix_items_parent_key", "items", ["parent_key"])
    op.create_table(
        "findings",
        sa.Column("rule_id", sa.String(128), primary_key=True),
        sa.Column("item_key", sa.String(64), primary_key=True),
        _text("title"),
        _text("severity", 16),
        _text("category", 64),
        _text("mode", 16),
        _text("status", 16),
        _text("observed"),
        _text("expected"),
        _text("message"),
        _text("remediation"),
        _text("fingerprint", 128),
        _text("waiver", nullable=True),
        sa.Column("baseline", sa.Boolean(), nullable=False),
        _instant("first_seen"),
        _instant("last_seen"),
        _instant("resolved_at", nullable=True),
    )
    op.create_index("ix_findings_status", "findings", ["status"])
    op.create_index("ix_findings_item", "findings", ["item_key"])
    op.create_table(
        "bot_comments",
        sa.Column("issue_key", sa.String(64), primary_key=True),
        _text("comment_id", 64),
        _text("fingerprint", 128),
        _text("body_hash", 64),
        _text("state", 16),
        _instant("created_at"),
        _instant("updated_at"),
    )
    op.create_table(
        "sync_watermarks",
        sa.Column("scope", sa.String(128), primary_key=True),
        _instant("last_updated", nullable=True),
        _instant("last_full_sync_at", nullable=True),
        _instant("updated_at"),
    )
    op.create_table(
        "weekly_snapshots",
        sa.Column("id", sa.Integer(), primary_key=True),
        _text("week", 8),
        _text("scope", 128),
        sa.Column("metrics", JSON, nullable=False),
        _instant("recorded_at"),
        sa.UniqueConstraint("week", "scope", name="uq_weekly_snapshots_week_scope"),
    )
    op.create_table(
        "report_pages",
        sa.Column("week", sa.String(8), primary_key=True),
        _text("page_id", 64),
        _text("title"),
        sa.Column("version", sa.Integer(), nullable=False),
        _text("content_hash", 64),
        sa.Column("attachment_hashes", JSON, nullable=False),
        _instant("published_at"),
    )


def downgrade() -> None:
    for table in ("report_pages", "weekly_snapshots", "sync_watermarks", "bot_comments", "findings", "items", "runs"):
        op.drop_table(table)
