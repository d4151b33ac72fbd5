"""A fresh store per test, on each backend of ``db_url`` (``tests/conftest.py``): the sync writes into it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pmo_bot.store import Store, open_store


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    with open_store(db_url) as opened:
        yield opened
