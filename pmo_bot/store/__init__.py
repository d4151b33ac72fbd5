"""The state store (the one home of SQLModel/SQLAlchemy): SQLite by default, PostgreSQL supported.

``open_store`` checks the schema revision (refusing one newer than this pmo-bot) and hands out a ``Store`` whose
repositories take and return frozen domain values and records, never ORM rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType

from sqlalchemy.exc import OperationalError

from pmo_bot import logs
from pmo_bot.config import Settings
from pmo_bot.errors import StoreError
from pmo_bot.store import schema
from pmo_bot.store.comments import BotComments
from pmo_bot.store.db import Database, describe, make_engine
from pmo_bot.store.findings import Findings
from pmo_bot.store.grace import FailingSince
from pmo_bot.store.history import History
from pmo_bot.store.items import Items
from pmo_bot.store.jobstate import JobStates
from pmo_bot.store.leases import Leases
from pmo_bot.store.marks import EvaluationMarks
from pmo_bot.store.reports import ReportSnapshots
from pmo_bot.store.runs import Runs
from pmo_bot.store.snapshots import ReportPages, WeeklySnapshots
from pmo_bot.store.watermarks import SyncWatermarks


class Store:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.runs = Runs(db)
        self.items = Items(db)
        self.findings = Findings(db)
        self.failing = FailingSince(db)
        self.comments = BotComments(db)
        self.watermarks = SyncWatermarks(db)
        self.marks = EvaluationMarks(db)
        self.snapshots = WeeklySnapshots(db)
        self.pages = ReportPages(db)
        self.leases = Leases(db)
        self.jobs = JobStates(db)
        self.history = History(db)
        self.reports = ReportSnapshots(db)

    def close(self) -> None:
        self.db.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()


def open_store(database_url: str, *, auto_upgrade: bool = True) -> Store:
    """Connect, refuse an unknown (newer) schema, and upgrade an older one (or demand ``pmo-bot db upgrade``)."""
    engine = make_engine(database_url)
    try:
        with _reachable(database_url):
            schema.ensure_current(engine, auto_upgrade=auto_upgrade)
    except BaseException:
        engine.dispose()
        raise
    return Store(Database(engine))


@contextmanager
def _reachable(database_url: str) -> Iterator[None]:
    """Turn "cannot connect" into a sentence an admin can act on (password masked)."""
    try:
        yield
    except OperationalError as error:
        reason = logs.redact_text(str(error.orig or error).strip().splitlines()[0])
        raise StoreError(f"cannot open the database {describe(database_url)}: {reason}") from None


def open_from_settings(settings: Settings) -> Store:
    return open_store(settings.database_url, auto_upgrade=settings.database_auto_upgrade)


def upgrade_schema(database_url: str) -> tuple[str | None, str]:
    """``pmo-bot db upgrade``: migrate to the newest known revision. Returns (before, after)."""
    engine = make_engine(database_url)
    try:
        with _reachable(database_url):
            return schema.upgrade(engine)
    finally:
        engine.dispose()


def schema_status(database_url: str) -> schema.SchemaStatus:
    engine = make_engine(database_url)
    try:
        with _reachable(database_url):
            return schema.status(engine)
    finally:
        engine.dispose()


__all__ = ["Store", "open_from_settings", "open_store", "schema_status", "upgrade_schema"]
