"""Jira state <-> plain JSON data, for ``--data`` persistence."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pmo_bot.sandbox.jira.records import Change, Comment, Issue, Project, User, Worklog
from pmo_bot.sandbox.jira.state import JiraState

_DATE_SLOTS = {"due_date"}
_TIME_SLOTS = {"created", "updated", "resolved", "started", "at"}
_NESTED = {"worklogs", "comments", "history"}


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$t": value.isoformat()}
    if isinstance(value, date):
        return {"$d": value.isoformat()}
    if isinstance(value, tuple):
        return {"$tuple": [_encode(v) for v in value]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "$t" in value and len(value) == 1:
            return datetime.fromisoformat(value["$t"])
        if "$d" in value and len(value) == 1:
            return date.fromisoformat(value["$d"])
        if "$tuple" in value and len(value) == 1:
            return tuple(_decode(v) for v in value["$tuple"])
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def _record(obj: Any) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for slot in type(obj).__slots__:
        value = getattr(obj, slot)
        if slot in _NESTED:
            data[slot] = [_record(child) for child in value]
        else:
            data[slot] = _encode(value)
    return data


def _build(cls: type[Any], data: dict[str, Any]) -> Any:
    obj = object.__new__(cls)
    for slot in cls.__slots__:
        value = data[slot]
        if slot == "worklogs":
            value = [_build(Worklog, v) for v in value]
        elif slot == "comments":
            value = [_build(Comment, v) for v in value]
        elif slot == "history":
            value = [_build(Change, v) for v in value]
        else:
            value = _decode(value)
        setattr(obj, slot, value)
    return obj


_COUNTERS = ("generation", "next_issue_id", "next_comment_id", "next_worklog_id", "next_change_id")


def snapshot(state: JiraState) -> dict[str, Any]:
    return {
        "users": [_record(u) for u in state.users.values()],
        "projects": [_record(p) for p in state.projects.values()],
        "issues": [_record(i) for i in state.issues],
        "options": {k: [list(o) for o in v] for k, v in state.options.items()},
        "counters": {name: getattr(state, name) for name in _COUNTERS},
    }


def restore(state: JiraState, data: dict[str, Any]) -> None:
    state.clear()
    state.users = {u["account_id"]: _build(User, u) for u in data["users"]}
    state.bot = state.users.get(state.bot.account_id) or state.bot
    state.users.setdefault(state.bot.account_id, state.bot)
    state.projects = {p["key"]: _build(Project, p) for p in data["projects"]}
    state.options = {k: [(o[0], o[1], o[2]) for o in v] for k, v in data["options"].items()}
    for raw in data["issues"]:
        issue: Issue = _build(Issue, raw)
        issue.history = [_fix_change(c) for c in issue.history]
        state._index(issue)
    state.index_comments()
    for name, value in data["counters"].items():
        setattr(state, name, value)


def _fix_change(change: Change) -> Change:
    change.items = [tuple(item) for item in change.items]  # type: ignore[misc]
    return change
