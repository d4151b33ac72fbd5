"""Small request helpers for the Jira fidelity tests; every response goes through the spec validator."""

from __future__ import annotations

from typing import Any

import pytest

from tests.sandbox.fidelity_fixtures import Site
from tests.sandbox.spec_validation import validated


def only(site: Site, flavor: str) -> None:
    if site.flavor != flavor:
        pytest.skip(f"{flavor} behaviour")


def adf(text: str) -> dict[str, Any]:
    paragraph = {"type": "paragraph", "content": [{"type": "text", "text": text}]}
    return {"version": 1, "type": "doc", "content": [paragraph]}


def a_project(site: Site) -> str:
    projects = validated(site.session.get(site.api("2", "project")))
    assert projects, "the demo seed has projects"
    return str(projects[0]["key"])


def field_id(site: Site, custom_type: str) -> str:
    """A custom field's id found the robust way: by its ``schema.custom`` type key."""
    fields = validated(site.session.get(site.api("2", "field")))
    ids = [f["id"] for f in fields if f.get("schema", {}).get("custom") == custom_type]
    assert ids, f"no field of type {custom_type}"
    return str(ids[0])


def new_issue(site: Site, summary: str, version: str = "2", **fields: Any) -> str:
    """Create a Task in the first project and return its key."""
    body = {"fields": {"project": {"key": a_project(site)}, "issuetype": {"name": "Task"}, "summary": summary}}
    body["fields"].update(fields)
    response = site.session.post(site.api(version, "issue"), json=body)
    assert response.status_code == 201, response.text
    created = validated(response)
    return str(created["key"])


def get_issue(site: Site, key: str, version: str = "2", **params: str) -> Any:
    return validated(site.session.get(site.api(version, f"issue/{key}"), params=params))


def add_comment(site: Site, key: str, body: Any, version: str = "2", **extra: Any) -> Any:
    response = site.session.post(site.api(version, f"issue/{key}/comment"), json={"body": body, **extra})
    assert response.status_code == 201, response.text
    return validated(response)
