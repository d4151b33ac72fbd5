"""Helpers for the robustness suites: run the real pipeline against a sandbox, steer its faults, read its log.

The pipeline is the production one (``run_check`` over ``JiraClient`` over ``PoliteSession``); only the retry
backoff is shortened (and every wait recorded) so that fault tests finish in seconds instead of minutes.
"""

from __future__ import annotations

import functools
import json
import threading
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

from pmo_bot import wiring
from pmo_bot.atlassian.polite import PoliteSession, RetryPolicy, Throttle
from pmo_bot.check import CheckDeps, CheckSummary, run_check
from pmo_bot.config import CheckOptions, Settings
from pmo_bot.rules import loader
from pmo_bot.sandbox.running import RunningSandbox
from pmo_bot.store import open_from_settings
from tests.e2e.conftest import SiteReader

WRITE_METHODS = frozenset({"POST", "PUT", "DELETE", "PATCH"})
SEARCH_PATH = ("/rest/api/3/search/jql", "/rest/api/2/search")


@dataclass
class Waits:
    """Every pause the throttle and the retry loop asked for (seconds), really slept."""

    seconds: list[float] = field(default_factory=list)

    def sleep(self, seconds: float) -> None:
        self.seconds.append(seconds)
        time.sleep(seconds)


class VirtualTime(Waits):
    """The bot's pacing clock, moved forward by each pause instead of sleeping through it: a storm's hundreds of
    ``Retry-After`` pauses pass at once, each still taken on the bot's clock and recorded. The sandbox does not
    enforce ``Retry-After``, so only the test's duration differs from waiting for real."""

    def __init__(self) -> None:
        super().__init__()
        self._skipped = 0.0
        self._lock = threading.Lock()

    def clock(self) -> float:
        return time.monotonic() + self._skipped

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.seconds.append(seconds)
            self._skipped += max(seconds, 0.0)


def fast_session(settings: Settings, waits: Waits | None = None) -> PoliteSession:
    """The production session with a short backoff base (50 ms instead of 2 s); ``Retry-After`` still rules.
    With ``VirtualTime``, pauses pass on its clock without sleeping."""
    sleep = waits.sleep if waits is not None else time.sleep
    clock = waits.clock if isinstance(waits, VirtualTime) else time.monotonic
    return PoliteSession(
        Throttle(rate=settings.request_rate, clock=clock, sleep=sleep),
        policy=RetryPolicy(max_retries=settings.max_retries, base_delay=0.05, max_delay=2.0),
        timeout=settings.request_timeout_seconds,
    )


class SearchTap:
    """Watches a session on the wire: the JQL of every search request sent and the issue keys it returned."""

    def __init__(self, session: requests.Session) -> None:
        self.searches: list[tuple[str, list[str]]] = []  # one per page: (jql, keys)
        session.hooks["response"].append(self._seen)

    def _seen(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        request = response.request
        if urlsplit(request.url or "").path not in SEARCH_PATH or response.status_code != 200:
            return
        raw = request.body.decode() if isinstance(request.body, bytes) else request.body
        jql = str(json.loads(raw or "{}").get("jql", ""))
        self.searches.append((jql, [str(issue["key"]) for issue in response.json().get("issues", [])]))

    def keys(self) -> set[str]:
        return {key for _, keys in self.searches for key in keys}


@functools.cache
def _bundle(rules_dir: Path) -> loader.Bundle:
    return loader.load([rules_dir])  # parsing the rule files takes ~1 s; runs never change them


def check(
    settings: Settings,
    *,
    session: PoliteSession | None = None,
    **options: Any,
) -> CheckSummary:
    """One ``pmo-bot check`` run as the CLI does it, with the given session and options."""
    bundle = _bundle(settings.rules_dir)
    jira = wiring.jira_client(settings, session or fast_session(settings))
    with open_from_settings(settings) as store:
        deps = CheckDeps(jira=jira, store=store, bundle=bundle, settings=settings)
        return run_check(deps, CheckOptions(**options))


def set_faults(site: RunningSandbox, **faults: Any) -> None:
    requests.put(f"{site.url}/_sandbox/faults", json=faults, timeout=10).raise_for_status()


def clear_faults(site: RunningSandbox) -> None:
    requests.delete(f"{site.url}/_sandbox/faults", timeout=10).raise_for_status()


def faults_served(entries: Sequence[Mapping[str, Any]]) -> Counter[str]:
    return Counter(str(e["fault"]) for e in entries if e["fault"])


def jira_writes(entries: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Requests that change Jira (search and the changelog bulk fetch are POSTs that only read)."""
    return [
        e
        for e in entries
        if e["method"] in WRITE_METHODS
        and e["path"].startswith("/rest/api/")
        and e["path"] not in SEARCH_PATH
        and not e["path"].endswith("/changelog/bulkfetch")
    ]


def searches(entries: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return [e for e in entries if e["path"] in SEARCH_PATH]


def site_keys(site: RunningSandbox, projects: Sequence[str] = ()) -> list[str]:
    """Every issue on the site (of ``projects``), from the sandbox's own state."""
    with site.sandbox.lock:
        keys = [issue.key for issue in site.sandbox.jira.issues]
    return sorted(k for k in keys if not projects or k.split("-")[0] in projects)


def bot_comment_counts(site: RunningSandbox) -> dict[str, int]:
    """The number of bot comments on every issue of the site, from the sandbox's own state (one pass, exact)."""
    state = site.sandbox.jira
    with site.sandbox.lock:
        bot = state.bot.account_id
        return {issue.key: sum(1 for c in issue.comments if c.author == bot) for issue in state.issues}


def assert_no_duplicates(reader: SiteReader, site: RunningSandbox) -> dict[str, int]:
    """No issue of the site carries two bot comments, and the REST API shows the same for the commented ones.

    Switches faults off first, so that reading is reliable."""
    clear_faults(site)
    counts = bot_comment_counts(site)
    duplicated = {k: n for k, n in counts.items() if n > 1}
    assert not duplicated, f"duplicate bot comments: {duplicated}"
    for key in sorted(k for k, n in counts.items() if n):
        assert len(reader.bot_comments(key)) == 1, key
    return counts


def assert_one_comment_where_due(reader: SiteReader, site: RunningSandbox, due: set[str]) -> None:
    """Every issue of the site: exactly one bot comment where ``due``, none elsewhere, never two."""
    counts = assert_no_duplicates(reader, site)
    assert {k for k, n in counts.items() if n == 1} == due


def commented(summary: CheckSummary) -> set[str]:
    """Issues whose planned comment lists findings (created or kept)."""
    return {p.issue_key for p in summary.plan if p.content.findings}
