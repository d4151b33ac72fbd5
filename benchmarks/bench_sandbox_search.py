"""Sandbox serving speed: a full Cloud enhanced-search paging of 100k synthetic issues, ~15 fields per issue.

Measured end to end over HTTP on loopback with one client (requests), paging as the bot does: the first page
evaluates the JQL, later pages slice the stored result by ``nextPageToken``; pages hold 100 issues (Cloud's
cap when fields are requested). Two set-ups: the sandbox in its own process (``pmo-bot sandbox serve``, as a
real site is remote) and in-process (``start_sandbox``, as the end-to-end tests run it, sharing the GIL with
the client).
"""

from __future__ import annotations

import subprocess
import sys
import time
from typing import Any

import requests

from pmo_bot.sandbox.jira.catalogue import CUSTOM_FIELD_IDS
from pmo_bot.sandbox.running import start_sandbox
from pmo_bot.sandbox.server import free_port

ISSUES = 100_000
USER, TOKEN = "pmo-bot@example.com", "sandbox-token"
FIELDS = [
    "summary",
    "status",
    "issuetype",
    "priority",
    "assignee",
    "reporter",
    "created",
    "updated",
    "duedate",
    "labels",
    "parent",
    "timeoriginalestimate",
    "timespent",
    CUSTOM_FIELD_IDS["Budget"],
    CUSTOM_FIELD_IDS["Strategic Goal"],
    CUSTOM_FIELD_IDS["Start date"],
]


def page_everything(base: str, projects: list[str]) -> dict[str, float]:
    session = requests.Session()
    session.auth = (USER, TOKEN)
    body: dict[str, Any] = {
        "jql": f"project in ({', '.join(projects)}) ORDER BY key",
        "fields": FIELDS,
        "maxResults": 100,
    }
    pages = seen = 0
    first_page = 0.0
    started = time.perf_counter()
    while True:
        response = session.post(f"{base}/rest/api/3/search/jql", json=body)
        response.raise_for_status()
        data = response.json()
        pages += 1
        seen += len(data["issues"])
        if pages == 1:
            first_page = time.perf_counter() - started
        if not data.get("nextPageToken"):
            break
        body["nextPageToken"] = data["nextPageToken"]
    elapsed = time.perf_counter() - started
    return {
        "issues": seen,
        "pages": pages,
        "seconds": round(elapsed, 2),
        "issues_per_second": round(seen / elapsed),
        "pages_per_second": round(pages / elapsed, 1),
        "first_page_seconds": round(first_page, 3),
    }


def _separate_process(issues: int) -> dict[str, float]:
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "pmo_bot",
        "sandbox",
        "serve",
        "--port",
        str(port),
        "--seed",
        "synthetic",
        "--issues",
        str(issues),
    ]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                health = requests.get(f"{base}/_sandbox/health", timeout=2).json()
                break
            except requests.RequestException:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the sandbox server did not come up") from None
                time.sleep(0.5)
        projects = [p["key"] for p in requests.get(f"{base}/rest/api/2/project", auth=(USER, TOKEN)).json()]
        result = page_everything(base, projects)
        result["issues_in_site"] = health["issues"]
        return result
    finally:
        server.terminate()
        server.wait(timeout=30)


def _in_process(issues: int) -> dict[str, float]:
    with start_sandbox(flavor="cloud", seed="synthetic", issues=issues) as site:
        return page_everything(site.url, list(site.sandbox.jira.projects))


def run(issues: int = ISSUES) -> dict[str, float]:
    results: dict[str, float] = {}
    for label, measure in (("separate_process", _separate_process), ("in_process", _in_process)):
        figures = measure(issues)
        if figures["issues"] != issues:
            raise RuntimeError(f"{label}: paged {figures['issues']} issues, expected {issues}")
        print(
            f"sandbox search ({label}): {figures['issues']:.0f} issues, {figures['pages']:.0f} pages of "
            f"{len(FIELDS)} fields in {figures['seconds']} s = {figures['issues_per_second']:.0f} issues/s, "
            f"{figures['pages_per_second']} pages/s (first page {figures['first_page_seconds']} s)"
        )
        results.update({f"{label}_{key}": value for key, value in figures.items()})
    return results


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else ISSUES)
