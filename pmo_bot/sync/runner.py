"""Fetch what changed into the store: a full sync, or an incremental one from a watermark.

Incremental: ``updated >= watermark - overlap`` (minute precision, the bot user's time zone, eventual
consistency), results de-duplicated by key. A periodic full sync catches deletions, moves and anything an
incremental search missed. An issue whose only change is its ``updated`` time after the bot wrote to it (its
comment, its property) keeps its stored ``updated``, so the bot's own writes never look like activity.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pmo_bot import logs
from pmo_bot.atlassian.ports import STATE_PROPERTY, BotIdentity, JiraPort
from pmo_bot.domain import Item
from pmo_bot.errors import AuthError, RemoteError
from pmo_bot.store import Store
from pmo_bot.sync.fields import FieldMap
from pmo_bot.sync.history import carry_history, complete_histories, needs_history, search_expand, settle_activity
from pmo_bot.sync.jqlbuild import fetch_jql, jql_datetime
from pmo_bot.sync.normalize import normalize

log = logs.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class SyncOptions:
    projects: Sequence[str]
    full: bool = False
    overlap_minutes: int = 5
    full_every_hours: float = 24.0
    narrow_jql: str | None = None


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


def _same_but_updated(old: Item, new: Item) -> bool:
    return dataclasses.replace(old, updated=new.updated) == new


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
    """``progress(fetched, total)`` is called after every page; ``total`` is known on Data Center only."""
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

    fetched: dict[str, Item] = {}
    states: dict[str, Mapping[str, Any]] = {}
    skipped: Counter[str] = Counter()
    newest: datetime | None = None
    count = 0
    pages = jira.search(jql, fmap.request_fields(), expand=search_expand(jira.flavor), properties=(STATE_PROPERTY,))
    for page in pages:
        # History is completed in the fetch, page by page, for the issues that changed (sync/history.py).
        keys = [raw["key"] for raw in page.issues if isinstance(raw, Mapping) and isinstance(raw.get("key"), str)]
        known = {item.key: item for item in store.items.get_many(keys)}
        changed = {
            raw["key"]
            for raw in page.issues
            if raw.get("key") in keys and needs_history(raw, known.get(raw["key"]), bot_wrote_at(raw["key"]))
        }
        for raw in complete_histories(jira, page.issues, changed, fmap):
            count += 1
            result = normalize(raw, fmap, jira.flavor, bot)
            if result.item is None:
                skipped[result.skipped_reason or "unusable issue"] += 1
                continue
            item = result.item
            if item.key in changed:
                item = settle_activity(jira, item, bot)
            elif item.key in known:
                item = carry_history(item, known[item.key])
            newest = item.updated if newest is None or item.updated > newest else newest
            previous = fetched.get(item.key)
            if previous is None or item.updated >= previous.updated:  # de-duplicate overlapping pages
                fetched[item.key] = item
            if result.state is not None:
                states[item.key] = result.state
        if progress is not None:
            progress(count, page.total)

    stored = {item.key: item for item in store.items.get_many(fetched)}
    bot_only = 0
    for key, item in list(fetched.items()):
        old = stored.get(key)
        wrote = bot_wrote_at(key)
        if old is not None and wrote is not None and wrote >= old.updated and _same_but_updated(old, item):
            fetched[key] = dataclasses.replace(item, updated=old.updated)
            bot_only += 1
    upserted = store.items.upsert(fetched.values(), run_id)
    if jira.flavor != "cloud":  # DC search cannot return issue properties: read them for issues new to the store
        states.update(_read_states(jira, upserted.inserted))
    deleted = 0
    if due_full:
        gone = store.items.unseen(run_id, options.projects)
        deleted = store.items.mark_deleted(gone, now) if gone else 0
    store.watermarks.advance(scope, newest, now, full_sync=due_full)
    report = SyncReport(
        kind="full" if due_full else "incremental",
        jql=jql,
        fetched=count,
        inserted=len(upserted.inserted),
        changed=len(upserted.changed),
        unchanged=len(upserted.unchanged),
        bot_only=bot_only,
        deleted=deleted,
        skipped=dict(skipped),
        states=states,
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
