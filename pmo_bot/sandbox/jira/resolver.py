"""The JQL engine's view of this site: clause names -> field ids, field kinds, and an issue's values.

Implements ``pmo_bot.sandbox.jql.FieldResolver`` and ``ValueDomain`` over ``JiraState``. Values are the raw
forms the engine compares (it lower-cases strings itself). Users are named per flavour as the real products
accept them: Cloud by accountId, display name or e-mail (never a username: Cloud has none since GDPR), Data
Center by username, user key, display name or e-mail (never an accountId). A user, issue key or value that
does not exist is a 400, as on a real site, not an empty result.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from typing import Any

from pmo_bot.sandbox import markup
from pmo_bot.sandbox.jira.catalogue import (
    CUSTOM_FIELD_IDS,
    ISSUE_TYPE_IDS,
    PRIORITIES,
    STATUS_CATEGORIES,
    STATUS_IDS,
    hierarchy_level,
    status_category,
)
from pmo_bot.sandbox.jira.records import Issue
from pmo_bot.sandbox.jira.state import JiraState

EPIC_LINK = CUSTOM_FIELD_IDS["Epic Link"]

# JQL clause name (lower case) -> field id, for system fields.
_SYSTEM_CLAUSES: dict[str, str] = {
    "key": "key", "issuekey": "key", "issue": "key", "id": "key",
    "project": "project", "issuetype": "issuetype", "type": "issuetype",
    "status": "status", "statuscategory": "statusCategory",
    "summary": "summary", "description": "description", "comment": "comment", "text": "text",
    "labels": "labels", "label": "labels", "parent": "parent",
    "assignee": "assignee", "reporter": "reporter", "creator": "creator",
    "created": "created", "createddate": "created", "updated": "updated", "updateddate": "updated",
    "duedate": "duedate", "due": "duedate", "resolution": "resolution",
    "resolutiondate": "resolutiondate", "resolved": "resolutiondate",
    "fixversion": "fixVersions", "component": "components", "priority": "priority",
    "timespent": "timespent", "originalestimate": "timeoriginalestimate",
    "remainingestimate": "timeestimate",
}  # fmt: skip

_SYSTEM_KINDS: dict[str, str] = {
    "key": "key", "project": "project", "issuetype": "issuetype", "status": "status",
    "statusCategory": "statuscategory", "summary": "text", "description": "text", "comment": "text",
    "text": "text", "labels": "labels", "parent": "issue", "assignee": "user", "reporter": "user",
    "creator": "user", "created": "datetime", "updated": "datetime", "duedate": "date",
    "resolution": "resolution", "resolutiondate": "datetime", "fixVersions": "version",
    "components": "version", "priority": "option", "timespent": "number",
    "timeoriginalestimate": "number", "timeestimate": "number",
}  # fmt: skip

_SHAPE_KINDS = {"number": "number", "select": "option", "date": "date", "string": "string",
                "epic-link": "issue", "epic-name": "string", "extra": "option"}  # fmt: skip


class JiraFieldResolver:
    def __init__(self, state: JiraState) -> None:
        self.state = state
        self._clauses = dict(_SYSTEM_CLAUSES)
        self._kinds = dict(_SYSTEM_KINDS)
        for field in state.fields:
            if not field.custom:
                continue
            self._kinds[field.id] = _SHAPE_KINDS.get(field.shape, "string")
            for clause in field.clause_names:
                self._clauses.setdefault(clause.lower(), field.id)  # the first field keeps a shared name
        self._getters: dict[str, Callable[[Issue], list[Any]]] = self._build_getters()

    # -- FieldResolver --------------------------------------------------------------------------------------
    def canonical(self, name: str) -> str | None:
        return self._clauses.get(" ".join(name.split()).lower())

    def kind(self, field_id: str) -> str:
        return self._kinds[field_id]

    def values(self, issue: Any, field_id: str) -> list[Any]:
        getter = self._getters.get(field_id)
        if getter is not None:
            return getter(issue)
        value = issue.custom.get(field_id)
        if value is None:
            return []
        if self._kinds.get(field_id) == "option":
            option = self.state.option_id(field_id, value)
            return [value, option] if option else [value]
        return [value]

    # -- ValueDomain ----------------------------------------------------------------------------------------
    def known_values(self, field_id: str) -> Collection[str] | None:
        state = self.state
        if self._kinds.get(field_id) in ("key", "issue"):
            return _IssueRefs(state)
        if self._kinds.get(field_id) == "user":
            return [v for user in state.users.values() for v in self._user_names(user.account_id)]
        if field_id == "project":  # a project the login may not browse does not exist for its JQL
            visible = [p for p in state.projects.values() if state.can(p.key, "BROWSE_PROJECTS")]
            return [v for p in visible for v in (p.key, p.name, str(p.id))]
        if field_id == "issuetype":
            return [*ISSUE_TYPE_IDS, *ISSUE_TYPE_IDS.values()]
        if field_id == "status":
            return [*STATUS_IDS, *STATUS_IDS.values()]
        if field_id == "statusCategory":
            return [v for key, (ident, name, _) in STATUS_CATEGORIES.items() for v in (key, name, str(ident))]
        if field_id == "priority":
            return [*PRIORITIES, *PRIORITIES.values()]
        if field_id in state.options:
            return [v for option_id, value, _ in state.options[field_id] for v in (option_id, value)]
        return None

    # -- values ---------------------------------------------------------------------------------------------
    def _user_names(self, account_id: str | None) -> list[Any]:
        user = self.state.user(account_id)
        if user is None:
            return []
        if self.state.flavor == "cloud":
            return [user.account_id, user.display_name, user.email]
        return [user.name, user.key, user.display_name, user.email]

    def _user(self, account_id: str | None) -> list[Any]:
        return self._user_names(account_id)

    def _build_getters(self) -> dict[str, Callable[[Issue], list[Any]]]:
        state = self.state
        cloud = state.flavor == "cloud"

        def optional(value: Any) -> list[Any]:
            return [] if value is None else [value]

        def parent(issue: Issue) -> list[Any]:
            if not issue.parent or (not cloud and hierarchy_level(issue.issue_type) != -1):
                return []
            return [issue.parent]

        def epic_link(issue: Issue) -> list[Any]:
            target = state.by_key.get(issue.parent) if issue.parent else None
            if target is None or target.issue_type != "Epic" or hierarchy_level(issue.issue_type) != 0:
                return []
            return [target.key]

        def spent(issue: Issue) -> list[Any]:
            return [sum(w.seconds for w in issue.worklogs)] if issue.worklogs else []

        def text(issue: Issue) -> list[Any]:
            return [
                issue.summary,
                markup.to_plain(issue.description),
                *(markup.to_plain(c.body) for c in issue.comments),
            ]

        project_names = {key: (p.name, str(p.id)) for key, p in state.projects.items()}
        getters: dict[str, Callable[[Issue], list[Any]]] = {
            "key": lambda i: [i.key, str(i.id)],
            "project": lambda i: [i.project, *project_names.get(i.project, ())],
            "issuetype": lambda i: [i.issue_type, ISSUE_TYPE_IDS.get(i.issue_type, "")],
            "status": lambda i: [i.status, STATUS_IDS.get(i.status, "")],
            "statusCategory": lambda i: [
                status_category(i.status),
                STATUS_CATEGORIES[status_category(i.status)][1],
                str(STATUS_CATEGORIES[status_category(i.status)][0]),
            ],
            "summary": lambda i: [i.summary],
            "description": lambda i: optional(markup.to_plain(i.description) or None),
            "comment": lambda i: [markup.to_plain(c.body) for c in i.comments],
            "text": text,
            "labels": lambda i: list(i.labels),
            "parent": parent,
            "assignee": lambda i: self._user(i.assignee),
            "reporter": lambda i: self._user(i.reporter),
            "creator": lambda i: self._user(i.reporter),
            "created": lambda i: [i.created],
            "updated": lambda i: [i.updated],
            "duedate": lambda i: optional(i.due_date),
            "resolution": lambda i: optional(i.resolution),
            "resolutiondate": lambda i: optional(i.resolved),
            "fixVersions": lambda i: list(i.fix_versions),
            "components": lambda i: list(i.components),
            "priority": lambda i: [i.priority, PRIORITIES.get(i.priority, "")],
            "timespent": spent,
            "timeoriginalestimate": lambda i: optional(i.original_estimate),
            "timeestimate": lambda i: optional(i.remaining_estimate),
        }
        if not cloud:
            getters[EPIC_LINK] = epic_link
            getters[CUSTOM_FIELD_IDS["Epic Name"]] = lambda i: optional(i.epic_name)
        return getters


class _IssueRefs(Collection[str]):
    """The site's issue keys and ids, probed with ``in`` (the JQL engine checks keys against it)."""

    def __init__(self, state: JiraState) -> None:
        self.state = state

    def __contains__(self, ref: object) -> bool:
        return isinstance(ref, str) and self.state.browsable(self.state.issue(ref)) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self.state.by_key)

    def __len__(self) -> int:
        return len(self.state.by_key)
