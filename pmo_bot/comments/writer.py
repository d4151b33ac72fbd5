"""Carry out a comment plan against Jira, never leaving a second bot comment on an issue.

Before creating, the writer looks for a comment of its own on the issue (by author, then by the visible
marker), so a lost database, a lost issue property or a create that timed out after Jira stored it cannot
lead to a duplicate: the existing comment is adopted and edited instead. Every confirmed write is recorded
in the store and in the issue property ``pmo-bot.state``. A write about to be sent is marked in the store first
(a create as ``pending``, an edit with an unknown fingerprint), so a process killed between Jira applying it
and the store recording it leaves a trace the next run acts on (tests/hardening/test_crash.py).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from pmo_bot import logs
from pmo_bot.atlassian.ports import STATE_PROPERTY, BotIdentity, JiraPort
from pmo_bot.comments.content import MARKER
from pmo_bot.comments.fit import render
from pmo_bot.comments.plan import Action, PlannedComment
from pmo_bot.errors import AuthError, RemoteError
from pmo_bot.store import Store
from pmo_bot.store.records import CommentState

log = logs.get_logger(__name__)

PENDING = "pending"  # the store's comment id while a create is in flight


def body_hash(body: Any) -> str:
    text = body if isinstance(body, str) else json.dumps(body, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@dataclass
class WriteResult:
    done: dict[str, int] = field(default_factory=dict)  # action -> count
    failed: dict[str, str] = field(default_factory=dict)  # issue key -> reason
    adopted: int = 0  # existing bot comments found on Jira and reused instead of creating a second one
    ignored: int = 0  # issue properties naming a comment that is not the bot's (forged or stale): not touched

    def count(self, action: Action) -> None:
        self.done[action.value] = self.done.get(action.value, 0) + 1

    @property
    def writes(self) -> int:
        return sum(self.done.values())


def find_own_comment(jira: JiraPort, key: str, me: BotIdentity) -> str | None:
    """The id of the bot's comment on ``key``: authored by the bot and carrying the marker (oldest first)."""
    for comment in jira.comments(key):
        if me.is_author_of(comment.author) and (MARKER in comment.text or STATE_PROPERTY in comment.properties):
            return comment.id
    return None


class CommentWriter:
    def __init__(
        self,
        jira: JiraPort,
        store: Store,
        me: BotIdentity,
        *,
        today: date,
        clock: Callable[[], datetime],
        known_absent: Collection[str] = frozenset(),
    ):
        """``known_absent``: issues on which the bot has certainly no comment (``check.no_comment_yet``): a
        create there skips the look-up for one of its own."""
        self.known_absent = known_absent
        self.jira = jira
        self.store = store
        self.me = me
        self.today = today
        self.clock = clock

    def apply(self, plan: list[PlannedComment]) -> WriteResult:
        result = WriteResult()
        for planned in plan:
            if not planned.action.writes:
                continue
            try:
                self._apply_one(planned, result)
            except AuthError:
                raise  # systemic: the whole run fails, clearly
            except RemoteError as error:
                result.failed[planned.issue_key] = str(error)
                log.warning(
                    "comment_write_failed", issue_key=planned.issue_key, action=planned.action.value, error=str(error)
                )
        return result

    def _apply_one(self, planned: PlannedComment, result: WriteResult) -> None:
        key, content = planned.issue_key, planned.content
        body = render(content, self.jira.flavor, self.today)
        fingerprint = content.fingerprint()
        existing = planned.existing
        comment_id = existing.comment_id if existing else None
        if comment_id == PENDING:  # a create was interrupted (the process died): did it reach Jira?
            comment_id = find_own_comment(self.jira, key, self.me)
            if comment_id is None and (planned.action is Action.DELETE or content.resolved):
                self.store.comments.forget(key)  # it did not, and there is nothing to say now
                return
            if comment_id is not None:
                result.adopted += 1
        if existing is not None and not existing.trusted and not self._is_own(key, existing.comment_id):
            # The id came from the issue property, which anyone who may edit the issue can set: never edit or
            # delete a comment that is not ours. Without findings there is nothing to say either.
            log.warning("state_property_ignored", issue_key=key, comment_id=existing.comment_id)
            result.ignored += 1
            if planned.action in (Action.RESOLVE, Action.DELETE):
                self._disown(key)
                return
            comment_id = None
        if planned.action is Action.DELETE:
            assert comment_id is not None
            self._delete(key, comment_id)
            self._remember(key, comment_id, fingerprint, body, CommentState.DELETED)
            result.count(Action.DELETE)
            return
        if comment_id is not None:
            # Marked unconfirmed before the edit: if this process dies after Jira applied it but before the store
            # records it, the next run sees an unknown fingerprint and writes the comment again (an edit is
            # idempotent) instead of trusting the old record while Jira shows other text.
            in_flight = CommentState.RESOLVED if existing is not None and existing.resolved else CommentState.OPEN
            self.store.comments.record(key, comment_id, fingerprint="", body_hash="", state=in_flight, now=self.clock())
            try:
                self.jira.edit_comment(key, comment_id, body)
            except RemoteError as error:
                if error.status not in (400, 404):  # 404: someone deleted it; 400: not ours to edit
                    raise
                comment_id = None
        if comment_id is None and planned.action is Action.RESOLVE:
            # Our comment is gone: an all-clear nobody asked for would be noise. Forget it instead.
            log.info("comment_gone", issue_key=key)
            self._disown(key)
            return
        if comment_id is None:
            comment_id, adopted = self._create(key, body)
            result.adopted += adopted
        state = CommentState.RESOLVED if content.resolved else CommentState.OPEN
        self._remember(key, comment_id, fingerprint, body, state)
        result.count(planned.action)
        log.info("comment_written", issue_key=key, action=planned.action.value, comment_id=comment_id)

    def _disown(self, key: str) -> None:
        """Forget the comment of ``key`` in the store and in the issue property, so no later run acts on it."""
        self.store.comments.forget(key)
        self._save_state(key, {"commentId": None, "state": CommentState.DELETED.value})

    def _is_own(self, key: str, comment_id: str) -> bool:
        """The comment exists, the bot wrote it and it carries the bot's marker."""
        for comment in self.jira.comments(key):
            if comment.id == comment_id:
                return self.me.is_author_of(comment.author) and (
                    MARKER in comment.text or STATE_PROPERTY in comment.properties
                )
        return False

    def _create(self, key: str, body: Any) -> tuple[str, int]:
        """Create the comment unless one of ours is already there. Returns (comment id, 1 if adopted)."""
        own = None if key in self.known_absent else find_own_comment(self.jira, key, self.me)
        if own is not None:
            self.jira.edit_comment(key, own, body)
            return own, 1
        # Recorded before the POST: if this process dies before it learns the new comment's id, the next run
        # knows a create may have landed and looks for it, instead of leaving it stale on a compliant issue.
        self.store.comments.record(
            key, PENDING, fingerprint="", body_hash="", state=CommentState.OPEN, now=self.clock()
        )
        self.store.comments.intend(key, self.clock())  # until recorded, the next run looks before creating
        try:
            return self.jira.add_comment(key, body), 0
        except RemoteError as error:
            if error.status is not None and error.status < 500:
                raise  # Jira refused it; nothing was stored
            # Timed out, dropped or 5xx: Jira may have stored it, or may still be storing it. Adopt it if it is
            # there already; otherwise do not create again now (a create still in flight would make two): the
            # issue fails for this run, and the next run looks again before creating.
            own = find_own_comment(self.jira, key, self.me)
            if own is not None:
                log.info("comment_create_verified", issue_key=key, comment_id=own)
                self.jira.edit_comment(key, own, body)
                return own, 1
            raise

    def _delete(self, key: str, comment_id: str) -> None:
        try:
            self.jira.delete_comment(key, comment_id)
        except RemoteError as error:
            if error.status != 404:
                raise

    def _remember(self, key: str, comment_id: str, fingerprint: str, body: Any, state: CommentState) -> None:
        # The store first: it is what the next run plans from. The property is the fallback for a lost store.
        self.store.comments.record(
            key, comment_id, fingerprint=fingerprint, body_hash=body_hash(body), state=state, now=self.clock()
        )
        self._save_state(key, {"commentId": comment_id, "fingerprint": fingerprint, "state": state.value})

    def _save_state(self, key: str, value: dict[str, Any]) -> None:
        """The ``pmo-bot.state`` issue property; a failure to write it is logged, not fatal (the store has it)."""
        stamped = {**value, "written": self.today.isoformat(), "version": 1}
        try:
            self.jira.set_issue_property(key, STATE_PROPERTY, stamped)
        except AuthError:
            raise
        except RemoteError as error:
            log.warning("state_property_failed", issue_key=key, error=str(error))
