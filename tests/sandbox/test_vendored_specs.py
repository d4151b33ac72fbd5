"""The specs the tests validate against live in the repository, and nothing reads outside it (any clone works)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from tests.specs import CONFLUENCE_V2, JIRA_PLATFORM_V3, SPECS, adf_schema, load

ROOT = Path(__file__).resolve().parents[2]
README = (SPECS / "README.md").read_text(encoding="utf-8")
SKIP_DIRS = {".git", ".venv", "build", "dist", ".demo", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"}
# A path reaching the directory beside the project: a relative "../" path to it, or a pathlib join onto it
# (the name is spelt in pieces here, so this file does not look like such a path itself).
OUTSIDE = re.compile(r"\.\./" + "shared" + r"|/\s*[\"']" + "shared" + r"[\"']")


def _project_files() -> list[Path]:
    files = []
    for path in ROOT.rglob("*"):
        if any(part in SKIP_DIRS for part in path.relative_to(ROOT).parts) or not path.is_file():
            continue
        if path.suffix in {".py", ".md", ".toml", ".cfg", ".ini", ".yml", ".yaml", ".txt", ".j2"} or path.name in {
            "Makefile",
            "Dockerfile",
        }:
            files.append(path)
    return files


def test_nothing_in_the_project_reads_beside_it() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in _project_files()
        if path != Path(__file__).resolve()  # this file spells the pattern out
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1)
        if OUTSIDE.search(line)
    ]
    assert not offenders, "paths outside the repository:\n" + "\n".join(offenders)


def test_the_guard_catches_the_old_path() -> None:
    assert OUTSIDE.search('Path(__file__).resolve().parents[3] / "' + 'shared" / "atlassian"')
    assert OUTSIDE.search("the specs in `../" + "shared/atlassian/`")
    assert not OUTSIDE.search("texts come from shared pools")


@pytest.mark.parametrize(
    ("path", "title"),
    [
        (SPECS / JIRA_PLATFORM_V3, "The Jira Cloud platform REST API"),
        (SPECS / CONFLUENCE_V2, "The Confluence Cloud REST API v2"),
    ],
)
def test_vendored_openapi_specs_are_the_documented_ones(path: Path, title: str) -> None:
    spec = load(path.name)
    assert spec["info"]["title"] == title
    assert spec["info"]["version"] in README, "README.md must state the vendored version"
    assert hashlib.sha256(path.read_bytes()).hexdigest() in README, "README.md checksum is stale"


def test_adf_schema_is_the_sandbox_copy_and_documented() -> None:
    schema = adf_schema()
    assert schema["$ref"] == "#/definitions/doc_node"
    shipped = ROOT / "pmo_bot" / "sandbox" / "schemas" / "adf.schema.json"
    assert hashlib.sha256(shipped.read_bytes()).hexdigest() in README
    assert not (SPECS / "adf.schema.json").exists(), "one copy of the ADF schema: the sandbox's"
