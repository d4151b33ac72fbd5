"""Items: the latest normalized snapshot of every issue the bot has seen."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Any

from sqlmodel import col, func, select, update

from pmo_bot.domain import Item
from pmo_bot.store.codec import content_hash, item_from_json, item_to_json
from pmo_bot.store.db import Database, chunked, upsert
from pmo_bot.store.models import FindingRow, ItemRow, table
from pmo_bot.store.records import FindingStatus, ItemsUpserted


class Items:
    def __init__(self, db: Database) -> None:
        self._db = db

    def upsert(self, items: Iterable[Item], run_id: int | None) -> ItemsUpserted:
        """Store the latest snapshots (a deleted item that reappears is undeleted) and say which changed."""
        rows: list[dict[str, Any]] = []
        for item in items:
            snapshot = item_to_json(item)
            rows.append(
                {
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
                    "content_hash": content_hash(snapshot),
                    "last_seen_run": run_id,
                    "deleted": False,
                }
            )
        if len({r["key"] for r in rows}) != len(rows):
            raise ValueError("the same issue key appears twice in one upsert")
        inserted, changed, unchanged = [], [], []
        with self._db.session() as session:
            before: dict[str, tuple[str, bool]] = {}
            for chunk in chunked([r["key"] for r in rows]):
                query = select(ItemRow.key, ItemRow.content_hash, ItemRow.deleted).where(col(ItemRow.key).in_(chunk))
                before.update({key: (digest, deleted) for key, digest, deleted in session.exec(query)})
            for row in rows:
                old = before.get(row["key"])
                if old is None:
                    inserted.append(row["key"])
                elif old[0] != row["content_hash"] or old[1]:
                    changed.append(row["key"])
                else:
                    unchanged.append(row["key"])
            upsert(session, table("items"), rows, ["key"])
        return ItemsUpserted(tuple(inserted), tuple(changed), tuple(unchanged))

    def get(self, key: str) -> Item | None:
        with self._db.session() as session:
            row = session.get(ItemRow, key)
            return item_from_json(row.snapshot) if row is not None and not row.deleted else None

    def get_many(self, keys: Collection[str]) -> list[Item]:
        """The stored (not deleted) snapshots of ``keys``; unknown keys are left out."""
        found: list[Item] = []
        with self._db.session() as session:
            for chunk in chunked(sorted(keys)):
                query = select(ItemRow.snapshot).where(col(ItemRow.key).in_(chunk), col(ItemRow.deleted).is_(False))
                found.extend(item_from_json(snapshot) for snapshot in session.exec(query))
        return found

    def all(self, projects: Collection[str] = (), *, include_deleted: bool = False) -> list[Item]:
        """Every stored item (of ``projects``, when given), ordered by key."""
        query = select(ItemRow.snapshot).order_by(col(ItemRow.key))
        if projects:
            query = query.where(col(ItemRow.project).in_(list(projects)))
        if not include_deleted:
            query = query.where(col(ItemRow.deleted).is_(False))
        with self._db.session() as session:
            return [item_from_json(snapshot) for snapshot in session.exec(query)]

    def count(self) -> int:
        with self._db.session() as session:
            return session.exec(select(func.count()).where(col(ItemRow.deleted).is_(False))).one()

    def unseen(self, run_id: int, projects: Collection[str] = ()) -> list[str]:
        """Keys (of ``projects``, when given) that a full sync in ``run_id`` did not return: deletion candidates."""
        query = select(ItemRow.key).where(col(ItemRow.deleted).is_(False))
        query = query.where((col(ItemRow.last_seen_run).is_(None)) | (col(ItemRow.last_seen_run) != run_id))
        if projects:
            query = query.where(col(ItemRow.project).in_(list(projects)))
        with self._db.session() as session:
            return sorted(session.exec(query))

    def mark_deleted(self, keys: Collection[str], now: datetime) -> int:
        """Flag items gone from Jira (deleted or moved out of scope) and resolve their findings."""
        done = 0
        with self._db.session() as session:
            for chunk in chunked(sorted(keys)):
                result = session.exec(update(ItemRow).where(col(ItemRow.key).in_(chunk)).values(deleted=True))
                done += result.rowcount
                session.exec(
                    update(FindingRow)
                    .where(col(FindingRow.item_key).in_(chunk))
                    .where(col(FindingRow.status) != FindingStatus.RESOLVED.value)
                    .values(status=FindingStatus.RESOLVED.value, resolved_at=now)
                )
        return done
