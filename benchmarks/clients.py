"""One measured client run, in its own process (``python -m benchmarks.clients KIND SPEC_JSON``).

Prints one JSON line: wall and CPU seconds of the work, peak RSS of the process, and the HTTP requests it sent
(counted at requests' transport adapter, which all four clients go through), split into searches and writes.

Kinds: ``floor`` (a bare ``requests`` session paging the search), ``atlassian`` (atlassian-python-api's
``enhanced_jql``), ``pycontribs`` (the ``jira`` library's ``enhanced_search_issues``; the ``bench`` extra), and
``bot`` (one ``pmo-bot check`` cycle; ``spec["full"]`` forces a full one).
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import requests
from requests.adapters import HTTPAdapter

PAGE = 100  # Jira Cloud's page size for this many fields, as the bot asks
DETAILS: dict[str, Any] = {}  # what a bot run adds to its figures


def _count_requests() -> Counter[str]:
    counts: Counter[str] = Counter()
    send = HTTPAdapter.send

    def counting(self: HTTPAdapter, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:
        path = (request.path_url or "").split("?")[0]
        reads = request.method == "GET" or path.endswith("/changelog/bulkfetch")  # a POST that only reads
        kind = "search" if path.endswith(("/search/jql", "/search")) else "read" if reads else "write"
        counts[kind] += 1
        return send(self, request, *args, **kwargs)

    HTTPAdapter.send = counting  # type: ignore[method-assign]
    return counts


def floor(spec: dict[str, Any]) -> int:
    """The least any client can do: POST the search page after page and parse the JSON."""
    http = requests.Session()
    http.auth = (spec["user"], spec["token"])
    body: dict[str, Any] = {
        "jql": spec["jql"],
        "fields": spec["fields"],
        "properties": ["pmo-bot.state"],
        "maxResults": PAGE,
    }
    issues, token = 0, None
    while True:
        page_body = {**body, "nextPageToken": token} if token else body
        answer = http.post(f"{spec['url']}/rest/api/3/search/jql", json=page_body, timeout=60)
        answer.raise_for_status()
        page = answer.json()
        issues += len(page.get("issues") or [])
        token = page.get("nextPageToken")
        if page.get("isLast", token is None) or not token:
            return issues


def atlassian_api(spec: dict[str, Any]) -> int:
    from atlassian import Jira

    jira = Jira(url=spec["url"], username=spec["user"], password=spec["token"], cloud=True)
    issues, token = 0, None
    while True:
        page = jira.enhanced_jql(spec["jql"], fields=spec["fields"], nextPageToken=token, limit=PAGE)
        issues += len(page.get("issues") or [])
        token = page.get("nextPageToken")
        if page.get("isLast", token is None) or not token:
            return issues


def pycontribs(spec: dict[str, Any]) -> int:
    from jira import JIRA

    jira = JIRA(server=spec["url"], basic_auth=(spec["user"], spec["token"]), options={"rest_api_version": "3"})
    issues, token = 0, None
    while True:
        page: Any = jira.enhanced_search_issues(
            spec["jql"],
            nextPageToken=token,
            maxResults=PAGE,
            fields=list(spec["fields"]),
            properties="pmo-bot.state",
            json_result=True,
        )
        issues += len(page.get("issues") or [])
        token = page.get("nextPageToken")
        if page.get("isLast", token is None) or not token:
            return issues


def bot(spec: dict[str, Any]) -> int:
    from pmo_bot.config import load_settings
    from pmo_bot.jobs import check_job

    try:
        from pmo_bot.config import CheckOptions
    except ImportError:  # a checkout from before CheckOptions moved there (--bot-path)
        from pmo_bot.check import CheckOptions  # type: ignore[no-redef]

    env = {
        "PMO_JIRA_URL": spec["url"],
        "PMO_JIRA_USER": spec["user"],
        "PMO_JIRA_TOKEN": spec["token"],
        "PMO_DATABASE_URL": spec["database"] if "://" in spec["database"] else f"sqlite:///{spec['database']}",
        "PMO_RULES_DIR": spec["rules"],
        "PMO_MODE": "enforce",
        "PMO_MAX_COMMENT_WRITES": "1000000",
        "PMO_REQUEST_RATE": "1000",
        "PMO_PROJECTS": ",".join(spec["projects"]),
    }
    summary, _ = check_job(load_settings(None, env=env), CheckOptions(full=bool(spec.get("full"))))
    done = summary.as_dict()
    DETAILS.update(sync=done["sync"]["kind"], changed=done["sync"]["changed"], evaluation=done.get("evaluation"))
    DETAILS["sync_s"] = done["sync"]["seconds"]
    DETAILS["comment_writes"] = sum(summary.writes_done.values())
    return summary.items_checked


KINDS: dict[str, Callable[[dict[str, Any]], int]] = {
    "floor": floor,
    "atlassian": atlassian_api,
    "pycontribs": pycontribs,
    "bot": bot,
}


def _prepare(kind: str) -> float:
    """Imports before the clock starts (the bot's start-up is measured apart): seconds they took."""
    started = time.perf_counter()
    if kind == "bot":
        if os.environ.get("PMO_BENCH_BOT_PATH"):  # an older checkout, for before/after figures
            sys.path.insert(0, os.environ["PMO_BENCH_BOT_PATH"])
        # The check cycle and the store too: pmo_bot.jobs imports them only when a check runs.
        from pmo_bot import check, logs  # noqa: F401

        logs.configure(level="ERROR", json=False)  # quiet: the figures are the output
    elif kind == "atlassian":
        import atlassian  # noqa: F401
    elif kind == "pycontribs":
        import jira  # noqa: F401
    return time.perf_counter() - started


def _database_bytes(database: str) -> int:
    """A SQLite file (with its write-ahead log), or a PostgreSQL database as the server counts it."""
    if "://" not in database:
        return sum(os.path.getsize(f) for f in (database, database + "-wal") if os.path.exists(f))
    from sqlalchemy import create_engine, text

    engine = create_engine(database)
    with engine.connect() as connection:
        size = int(connection.execute(text("SELECT pg_database_size(current_database())")).scalar_one())
    engine.dispose()
    return size


def main() -> None:
    kind, spec = sys.argv[1], json.loads(sys.argv[2])
    imports = _prepare(kind)
    counts = _count_requests()
    started, cpu = time.perf_counter(), time.process_time()
    issues = KINDS[kind](spec)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result = {
        "kind": kind,
        "issues": issues,
        "wall_s": round(wall, 2),
        "import_s": round(imports, 2),
        "cpu_s": round(cpu, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),  # KiB on Linux
        "requests": sum(counts.values()),
        "searches": counts["search"],
        "writes": counts["write"],
    }
    if kind == "bot":
        result["db_mb"] = round(_database_bytes(spec["database"]) / 2**20, 1)
        result.update(DETAILS)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
