"""Request helpers for the Confluence fidelity tests; every response goes through the spec validator."""

from __future__ import annotations

from typing import Any

from tests.sandbox.fidelity_fixtures import Site
from tests.sandbox.spec_validation import validated

SPACE = "PMO"
REPORTS = "Portfolio reports"
STORAGE = (
    '<h2>Status</h2><p><ac:structured-macro ac:name="status"><ac:parameter ac:name="colour">Yellow</ac:parameter>'
    '<ac:parameter ac:name="title">AT RISK</ac:parameter></ac:structured-macro></p>'
    '<ac:image ac:width="600"><ri:attachment ri:filename="burndown.png"/></ac:image><p>Spent 12h &amp; more</p>'
)
MALFORMED = "<p>unclosed <b>bold</p>"


def find_page(site: Site, title: str) -> Any:
    params = {"spaceKey": SPACE, "title": title, "type": "page", "expand": "body.storage,version,ancestors"}
    found = validated(site.session.get(site.v1("content"), params=params))
    assert found["size"] == len(found["results"]) == 1, f"{title!r}: {found['size']} pages"
    return found["results"][0]


def create_v1(site: Site, title: str, parent_id: str, body: str = STORAGE) -> Any:
    payload = v1_page(title, body, parent_id)
    response = site.session.post(site.v1("content"), json=payload)
    assert response.status_code == 200, response.text
    return validated(response)


def v1_page(title: str, body: str, parent_id: str | None = None, version: int | None = None) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "type": "page",
        "title": title,
        "space": {"key": SPACE},
        "body": {"storage": {"value": body, "representation": "storage"}},
    }
    if parent_id is not None:
        payload["ancestors"] = [{"id": parent_id}]
    if version is not None:
        payload["version"] = {"number": version, "message": "pmo-bot weekly report"}
    return payload
