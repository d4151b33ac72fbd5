"""Published weeks' report snapshots: stored at each publish, read back for a past week and for "what changed".

The store keeps them as JSON documents; ``pmo_bot.report.archive`` turns them into report values and back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Any

from sqlmodel import col, select

from pmo_bot.store.db import Database
from pmo_bot.store.models import ReportSnapshotRow
from pmo_bot.store.snapshots import check_week


@dataclass(frozen=True, slots=True)
class ReportSnapshot:
    week: str
    report: Mapping[str, Any]
    state: Mapping[str, Any]
    recorded_at: datetime


def _snapshot(row: ReportSnapshotRow) -> ReportSnapshot:
    return ReportSnapshot(
        row.week, MappingProxyType(dict(row.report)), MappingProxyType(dict(row.state)), row.recorded_at
    )


class ReportSnapshots:
    def __init__(self, db: Database) -> None:
        self._db = db

    def record(self, week: str, report: Mapping[str, Any], state: Mapping[str, Any], now: datetime) -> None:
        """Insert or replace the week's snapshot (a republish of the week replaces it)."""
        with self._db.session() as session:
            row = session.get(ReportSnapshotRow, check_week(week)) or ReportSnapshotRow(week=week)
            row.report = dict(report)
            row.state = dict(state)
            row.recorded_at = now
            session.add(row)

    def get(self, week: str) -> ReportSnapshot | None:
        with self._db.session() as session:
            row = session.get(ReportSnapshotRow, check_week(week))
            return _snapshot(row) if row else None

    def before(self, week: str) -> ReportSnapshot | None:
        """The latest snapshot of a week before ``week``."""
        query = (
            select(ReportSnapshotRow)
            .where(col(ReportSnapshotRow.week) < check_week(week))
            .order_by(col(ReportSnapshotRow.week).desc())
            .limit(1)
        )
        with self._db.session() as session:
            row = session.exec(query).first()
            return _snapshot(row) if row else None

    def earliest(self) -> str | None:
        query = select(ReportSnapshotRow.week).order_by(col(ReportSnapshotRow.week)).limit(1)
        with self._db.session() as session:
            return session.exec(query).first()
