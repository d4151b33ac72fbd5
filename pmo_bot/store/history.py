"""Read-only views for admins (``pmo-bot runs``, ``pmo-bot findings``) and for the metrics: filtered and grouped
in SQL, so a large portfolio is never loaded whole."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select

from pmo_bot.store.db import Database
from pmo_bot.store.models import FindingRow
from pmo_bot.store.records import FindingStatus


@dataclass(frozen=True, slots=True)
class FindingView:
    rule_id: str
    item_key: str
    project: str
    severity: str
    category: str
    status: str
    message: str
    waiver: str | None
    first_seen: datetime
    last_seen: datetime
    resolved_at: datetime | None


@dataclass(frozen=True, slots=True)
class FindingFilter:
    project: str | None = None
    rule: str | None = None
    severity: str | None = None
    state: FindingStatus | None = None
    limit: int | None = None


class History:
    def __init__(self, db: Database) -> None:
        self._db = db

    def open_counts(self) -> dict[tuple[str, str], int]:
        """Open findings by (severity, category)."""
        query = (
            select(FindingRow.severity, FindingRow.category, func.count())
            .where(FindingRow.status == FindingStatus.OPEN.value)
            .group_by(col(FindingRow.severity), col(FindingRow.category))
        )
        with self._db.session() as session:
            return {(severity, category): int(n) for severity, category, n in session.exec(query)}

    def findings(self, where: FindingFilter) -> list[FindingView]:
        query = select(FindingRow).order_by(col(FindingRow.item_key), col(FindingRow.rule_id))
        if where.project:
            query = query.where(col(FindingRow.item_key).startswith(f"{where.project.upper()}-", autoescape=True))
        if where.rule:
            query = query.where(FindingRow.rule_id == where.rule)
        if where.severity:
            query = query.where(FindingRow.severity == where.severity)
        if where.state is not None:
            query = query.where(FindingRow.status == where.state.value)
        if where.limit:
            query = query.limit(where.limit)
        with self._db.session() as session:
            return [
                FindingView(
                    rule_id=row.rule_id,
                    item_key=row.item_key,
                    project=row.item_key.rsplit("-", 1)[0],
                    severity=row.severity,
                    category=row.category,
                    status=row.status,
                    message=row.message,
                    waiver=row.waiver,
                    first_seen=row.first_seen,
                    last_seen=row.last_seen,
                    resolved_at=row.resolved_at,
                )
                for row in session.exec(query)
            ]
