"""Engine and sessions: the only place that turns a database URL into connections.

SQLite (the default, a file in the working directory) gets WAL and a busy timeout so a report can read while a
check writes; PostgreSQL gets pre-ping so a daemon survives server restarts.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, String, Table, any_, bindparam, create_engine, event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError
from sqlmodel import Session

from pmo_bot.errors import ConfigError, StoreError

T = TypeVar("T")


def parse_url(url: str) -> URL:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(
            "database_url is not a valid database URL (sqlite:///PATH or postgresql+psycopg://...)"
        ) from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise ConfigError(f"database_url: {parsed.get_backend_name()} is not supported; use sqlite or postgresql")
    return parsed


def describe(url: str | URL) -> str:
    """The URL as it may be printed: password masked."""
    return (url if isinstance(url, URL) else parse_url(url)).render_as_string(hide_password=True)


class EncodedJSON(str):
    """A value for a JSON column that is JSON text already: stored as it is, not encoded again."""


def _json_serializer(value: Any) -> str:
    return value if isinstance(value, EncodedJSON) else json.dumps(value)


def make_engine(url: str) -> Engine:
    parsed = parse_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database not in ("", ":memory:") and not Path(database).expanduser().parent.is_dir():
            raise StoreError(f"cannot create the database {database}: its directory does not exist")
        engine = create_engine(
            parsed, connect_args={"check_same_thread": False, "timeout": 30}, json_serializer=_json_serializer
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")  # the driver pmo-bot ships with
    return create_engine(parsed, pool_pre_ping=True, json_serializer=_json_serializer)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


class Database:
    """An engine plus a unit-of-work helper. Repositories share one of these."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed when the block ends normally, rolled back on any exception."""
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def dispose(self) -> None:
        self.engine.dispose()


def upsert(session: Session, table: Table, rows: Sequence[Mapping[str, Any]], keys: Sequence[str]) -> None:
    """INSERT ... ON CONFLICT (keys) DO UPDATE for many rows: compiled once, sent as one executemany."""
    if rows:
        statement = _upsert_statement(session.get_bind().dialect.name, table, tuple(rows[0]), tuple(keys))
        session.execute(statement, list(rows))


@functools.lru_cache(maxsize=64)
def _upsert_statement(dialect: str, table: Table, columns: tuple[str, ...], keys: tuple[str, ...]) -> Any:
    """Built once per table and column set: building it anew cost more than sending a page of rows."""
    # The dialect's own INSERT (imported here: a SQLite user never pays for loading the PostgreSQL dialect).
    statement: Any
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        statement = sqlite_insert(table)
    else:
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        statement = postgresql_insert(table)
    updates = {c: statement.excluded[c] for c in columns if c not in keys}
    return statement.on_conflict_do_update(index_elements=list(keys), set_=updates)


def chunked(values: Sequence[T], size: int = 900) -> Iterator[Sequence[T]]:
    """Slices small enough for an ``IN (...)`` clause on every backend."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def key_groups(session: Session, keys: Collection[str]) -> Iterator[Sequence[str]]:
    """``keys``, sorted, in groups that one query takes with ``among``: all of them on PostgreSQL (one array
    parameter), slices within SQLite's parameter limit elsewhere."""
    ordered = sorted(keys)
    if _postgres(session):
        if ordered:
            yield ordered
    else:
        yield from chunked(ordered)


def among(session: Session, column: Any, keys: Sequence[str]) -> ColumnElement[bool]:
    """``column`` is one of ``keys``. On PostgreSQL ``= ANY`` of one array parameter: psycopg parses a query
    with hundreds of placeholders anew on every call, which cost more than running it."""
    if _postgres(session):
        from sqlalchemy.dialects.postgresql import ARRAY

        return column == any_(bindparam(None, list(keys), type_=ARRAY(String()), unique=True))  # type: ignore[no-any-return]
    return column.in_(keys)  # type: ignore[no-any-return]
