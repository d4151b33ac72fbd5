"""Operator endpoints, ``--data`` persistence across restarts, and the CLI entry points."""

from __future__ import annotations

from pathlib import Path

import requests

from pmo_bot.sandbox.running import RunningSandbox, start_sandbox


def test_reset_returns_to_the_seeded_content(empty_cloud_sandbox: RunningSandbox) -> None:
    site = empty_cloud_sandbox
    seeded = requests.post(f"{site.url}/_sandbox/seed", json={"profile": "synthetic", "issues": 40, "seed": 3})
    assert seeded.status_code == 200
    assert seeded.json()["issues"] == 40
    key = site.sandbox.jira.issues[5].key
    auth = (site.user, site.token)
    assert requests.post(f"{site.url}/rest/api/2/issue/{key}/comment", json={"body": "x"}, auth=auth).status_code == 201
    requests.put(f"{site.url}/_sandbox/faults", json={"rate_500": 1})
    assert requests.post(f"{site.url}/_sandbox/reset").json()["issues"] == 40
    comments = requests.get(f"{site.url}/rest/api/2/issue/{key}/comment", auth=auth)
    assert comments.status_code == 200  # faults were switched off by the reset
    assert comments.json()["total"] == 0


def test_operator_endpoints_refuse_bad_bodies(empty_cloud_sandbox: RunningSandbox) -> None:
    site = empty_cloud_sandbox
    assert requests.post(f"{site.url}/_sandbox/seed", json={"profile": "nonsense"}).status_code == 400
    assert requests.put(f"{site.url}/_sandbox/faults", json={"rate_429": 2}).status_code == 400
    assert requests.put(f"{site.url}/_sandbox/faults", json={"typo": 1}).status_code == 400
    assert requests.get(f"{site.url}/_sandbox/requests", params={"since": "x"}).status_code == 400


def test_index_and_issue_view_escape_site_content(cloud_sandbox: RunningSandbox) -> None:
    site = cloud_sandbox
    key = site.sandbox.jira.issues[0].key
    auth = (site.user, site.token)
    hostile = "<img src=x onerror=alert(1)>"
    requests.put(f"{site.url}/rest/api/2/issue/{key}", json={"fields": {"summary": hostile}}, auth=auth)
    requests.post(f"{site.url}/rest/api/2/issue/{key}/comment", json={"body": hostile}, auth=auth)
    index = requests.get(f"{site.url}/_sandbox/")
    view = requests.get(f"{site.url}/_sandbox/view/issue/{key}")
    for page in (index, view):
        assert page.status_code == 200
        assert hostile not in page.text
        assert "&lt;img src=x onerror=alert(1)&gt;" in page.text
    assert "Portfolio reports" in index.text
    assert requests.get(f"{site.url}/_sandbox/view/issue/NOPE-1").status_code == 404


def test_data_file_survives_a_restart(tmp_path: Path) -> None:
    data = tmp_path / "sandbox.db"
    with start_sandbox(flavor="datacenter", seed="demo", data=data) as first:
        key = first.sandbox.jira.issues[3].key
        auth = (first.user, first.token)
        comment = requests.post(f"{first.url}/rest/api/2/issue/{key}/comment", json={"body": "kept"}, auth=auth)
        assert comment.status_code == 201
        prop = requests.put(f"{first.url}/rest/api/2/issue/{key}/properties/pmo", json={"n": 1}, auth=auth)
        assert prop.status_code == 201
        pages = len(first.sandbox.confluence.all_pages())
    with start_sandbox(flavor="datacenter", seed="demo", data=data) as second:
        auth = (second.user, second.token)
        listed = requests.get(f"{second.url}/rest/api/2/issue/{key}/comment", auth=auth).json()
        assert [c["body"] for c in listed["comments"]][-1] == "kept"
        assert requests.get(f"{second.url}/rest/api/2/issue/{key}/properties/pmo", auth=auth).json()["value"] == {
            "n": 1
        }
        assert len(second.sandbox.confluence.all_pages()) == pages
        again = requests.post(f"{second.url}/rest/api/2/issue/{key}/comment", json={"body": "next"}, auth=auth)
        assert int(again.json()["id"]) > int(comment.json()["id"])  # id counters were restored too


def test_jira_browse_links_open_the_issue_view_without_login(empty_cloud_sandbox: RunningSandbox) -> None:
    found = requests.get(f"{empty_cloud_sandbox.url}/browse/PAY-1", allow_redirects=False, timeout=10)
    assert found.status_code == 307
    assert found.headers["location"] == "/_sandbox/view/issue/PAY-1"
