"""The bot's own comments: which comment on which issue, and the fingerprint of what it last wrote.

Jira holds the same facts in an issue property, so a lost database can be rebuilt; this table saves a request
per issue on every run. A dry run never writes here.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import select

from pmo_bot.store.db import Database
from pmo_bot.store.models import BotCommentRow, CommentIntentRow
from pmo_bot.store.records import BotComment, CommentState


def _record(row: BotCommentRow) -> BotComment:
    return BotComment(
        issue_key=row.issue_key,
        comment_id=row.comment_id,
        fingerprint=row.fingerprint,
        body_hash=row.body_hash,
        state=CommentState(row.state),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


class BotComments:
    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self, issue_key: str) -> BotComment | None:
        with self._db.session() as session:
            row = session.get(BotCommentRow, issue_key)
            return _record(row) if row else None

    def all(self) -> dict[str, BotComment]:
        with self._db.session() as session:
            return {row.issue_key: _record(row) for row in session.exec(select(BotCommentRow))}

    def record(
        self,
        issue_key: str,
        comment_id: str,
        *,
        fingerprint: str,
        body_hash: str,
        state: CommentState,
        now: datetime,
    ) -> BotComment:
        """Remember a write that Jira confirmed. ``created_at`` stays while the comment id stays the same."""
        with self._db.session() as session:
            row = session.get(BotCommentRow, issue_key)
            created = row.created_at if row is not None and row.comment_id == comment_id else now
            row = row or BotCommentRow(
                issue_key=issue_key,
                comment_id=comment_id,
                fingerprint=fingerprint,
                body_hash=body_hash,
                state=state.value,
                created_at=now,
                updated_at=now,
            )
            row.comment_id = comment_id
            row.fingerprint = fingerprint
            row.body_hash = body_hash
            row.state = state.value
            row.created_at = created
            row.updated_at = now
            session.add(row)
            intent = session.get(CommentIntentRow, issue_key)
            if intent is not None:
                session.delete(intent)
            session.flush()
            return _record(row)

    def intend(self, issue_key: str, now: datetime) -> None:
        """Note a create about to be sent (``record`` clears it): a run that dies before recording the new comment
        leaves this, and the next run then looks for the comment before creating one."""
        with self._db.session() as session:
            session.merge(CommentIntentRow(issue_key=issue_key, started_at=now))

    def intended(self) -> set[str]:
        """Issues with a create that was sent, or about to be, and never recorded."""
        with self._db.session() as session:
            return set(session.exec(select(CommentIntentRow.issue_key)))

    def forget(self, issue_key: str) -> bool:
        """Drop the record (its comment is gone from Jira and not ours to recreate). True if there was one."""
        with self._db.session() as session:
            row = session.get(BotCommentRow, issue_key)
            if row is not None:
                session.delete(row)
            return row is not None
