"""Schema revisions: the migrations build exactly the models, unknown revisions are refused, old ones upgraded."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from typer.testing import CliRunner

from pmo_bot.commands.db import app as db_app
from pmo_bot.errors import StoreError
from pmo_bot.store import open_store, schema_status, upgrade_schema
from pmo_bot.store.models import metadata
from pmo_bot.store.schema import HEAD, head


def test_migrations_create_exactly_the_tables_the_models_describe(db_url: str) -> None:
    upgrade_schema(db_url)
    engine = create_engine(db_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, metadata)
        tables = set(inspect(connection).get_table_names())
    engine.dispose()
    assert differences == []
    assert tables == {*metadata.tables, "alembic_version"}


def test_the_revision_compared_at_every_open_is_alembics_head() -> None:
    assert head() == HEAD  # a new migration must move HEAD too, or every open would take the slow path


def test_opening_an_empty_database_upgrades_it_to_the_newest_revision(db_url: str) -> None:
    assert schema_status(db_url).current is None
    open_store(db_url).close()
    found = schema_status(db_url)
    assert (found.current, found.up_to_date) == (head(), True)


def test_a_revision_from_a_newer_pmo_bot_is_refused_and_left_alone(db_url: str) -> None:
    upgrade_schema(db_url)
    engine = create_engine(db_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'f00dfeed'"))
    with pytest.raises(StoreError, match=r"revision f00dfeed, which pmo-bot .* does not know"):
        open_store(db_url)
    with pytest.raises(StoreError, match="f00dfeed"):
        upgrade_schema(db_url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == "f00dfeed"
    engine.dispose()


def test_without_auto_upgrade_an_old_schema_asks_for_db_upgrade(db_url: str) -> None:
    with pytest.raises(StoreError, match=r"run `pmo-bot db upgrade`"):
        open_store(db_url, auto_upgrade=False)
    upgrade_schema(db_url)
    open_store(db_url, auto_upgrade=False).close()


def test_tables_without_a_revision_are_not_taken_over(db_url: str) -> None:
    engine = create_engine(db_url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE items (key VARCHAR(10) PRIMARY KEY)"))
    engine.dispose()
    with pytest.raises(StoreError, match="no schema revision"):
        open_store(db_url)


def test_db_commands_upgrade_then_report_up_to_date(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pmo-bot.toml").write_text('database_url = "sqlite:///state/bot.db"\n')
    (tmp_path / "state").mkdir()
    runner = CliRunner()
    before = runner.invoke(db_app, ["current"])
    assert before.exit_code == 0, before.output
    assert "current revision: (empty)" in before.output
    assert "run `pmo-bot db upgrade`" in before.output
    upgraded = runner.invoke(db_app, ["upgrade"])
    assert f"upgraded from revision (empty) to {head()}" in upgraded.output
    again = runner.invoke(db_app, ["upgrade"])
    assert f"already at revision {head()}" in again.output
    after = runner.invoke(db_app, ["current"])
    assert "status: up to date" in after.output


def test_db_current_masks_the_password(tmp_path: Path) -> None:
    config = tmp_path / "bot.toml"
    config.write_text('database_url = "postgresql+psycopg://pmo:hunter22@127.0.0.1:1/none"\n')
    result = CliRunner().invoke(db_app, ["current", "--config", str(config)])
    assert isinstance(result.exception, StoreError)
    assert "cannot open the database postgresql+psycopg://pmo:***@127.0.0.1:1/none" in str(result.exception)
    assert "hunter22" not in result.output
    assert "hunter22" not in str(result.exception)


def test_a_sqlite_file_in_a_missing_directory_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="directory does not exist"):
        open_store(f"sqlite:///{tmp_path / 'nope' / 'bot.db'}")
