"""Grace periods: remember since when each rule has failed on each item, even before it is reported.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "failing_since",
        sa.Column("rule_id", sa.String(128), primary_key=True),
        sa.Column("item_key", sa.String(64), primary_key=True),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_failing_since_item_key", "failing_since", ["item_key"])


def downgrade() -> None:
    op.drop_index("ix_failing_since_item_key", table_name="failing_since")
    op.drop_table("failing_since")
