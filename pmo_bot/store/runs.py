"""Runs: one row per ``check`` or ``report``, opened before work starts and closed with counts or an error."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any

from sqlmodel import col, select

from pmo_bot import logs
from pmo_bot.errors import StoreError
from pmo_bot.store.db import Database
from pmo_bot.store.models import RunRow
from pmo_bot.store.records import Run, RunKind, RunStatus


def _record(row: RunRow) -> Run:
    assert row.id is not None
    return Run(
        id=row.id,
        kind=RunKind(row.kind),
        status=RunStatus(row.status),
        started_at=row.started_at,
        finished_at=row.finished_at,
        counts=MappingProxyType(dict(row.counts)),
        error=row.error,
    )


class Runs:
    def __init__(self, db: Database) -> None:
        self._db = db

    def start(self, kind: RunKind, now: datetime) -> Run:
        with self._db.session() as session:
            row = RunRow(kind=kind.value, status=RunStatus.RUNNING.value, started_at=now, counts={})
            session.add(row)
            session.flush()
            return _record(row)

    def finish(
        self,
        run_id: int,
        status: RunStatus,
        now: datetime,
        counts: Mapping[str, Any] | None = None,
        error: str | None = None,
    ) -> Run:
        """Close a run. ``error`` is redacted before it is stored; ``counts`` must be JSON-serialisable."""
        if status is RunStatus.RUNNING:
            raise ValueError("a run is finished with succeeded, failed or partial")
        with self._db.session() as session:
            row = session.get(RunRow, run_id)
            if row is None:
                raise StoreError(f"run {run_id} does not exist")
            row.status = status.value
            row.finished_at = now
            row.counts = dict(counts or {})
            row.error = logs.redact_text(error) if error else None
            session.add(row)
            session.flush()
            return _record(row)

    def interrupt_running(self, kind: RunKind, now: datetime, reason: str) -> int:
        """Close runs of ``kind`` left "running" by a process that died. Only the lease holder may call this:
        while it holds the lease no other run of ``kind`` can be under way. Returns how many were closed."""
        with self._db.session() as session:
            rows = list(
                session.exec(select(RunRow).where(RunRow.kind == kind.value, RunRow.status == RunStatus.RUNNING.value))
            )
            for row in rows:
                row.status, row.finished_at, row.error = RunStatus.FAILED.value, now, reason
                session.add(row)
            return len(rows)

    def get(self, run_id: int) -> Run | None:
        with self._db.session() as session:
            row = session.get(RunRow, run_id)
            return _record(row) if row else None

    def latest(self, kind: RunKind, status: RunStatus | None = RunStatus.SUCCEEDED) -> Run | None:
        """The most recently started run of ``kind`` (with ``status``, unless None)."""
        found = self.recent(kind, status, limit=1)
        return found[0] if found else None

    def recent(self, kind: RunKind | None = None, status: RunStatus | None = None, *, limit: int = 20) -> list[Run]:
        query = select(RunRow)
        if kind is not None:
            query = query.where(RunRow.kind == kind.value)
        if status is not None:
            query = query.where(RunRow.status == status.value)
        query = query.order_by(col(RunRow.started_at).desc(), col(RunRow.id).desc()).limit(limit)
        with self._db.session() as session:
            return [_record(row) for row in session.exec(query)]
