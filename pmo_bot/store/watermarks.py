"""Sync watermarks: per sync scope (e.g. a hash of the JQL), the newest ``updated`` seen and the last full sync.

The sync subtracts its overlap from ``last_updated`` when it builds the next query; the store only makes sure a
watermark never moves backwards.
"""

from __future__ import annotations

from datetime import datetime

from pmo_bot.store.db import Database
from pmo_bot.store.models import SyncWatermarkRow
from pmo_bot.store.records import Watermark


def _record(row: SyncWatermarkRow) -> Watermark:
    return Watermark(scope=row.scope, last_updated=row.last_updated, last_full_sync_at=row.last_full_sync_at)


class SyncWatermarks:
    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self, scope: str) -> Watermark | None:
        with self._db.session() as session:
            row = session.get(SyncWatermarkRow, scope)
            return _record(row) if row else None

    def advance(self, scope: str, last_updated: datetime | None, now: datetime, *, full_sync: bool) -> Watermark:
        """Record a successful sync of ``scope``: ``last_updated`` is the newest ``updated`` it saw (None when
        it saw nothing); ``full_sync`` also stamps ``last_full_sync_at = now``."""
        with self._db.session() as session:
            row = session.get(SyncWatermarkRow, scope) or SyncWatermarkRow(scope=scope, updated_at=now)
            if last_updated is not None and (row.last_updated is None or last_updated > row.last_updated):
                row.last_updated = last_updated
            if full_sync:
                row.last_full_sync_at = now
            row.updated_at = now
            session.add(row)
            session.flush()
            return _record(row)

    def reset(self, scope: str) -> None:
        """Forget a scope, so that its next sync is a full one."""
        with self._db.session() as session:
            row = session.get(SyncWatermarkRow, scope)
            if row is not None:
                session.delete(row)
