"""Items: the latest normalized snapshot of every issue the bot has seen.

Only rows whose snapshot changed are written, in bulk (one INSERT ... ON CONFLICT per batch on SQLite and
PostgreSQL alike). A written or deleted row is flagged ``pending`` until an evaluation has seen it: that flag is
how an incremental check knows what to re-evaluate, also after a run that stopped between sync and evaluation.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Text, bindparam, cast, true
from sqlalchemy import select as sa_select
from sqlmodel import col, func, select, update

from pmo_bot.domain import Item
from pmo_bot.store.codec import encode, item_from_text
from pmo_bot.store.db import Database, EncodedJSON, among, key_groups, upsert
from pmo_bot.store.models import FindingRow, ItemRow, table
from pmo_bot.store.records import FindingStatus, ItemsUpserted, StoredState


def item_row(item: Item, snapshot: EncodedJSON, digest: str, raw_hash: str | None) -> dict[str, Any]:
    """The ``items`` row of a normalised item (``snapshot, digest = encode(item)``)."""
    return {
        "key": item.key,
        "id": item.id,
        "project": item.project,
        "issue_type": item.issue_type,
        "hierarchy_level": item.hierarchy_level,
        "summary": item.summary,
        "status": item.status,
        "status_category": item.status_category.value,
        "updated": item.updated,
        "parent_key": item.parent_key,
        "snapshot": snapshot,
        "content_hash": digest,
        "raw_hash": raw_hash,
        "deleted": False,
        "pending": True,
    }


def _states_where(session: Any, condition: Any) -> dict[str, StoredState]:
    items = table("items").c
    columns = (items.raw_hash, items.content_hash, items.updated, items.parent_key, items.deleted)
    rows = session.connection().execute(sa_select(items.key, *columns).where(condition)).all()
    return {key: StoredState(*state) for key, *state in rows}


# The snapshot as stored text, decoded by pydantic in one pass (not by the driver into dicts first).
_SNAPSHOT_TEXT = cast(col(ItemRow.snapshot), Text)


class Items:
    def __init__(self, db: Database) -> None:
        self._db = db

    def upsert(self, items: Iterable[Item], run_id: int | None = None) -> ItemsUpserted:
        """Store the latest snapshots (a deleted item that reappears is undeleted) and say which changed.
        Rows whose snapshot is the same as the stored one are not written."""
        rows: list[dict[str, Any]] = []
        for item in items:
            rows.append(item_row(item, *encode(item), None))
        if len({r["key"] for r in rows}) != len(rows):
            raise ValueError("the same issue key appears twice in one upsert")
        before = self.states([r["key"] for r in rows])
        inserted, changed, unchanged, writes, left = [], [], [], [], set()
        for row in rows:
            old = before.get(row["key"])
            if old is None:
                inserted.append(row["key"])
            elif old.content_hash != row["content_hash"] or old.deleted:
                changed.append(row["key"])
                if old.parent_key is not None and old.parent_key != row["parent_key"]:
                    left.add(old.parent_key)  # its children changed
            else:
                unchanged.append(row["key"])
                if old.updated == row["updated"]:
                    continue
            writes.append(row)
        self.write(writes, pending=left, run_id=run_id)
        return ItemsUpserted(tuple(inserted), tuple(changed), tuple(unchanged))

    def states(self, keys: Collection[str]) -> dict[str, StoredState]:
        """The stored state of ``keys`` (deleted ones too); unknown keys are left out."""
        found: dict[str, StoredState] = {}
        if not keys:
            return found
        with self._db.session() as session:
            for group in key_groups(session, keys):
                found.update(_states_where(session, among(session, table("items").c.key, group)))
        return found

    def states_in(self, projects: Collection[str] | None = None) -> dict[str, StoredState]:
        """The stored state of every item (of ``projects``, when given; deleted ones too), in one query."""
        items = table("items").c
        with self._db.session() as session:
            return _states_where(session, items.project.in_(list(projects)) if projects is not None else true())

    def write(
        self,
        rows: Sequence[Mapping[str, Any]],
        *,
        raw_hashes: Mapping[str, str] | None = None,
        pending: Collection[str] = (),
        run_id: int | None = None,
    ) -> None:
        """One transaction: upsert whole rows (``item_row``), record new raw hashes of unchanged rows, and flag
        ``pending`` further keys (e.g. the parent an item moved away from)."""
        if not rows and not raw_hashes and not pending:
            return
        with self._db.session() as session:
            upsert(session, table("items"), [{**r, "last_seen_run": run_id} for r in rows], ["key"])
            if raw_hashes:
                statement = (
                    update(table("items")).where(table("items").c.key == bindparam("k")).values(raw_hash=bindparam("h"))
                )
                session.connection().execute(statement, [{"k": k, "h": h} for k, h in raw_hashes.items()])
            for group in key_groups(session, pending):
                session.exec(update(ItemRow).where(among(session, col(ItemRow.key), group)).values(pending=True))

    def get(self, key: str) -> Item | None:
        found = self.get_many([key])
        return found[0] if found else None

    def get_many(self, keys: Collection[str]) -> list[Item]:
        """The stored (not deleted) snapshots of ``keys``, ordered by key; unknown keys are left out."""
        found: list[Item] = []
        if not keys:
            return found
        with self._db.session() as session:
            for group in key_groups(session, keys):
                query = select(_SNAPSHOT_TEXT).where(
                    among(session, col(ItemRow.key), group), col(ItemRow.deleted).is_(False)
                )
                found.extend(map(item_from_text, session.exec(query.order_by(col(ItemRow.key)))))
        return found

    def all(self, projects: Collection[str] = (), *, include_deleted: bool = False) -> list[Item]:
        """Every stored item (of ``projects``, when given), ordered by key."""
        query = select(_SNAPSHOT_TEXT).order_by(col(ItemRow.key))
        if projects:
            query = query.where(col(ItemRow.project).in_(list(projects)))
        if not include_deleted:
            query = query.where(col(ItemRow.deleted).is_(False))
        with self._db.session() as session:
            return list(map(item_from_text, session.exec(query)))

    def at_levels(self, min_level: int, projects: Collection[str] = ()) -> list[Item]:
        """The items (not deleted) at ``hierarchy_level >= min_level``: epics and above, for goal commitments."""
        query = select(_SNAPSHOT_TEXT).where(col(ItemRow.hierarchy_level) >= min_level)
        query = query.where(col(ItemRow.deleted).is_(False)).order_by(col(ItemRow.key))
        if projects:
            query = query.where(col(ItemRow.project).in_(list(projects)))
        with self._db.session() as session:
            return list(map(item_from_text, session.exec(query)))

    def count(self) -> int:
        with self._db.session() as session:
            return session.exec(select(func.count()).where(col(ItemRow.deleted).is_(False))).one()

    def links(self, projects: Collection[str] = ()) -> dict[str, str | None]:
        """Key -> parent key of the items not deleted: the hierarchy, without the snapshots."""
        items = table("items").c
        query = sa_select(items.key, items.parent_key).where(items.deleted.is_(False))
        if projects:
            query = query.where(items.project.in_(list(projects)))
        with self._db.session() as session:  # without the ORM: every item's row, on every run
            return dict(session.connection().execute(query).all())

    def projects_of(self, keys: Collection[str]) -> dict[str, str]:
        """Key -> project of these items (deleted ones too)."""
        found: dict[str, str] = {}
        with self._db.session() as session:
            for group in key_groups(session, keys):
                query = select(ItemRow.key, ItemRow.project).where(among(session, col(ItemRow.key), group))
                found.update(session.exec(query).all())
        return found

    def pending(self, projects: Collection[str] = ()) -> dict[str, str | None]:
        """Items (deleted ones too) whose last change no evaluation has seen: key -> their parent key."""
        query = select(ItemRow.key, ItemRow.parent_key).where(col(ItemRow.pending).is_(True))
        if projects:
            query = query.where(col(ItemRow.project).in_(list(projects)))
        with self._db.session() as session:
            return dict(session.exec(query).all())

    def evaluated(self, keys: Collection[str] | None, projects: Collection[str] = ()) -> None:
        """Clear ``pending`` of ``keys`` (of every item of ``projects`` when ``keys`` is None)."""
        with self._db.session() as session:
            if keys is None:
                query = update(ItemRow).where(col(ItemRow.pending).is_(True))
                if projects:
                    query = query.where(col(ItemRow.project).in_(list(projects)))
                session.exec(query.values(pending=False))
                return
            for group in key_groups(session, keys):
                session.exec(update(ItemRow).where(among(session, col(ItemRow.key), group)).values(pending=False))

    def mark_deleted(self, keys: Collection[str], now: datetime) -> int:
        """Flag items gone from Jira (deleted or moved out of scope) and resolve their findings."""
        done = 0
        with self._db.session() as session:
            for group in key_groups(session, keys):
                query = update(ItemRow).where(among(session, col(ItemRow.key), group))
                result = session.exec(query.values(deleted=True, pending=True))
                done += result.rowcount
                session.exec(
                    update(FindingRow)
                    .where(among(session, col(FindingRow.item_key), group))
                    .where(col(FindingRow.status) != FindingStatus.RESOLVED.value)
                    .values(status=FindingStatus.RESOLVED.value, resolved_at=now)
                )
        return done
