"""Session-wide guards: no test may reach beyond loopback or touch the real home directory."""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from pmo_bot.sandbox.running import RunningSandbox, start_sandbox
from pmo_bot.sandbox.site import Flavor, SeedProfile

_real_connect = socket.socket.connect
_real_getaddrinfo = socket.getaddrinfo


def _is_loopback(host: Any) -> bool:
    if isinstance(host, bytes):
        host = host.decode()
    if not isinstance(host, str):
        return False
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _guarded_connect(self: socket.socket, address: Any) -> Any:
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address[0]):
        raise RuntimeError(f"test tried to reach a non-loopback host: {address!r}")
    return _real_connect(self, address)


def _guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    if host is not None and not _is_loopback(host):
        raise RuntimeError(f"test tried to resolve a non-loopback host: {host!r}")
    return _real_getaddrinfo(host, *args, **kwargs)


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    monkeypatch.setattr(socket, "getaddrinfo", _guarded_getaddrinfo)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Any test that would read or write the real $HOME or cwd state files gets a throwaway one instead."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    # The operator's PMO_* settings must not leak into tests; the test suite's own switches stay.
    for var in [v for v in os.environ if v.startswith("PMO_") and not v.startswith(("PMO_TEST_", "PMO_UPDATE_"))]:
        monkeypatch.delenv(var, raising=False)
    return home


def _site(flavor: Flavor, seed: SeedProfile) -> Iterator[RunningSandbox]:
    with start_sandbox(flavor=flavor, seed=seed) as running:
        yield running


@pytest.fixture
def cloud_sandbox() -> Iterator[RunningSandbox]:
    """A Cloud sandbox seeded with the demo portfolio, on its own loopback port."""
    yield from _site("cloud", "demo")


@pytest.fixture
def dc_sandbox() -> Iterator[RunningSandbox]:
    """A Data Center sandbox seeded with the demo portfolio."""
    yield from _site("datacenter", "demo")


@pytest.fixture
def empty_cloud_sandbox() -> Iterator[RunningSandbox]:
    yield from _site("cloud", "none")


@pytest.fixture
def empty_dc_sandbox() -> Iterator[RunningSandbox]:
    yield from _site("datacenter", "none")


# -- databases: SQLite always, PostgreSQL when PMO_TEST_DATABASE_URL is set (CI sets it) -----------------------
# Each xdist worker gets its own PostgreSQL database (``pmo_test_<worker>_<pid>``), emptied before every test. Its
# sessions run in a non-UTC time zone on purpose, so the UTC round trip is really exercised.
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
