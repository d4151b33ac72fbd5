"""Every Atlassian REST operation the sandbox serves is covered by a spec-validation test.

The served operations come from the sandbox's own Starlette routes, per flavour; the covered ones from the
``covers`` declarations of the fidelity tests, which ``declared_operations_validated`` holds true at run time.
``coverage_rows`` is what docs/sandbox.md quotes ("operations validated / operations implemented"), and a test
keeps the two in step.
"""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path
from typing import Any

import pytest
from starlette.routing import BaseRoute, Mount, Route

from tests.sandbox.fidelity_fixtures import FLAVORS, declared_coverage

# Served on purpose but outside what a spec can validate; each says why.
ALLOWLIST: dict[tuple[str, str], str] = {
    # Not in C2: served only so that ConfluenceV2.add_page_label fails the way it does on a real site (405).
    ("POST", "/wiki/api/v2/pages/{}/labels"): "not in C2; reproduces the library's failing call",
}
# Paths that are not Atlassian REST APIs: the operator endpoints, the human views, attachment downloads.
NOT_REST = re.compile(r"^(/_sandbox|/wiki/download|/download)(/|$)")
REST = re.compile(r"^(/rest/api/|/wiki/rest/api/|/wiki/api/v2/)")


def _canonical(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path)


def _flatten(routes: list[BaseRoute], prefix: str = "") -> list[tuple[str, str]]:
    served: list[tuple[str, str]] = []
    for route in routes:
        if isinstance(route, Mount):
            served += _flatten(list(route.routes), prefix + route.path)
        elif isinstance(route, Route):
            for method in sorted((route.methods or set()) - {"HEAD"}):
                served.append((method, _canonical(prefix + route.path)))
    return served


def served_operations(flavor: str) -> set[tuple[str, str]]:
    """(METHOD, canonical path) of every Atlassian REST route the sandbox of a flavour answers."""
    from pmo_bot.sandbox.app import build_app
    from pmo_bot.sandbox.site import Sandbox, SandboxConfig

    app = build_app(Sandbox(SandboxConfig(flavor=flavor)))  # type: ignore[arg-type]
    return {(m, p) for m, p in _flatten(list(app.routes)) if REST.match(p) and not NOT_REST.match(p)}


def declared_operations() -> dict[str, set[tuple[str, str]]]:
    functions: list[Any] = []
    for path in sorted(Path(__file__).parent.glob("test_fidelity_*.py")):
        module = importlib.import_module(f"tests.sandbox.{path.stem}")
        functions += [f for _, f in inspect.getmembers(module, inspect.isfunction) if hasattr(f, "__covers__")]
    declared = declared_coverage(functions)
    return {flavor: {(m, _canonical(t)) for m, t in ops} for flavor, ops in declared.items()}


FAMILIES = (
    ("Jira REST v2", re.compile(r"^/rest/api/2/")),
    ("Jira REST v3", re.compile(r"^/rest/api/3/")),
    ("Confluence REST v1", re.compile(r"^(/wiki)?/rest/api/(content|space|search)")),
    ("Confluence REST v2", re.compile(r"^/wiki/api/v2/")),
)


def coverage_rows() -> list[tuple[str, str, int, int]]:
    """(flavour, API family, operations validated, operations implemented) for families the flavour serves."""
    declared = declared_operations()
    rows = []
    for flavor in FLAVORS:
        served = served_operations(flavor)
        for family, pattern in FAMILIES:
            implemented = {op for op in served if pattern.match(op[1])}
            if implemented:
                rows.append((flavor, family, len(implemented & declared[flavor]), len(implemented)))
    return rows


DOC = Path(__file__).resolve().parents[2] / "docs" / "sandbox.md"
_DOC_ROW = re.compile(r"^\| *(cloud|datacenter) *\| *([^|]+?) *\| *(\d+) *\| *(\d+) *\|", re.MULTILINE)


def test_docs_state_the_current_coverage() -> None:
    stated = [(f, fam, int(v), int(i)) for f, fam, v, i in _DOC_ROW.findall(DOC.read_text(encoding="utf-8"))]
    assert stated == coverage_rows(), "update the coverage table in docs/sandbox.md"


@pytest.mark.parametrize("flavor", FLAVORS)
def test_every_served_operation_is_spec_validated(flavor: str) -> None:
    served = served_operations(flavor)
    assert served, "the sandbox serves Atlassian REST routes"
    missing = sorted(op for op in served - declared_operations()[flavor] if op not in ALLOWLIST)
    assert not missing, f"{flavor}: served but not covered by a spec-validation test: {missing}"


@pytest.mark.parametrize("flavor", FLAVORS)
def test_declared_operations_exist(flavor: str) -> None:
    # A declaration for a route the flavour does not serve would inflate the coverage figure.
    stale = sorted(declared_operations()[flavor] - served_operations(flavor))
    assert not stale, f"{flavor}: tests declare operations the sandbox does not serve: {stale}"
