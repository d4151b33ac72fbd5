"""One search page at a time into the store: compare, normalise only what changed, write only what changed.

Each fetched issue gets a fingerprint: Jira's ``updated`` (which every edit of the issue moves: fields, comments,
worklogs, links, properties) plus the values that site-wide changes can alter without moving it (names and
categories of status, type, priority, resolution and project, people's display names, the parent link, the mapped
custom fields), together with what shapes the normalised form (the normaliser's version, the field mapping, the
flavour). Building it reads a few dictionary entries, not the issue's whole JSON. The same fingerprint as stored
means the same snapshot: the issue is not normalised and nothing is written. Otherwise it is normalised and
compared by content hash; the bot's own writes (its comment or property moved ``updated``) keep the stored
``updated``, so they never look like activity, and only the new fingerprint is recorded.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pmo_bot.atlassian.ports import STATE_PROPERTY, BotIdentity, Flavor, JiraPort, SearchResult
from pmo_bot.store import Store
from pmo_bot.store.codec import encode
from pmo_bot.store.items import item_row
from pmo_bot.store.records import StoredState
from pmo_bot.sync.fields import FieldMap
from pmo_bot.sync.history import (
    carry_history,
    complete_histories,
    embedded_comments,
    moved_since,
    needs_history,
    same_but_updated,
    settle_activity,
)
from pmo_bot.sync.normalize import NORMALIZER_VERSION, normalize, parse_instant

# What names an object field's value, as the normaliser reads it (and statusCategory for the status).
_NAMING = ("key", "name", "value", "displayName", "accountId", "hierarchyLevel", "subtask", "statusCategory")
_OBJECT_FIELDS = ("status", "issuetype", "priority", "resolution", "project", "assignee", "reporter", "parent")
_ENCODE = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, default=str).encode


def shape_of(fmap: FieldMap, flavor: Flavor) -> bytes:
    """What, besides the issue, decides the normalised form: a change re-normalises every issue once."""
    parts = [NORMALIZER_VERSION, flavor, sorted(fmap.ids.items()), sorted(fmap.extra.items())]
    return json.dumps(parts).encode()


def raw_hash(raw: Mapping[str, Any], shape: bytes, custom: Sequence[str]) -> str:
    """The issue's fingerprint (see the module's doc): equal fingerprints, equal normalised snapshots. It runs
    for every fetched issue, so it reads plain dictionaries directly (decoded JSON is nothing else)."""
    fields = raw.get("fields")
    fields = fields if isinstance(fields, dict) else {}
    parts = [raw.get("key"), raw.get("id"), fields.get("updated"), fields.get("created")]
    for name in _OBJECT_FIELDS:
        value = fields.get(name)
        parts.append([value.get(k) for k in _NAMING] if isinstance(value, dict) else value)
    parts += [fields.get(field_id) for field_id in custom]
    return hashlib.blake2b(shape + _ENCODE(parts).encode(), digest_size=16).hexdigest()


def _state(raw: Mapping[str, Any]) -> Mapping[str, Any] | None:
    properties = raw.get("properties")
    state = properties.get(STATE_PROPERTY) if isinstance(properties, Mapping) else None
    return state if isinstance(state, Mapping) else None


@dataclass(frozen=True, slots=True)
class Fetched:
    """A search page as its search thread hands it over (``PageWriter.prepare``)."""

    page: SearchResult
    digests: Mapping[str, str]  # key -> fingerprint
    stored: Mapping[str, StoredState]  # key -> its state in the store when the page arrived
    histories: Mapping[str, Mapping[str, Any]]  # key -> the raw issue with its history complete (changed ones)


class PageWriter:
    """Takes the pages of one sync in order; keeps counts, the keys seen and the bot's issue properties."""

    def __init__(
        self,
        store: Store,
        fmap: FieldMap,
        jira: JiraPort,
        run_id: int,
        bot_wrote_at: Callable[[str], datetime | None],
        bot: BotIdentity | None = None,
        preload: bool = False,
    ) -> None:
        """``preload``: read every stored state in one query, when the first page needs it, instead of each
        page's (a full sync brings most of them); an issue not among them is not in the store."""
        self.store, self.fmap, self.jira, self.run_id = store, fmap, jira, run_id
        self.preload = preload
        self._known: Mapping[str, StoredState] | None = None
        self._loading = threading.Lock()
        self.flavor: Flavor = jira.flavor
        self.bot_wrote_at, self.bot = bot_wrote_at, bot
        flavor = self.flavor
        self.shape = shape_of(fmap, flavor)
        self.custom = sorted(set(fmap.ids.values()) | set(fmap.extra.values()))
        self.fetched = self.inserted = self.changed = self.unchanged = self.bot_only = 0
        self.skipped: Counter[str] = Counter()
        self.seen: set[str] = set()
        self.new_keys: list[str] = []  # not in the store before this sync
        self.state_unread: list[str] = []  # new issues whose pmo-bot.state the search did not bring (see runner)
        self.states: dict[str, Mapping[str, Any]] = {}
        self.newest: datetime | None = None

    def _may_carry_bot_comment(self, raw: Mapping[str, Any]) -> bool:
        """Whether the bot may have commented on this issue: unknown unless the search brought all its comments
        (Data Center) and none is the bot's. Only then is its state property worth a request."""
        comments = embedded_comments(raw)
        if comments is None or self.bot is None:
            return True
        return any(self.bot.is_author_of(comment.author) for comment in comments)

    def prepare(self, page: SearchResult) -> Fetched:
        """What can be learnt of a page before it is stored, in the search thread that fetched it (so the
        history requests overlap the storing of earlier pages): each issue's fingerprint, its stored state, and
        the history of each issue that changed by that state. Thread-safe: it reads the store and Jira only."""
        keys = [key for raw in page.issues if isinstance(raw, Mapping) and isinstance(key := raw.get("key"), str)]
        if self.preload:
            with self._loading:  # the first page's thread reads them; the others wait for it
                known = self._known = self._known if self._known is not None else self.store.items.states_in()
            stored = {key: known[key] for key in keys if key in known}
        else:
            stored = self.store.items.states(keys)
        digests: dict[str, str] = {}
        changed: dict[str, Mapping[str, Any]] = {}
        for raw in page.issues:
            key = raw.get("key") if isinstance(raw, Mapping) else None
            if not isinstance(key, str):
                continue
            digest = digests[key] = raw_hash(raw, self.shape, self.custom)
            old = stored.get(key)
            if (
                old is None
                or old.deleted
                or (old.raw_hash != digest and moved_since(raw, old.updated, self.bot_wrote_at(key)))
            ):
                changed[key] = raw
        completed = complete_histories(self.jira, list(changed.values()), set(changed), self.fmap)
        return Fetched(page, digests, stored, {str(raw["key"]): raw for raw in completed})

    def take(self, fetched: Fetched) -> None:
        """Store a prepared page (``prepare``); pages are taken one at a time, in arrival order."""
        issues = fetched.page.issues
        stored = dict(fetched.stored)
        if again := [key for key in fetched.digests if key in self.seen]:
            stored.update(self.store.items.states(again))  # an earlier page of this sync stored them
        rows: dict[str, dict[str, Any]] = {}
        raw_hashes: dict[str, str] = {}
        moved_from: set[str] = set()
        candidates: dict[str, tuple[Mapping[str, Any], str, datetime | None]] = {}  # fingerprint differs
        for raw in issues:
            self.fetched += 1
            key = raw.get("key") if isinstance(raw, Mapping) else None
            if not isinstance(key, str) or not isinstance(raw, Mapping):
                self.skipped["issue without a usable key"] += 1
                continue
            fields = raw.get("fields")
            updated = parse_instant(fields.get("updated")) if isinstance(fields, Mapping) else None
            if updated is not None and (self.newest is None or updated > self.newest):
                self.newest = updated
            old = stored.get(key)
            if key in self.seen and old is not None and updated is not None and updated < old.updated:
                continue  # an older copy of an issue a previous page already brought (offset paging)
            state = _state(raw)
            if state is not None:
                self.states[key] = state
            digest = fetched.digests[key]
            if old is not None and not old.deleted and old.raw_hash == digest:
                self.seen.add(key)
                self.unchanged += 1
                self.bot_only += updated is not None and updated != old.updated  # kept from before the bot's write
                continue
            candidates[key] = (raw, digest, updated)
        if not candidates:
            return
        # History is completed only for the issues that changed (sync/history.py): mostly by ``prepare``, the
        # rest (an issue stored before activity was measured, or by an earlier page of this sync) here.
        live = [key for key in candidates if (before := stored.get(key)) is not None and not before.deleted]
        known = {item.key: item for item in self.store.items.get_many(live)}
        changed = {
            key for key, (raw, _, _) in candidates.items() if needs_history(raw, known.get(key), self.bot_wrote_at(key))
        }
        late = [raw for key, (raw, _, _) in candidates.items() if key in changed and key not in fetched.histories]
        completed = {str(raw["key"]): raw for raw in complete_histories(self.jira, late, changed, self.fmap)}
        for key, (found, digest, updated) in candidates.items():
            raw = (completed.get(key) or fetched.histories[key]) if key in changed else found
            old = stored.get(key)
            result = normalize(raw, self.fmap, self.flavor, self.bot)
            item = result.item
            if item is None:
                self.skipped[result.skipped_reason or "unusable issue"] += 1
                continue
            if key in known and key not in changed:
                item = carry_history(item, known[key])
                if not same_but_updated(known[key], item):  # a person's edit right after the bot's write
                    (whole,) = complete_histories(self.jira, [raw], {key}, self.fmap)
                    item = normalize(whole, self.fmap, self.flavor, self.bot).item or item
                    changed.add(key)
            if key in changed:
                bot_touched = _state(raw) is not None or self.bot_wrote_at(key) is not None
                item = settle_activity(
                    self.jira, item, self.bot, bot_touched=bot_touched, comments=embedded_comments(raw)
                )
            self.seen.add(key)
            snapshot, content = encode(item)
            if old is None:
                self.inserted += 1
                self.new_keys.append(key)
                if key not in self.states and self._may_carry_bot_comment(raw):
                    self.state_unread.append(key)
            elif old.deleted or old.content_hash != content:
                self.changed += 1
                if old.parent_key is not None and old.parent_key != item.parent_key:
                    moved_from.add(old.parent_key)  # its children changed
            else:
                self.unchanged += 1
                wrote = self.bot_wrote_at(key)
                if updated == old.updated or (wrote is not None and wrote >= old.updated):
                    self.bot_only += updated != old.updated
                    raw_hashes[key] = digest  # same snapshot (the bot's own write at most moved ``updated``)
                    continue
            rows[key] = item_row(item, snapshot, content, digest)
        for key in rows:
            raw_hashes.pop(key, None)
        self.store.items.write(list(rows.values()), raw_hashes=raw_hashes, pending=moved_from, run_id=self.run_id)
