"""A Jira port that checks the run lease before every write: a run that lost its lease writes nothing more."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from pmo_bot.atlassian.ports import BotIdentity, FieldInfo, Flavor, JiraPort, RemoteComment, SearchResult


class FencedJira:
    """Reads pass through; ``add/edit/delete_comment`` and ``set_issue_property`` call ``ensure_held`` first."""

    def __init__(self, inner: JiraPort, ensure_held: Callable[[], None]) -> None:
        self._inner, self._ensure_held = inner, ensure_held
        self.flavor: Flavor = inner.flavor

    def server_info(self) -> Mapping[str, Any]:
        return self._inner.server_info()

    def myself(self) -> BotIdentity:
        return self._inner.myself()

    def fields(self) -> list[FieldInfo]:
        return self._inner.fields()

    def projects(self) -> list[str]:
        return self._inner.projects()

    def search(
        self, jql: str, fields: Sequence[str], *, expand: Sequence[str] = (), properties: Sequence[str] = ()
    ) -> Iterator[SearchResult]:
        return self._inner.search(jql, fields, expand=expand, properties=properties)

    def my_permissions(self, project: str, keys: Sequence[str]) -> dict[str, bool]:
        return self._inner.my_permissions(project, keys)

    def search_keys(self, jql: str) -> list[str]:
        return self._inner.search_keys(jql)

    def changelogs(
        self, issues: Sequence[tuple[str, str]], field_ids: Sequence[str]
    ) -> dict[str, list[Mapping[str, Any]]]:
        return self._inner.changelogs(issues, field_ids)

    def issue_changelog(self, key: str) -> list[Mapping[str, Any]]:
        return self._inner.issue_changelog(key)

    def comments(self, key: str) -> list[RemoteComment]:
        return self._inner.comments(key)

    def get_issue_property(self, key: str, name: str) -> Any | None:
        return self._inner.get_issue_property(key, name)

    def add_comment(self, key: str, body: Any) -> str:
        self._ensure_held()
        return self._inner.add_comment(key, body)

    def edit_comment(self, key: str, comment_id: str, body: Any) -> None:
        self._ensure_held()
        self._inner.edit_comment(key, comment_id, body)

    def delete_comment(self, key: str, comment_id: str) -> None:
        self._ensure_held()
        self._inner.delete_comment(key, comment_id)

    def set_issue_property(self, key: str, name: str, value: Any) -> None:
        self._ensure_held()
        self._inner.set_issue_property(key, name, value)
