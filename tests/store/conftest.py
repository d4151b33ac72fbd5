"""A fresh store per test, on SQLite always and on PostgreSQL when PMO_TEST_DATABASE_URL is set.

Each xdist worker gets its own PostgreSQL database (``pmo_test_<worker>_<pid>``), emptied before every test. Its
sessions run in a non-UTC time zone on purpose, so the UTC round trip is really exercised.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from pmo_bot.store import Store, open_store

PG_ENV = "PMO_TEST_DATABASE_URL"


@pytest.fixture(scope="session")
def pg_url(worker_id: str) -> Iterator[str]:
    server = os.environ.get(PG_ENV)
    if not server:
        pytest.skip(f"{PG_ENV} is not set")
    name = f"pmo_test_{worker_id}_{os.getpid()}".lower()  # unique even when two suites run at once
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(server).set(database=name, query={"options": "-c timezone=Asia/Kolkata"})
    yield url.render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _empty_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'pmo-bot.db'}"
    url: str = request.getfixturevalue("pg_url")
    _empty_postgres(url)
    return url


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    with open_store(db_url) as opened:
        yield opened
