"""atlassian-python-api 5.0.5 itself against the sandbox's Confluence, both flavours, traps included.

The v1 ``Server`` class (``Confluence(..., cloud=False)``) is the one with create/update/labels/attachments on
both deployments (atlassian-api.md §0, §7.4); ``ConfluenceV2`` only on Cloud.
"""

# ruff: noqa: F811 - the fixtures imported from fidelity_fixtures are parameters of the tests
from __future__ import annotations

import time
import warnings
from pathlib import Path
from typing import Any

import pytest
import requests
from atlassian import Confluence, ConfluenceV2

from tests.sandbox.confluence_helpers import REPORTS, SPACE, STORAGE
from tests.sandbox.fidelity_fixtures import Site, site  # noqa: F401 - fixture used by name
from tests.sandbox.jira_helpers import only


def server(site: Site) -> Confluence:
    if site.cloud:
        return Confluence(url=site.wiki, username=site.running.user, password=site.running.token, cloud=False)
    return Confluence(url=site.wiki, token=site.running.token)


def calls(site: Site, since: int, last: tuple[str, str, int] | None = None) -> list[tuple[str, str, int]]:
    """(method, path, status) logged since a cursor; waits briefly until ``last`` is logged (the sandbox logs a
    request once its response is sent, so the final entry can trail the client by a moment)."""
    deadline = time.monotonic() + 5
    while True:
        entries = [(r["method"], r["path"], r["status"]) for r in site.running.requests(since)]
        if last is None or (entries and entries[-1] == last) or time.monotonic() > deadline:
            return entries


def reports_id(confluence: Confluence) -> str:
    return str(confluence.get_page_id(SPACE, REPORTS))


def test_get_page_by_title_returns_the_raw_result_dict(site: Site) -> None:
    confluence = server(site)
    found = confluence.get_page_by_title(SPACE, REPORTS)
    assert isinstance(found, dict)
    assert [page["title"] for page in found["results"]] == [REPORTS]
    assert confluence.get_page_id(SPACE, REPORTS) == found["results"][0]["id"]


def test_create_then_update_through_history(site: Site) -> None:
    confluence = server(site)
    title = site.unique("Weekly report")
    created = confluence.create_page(SPACE, title, STORAGE, parent_id=reports_id(confluence))
    assert created["version"]["number"] == 1
    with pytest.raises(requests.HTTPError) as duplicate:
        confluence.create_page(SPACE, title, STORAGE, parent_id=reports_id(confluence))
    assert duplicate.value.response.status_code == 400
    mark = site.running.last_request_id()
    updated = confluence.update_page(created["id"], title, "<p>Week 48: on track</p>")
    assert updated["version"]["number"] == 2
    prefix = "/wiki" if site.cloud else ""
    put = ("PUT", f"{prefix}/rest/api/content/{created['id']}", 200)
    sequence = calls(site, mark, put)
    assert ("GET", f"{prefix}/rest/api/content/{created['id']}/history", 200) in sequence
    assert sequence[-1] == put
    body = confluence.get_page_by_id(created["id"], expand="body.storage")["body"]["storage"]["value"]
    assert body == "<p>Week 48: on track</p>"


def test_update_or_create(site: Site) -> None:
    confluence = server(site)
    parent = reports_id(confluence)
    title = site.unique("Rolling report")
    first = confluence.update_or_create(parent, title, "<p>v1</p>", space=SPACE)
    second = confluence.update_or_create(parent, title, "<p>v2</p>", space=SPACE)
    assert second["id"] == first["id"]
    assert second["version"]["number"] == 2


def test_update_or_create_misses_children_beyond_the_first_cql_page(site: Site) -> None:
    # The library reads only the first CQL page (25 by default) of the parent's children, so the 26th child is
    # "not found", recreated, and refused as a duplicate title, exactly as on a real site.
    confluence = server(site)
    parent = confluence.create_page(SPACE, site.unique("Crowded parent"), "<p/>", parent_id=reports_id(confluence))
    titles = [site.unique(f"Child {n:02d}") for n in range(26)]
    for title in titles:
        confluence.create_page(SPACE, title, "<p/>", parent_id=parent["id"])
    with pytest.raises(requests.HTTPError) as missed:
        confluence.update_or_create(parent["id"], titles[-1], "<p>new</p>", space=SPACE)
    assert missed.value.response.status_code == 400


def test_set_page_label(site: Site) -> None:
    confluence = server(site)
    page = confluence.create_page(SPACE, site.unique("Labelled"), STORAGE, parent_id=reports_id(confluence))
    confluence.set_page_label(page["id"], "pmo-report")
    labels = confluence.get_page_labels(page["id"])
    assert [label["name"] for label in labels["results"]] == ["pmo-report"]


def test_attach_file_then_the_broken_reupload(site: Site, tmp_path: Path) -> None:
    confluence = server(site)
    page = confluence.create_page(SPACE, site.unique("Charts"), STORAGE, parent_id=reports_id(confluence))
    chart = tmp_path / "burndown.png"
    chart.write_bytes(b"\x89PNG\r\n\x1a\nfirst")
    uploaded = confluence.attach_file(str(chart), page_id=page["id"])
    attachment: dict[str, Any] = uploaded["results"][0]
    assert attachment["title"] == "burndown.png"
    chart.write_bytes(b"\x89PNG\r\n\x1a\nsecond")
    mark = site.running.last_request_id()
    with pytest.raises(requests.HTTPError):
        confluence.attach_file(str(chart), page_id=page["id"])
    # 5.0.5 PUTs the file to /content/{attachmentId}, an endpoint that takes no files: 415 on a real site.
    prefix = "/wiki" if site.cloud else ""
    put = ("PUT", f"{prefix}/rest/api/content/{attachment['id']}", 415)
    assert calls(site, mark, put)[-1] == put


def test_confluence_v2_create_and_the_update_without_status(site: Site) -> None:
    only(site, "cloud")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # every ConfluenceV2 construction warns
        v2 = ConfluenceV2(url=site.wiki, username=site.running.user, password=site.running.token)
    space_id = v2.get_space_by_key(SPACE)["id"]
    parent = v2.get_page_by_title(SPACE, REPORTS)
    parent_id = parent["results"][0]["id"] if "results" in parent else parent["id"]
    created = v2.create_page(space_id=space_id, title=site.unique("V2 page"), body=STORAGE, parent_id=parent_id)
    assert created["version"]["number"] == 1
    mark = site.running.last_request_id()
    with pytest.raises(requests.HTTPError):
        v2.update_page(created["id"], title=created["title"], body="<p>v2</p>")
    # It reads the version with body-format=none, then PUTs without the required status.
    put = ("PUT", f"/wiki/api/v2/pages/{created['id']}", 400)
    assert calls(site, mark, put) == [("GET", f"/wiki/api/v2/pages/{created['id']}", 200), put]
    updated = v2.update_page(created["id"], title=created["title"], body="<p>v2</p>", status="current")
    assert updated["version"]["number"] == 2
