"""Weekly metric snapshots (for the report's trends) and the report pages already published (for idempotence)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any

from sqlmodel import col, select

from pmo_bot.store.db import Database
from pmo_bot.store.models import ReportPageRow, WeeklySnapshotRow
from pmo_bot.store.records import ReportPage, WeeklySnapshot

_ISO_WEEK = re.compile(r"^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$")


def check_week(week: str) -> str:
    if not _ISO_WEEK.match(week):
        raise ValueError(f"expected an ISO week like 2026-W05, got {week!r}")
    return week


def _snapshot(row: WeeklySnapshotRow) -> WeeklySnapshot:
    return WeeklySnapshot(row.week, row.scope, MappingProxyType(dict(row.metrics)), row.recorded_at)


class WeeklySnapshots:
    def __init__(self, db: Database) -> None:
        self._db = db

    def record(self, week: str, scope: str, metrics: Mapping[str, Any], now: datetime) -> WeeklySnapshot:
        """Insert or replace the snapshot of ``scope`` for ``week`` (the last run of a week wins)."""
        check_week(week)
        with self._db.session() as session:
            query = select(WeeklySnapshotRow).where(WeeklySnapshotRow.week == week, WeeklySnapshotRow.scope == scope)
            row = session.exec(query).first() or WeeklySnapshotRow(week=week, scope=scope)
            row.metrics = dict(metrics)
            row.recorded_at = now
            session.add(row)
            session.flush()
            return _snapshot(row)

    def get(self, week: str, scope: str) -> WeeklySnapshot | None:
        query = select(WeeklySnapshotRow).where(WeeklySnapshotRow.week == week, WeeklySnapshotRow.scope == scope)
        with self._db.session() as session:
            row = session.exec(query).first()
            return _snapshot(row) if row else None

    def history(self, scope: str, until_week: str, weeks: int = 12) -> list[WeeklySnapshot]:
        """Up to ``weeks`` snapshots of ``scope`` up to and including ``until_week``, oldest first."""
        check_week(until_week)
        query = (
            select(WeeklySnapshotRow)
            .where(WeeklySnapshotRow.scope == scope, col(WeeklySnapshotRow.week) <= until_week)
            .order_by(col(WeeklySnapshotRow.week).desc())
            .limit(weeks)
        )
        with self._db.session() as session:
            return [_snapshot(row) for row in reversed(session.exec(query).all())]

    def scopes(self, week: str) -> list[str]:
        query = select(WeeklySnapshotRow.scope).where(WeeklySnapshotRow.week == week).order_by(WeeklySnapshotRow.scope)
        with self._db.session() as session:
            return list(session.exec(query))


def _page(row: ReportPageRow) -> ReportPage:
    return ReportPage(
        week=row.week,
        page_id=row.page_id,
        title=row.title,
        version=row.version,
        content_hash=row.content_hash,
        attachment_hashes=MappingProxyType(dict(row.attachment_hashes)),
        published_at=row.published_at,
    )


class ReportPages:
    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self, week: str) -> ReportPage | None:
        with self._db.session() as session:
            row = session.get(ReportPageRow, check_week(week))
            return _page(row) if row else None

    def all(self) -> list[ReportPage]:
        with self._db.session() as session:
            return [_page(row) for row in session.exec(select(ReportPageRow).order_by(col(ReportPageRow.week)))]

    def record(self, page: ReportPage) -> ReportPage:
        with self._db.session() as session:
            row = session.get(ReportPageRow, check_week(page.week))
            if row is None:
                row = ReportPageRow(
                    week=page.week,
                    page_id=page.page_id,
                    title=page.title,
                    version=page.version,
                    content_hash=page.content_hash,
                    published_at=page.published_at,
                )
            row.page_id = page.page_id
            row.title = page.title
            row.version = page.version
            row.content_hash = page.content_hash
            row.attachment_hashes = dict(page.attachment_hashes)
            row.published_at = page.published_at
            session.add(row)
            session.flush()
            return _page(row)
