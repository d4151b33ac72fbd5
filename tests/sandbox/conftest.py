"""Sandbox fixtures of the sandbox's own tests (the seeded and empty sites are in ``tests/conftest.py``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from pmo_bot.sandbox.running import RunningSandbox, start_sandbox
from tests.sandbox.jira_site import build_site


@pytest.fixture(params=["cloud", "datacenter"])
def small_site(request: pytest.FixtureRequest) -> Iterator[RunningSandbox]:
    """Either flavour, loaded with the small hand-built site of ``jira_site.build_site``."""
    with start_sandbox(flavor=request.param, seed="none") as running:
        running.sandbox.load(build_site())
        yield running


@pytest.fixture
def http(small_site: RunningSandbox) -> requests.Session:
    """An authenticated session for ``small_site``."""
    session = requests.Session()
    session.auth = (small_site.user, small_site.token)
    return session
