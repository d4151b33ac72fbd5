"""Evaluation marks: per check scope, the day and the context (rules, settings, goal commitments) that the stored
findings were evaluated with. An incremental check may reuse stored findings only while both are the same."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from pmo_bot.store.db import Database
from pmo_bot.store.models import EvaluationMarkRow


@dataclass(frozen=True, slots=True)
class EvaluationMark:
    scope: str
    day: date
    context_hash: str


class EvaluationMarks:
    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self, scope: str) -> EvaluationMark | None:
        with self._db.session() as session:
            row = session.get(EvaluationMarkRow, scope)
            return EvaluationMark(row.scope, date.fromisoformat(row.day), row.context_hash) if row else None

    def set(self, scope: str, day: date, context_hash: str, now: datetime) -> None:
        with self._db.session() as session:
            row = session.get(EvaluationMarkRow, scope) or EvaluationMarkRow(
                scope=scope, day=day.isoformat(), context_hash=context_hash, updated_at=now
            )
            row.day, row.context_hash, row.updated_at = day.isoformat(), context_hash, now
            session.add(row)

    def forget(self, scope: str) -> None:
        with self._db.session() as session:
            row = session.get(EvaluationMarkRow, scope)
            if row is not None:
                session.delete(row)
