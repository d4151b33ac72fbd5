"""Fetch what changed into the store: a full sync, or an incremental one from a watermark.

Incremental: ``updated >= watermark - overlap`` (minute precision, the bot user's time zone, eventual
consistency), results de-duplicated by key. A periodic full sync catches deletions, moves and anything an
incremental search missed. An issue whose only change is its ``updated`` time after the bot wrote to it (its
comment, its property) keeps its stored ``updated``, so the bot's own writes never look like activity.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from queue import Queue
from typing import Any, TypeVar

from pmo_bot import logs
from pmo_bot.atlassian.ports import STATE_PROPERTY, BotIdentity, JiraPort, SearchResult
from pmo_bot.errors import AuthError, RemoteError
from pmo_bot.store import Store
from pmo_bot.sync.fields import FieldMap
from pmo_bot.sync.history import search_expand, search_fields
from pmo_bot.sync.jqlbuild import fetch_jql, jql_datetime
from pmo_bot.sync.pages import PageWriter

log = logs.get_logger(__name__)
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class SyncOptions:
    projects: Sequence[str]
    full: bool = False
    overlap_minutes: int = 5
    full_every_hours: float = 24.0
    narrow_jql: str | None = None
    search_streams: int = 1  # projects searched at once


@dataclass(frozen=True, slots=True)
class SyncReport:
    kind: str  # "full" | "incremental"
    jql: str
    fetched: int
    inserted: int
    changed: int
    unchanged: int
    bot_only: int  # refetched only because the bot itself wrote to them
    deleted: int
    skipped: Mapping[str, int] = field(default_factory=dict)  # reason -> count
    states: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # issue key -> pmo-bot.state property
    fetched_keys: frozenset[str] = frozenset()  # the issues this sync fetched (their ``states`` are known)
    new_keys: frozenset[str] = frozenset()  # fetched issues the store did not know before
    seconds: float = 0.0  # how long the sync took, searches included


def scope_key(options: SyncOptions, fmap: FieldMap) -> str:
    parts = [",".join(sorted(options.projects)), options.narrow_jql or "", ",".join(fmap.request_fields())]
    return "jira:" + hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def _read_states(jira: JiraPort, keys: Sequence[str]) -> dict[str, Mapping[str, Any]]:
    """``pmo-bot.state`` of each issue, one GET each. Only issues the store has never seen need it: for the
    others the store's own comment records are authoritative (the property is the fallback for a lost store)."""
    found: dict[str, Mapping[str, Any]] = {}
    for key in keys:
        try:
            value = jira.get_issue_property(key, STATE_PROPERTY)
        except AuthError:
            raise
        except RemoteError as error:  # the writer still finds its comment by author and marker before creating
            log.warning("state_property_unread", issue_key=key, error=str(error))
            continue
        if isinstance(value, Mapping):
            found[key] = value
    return found


_DONE = object()  # a stream's end, in the page queue


@contextmanager
def fetched_ahead(
    streams: Sequence[Iterator[SearchResult]], prepare: Callable[[SearchResult], T], workers: int = 1
) -> Iterator[Iterator[tuple[int, T]]]:
    """Each stream's pages, paged by up to ``workers`` threads at once from the moment this is entered, each
    ``prepare``d by the thread that fetched it, as ``(stream index, prepared page)`` in arrival order. The store
    takes one page while the next ones are fetched and prepared, so the sync takes about as long as the searches
    alone; and a server answers several projects' searches at once, where one stream's pages can only follow
    each other (each needs the previous page's token). An error fetching or preparing a page surfaces where the
    pages are taken. On leaving, the threads stop at their next page."""
    queue: Queue[tuple[int, Any, threading.Event]] = Queue()  # at most one entry per thread
    stop = threading.Event()

    def put(index: int, entry: Any) -> bool:
        """Hand ``entry`` over and wait until it is taken: a thread fetches its next page while the store takes
        this one, never further ahead (the store is at most one page per thread behind the search)."""
        handed = threading.Event()
        queue.put((index, entry, handed))
        while not handed.wait(0.1):
            if stop.is_set():
                return False
        return True

    def drain(index: int) -> None:
        if stop.is_set():  # a stream still waiting for a thread when the sync stopped: not a request more
            return
        try:
            for page in streams[index]:
                if not put(index, prepare(page)):
                    return
            put(index, _DONE)
        except BaseException as error:  # handed to the consumer, which raises it
            put(index, error)

    def taken() -> Iterator[tuple[int, T]]:
        open_streams = len(streams)
        while open_streams:
            index, entry, handed = queue.get()
            handed.set()
            if entry is _DONE:
                open_streams -= 1
            elif isinstance(entry, BaseException):
                raise entry
            else:
                yield index, entry

    with ThreadPoolExecutor(max_workers=max(workers, 1), thread_name_prefix="search") as pool:
        for index in range(len(streams)):
            pool.submit(drain, index)
        try:
            yield taken()
        finally:
            stop.set()


def sync(
    jira: JiraPort,
    store: Store,
    options: SyncOptions,
    fmap: FieldMap,
    *,
    run_id: int,
    now: datetime,
    time_zone: str,
    bot_wrote_at: Callable[[str], datetime | None],
    progress: Callable[[int, int | None], None] | None = None,
    bot: BotIdentity | None = None,
) -> SyncReport:
    """``progress(fetched, total)`` is called after every page; ``total`` is known on Data Center only.

    Each page goes to the store as it arrives (nothing holds the raw JSON of the whole portfolio); an issue whose
    raw JSON hashes as when it was last stored is neither normalised nor written."""
    started = time.monotonic()
    scope = scope_key(options, fmap)
    mark = store.watermarks.get(scope)
    due_full = (
        options.full
        or mark is None
        or mark.last_updated is None
        or mark.last_full_sync_at is None
        or now - mark.last_full_sync_at >= timedelta(hours=options.full_every_hours)
    )
    since = None
    if not due_full and mark is not None and mark.last_updated is not None:
        since = jql_datetime(mark.last_updated - timedelta(minutes=options.overlap_minutes), time_zone)
    jql = fetch_jql(options.projects, updated_since=since, narrow=options.narrow_jql)
    # A full sync searches each project apart, several at once; an incremental one, which brings few issues, asks
    # once for all (the fewest requests).
    at_once = options.search_streams if due_full else 1
    parts = [[p] for p in sorted(options.projects)] if at_once > 1 else [options.projects]
    fields = search_fields(fmap.request_fields(), jira.flavor)  # Data Center: with the comments (history.py)
    streams = [
        jira.search(
            fetch_jql(part, updated_since=since, narrow=options.narrow_jql) if len(parts) > 1 else jql,
            fields,
            expand=search_expand(jira.flavor),
            properties=(STATE_PROPERTY,),
        )
        for part in parts
    ]
    totals: dict[int, int | None] = {}  # by stream, from its first page (Data Center)
    pages = PageWriter(store, fmap, jira, run_id, bot_wrote_at, bot, preload=due_full)
    with fetched_ahead(streams, pages.prepare, min(at_once, len(streams))) as pages_in:
        live_before = set(store.items.links(options.projects)) if due_full else set()  # while pages are fetched
        for index, fetched in pages_in:
            pages.take(fetched)
            totals.setdefault(index, fetched.page.total)
            if progress is not None:
                whole = len(totals) == len(streams) and None not in totals.values()
                progress(pages.fetched, sum(t or 0 for t in totals.values()) if whole else None)

    # Data Center's search cannot return issue properties: read them for issues new to the store, except where the
    # comments it returned show the bot never commented (a first run reads none).
    if jira.flavor != "cloud":
        pages.states.update(_read_states(jira, pages.state_unread))
    deleted = 0
    if due_full:
        gone = live_before - pages.seen  # what the store held live before this sync, not seen in it
        deleted = store.items.mark_deleted(gone, now) if gone else 0
    store.watermarks.advance(scope, pages.newest, now, full_sync=due_full)
    count = pages.fetched
    skipped = pages.skipped
    bot_only = pages.bot_only
    report = SyncReport(
        kind="full" if due_full else "incremental",
        jql=jql,
        fetched=count,
        inserted=pages.inserted,
        changed=pages.changed,
        unchanged=pages.unchanged,
        bot_only=bot_only,
        deleted=deleted,
        skipped=dict(skipped),
        states=pages.states,
        fetched_keys=frozenset(pages.seen),
        new_keys=frozenset(pages.new_keys),
        seconds=time.monotonic() - started,
    )
    log.info(
        "sync_finished",
        kind=report.kind,
        fetched=count,
        changed=report.changed,
        inserted=report.inserted,
        bot_only=bot_only,
        deleted=deleted,
        skipped=sum(skipped.values()),
    )
    return report
