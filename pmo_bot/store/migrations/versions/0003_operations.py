"""Operations: run leases, scheduler state, run history.

Reserved so that work running in parallel has a fixed place in the chain; a no-op until that work fills it.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
