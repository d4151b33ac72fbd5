"""Since when each (rule, item) pair has been failing: the clock of a rule's ``grace.held_for_days``.

The engine reports every failing pair, also those its grace period still hides; only evaluated items change
here, so an item an incremental run did not look at keeps its clock.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, tzinfo

from sqlmodel import col, delete, select

from pmo_bot.store.db import Database, among, key_groups
from pmo_bot.store.models import FailingSinceRow


class FailingSince:
    def __init__(self, db: Database) -> None:
        self._db = db

    def record(self, failing: Collection[tuple[str, str]], evaluated: Collection[str], now: datetime) -> None:
        """Start the clock of new failing pairs; stop it for evaluated items' pairs that pass again."""
        keys = sorted(set(evaluated) | {key for _, key in failing})
        with self._db.session() as session:
            known: set[tuple[str, str]] = set()
            for group in key_groups(session, keys):
                query = select(FailingSinceRow.rule_id, FailingSinceRow.item_key)
                known.update(session.exec(query.where(among(session, col(FailingSinceRow.item_key), group))))
            passing = known - set(failing)
            for rule_id, item_key in sorted(passing):
                session.exec(
                    delete(FailingSinceRow).where(
                        col(FailingSinceRow.rule_id) == rule_id, col(FailingSinceRow.item_key) == item_key
                    )
                )
            for rule_id, item_key in sorted(set(failing) - known):
                session.add(FailingSinceRow(rule_id=rule_id, item_key=item_key, since=now))

    def dates(self, tz: tzinfo) -> dict[tuple[str, str], date]:
        with self._db.session() as session:
            rows = session.exec(select(FailingSinceRow.rule_id, FailingSinceRow.item_key, FailingSinceRow.since))
            return {(rule_id, key): since.astimezone(tz).date() for rule_id, key, since in rows}
