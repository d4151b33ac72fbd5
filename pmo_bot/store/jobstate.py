"""The daemon's schedule state, shared by every replica: per job, the scheduled time last handled and how runs
have gone since (for missed runs after a restart, for take-overs, and for alerts that fire once)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pmo_bot.store.db import Database
from pmo_bot.store.models import JobStateRow


@dataclass(frozen=True, slots=True)
class JobState:
    job: str
    last_due: datetime
    last_status: str | None
    last_success_at: datetime | None
    failures_in_a_row: int
    notes: Mapping[str, Any]


def _record(row: JobStateRow) -> JobState:
    return JobState(row.job, row.last_due, row.last_status, row.last_success_at, row.failures_in_a_row, row.notes)


class JobStates:
    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self, job: str) -> JobState | None:
        with self._db.session() as session:
            row = session.get(JobStateRow, job)
            return _record(row) if row else None

    def start_tracking(self, job: str, now: datetime) -> JobState:
        """The first time a daemon sees ``job``: nothing scheduled before now is owed."""
        with self._db.session() as session:
            row = session.get(JobStateRow, job)
            if row is None:
                row = JobStateRow(job=job, last_due=now, updated_at=now)
                session.add(row)
                session.flush()
            return _record(row)

    def handled(self, job: str, due: datetime, status: str | None, now: datetime) -> JobState:
        """Record that the run scheduled at ``due`` happened (``status``) or was given up (``status`` None).

        Returns the state after the update; ``failures_in_a_row`` counts failed runs since the last success."""
        with self._db.session() as session:
            row = session.get(JobStateRow, job) or JobStateRow(job=job, last_due=due, updated_at=now)
            row.last_due = max(row.last_due, due)
            row.updated_at = now
            if status is not None:
                row.last_status = status
                if status == "failed":
                    row.failures_in_a_row += 1
                else:
                    row.failures_in_a_row = 0
                    row.last_success_at = now
            session.add(row)
            session.flush()
            return _record(row)

    def note(self, job: str, notes: Mapping[str, Any], now: datetime) -> None:
        """Replace ``job``'s notes (JSON), e.g. the problems of a rejected reload under the job "reload"."""
        with self._db.session() as session:
            row = session.get(JobStateRow, job) or JobStateRow(job=job, last_due=now, updated_at=now)
            row.notes = dict(notes)
            row.updated_at = now
            session.add(row)
