"""Atlassian's official specs, vendored so the tests need nothing outside the repository (see README.md here).

The ADF schema is not duplicated: the sandbox ships it (``pmo_bot/sandbox/schemas/adf.schema.json``) and the tests
read that same file.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

SPECS = Path(__file__).resolve().parent
JIRA_PLATFORM_V3 = "jira-platform-v3.openapi.json"
CONFLUENCE_V2 = "confluence-v2.openapi.json"


def load(name: str) -> dict[str, Any]:
    """A fresh parsed copy of one vendored OpenAPI spec (callers may modify it)."""
    data: dict[str, Any] = json.loads((SPECS / name).read_text(encoding="utf-8"))
    return data


@cache
def _adf_text() -> str:
    return resources.files("pmo_bot.sandbox").joinpath("schemas/adf.schema.json").read_text(encoding="utf-8")


def adf_schema() -> dict[str, Any]:
    """A fresh parsed copy of the ADF JSON schema (root ``$ref`` is ``#/definitions/doc_node``)."""
    data: dict[str, Any] = json.loads(_adf_text())
    return data
