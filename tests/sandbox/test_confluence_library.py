"""atlassian-python-api 5.0.5 (the v1 Server class) against the sandbox, including its broken re-upload path."""

from __future__ import annotations

import pytest
from atlassian import Confluence
from requests import HTTPError

from pmo_bot.sandbox.running import RunningSandbox


@pytest.fixture(params=["cloud_sandbox", "dc_sandbox"])
def confluence(request: pytest.FixtureRequest) -> Confluence:
    running: RunningSandbox = request.getfixturevalue(request.param)
    return Confluence(url=running.confluence_url, username=running.user, password=running.token, cloud=False)


def test_update_or_create_labels_and_attachments(confluence: Confluence) -> None:
    parent_id = confluence.get_page_id("PMO", "Portfolio reports")
    first = confluence.update_or_create(parent_id, "Portfolio report — 2026-W48", "<p>one</p>", space="PMO")
    second = confluence.update_or_create(parent_id, "Portfolio report — 2026-W48", "<p>two</p>", space="PMO")
    assert first["id"] == second["id"]
    assert second["version"]["number"] == 2
    assert confluence.get_page_by_id(first["id"], expand="body.storage")["body"]["storage"]["value"] == "<p>two</p>"

    confluence.set_page_label(first["id"], "pmo-report")
    assert [lb["name"] for lb in confluence.get_page_labels(first["id"])["results"]] == ["pmo-report"]

    confluence.attach_content(b"\x89PNG one", "chart.png", "image/png", page_id=first["id"])
    # Same file name again: 5.0.5 PUTs multipart to content/{attachmentId}, which Confluence answers 415.
    with pytest.raises(HTTPError) as caught:
        confluence.attach_content(b"\x89PNG two", "chart.png", "image/png", page_id=first["id"])
    assert caught.value.response.status_code == 415
