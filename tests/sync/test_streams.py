"""Several projects searched at once: every issue arrives once, in any order, an error in one search stops the
run where the pages are taken, and a stopped run leaves no search thread behind."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator, Sequence
from typing import Any

import pytest

from pmo_bot.atlassian.ports import SearchResult
from pmo_bot.errors import RemoteError
from pmo_bot.store import Store
from pmo_bot.sync.runner import SyncOptions, fetched_ahead, scope_key, sync
from tests.sync.test_pages import FMAP, NOW, raw_issue


class ProjectJira:
    """Pages per project, chosen by the JQL's ``project in (...)``; records each search's JQL and overlap."""

    flavor = "datacenter"

    def __init__(self, sizes: dict[str, int], page_size: int = 3, fail_in: str | None = None) -> None:
        self.issues = {p: [raw_issue(f"{p}-{n}") for n in range(1, size + 1)] for p, size in sizes.items()}
        self.page_size, self.fail_in = page_size, fail_in
        self.jqls: list[str] = []
        self.running = 0
        self.most_at_once = 0
        self._lock = threading.Lock()

    def changelogs(self, issues: Sequence[tuple[str, str]], fields: Sequence[str]) -> dict[str, Any]:
        return {}

    def issue_changelog(self, key: str) -> list[Any]:
        return []

    def comments(self, key: str) -> list[Any]:
        return []

    def get_issue_property(self, key: str, name: str) -> Any:
        return None

    def search(
        self, jql: str, fields: Sequence[str], *, expand: Sequence[str] = (), properties: Sequence[str] = ()
    ) -> Iterator[SearchResult]:
        self.jqls.append(jql)
        match = re.search(r"project in \(([^)]*)\)", jql)
        assert match is not None
        wanted = [p.strip() for p in match.group(1).split(",")]
        issues = [issue for p in wanted for issue in self.issues[p]]
        for start in range(0, len(issues), self.page_size):
            with self._lock:
                self.running += 1
                self.most_at_once = max(self.most_at_once, self.running)
            time.sleep(0.02)  # the server's time for a page: long enough for the searches to overlap
            with self._lock:
                self.running -= 1
            if self.fail_in in wanted and start:
                raise RemoteError("searching issues: HTTP 503")
            yield SearchResult(issues=issues[start : start + self.page_size], total=len(issues))


def _options(jira: ProjectJira, streams: int) -> SyncOptions:
    return SyncOptions(projects=sorted(jira.issues), full=True, search_streams=streams)


def _sync(jira: ProjectJira, store: Store, streams: int, progress: Any = None) -> Any:
    options = _options(jira, streams)
    return sync(
        jira,  # type: ignore[arg-type]
        store,
        options,
        FMAP,
        run_id=1,
        now=NOW,
        time_zone="UTC",
        bot_wrote_at=lambda key: None,
        progress=progress,
    )


def _search_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("search")]


def test_several_projects_are_searched_at_once_and_every_issue_is_stored_once(store: Store) -> None:
    jira = ProjectJira({"PAY": 10, "OPS": 7, "HR": 4})
    seen: list[tuple[int, int | None]] = []
    report = _sync(jira, store, streams=3, progress=lambda done, total: seen.append((done, total)))
    assert sorted(jira.jqls) == sorted(f"project in ({p}) ORDER BY key ASC" for p in ("PAY", "OPS", "HR"))
    assert jira.most_at_once >= 2
    assert (report.fetched, report.inserted) == (21, 21)
    assert set(store.items.states_in(["PAY", "OPS", "HR"])) == {
        f"{p}-{n}" for p, k in jira.issues.items() for n in range(1, len(k) + 1)
    }
    assert seen[-1] == (21, 21)  # Data Center's totals, summed once every search has reported its own


def test_one_stream_searches_every_project_in_one_query(store: Store) -> None:
    jira = ProjectJira({"PAY": 4, "OPS": 2})
    report = _sync(jira, store, streams=1)
    assert jira.jqls == ["project in (OPS, PAY) ORDER BY key ASC"]
    assert report.fetched == 6


def test_a_failing_search_stops_the_sync_and_leaves_no_thread_behind(store: Store) -> None:
    jira = ProjectJira({"PAY": 30, "OPS": 30, "HR": 30}, fail_in="OPS")
    with pytest.raises(RemoteError, match="503"):
        _sync(jira, store, streams=3)
    assert _search_threads() == []


def test_searches_still_waiting_for_a_thread_are_not_started_after_a_failure(store: Store) -> None:
    sizes = {"A": 3, "B": 30, "C": 15, "D": 15, "E": 3}  # B fails at 40 ms; E would start after 200 ms
    jira = ProjectJira(sizes, fail_in="B")
    with pytest.raises(RemoteError, match="503"):
        _sync(jira, store, streams=2)
    assert len(jira.jqls) < len(sizes)  # B failed on its second page, long before the last projects' turn
    assert store.watermarks.get(scope_key(_options(jira, 3), FMAP)) is None  # the next run syncs it all again


def test_leaving_early_stops_the_search_threads() -> None:
    def endless(tag: int) -> Iterator[SearchResult]:
        while True:
            yield SearchResult(issues=[{"key": f"P{tag}-1"}])

    with fetched_ahead([endless(1), endless(2)], lambda page: page, workers=2) as pages:
        assert next(iter(pages))[1].issues
    assert _search_threads() == []
