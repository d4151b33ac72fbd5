"""Sandbox fixtures: a seeded and an empty site per flavour, each on its own loopback port."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pmo_bot.sandbox.running import RunningSandbox, start_sandbox


@pytest.fixture
def cloud_sandbox() -> Iterator[RunningSandbox]:
    with start_sandbox(flavor="cloud", seed="demo") as running:
        yield running


@pytest.fixture
def dc_sandbox() -> Iterator[RunningSandbox]:
    with start_sandbox(flavor="datacenter", seed="demo") as running:
        yield running


@pytest.fixture
def empty_cloud_sandbox() -> Iterator[RunningSandbox]:
    with start_sandbox(flavor="cloud", seed="none") as running:
        yield running


@pytest.fixture
def empty_dc_sandbox() -> Iterator[RunningSandbox]:
    with start_sandbox(flavor="datacenter", seed="none") as running:
        yield running
