"""A comment create that timed out may still be stored by Jira later: the writer must not create a second one.

Jira keeps processing a request after the client gave up, so the comment of a timed-out create can appear a
moment *after* the writer looked for it. The fake below models exactly that: a create that times out is held
back and lands with the next request that reaches the server.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from pmo_bot.atlassian.ports import BotIdentity, FieldInfo, Flavor, RemoteComment, SearchResult
from pmo_bot.comments.content import MARKER, build_content
from pmo_bot.comments.plan import Action, PlannedComment
from pmo_bot.comments.writer import PENDING, CommentWriter
from pmo_bot.errors import RemoteError
from pmo_bot.store import Store, open_store
from tests.factories import make_finding

ME = BotIdentity(account_id="bot", name=None, key=None, display_name="PMO Bot")
NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)


class SlowJira:
    """Stores comments; ``timeouts`` creates time out on the client side but are applied late."""

    flavor: Flavor = "datacenter"

    def __init__(self, timeouts: int) -> None:
        self.timeouts = timeouts
        self.stored: dict[str, list[RemoteComment]] = {}
        self.in_flight: list[tuple[str, RemoteComment]] = []
        self.next_id = 100

    def settle(self) -> None:
        for key, comment in self.in_flight:
            self.stored.setdefault(key, []).append(comment)
        self.in_flight.clear()

    def add_comment(self, key: str, body: Any) -> str:
        self.settle()  # whatever was still being processed has landed by now
        comment = RemoteComment(str(self.next_id), {"accountId": "bot"}, f"{MARKER} {body}")
        self.next_id += 1
        if self.timeouts:
            self.timeouts -= 1
            self.in_flight.append((key, comment))
            raise RemoteError(f"Jira did not answer while adding a comment to {key}: ReadTimeout")
        self.stored.setdefault(key, []).append(comment)
        return comment.id

    def comments(self, key: str) -> list[RemoteComment]:
        return list(self.stored.get(key, []))

    def edit_comment(self, key: str, comment_id: str, body: Any) -> None:
        self.settle()

    def set_issue_property(self, key: str, name: str, value: Any) -> None:
        pass

    # Not used by the writer.
    def server_info(self) -> Mapping[str, Any]:
        raise NotImplementedError

    def myself(self) -> BotIdentity:
        return ME

    def fields(self) -> list[FieldInfo]:
        raise NotImplementedError

    def projects(self) -> list[str]:
        raise NotImplementedError

    def search(
        self, jql: str, fields: Sequence[str], *, expand: Sequence[str] = (), properties: Sequence[str] = ()
    ) -> Iterator[SearchResult]:
        raise NotImplementedError

    def delete_comment(self, key: str, comment_id: str) -> None:
        raise NotImplementedError

    def get_issue_property(self, key: str, name: str) -> Any | None:
        return None

    def worklogs(self, key: str) -> list[Mapping[str, Any]]:
        raise NotImplementedError


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(f"sqlite:///{tmp_path / 'writer.db'}") as opened:
        yield opened


def create_plan(key: str) -> list[PlannedComment]:
    content = build_content(key, [make_finding(item_key=key)], docs_url=None, waiver_procedure="Ask the PMO.")
    return [PlannedComment(key, Action.CREATE, content, None)]


def test_a_timed_out_create_that_lands_late_never_becomes_two_comments(store: Store) -> None:
    jira = SlowJira(timeouts=1)
    writer = CommentWriter(jira, store, ME, today=date(2026, 11, 28), clock=lambda: NOW)

    first = writer.apply(create_plan("PAY-1"))
    jira.settle()

    assert len(jira.stored["PAY-1"]) == 1
    assert set(first.failed) == {"PAY-1"}  # the outcome was unknown: counted, and verified on the next run
    pending = store.comments.get("PAY-1")  # remembered as in flight, so the next run looks for it
    assert pending is not None
    assert pending.comment_id == PENDING

    second = writer.apply(create_plan("PAY-1"))
    jira.settle()
    assert len(jira.stored["PAY-1"]) == 1
    assert second.adopted == 1
    assert store.comments.get("PAY-1") is not None


def test_a_create_that_keeps_timing_out_still_leaves_at_most_one_comment(store: Store) -> None:
    jira = SlowJira(timeouts=3)
    writer = CommentWriter(jira, store, ME, today=date(2026, 11, 28), clock=lambda: NOW)

    for _ in range(3):
        writer.apply(create_plan("PAY-2"))
        jira.settle()
        assert len(jira.stored["PAY-2"]) == 1
