"""Schema revisions (the one home of Alembic): upgrade, report the current revision, refuse unknown ones.

Decision: an older schema (or an empty database) is upgraded automatically when pmo-bot opens the store,
unless ``database_auto_upgrade = false``, in which case pmo-bot stops and asks for ``pmo-bot db upgrade``.
A revision this pmo-bot does not know means a newer pmo-bot has migrated the database: refuse, change nothing.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

from pmo_bot import __version__, logs
from pmo_bot.errors import StoreError

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).parent / "migrations"
# The newest revision in migrations/versions (tests/store/test_schema.py holds it to Alembic's head). Opening a
# current database compares with it in one query; Alembic, slow to import, is loaded only to migrate or judge.
HEAD = "0005"
_OUR_TABLES = ("runs", "items", "findings", "bot_comments", "sync_watermarks", "weekly_snapshots")

log = logs.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class SchemaStatus:
    current: str | None  # None: nothing migrated yet
    head: str
    known: bool

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head


def _config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


def _scripts() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config())


def head() -> str:
    revision = _scripts().get_current_head()
    assert revision is not None, "pmo_bot/store/migrations has no revision"
    return revision


def status(engine: Engine) -> SchemaStatus:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
        if current is None and set(_OUR_TABLES) & set(inspect(connection).get_table_names()):
            raise StoreError(
                "the database has pmo-bot tables but no schema revision (alembic_version): it was not created "
                "by `pmo-bot db upgrade`; point database_url at an empty database or restore a backup"
            )
    scripts = _scripts()
    known = current is None or current in {s.revision for s in scripts.walk_revisions()}
    return SchemaStatus(current=current, head=head(), known=known)


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Migrate to the newest revision this pmo-bot knows. Returns (before, after).

    Under the migration lock, so that replicas starting together migrate once: the second waits, then finds
    the schema current."""
    if _settled(engine):
        found = status(engine)
        return found.current, found.head
    with migration_lock(engine):
        before = check_known(engine)
        if before.up_to_date:
            return before.current, before.head
        from alembic import command

        with engine.begin() as connection:
            command.upgrade(_config(connection), "head")
    log.info("store_schema_upgraded", from_revision=before.current, to_revision=before.head)
    return before.current, before.head


_MIGRATION_LOCK_KEY = 0x706D6F626F74  # "pmobot": one advisory lock id for every pmo-bot database


@contextmanager
def migration_lock(engine: Engine) -> Iterator[None]:
    """PostgreSQL: a session advisory lock. SQLite: an exclusive lock on a file next to the database."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _MIGRATION_LOCK_KEY})
            connection.commit()
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _MIGRATION_LOCK_KEY})
                connection.commit()
        return
    database = engine.url.database or ""
    if database in ("", ":memory:"):
        yield
        return
    with open(f"{database}.migrate-lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # released by the kernel if this process dies
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def check_known(engine: Engine) -> SchemaStatus:
    found = status(engine)
    if not found.known:
        raise StoreError(
            f"the database schema is at revision {found.current}, which pmo-bot {__version__} does not know: "
            "a newer pmo-bot has upgraded it. Run that newer pmo-bot, or point database_url at another database."
        )
    return found


def ensure_current(engine: Engine, *, auto_upgrade: bool) -> None:
    """Called whenever the store is opened: refuse unknown revisions; upgrade or demand an upgrade."""
    if _settled(engine):
        return
    if not auto_upgrade:
        with migration_lock(engine):  # another process may be migrating right now: judge once it is done
            found = check_known(engine)
        if found.up_to_date:
            return
        raise StoreError(
            f"the database schema is at revision {found.current or '(empty)'} but this pmo-bot needs "
            f"{found.head}: run `pmo-bot db upgrade` (database_auto_upgrade is off)"
        )
    upgrade(engine)


def _at_head(engine: Engine) -> bool:
    """The recorded revision is ``HEAD``: one query, without Alembic."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return False
        return list(connection.execute(text("SELECT version_num FROM alembic_version")).scalars()) == [HEAD]


def _settled(engine: Engine) -> bool:
    """Up to date (the common case, decided without the lock). Refuses a newer schema at once. Anything else,
    including a half-made schema another process may be creating right now, is judged again under the lock."""
    if _at_head(engine):
        return True
    try:
        return check_known(engine).up_to_date
    except StoreError as error:
        if "newer than" in str(error) or "does not know" in str(error):
            raise
        return False
