"""Fixtures and bookkeeping shared by the fidelity tests (import the fixtures into a test module to use them).

One seeded sandbox per module and flavour keeps the suite fast; tests that change state create their own issues
and pages. ``covers`` declares which API operations a test validates; ``declared_operations_validated`` (autouse
once imported) fails the test if any declared operation was not actually validated during it, so the coverage
count in ``test_fidelity_coverage.py`` is what the tests really did.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pytest
import requests

from tests.sandbox import spec_validation

FLAVORS = ("cloud", "datacenter")
# Which REST versions of Jira each flavour serves (DC has only v2).
JIRA_VERSIONS = {"cloud": ("2", "3"), "datacenter": ("2",)}

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Covered:
    """An operation a test validates: method, template and flavours.

    In templates ``{v}`` stands for every Jira REST version the flavour serves and ``{wiki}`` for Confluence's
    context path (``/wiki`` on Cloud, none on DC).
    """

    method: str
    template: str
    flavors: tuple[str, ...]

    def expand(self, flavor: str) -> list[tuple[str, str]]:
        if flavor not in self.flavors:
            return []
        template = self.template.replace("{wiki}", "/wiki" if flavor == "cloud" else "")
        if "{v}" not in template:
            return [(self.method, template)]
        return [(self.method, template.replace("{v}", v)) for v in JIRA_VERSIONS[flavor]]


def covers(*operations: str, flavors: tuple[str, ...] = FLAVORS) -> Callable[[F], F]:
    """Declare "METHOD /template" operations the decorated test validates, e.g. ``"GET /rest/api/{v}/myself"``."""

    def mark(test: F) -> F:
        declared: list[Covered] = list(getattr(test, "__covers__", ()))
        for operation in operations:
            method, template = operation.split(" ", 1)
            declared.append(Covered(method, template, flavors))
        test.__covers__ = tuple(declared)  # type: ignore[attr-defined]
        return test

    return mark


@dataclass
class Site:
    """A running sandbox as a client sees it: flavour, base URLs and authenticated / anonymous sessions."""

    running: Any  # pmo_bot.sandbox.running.RunningSandbox
    flavor: str
    session: requests.Session
    anonymous: requests.Session = field(default_factory=requests.Session)
    _counter: Iterator[int] = field(default_factory=itertools.count)

    @property
    def jira(self) -> str:
        return str(self.running.jira_url).rstrip("/")

    @property
    def wiki(self) -> str:
        return str(self.running.confluence_url).rstrip("/")

    @property
    def cloud(self) -> bool:
        return self.flavor == "cloud"

    @property
    def versions(self) -> tuple[str, ...]:
        return JIRA_VERSIONS[self.flavor]

    def unique(self, stem: str) -> str:
        return f"{stem} {next(self._counter)}"

    def api(self, version: str, path: str) -> str:
        return f"{self.jira}/rest/api/{version}/{path.lstrip('/')}"

    def v1(self, path: str) -> str:
        return f"{self.wiki}/rest/api/{path.lstrip('/')}"

    def v2(self, path: str) -> str:
        return f"{self.wiki}/api/v2/{path.lstrip('/')}"


def authenticated_session(running: Any, flavor: str) -> requests.Session:
    session = requests.Session()
    if flavor == "cloud":
        session.auth = (running.user, running.token)  # Basic email:API token
    else:
        session.headers["Authorization"] = f"Bearer {running.token}"  # DC personal access token
    session.headers["Accept"] = "application/json"
    return session


def open_site(flavor: str) -> Iterator[Site]:
    """A sandbox of the flavour loaded with the small fixed site of ``fidelity_seed``."""
    from pmo_bot.sandbox.running import start_sandbox
    from tests.sandbox.fidelity_seed import fidelity_seed

    with start_sandbox(flavor=flavor, seed="none") as running:  # type: ignore[arg-type]
        running.sandbox.load(fidelity_seed())
        site = Site(running=running, flavor=flavor, session=authenticated_session(running, flavor))
        yield site
        site.session.close()
        site.anonymous.close()


@pytest.fixture(scope="module", params=FLAVORS)
def site(request: pytest.FixtureRequest) -> Iterator[Site]:
    """A sandbox per flavour, shared by the tests of one module."""
    yield from open_site(request.param)


@pytest.fixture(autouse=True)
def declared_operations_validated(request: pytest.FixtureRequest) -> Iterator[None]:
    declared: tuple[Covered, ...] = getattr(request.function, "__covers__", ())
    start = len(spec_validation.LOG)
    failed_before = request.session.testsfailed
    yield
    # A test that already failed (its call report is logged before teardown) needs no second complaint.
    if not declared or "site" not in request.fixturenames or request.session.testsfailed > failed_before:
        return
    flavor = request.getfixturevalue("site").flavor
    done = {(c.method, c.template) for c in spec_validation.LOG[start:]}
    wanted = {op for c in declared for op in c.expand(flavor)}
    # A test parametrised by "version" exercises one Jira REST version per instance.
    callspec = getattr(request.node, "callspec", None)
    version = callspec.params.get("version") if callspec else None
    if version is not None:
        wanted = {(m, t) for m, t in wanted if not t.startswith("/rest/api/") or t.startswith(f"/rest/api/{version}/")}
    missing = sorted(wanted - done)
    assert not missing, f"declared as covered but never validated on {flavor}: {missing}"


def declared_coverage(functions: list[Callable[..., Any]]) -> dict[str, set[tuple[str, str]]]:
    """flavour -> {(METHOD, template)} declared by ``covers`` on the given test functions."""
    result: dict[str, set[tuple[str, str]]] = {flavor: set() for flavor in FLAVORS}
    for function in functions:
        for covered in getattr(function, "__covers__", ()):
            for flavor in FLAVORS:
                result[flavor].update(covered.expand(flavor))
    return result
