"""Run leases: one row per job saying which process may run it, until when, under which fencing token.

Every comparison uses the database server's clock (``_NOW``), so replicas on hosts whose clocks disagree still
agree on who holds a lease. Acquisition is one conditional UPDATE: on PostgreSQL a concurrent UPDATE of the
same row re-checks its WHERE after the first one commits, on SQLite writers are serialised, so at most one
process wins a free lease.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.engine import Connection

from pmo_bot.store.db import Database

_NOW = {
    "postgresql": "EXTRACT(EPOCH FROM clock_timestamp())::float8",
    "sqlite": "((julianday('now') - 2440587.5) * 86400.0)",
}


@dataclass(frozen=True, slots=True)
class LeaseInfo:
    job: str
    token: int
    holder: str
    pid: int
    host: str
    acquired_at: float
    expires_at: float

    @property
    def since(self) -> datetime:
        return datetime.fromtimestamp(self.acquired_at, UTC)


@dataclass(frozen=True, slots=True)
class Claimant:
    holder: str  # unique per lease keeper
    pid: int
    host: str


class Leases:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._now = _NOW[db.dialect]

    def _ensure_row(self, connection: Connection, job: str) -> None:
        connection.execute(
            text(
                "INSERT INTO run_leases (job, token, holder, pid, host, acquired_at, expires_at) "
                "VALUES (:job, 0, '', 0, '', 0, 0) ON CONFLICT (job) DO NOTHING"
            ),
            {"job": job},
        )

    def try_acquire(self, job: str, who: Claimant, ttl: float, *, only_token: int | None = None) -> int | None:
        """Take the lease if it is free (expired or released), or, with ``only_token``, if it is still exactly
        that acquisition (used to take over from a holder known to be dead). Returns the new token, or None."""
        condition = "token = :only" if only_token is not None else f"expires_at <= {self._now}"
        params = {"job": job, "holder": who.holder, "pid": who.pid, "host": who.host, "ttl": ttl, "only": only_token}
        with self._db.engine.begin() as connection:
            self._ensure_row(connection, job)
            updated = connection.execute(
                text(
                    f"UPDATE run_leases SET token = token + 1, holder = :holder, pid = :pid, host = :host, "  # noqa: S608 - fixed SQL fragments
                    f"acquired_at = {self._now}, expires_at = {self._now} + :ttl WHERE job = :job AND {condition}"
                ),
                params,
            )
            if updated.rowcount != 1:
                return None
            token = connection.execute(
                text("SELECT token FROM run_leases WHERE job = :job AND holder = :holder"), params
            ).scalar_one()
        return int(token)

    def renew(self, job: str, holder: str, token: int, ttl: float) -> bool:
        """Extend a lease still held under ``token``; False when it was lost (expired and taken over)."""
        with self._db.engine.begin() as connection:
            updated = connection.execute(
                text(
                    f"UPDATE run_leases SET expires_at = {self._now} + :ttl "  # noqa: S608 - fixed SQL fragments
                    f"WHERE job = :job AND holder = :holder AND token = :token AND expires_at > {self._now}"
                ),
                {"job": job, "holder": holder, "token": token, "ttl": ttl},
            )
            return updated.rowcount == 1

    def release(self, job: str, holder: str, token: int) -> None:
        """Free the lease now (the row keeps who held it last, and the token keeps counting)."""
        with self._db.engine.begin() as connection:
            connection.execute(
                text("UPDATE run_leases SET expires_at = 0 WHERE job = :job AND holder = :holder AND token = :token"),
                {"job": job, "holder": holder, "token": token},
            )

    def get(self, job: str) -> LeaseInfo | None:
        """The job's lease row, whether held or not (None when the job never ran)."""
        with self._db.engine.connect() as connection:
            row = connection.execute(
                text("SELECT job, token, holder, pid, host, acquired_at, expires_at FROM run_leases WHERE job = :job"),
                {"job": job},
            ).one_or_none()
        return LeaseInfo(*row) if row else None

    def held(self, job: str) -> LeaseInfo | None:
        """The job's lease when someone holds it now (not expired on the database's clock)."""
        with self._db.engine.connect() as connection:
            row = connection.execute(
                text(
                    "SELECT job, token, holder, pid, host, acquired_at, expires_at FROM run_leases "  # noqa: S608
                    f"WHERE job = :job AND expires_at > {self._now}"
                ),
                {"job": job},
            ).one_or_none()
        return LeaseInfo(*row) if row else None
