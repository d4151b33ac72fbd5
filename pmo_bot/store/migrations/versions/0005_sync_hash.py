"""Sync: a hash of each issue's raw JSON (unchanged issues are neither normalised nor rewritten), a flag for
items whose changes the evaluation has not seen yet, and the day and context of the last evaluation (what an
incremental check may reuse), and the comment creates in flight (a create the store does not know of yet).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# SQLite keeps a row's JSON snapshot inline, so reading a column stored after it walks the whole snapshot: the
# sync's per-page look-up reads this covering index instead.
_SYNC_INDEX = ("key", "raw_hash", "content_hash", "updated", "parent_key", "deleted")


def upgrade() -> None:
    with op.batch_alter_table("items") as batch:
        batch.add_column(sa.Column("raw_hash", sa.String(32), nullable=True))
        batch.add_column(sa.Column("pending", sa.Boolean(), nullable=False, server_default=sa.true()))
    op.create_index("ix_items_sync", "items", list(_SYNC_INDEX))
    op.create_index("ix_items_pending", "items", ["pending"])
    op.create_table(
        "evaluation_marks",
        sa.Column("scope", sa.String(128), primary_key=True),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("context_hash", sa.String(64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "comment_intents",
        sa.Column("issue_key", sa.String(64), primary_key=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("comment_intents")
    op.drop_table("evaluation_marks")
    op.drop_index("ix_items_pending", table_name="items")
    op.drop_index("ix_items_sync", table_name="items")
    with op.batch_alter_table("items") as batch:
        batch.drop_column("pending")
        batch.drop_column("raw_hash")
