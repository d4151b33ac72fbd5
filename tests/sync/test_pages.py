"""The sync writes only what changed: unchanged issues are neither normalised nor written, pages are stored as
they arrive, the bot's own writes are not activity, and a move flags the parent the issue left."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event

from pmo_bot.atlassian.ports import SearchResult
from pmo_bot.store import Store
from pmo_bot.sync import pages
from pmo_bot.sync.fields import FieldMap
from pmo_bot.sync.runner import SyncOptions, SyncReport, sync

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
FMAP = FieldMap(ids={})


def raw_issue(key: str, *, summary: str = "A story", updated: str = "2026-11-20T10:00:00.000+0000", **fields: Any):  # type: ignore[no-untyped-def]
    return {
        "id": key.rsplit("-", 1)[1],
        "key": key,
        "fields": {
            "summary": summary,
            "created": "2026-11-01T09:00:00.000+0000",
            "updated": updated,
            "status": {"name": "In Progress", "statusCategory": {"key": "indeterminate"}},
            "issuetype": {"name": "Story", "hierarchyLevel": 0},
            "project": {"key": key.rsplit("-", 1)[0]},
            **fields,
        },
    }


class PagedJira:
    """Just enough of ``JiraPort`` for the sync: pages of raw issues; a hook runs between pages."""

    flavor = "cloud"

    def __init__(self, page_size: int = 2) -> None:
        self.issues: list[dict[str, Any]] = []
        self.page_size = page_size
        self.between_pages: list[object] = []
        self.on_page: Any = None
        self.history_reads: list[tuple[str, list[str]]] = []  # (thread, keys) per bulkfetch

    def changelogs(self, issues: Sequence[tuple[str, str]], fields: Sequence[str]) -> dict[str, Any]:
        self.history_reads.append((threading.current_thread().name, [key for _, key in issues]))
        return {}  # no history beyond what the issues carry

    def issue_changelog(self, key: str) -> list[Any]:
        return []

    def comments(self, key: str) -> list[Any]:
        return []

    def search(
        self, jql: str, fields: Sequence[str], *, expand: Sequence[str] = (), properties: Sequence[str] = ()
    ) -> Iterator[SearchResult]:
        for start in range(0, len(self.issues), self.page_size):
            if start and self.on_page is not None:
                self.between_pages.append(self.on_page())
            yield SearchResult(issues=self.issues[start : start + self.page_size])


def run_sync(jira: PagedJira, store: Store, run_id: int, bot_wrote: Mapping[str, datetime] | None = None) -> SyncReport:
    wrote = dict(bot_wrote or {})
    return sync(
        jira,  # type: ignore[arg-type]
        store,
        SyncOptions(projects=["PAY"], full=True),
        FMAP,
        run_id=run_id,
        now=NOW,
        time_zone="UTC",
        bot_wrote_at=wrote.get,
    )


@pytest.fixture
def writes(store: Store) -> Iterator[list[str]]:
    """Every INSERT/UPDATE/DELETE statement the store sends while the test runs."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().split(" ", 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            seen.append(statement)

    event.listen(store.db.engine, "before_cursor_execute", record)
    yield seen
    event.remove(store.db.engine, "before_cursor_execute", record)


@pytest.fixture
def normalised(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = pages.normalize

    def counting(raw: Mapping[str, Any], *args: Any) -> Any:
        calls.append(str(raw.get("key")))
        return real(raw, *args)

    monkeypatch.setattr(pages, "normalize", counting)
    return calls


def _items_writes(statements: list[str]) -> list[str]:
    return [s for s in statements if " items" in s.split("(")[0] or s.upper().startswith("UPDATE ITEMS")]


def test_an_unchanged_portfolio_is_neither_normalised_nor_written(
    store: Store, writes: list[str], normalised: list[str]
) -> None:
    jira = PagedJira()
    jira.issues = [raw_issue(f"PAY-{n}") for n in range(1, 6)]
    first = run_sync(jira, store, 1)
    assert (first.inserted, first.changed, first.unchanged) == (5, 0, 0)
    assert len(normalised) == 5
    writes.clear()
    normalised.clear()

    second = run_sync(jira, store, 2)
    assert (second.fetched, second.inserted, second.changed, second.unchanged, second.deleted) == (5, 0, 0, 5, 0)
    assert normalised == []
    assert _items_writes(writes) == []


def test_only_the_changed_issue_is_normalised_and_written(
    store: Store, writes: list[str], normalised: list[str]
) -> None:
    jira = PagedJira()
    jira.issues = [raw_issue(f"PAY-{n}") for n in range(1, 6)]
    run_sync(jira, store, 1)
    store.items.evaluated(None)
    normalised.clear()
    writes.clear()
    jira.issues[2] = raw_issue("PAY-3", summary="New scope", updated="2026-11-29T10:00:00.000+0000")

    report = run_sync(jira, store, 2)
    assert (report.changed, report.unchanged) == (1, 4)
    assert normalised == ["PAY-3"]
    assert len(_items_writes(writes)) == 1
    assert store.items.pending() == {"PAY-3": None}
    stored = store.items.get("PAY-3")
    assert stored is not None
    assert stored.summary == "New scope"


def test_the_bots_own_write_is_not_activity_and_costs_one_small_write_once(store: Store, writes: list[str]) -> None:
    jira = PagedJira()
    jira.issues = [raw_issue("PAY-1"), raw_issue("PAY-2")]
    run_sync(jira, store, 1)
    store.items.evaluated(None)
    before = store.items.get("PAY-1")
    jira.issues[0] = raw_issue("PAY-1", updated="2026-11-30T11:00:00.000+0000")  # the bot commented
    writes.clear()

    report = run_sync(jira, store, 2, bot_wrote={"PAY-1": datetime(2026, 11, 30, 11, 0, tzinfo=UTC)})
    assert (report.bot_only, report.changed, report.unchanged) == (1, 0, 2)
    assert store.items.get("PAY-1") == before  # the stored `updated` stays
    assert store.items.pending() == {}
    assert len(_items_writes(writes)) == 1  # the new raw hash only
    writes.clear()
    run_sync(jira, store, 3, bot_wrote={"PAY-1": datetime(2026, 11, 30, 11, 0, tzinfo=UTC)})
    assert _items_writes(writes) == []


def test_histories_are_read_once_a_page_by_the_search_thread_and_only_for_issues_that_changed(store: Store) -> None:
    jira = PagedJira(page_size=2)
    jira.issues = [raw_issue(f"PAY-{n}") for n in range(1, 6)]
    run_sync(jira, store, 1)
    assert [keys for _, keys in jira.history_reads] == [["PAY-1", "PAY-2"], ["PAY-3", "PAY-4"], ["PAY-5"]]
    assert {thread.split("_")[0] for thread, _ in jira.history_reads} == {"search"}  # while pages are stored
    jira.history_reads.clear()
    jira.issues[0] = raw_issue("PAY-1", updated="2026-11-30T11:00:00.000+0000")  # the bot commented
    jira.issues[3] = raw_issue("PAY-4", summary="Renamed", updated="2026-11-30T11:00:00.000+0000")  # a person
    run_sync(jira, store, 2, bot_wrote={"PAY-1": datetime(2026, 11, 30, 11, 0, tzinfo=UTC)})
    assert [keys for _, keys in jira.history_reads] == [["PAY-4"]]


def test_the_store_is_at_most_one_page_behind_the_search(store: Store) -> None:
    """Pages are stored as they arrive (the next one is fetched meanwhile): never the whole portfolio held."""
    jira = PagedJira(page_size=2)
    jira.issues = [raw_issue(f"PAY-{n}") for n in range(1, 9)]
    jira.on_page = store.items.count  # when the fetch of pages 1, 2 and 3 starts
    run_sync(jira, store, 1)
    assert [stored >= 2 * (n - 1) for n, stored in enumerate(jira.between_pages, 1)] == [True, True, True]
    assert store.items.count() == 8


def test_a_move_flags_the_parent_it_left_and_a_vanished_issue_is_deleted(store: Store) -> None:
    jira = PagedJira()
    epic = {"issuetype": {"name": "Epic", "hierarchyLevel": 1}}
    jira.issues = [
        raw_issue("PAY-1", **epic),
        raw_issue("PAY-2", **epic),
        raw_issue("PAY-3", parent={"key": "PAY-1"}),
        raw_issue("PAY-4"),
    ]
    run_sync(jira, store, 1)
    store.items.evaluated(None)
    jira.issues[2] = raw_issue("PAY-3", parent={"key": "PAY-2"}, updated="2026-11-29T10:00:00.000+0000")
    del jira.issues[3]

    report = run_sync(jira, store, 2)
    assert (report.changed, report.deleted) == (1, 1)
    assert store.items.pending() == {"PAY-1": None, "PAY-3": "PAY-2", "PAY-4": None}


def test_a_new_normaliser_version_renormalises_every_issue_once(
    store: Store, normalised: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    jira = PagedJira()
    jira.issues = [raw_issue("PAY-1"), raw_issue("PAY-2")]
    run_sync(jira, store, 1)
    normalised.clear()
    monkeypatch.setattr(pages, "NORMALIZER_VERSION", 999)
    report = run_sync(jira, store, 2)
    assert sorted(normalised) == ["PAY-1", "PAY-2"]
    assert report.unchanged == 2


def test_a_site_wide_change_that_leaves_updated_alone_is_still_seen(store: Store) -> None:
    """An admin moves a status to another category, or a person's display name changes: Jira does not move
    the issues' ``updated``, yet the normalised item changes."""
    jira = PagedJira()
    jira.issues = [raw_issue("PAY-1", assignee={"displayName": "Ana", "accountId": "a1"}), raw_issue("PAY-2")]
    run_sync(jira, store, 1)
    jira.issues[0]["fields"]["assignee"] = {"displayName": "Ana Lima", "accountId": "a1"}
    jira.issues[1]["fields"]["status"] = {"name": "In Progress", "statusCategory": {"key": "done"}}

    report = run_sync(jira, store, 2)
    assert report.changed == 2
    one, two = store.items.get("PAY-1"), store.items.get("PAY-2")
    assert one is not None
    assert two is not None
    assert (one.assignee, two.is_done) == ("Ana Lima", True)


def test_a_full_sync_reads_the_stored_states_once_not_once_per_page(store: Store) -> None:
    jira = PagedJira(page_size=2)
    jira.issues = [raw_issue(f"PAY-{n}") for n in range(1, 9)]
    run_sync(jira, store, 1)
    selects: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "raw_hash" in statement:
            selects.append(statement)

    event.listen(store.db.engine, "before_cursor_execute", record)
    try:
        report = run_sync(jira, store, 2)
    finally:
        event.remove(store.db.engine, "before_cursor_execute", record)
    assert report.unchanged == 8
    assert len(selects) == 1  # four pages, one look-up


def test_an_older_copy_a_later_page_brings_again_never_overwrites_the_newer_one(store: Store) -> None:
    """Offset paging while an issue is edited: page 1 brings the new version, page 2 a stale copy of it."""
    jira = PagedJira(page_size=1)
    jira.issues = [raw_issue("PAY-1", summary="v1", updated="2026-11-20T10:00:00.000+0000"), raw_issue("PAY-2")]
    run_sync(jira, store, 1)
    jira.issues = [
        raw_issue("PAY-1", summary="v3", updated="2026-11-29T10:00:00.000+0000"),
        raw_issue("PAY-1", summary="v2", updated="2026-11-25T10:00:00.000+0000"),
        raw_issue("PAY-2"),
    ]
    run_sync(jira, store, 2)
    one = store.items.get("PAY-1")
    assert one is not None
    assert one.summary == "v3"
