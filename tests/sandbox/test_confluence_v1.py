"""Confluence v1 against a running sandbox, both flavours: pages, versions, CQL, labels, attachments, the view."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from pmo_bot.sandbox.running import RunningSandbox, start_sandbox

SPACE = "PMO"
REPORTS = "Portfolio reports"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@dataclass
class Site:
    running: RunningSandbox
    session: requests.Session

    def v1(self, path: str) -> str:
        return f"{self.running.confluence_url}/rest/api/{path}"

    @property
    def cloud(self) -> bool:
        return self.running.flavor == "cloud"


@pytest.fixture(params=["cloud", "datacenter"])
def site(request: pytest.FixtureRequest) -> Iterator[Site]:
    with start_sandbox(flavor=request.param, seed="demo") as running, requests.Session() as session:
        session.auth = (running.user, running.token)
        yield Site(running, session)


def _page(title: str, body: str, parent: str | None = None, version: int | None = None) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "type": "page",
        "title": title,
        "space": {"key": SPACE},
        "body": {"storage": {"value": body, "representation": "storage"}},
    }
    if parent:
        payload["ancestors"] = [{"id": parent}]
    if version:
        payload["version"] = {"number": version, "message": "weekly"}
    return payload


def _reports_id(site: Site) -> str:
    found = site.session.get(site.v1("content"), params={"spaceKey": SPACE, "title": REPORTS}).json()
    assert found["size"] == 1
    return str(found["results"][0]["id"])


def test_create_find_and_refuse_duplicates_and_bad_storage(site: Site) -> None:
    parent = _reports_id(site)
    created = site.session.post(site.v1("content"), json=_page("Week 48", "<p>Fine &amp; dandy</p>", parent))
    assert created.status_code == 200, created.text
    page = created.json()
    assert page["version"]["number"] == 1
    assert page["ancestors"][-1]["id"] == parent
    assert page["body"]["storage"]["value"] == "<p>Fine &amp; dandy</p>"

    got = site.session.get(site.v1(f"content/{page['id']}"), params={"expand": "body.storage,version,space"}).json()
    assert got["space"]["key"] == SPACE
    assert got["title"] == "Week 48"
    assert "ancestors" not in got
    assert "ancestors" in got["_expandable"]

    duplicate = site.session.post(site.v1("content"), json=_page("week 48", "<p>again</p>", parent))
    assert duplicate.status_code == 400
    assert "A page with this title already exists" in duplicate.json()["message"]

    malformed = site.session.post(site.v1("content"), json=_page("Week 49", "<p>unclosed <b>bold</p>", parent))
    assert malformed.status_code == 400
    body = malformed.json()
    assert body["statusCode"] == 400
    assert "Error parsing xhtml" in body["message"]

    missing = site.session.get(site.v1("content/424242"))
    assert missing.status_code == 404
    assert missing.json()["statusCode"] == 404


def test_update_needs_the_next_version_and_keeps_the_parent(site: Site) -> None:
    parent = _reports_id(site)
    page = site.session.post(site.v1("content"), json=_page("Week 50", "<p>v1</p>", parent)).json()
    url = site.v1(f"content/{page['id']}")

    payload = _page("Week 50", "<p>v2</p>", version=1)
    payload.pop("ancestors", None)
    stale = site.session.put(url, json=payload, params={"status": "current"})
    assert stale.status_code == 409
    assert "Current version is: 1" in stale.json()["message"]

    payload["version"]["number"] = 2
    updated = site.session.put(url, json=payload, params={"status": "current"})
    assert updated.status_code == 200, updated.text
    assert updated.json()["version"]["number"] == 2
    assert updated.json()["ancestors"][-1]["id"] == parent  # no ancestors sent: parent kept

    history = site.session.get(f"{url}/history").json()
    assert history["lastUpdated"]["number"] == 2

    no_version = site.session.put(url, json=_page("Week 50", "<p>v3</p>"))
    assert no_version.status_code == 400
    bad_body = site.session.put(url, json=_page("Week 50", "<p>v3", version=3))
    assert bad_body.status_code == 400


def test_cql_children_first_page_is_25_and_more_are_paged(site: Site) -> None:
    parent = _reports_id(site)
    state = site.running.sandbox.confluence
    for n in range(30):
        state.create_page(SPACE, f"Child {n:02d}", "<p>x</p>", parent_id=parent, by="seed")
    state.add_labels(state.find_by_title(SPACE, "Child 07").id, [("global", "pmo-report")])  # type: ignore[union-attr]

    # The library sends a GET with a "{}" JSON body; the body must be ignored.
    first = site.session.get(
        site.v1("content/search"),
        params={"cql": f'parent={parent} AND space="{SPACE}"'},
        data="{}",
        headers={"Content-Type": "application/json"},
    )
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["size"] == 25
    assert "next" in body["_links"]
    rest = site.session.get(site.running.confluence_url + body["_links"]["next"]).json()
    titles = {p["title"] for p in body["results"]} | {p["title"] for p in rest["results"]}
    assert titles == {f"Child {n:02d}" for n in range(30)}

    labelled = site.session.get(site.v1("content/search"), params={"cql": 'label="pmo-report" and type=page'})
    assert [p["title"] for p in labelled.json()["results"]] == ["Child 07"]
    by_title = site.session.get(site.v1("search"), params={"cql": f'title="Child 03" AND space={SPACE}'}).json()
    assert [r["content"]["title"] for r in by_title["results"]] == ["Child 03"]
    assert by_title["totalSize"] == 1

    for bad in ("creator = currentUser()", "parent = ", 'title = "x" AND', "lastmodified > now('-1d')"):
        refused = site.session.get(site.v1("content/search"), params={"cql": bad})
        assert refused.status_code == 400, bad
        assert "Could not parse cql" in refused.json()["message"]


def test_labels_accept_an_object_or_an_array_and_can_be_removed(site: Site) -> None:
    page_id = _reports_id(site)
    url = site.v1(f"content/{page_id}/label")
    assert site.session.post(url, json={"prefix": "global", "name": "PMO-Report"}).status_code == 200
    added = site.session.post(url, json=[{"prefix": "global", "name": "pmo-report-2026-48"}, {"name": "weekly"}])
    assert sorted(lb["name"] for lb in added.json()["results"]) == ["pmo-report", "pmo-report-2026-48", "weekly"]
    assert site.session.post(url, json={"name": "has space"}).status_code == 400

    assert site.session.delete(url, params={"name": "weekly"}).status_code == 204
    names = [lb["name"] for lb in site.session.get(url).json()["results"]]
    assert names == ["pmo-report", "pmo-report-2026-48"]
    expanded = site.session.get(site.v1(f"content/{page_id}"), params={"expand": "metadata.labels"}).json()
    assert expanded["metadata"]["labels"]["size"] == 2


def test_attachments_create_refuse_same_name_and_update(site: Site) -> None:
    page_id = _reports_id(site)
    url = site.v1(f"content/{page_id}/child/attachment")
    files = {"file": ("chart.png", PNG, "image/png")}
    no_token = site.session.post(url, files=files)
    assert no_token.status_code == 403
    assert no_token.text == "XSRF check failed"

    xsrf = {"X-Atlassian-Token": "no-check"}
    made = site.session.post(url, files=files, data={"comment": "first", "minorEdit": "true"}, headers=xsrf)
    assert made.status_code == 200, made.text
    attachment = made.json()["results"][0]
    assert attachment["id"].startswith("att")
    assert attachment["extensions"]["fileSize"] == len(PNG)

    again = site.session.post(url, files=files, headers=xsrf)
    assert again.status_code == 400
    assert "same file name as an existing attachment" in again.json()["message"]

    # atlassian-python-api 5.0.5 re-uploads with a multipart PUT on content/{attachmentId}: Confluence says 415.
    broken = site.session.put(site.v1(f"content/{attachment['id']}"), files=files, headers=xsrf)
    assert broken.status_code == 415

    new_data = PNG + b"v2"
    data_url = f"{url}/{attachment['id']}/data"
    updated = site.session.post(data_url, files={"file": ("chart.png", new_data, "image/png")}, headers=xsrf)
    assert updated.status_code == 200, updated.text
    assert updated.json()["version"]["number"] == 2

    put = site.session.put(url, files={"file": ("chart.png", PNG + b"v3", "image/png")}, headers=xsrf)
    if site.cloud:  # Cloud's create-or-update
        assert put.status_code == 200
        assert put.json()["results"][0]["version"]["number"] == 3
    else:
        assert put.status_code == 405

    listed = site.session.get(url, params={"filename": "chart.png"}).json()
    assert listed["size"] == 1
    download = site.session.get(site.running.confluence_url + listed["results"][0]["_links"]["download"])
    assert download.content == (PNG + b"v3" if site.cloud else new_data)


def test_page_view_renders_macros_images_labels_and_version(site: Site) -> None:
    parent = _reports_id(site)
    body = (
        '<h2>Status</h2><p><ac:structured-macro ac:name="status"><ac:parameter ac:name="colour">Green</ac:parameter>'
        '<ac:parameter ac:name="title">on track</ac:parameter></ac:structured-macro></p>'
        '<ac:image><ri:attachment ri:filename="burn.png"/></ac:image><p>&lt;script&gt;alert(1)&lt;/script&gt;</p>'
    )
    page = site.session.post(site.v1("content"), json=_page("Week 51 <b>", body, parent)).json()
    site.session.post(site.v1(f"content/{page['id']}/label"), json={"name": "pmo-report"})
    site.session.post(
        site.v1(f"content/{page['id']}/child/attachment"),
        files={"file": ("burn.png", PNG)},
        headers={"X-Atlassian-Token": "no-check"},
    )

    anonymous = requests.get(f"{site.running.url}/_sandbox/view/page/{page['id']}")
    assert anonymous.status_code == 200
    html = anonymous.text
    assert '<span class="status status-green">ON TRACK</span>' in html
    assert "Week 51 &lt;b&gt;" in html
    assert "<script>" not in html
    assert "Version 1" in html
    assert "pmo-report" in html
    src = f"/_sandbox/attachment/{page['id']}/burn.png"
    assert f'src="{src}"' in html
    image = requests.get(site.running.url + src)
    assert image.status_code == 200
    assert image.content == PNG
    assert image.headers["content-type"] == "image/png"
    assert requests.get(f"{site.running.url}/_sandbox/view/page/1").status_code == 404
