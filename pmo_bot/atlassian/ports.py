"""The small interfaces the pipeline talks to, and the plain values that cross them.

Adapters (``jira.py``, ``confluence.py``) implement these over HTTP; tests use fakes or the sandbox.
Raw issue JSON crosses ``JiraPort.search`` and stops at the normaliser.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

Flavor = Literal["cloud", "datacenter"]
STATE_PROPERTY = "pmo-bot.state"  # issue property holding the bot's comment id and fingerprint


@dataclass(frozen=True, slots=True)
class BotIdentity:
    """Who the bot is on this site: Cloud identifies users by accountId, Data Center by name/key."""

    account_id: str | None
    name: str | None
    key: str | None
    display_name: str
    time_zone: str = "UTC"

    def is_author_of(self, author: Mapping[str, Any] | None) -> bool:
        if not author:
            return False
        if self.account_id and author.get("accountId") == self.account_id:
            return True
        return bool((self.name and author.get("name") == self.name) or (self.key and author.get("key") == self.key))


@dataclass(frozen=True, slots=True)
class FieldInfo:
    id: str
    name: str
    custom: bool
    custom_type: str | None = None
    clause_names: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RemoteComment:
    id: str
    author: Mapping[str, Any]
    text: str  # the body flattened to plain text (ADF or wiki markup)
    properties: Mapping[str, Any] = field(default_factory=dict)
    created: str | None = None  # Jira's timestamps, as sent
    updated: str | None = None


@dataclass(frozen=True, slots=True)
class SearchResult:
    """One page of raw issues; ``total`` only where the server reports it (Data Center)."""

    issues: Sequence[Mapping[str, Any]]
    total: int | None = None


class JiraPort(Protocol):
    flavor: Flavor

    def server_info(self) -> Mapping[str, Any]: ...
    def myself(self) -> BotIdentity: ...
    def fields(self) -> list[FieldInfo]: ...
    def projects(self) -> list[str]: ...
    def search(
        self, jql: str, fields: Sequence[str], *, expand: Sequence[str] = (), properties: Sequence[str] = ()
    ) -> Iterator[SearchResult]: ...
    def my_permissions(self, project: str, keys: Sequence[str]) -> dict[str, bool]: ...
    def search_keys(self, jql: str) -> list[str]: ...
    def changelogs(
        self, issues: Sequence[tuple[str, str]], field_ids: Sequence[str]
    ) -> dict[str, list[Mapping[str, Any]]]: ...
    def issue_changelog(self, key: str) -> list[Mapping[str, Any]]: ...
    def comments(self, key: str) -> list[RemoteComment]: ...
    def add_comment(self, key: str, body: Any) -> str: ...
    def edit_comment(self, key: str, comment_id: str, body: Any) -> None: ...
    def delete_comment(self, key: str, comment_id: str) -> None: ...
    def get_issue_property(self, key: str, name: str) -> Any | None: ...
    def set_issue_property(self, key: str, name: str, value: Any) -> None: ...
