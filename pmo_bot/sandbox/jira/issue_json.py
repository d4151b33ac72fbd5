"""Issues as Jira JSON, per flavour and REST version, for the fields a client asked for.

One ``IssueRenderer`` serves a whole request (a search page, a GET issue): it memoises the shared vocabulary
JSON (statuses, types, users), so a page of 100 issues with 15 fields costs little more than the fields.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from pmo_bot.sandbox import markup
from pmo_bot.sandbox.jira import vocab
from pmo_bot.sandbox.jira.catalogue import CUSTOM_FIELD_IDS, FieldDef, hierarchy_level
from pmo_bot.sandbox.jira.formats import duration_text, jira_date, jira_time
from pmo_bot.sandbox.jira.records import Change, ChangeItem, Comment, Issue, Worklog
from pmo_bot.sandbox.jira.state import JiraState

ISSUE_EXPAND = "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations"
EMBEDDED_CHANGELOG = 100  # Cloud's expand=changelog: the most recent histories only (JRACLOUD-67458)
EMBEDDED_WORKLOGS = 20  # the issue's ``worklog`` field is truncated like Jira's [UNCERTAIN exact cap]
_PSEUDO = frozenset({"id", "key", "self", "expand"})
EPIC_LINK = CUSTOM_FIELD_IDS["Epic Link"]
EPIC_NAME = CUSTOM_FIELD_IDS["Epic Name"]


def select_fields(state: JiraState, requested: Iterable[str], default: str) -> list[FieldDef]:
    """Resolve a ``fields`` list (``*all``, ``*navigable``, ids, names, ``-excluded``) to catalogue fields."""
    names = [t.strip() for t in requested if t.strip()] or [default]
    chosen: dict[str, FieldDef] = {}
    excluded: set[str] = set()
    by_name = {f.name.lower(): f for f in reversed(state.fields)}  # first definition wins on duplicate names
    for name in names:
        if name.startswith("-"):
            excluded.add(name[1:])
        elif name == "*all":
            chosen.update((f.id, f) for f in state.fields)
        elif name == "*navigable":
            chosen.update((f.id, f) for f in state.fields if f.navigable)
        elif name in _PSEUDO:
            continue
        elif name in state.fields_by_id:
            chosen[name] = state.fields_by_id[name]
        elif name.lower() in by_name:
            field = by_name[name.lower()]
            chosen[field.id] = field
    return [f for f in chosen.values() if f.id not in excluded]


def embedded_histories(issue: Issue, *, cloud: bool) -> tuple[list[Change], int]:
    """(histories, total) for ``expand=changelog``: Cloud sends the newest ``EMBEDDED_CHANGELOG``, newest first
    (J3: "recent updates ..., starting from the most recent"); Data Center the full history, oldest first."""
    if not cloud:
        return list(issue.history), len(issue.history)
    newest = sorted(issue.history, key=lambda c: (c.at, c.id), reverse=True)
    return newest[:EMBEDDED_CHANGELOG], len(issue.history)


class IssueRenderer:
    def __init__(self, state: JiraState, api: str, *, cloud: bool, version: str) -> None:
        self.state = state
        self.api = api
        self.cloud = cloud
        self.adf = version == "3"
        self._memo: dict[tuple[str, str], Any] = {}
        self._getters: dict[str, Callable[[Issue], Any]] = {
            "summary": lambda i: i.summary,
            "description": lambda i: self.body(i.description),
            "issuetype": lambda i: self._cached("type", i.issue_type, vocab.issue_type_json),
            "status": lambda i: self._cached("status", i.status, vocab.status_json),
            "statuscategorychangedate": lambda i: jira_time(i.updated),
            "priority": lambda i: self._cached("priority", i.priority, vocab.priority_json),
            "project": self._project,
            "assignee": lambda i: self.user(i.assignee),
            "reporter": lambda i: self.user(i.reporter),
            "creator": lambda i: self.user(i.reporter),
            "created": lambda i: jira_time(i.created),
            "updated": lambda i: jira_time(i.updated),
            "duedate": lambda i: jira_date(i.due_date),
            "resolution": self._resolution,
            "resolutiondate": lambda i: jira_time(i.resolved) if i.resolved else None,
            "labels": lambda i: list(i.labels),
            "components": lambda i: [self._named("component", n) for n in i.components],
            "fixVersions": lambda i: [
                dict(self._named("version", n), archived=False, released=False) for n in i.fix_versions
            ],
            "parent": self._parent,
            "subtasks": lambda i: [self.link(c) for c in state.subtasks(i)],
            "issuelinks": lambda i: [],
            "timetracking": self._timetracking,
            "timeoriginalestimate": lambda i: i.original_estimate,
            "timeestimate": lambda i: i.remaining_estimate,
            "timespent": self._spent,
            "aggregatetimeoriginalestimate": lambda i: self._aggregate(i, lambda x: x.original_estimate),
            "aggregatetimeestimate": lambda i: self._aggregate(i, lambda x: x.remaining_estimate),
            "aggregatetimespent": lambda i: self._aggregate(i, self._spent),
            "progress": lambda i: self._progress([i]),
            "aggregateprogress": lambda i: self._progress([i, *state.subtasks(i)]),
            "worklog": self._worklog_page,
            "comment": self._comment_page,
            "watches": lambda i: {"self": f"{api}/issue/{i.key}/watchers", "watchCount": 0, "isWatching": False},
        }

    # -- shared pieces ------------------------------------------------------------------------------------
    def _cached(self, kind: str, name: str, build: Callable[[str, str], dict[str, Any]]) -> dict[str, Any]:
        key = (kind, name)
        if key not in self._memo:
            self._memo[key] = build(self.api, name)
        value: dict[str, Any] = self._memo[key]
        return value

    def user(self, account_id: str | None) -> dict[str, Any] | None:
        user = self.state.user(account_id)
        if user is None:
            return None
        zone = self.state.time_zone if user is self.state.bot else vocab.TIME_ZONE
        return self._cached(
            "user", user.account_id, lambda api, _: vocab.user_json(api, user, cloud=self.cloud, time_zone=zone)
        )

    def body(self, body: markup.Body | None) -> Any:
        if body is None:
            return None
        return markup.to_adf(body) if self.adf else markup.to_wiki(body)

    def _named(self, kind: str, name: str) -> dict[str, Any]:
        ident = str(10000 + sum(map(ord, name)) % 9000)
        return {"self": f"{self.api}/{kind}/{ident}", "id": ident, "name": name}

    def _project(self, issue: Issue) -> dict[str, Any] | None:
        project = self.state.projects.get(issue.project)
        if project is None:
            return None
        return self._cached(
            "project", project.key, lambda api, _: vocab.project_json(api, project, None, cloud=self.cloud)
        )

    def _resolution(self, issue: Issue) -> dict[str, Any] | None:
        if issue.resolution is None:
            return None
        return dict(self._named("resolution", issue.resolution), description="")

    def link(self, issue: Issue) -> dict[str, Any]:
        """The short form used by ``parent`` and ``subtasks``."""
        return {
            "id": str(issue.id),
            "key": issue.key,
            "self": f"{self.api}/issue/{issue.id}",
            "fields": {
                "summary": issue.summary,
                "status": self._cached("status", issue.status, vocab.status_json),
                "priority": self._cached("priority", issue.priority, vocab.priority_json),
                "issuetype": self._cached("type", issue.issue_type, vocab.issue_type_json),
            },
        }

    def _parent(self, issue: Issue) -> dict[str, Any] | None:
        parent = self.state.by_key.get(issue.parent) if issue.parent else None
        if parent is None:
            return None
        # Data Center links epics through "Epic Link"; ``parent`` there is for sub-tasks only.
        if not self.cloud and hierarchy_level(issue.issue_type) != -1:
            return None
        return self._cached("link", parent.key, lambda _api, _key: self.link(parent))  # siblings share it

    # -- time tracking --------------------------------------------------------------------------------------
    @staticmethod
    def _spent(issue: Issue) -> int | None:
        return sum(w.seconds for w in issue.worklogs) if issue.worklogs else None

    def _aggregate(self, issue: Issue, value: Callable[[Issue], int | None]) -> int | None:
        values = [v for v in (value(x) for x in (issue, *self.state.subtasks(issue))) if v is not None]
        return sum(values) if values else None

    def _timetracking(self, issue: Issue) -> dict[str, Any]:
        data: dict[str, Any] = {}
        spent = self._spent(issue)
        for label, seconds in (
            ("originalEstimate", issue.original_estimate),
            ("remainingEstimate", issue.remaining_estimate),
            ("timeSpent", spent),
        ):
            if seconds is not None:
                data[label] = duration_text(seconds)
        for label, seconds in (
            ("originalEstimateSeconds", issue.original_estimate),
            ("remainingEstimateSeconds", issue.remaining_estimate),
            ("timeSpentSeconds", spent),
        ):
            if seconds is not None:
                data[label] = seconds
        return data

    def _progress(self, issues: list[Issue]) -> dict[str, Any]:
        spent = sum(self._spent(i) or 0 for i in issues)
        remaining = sum(i.remaining_estimate or 0 for i in issues)
        total = spent + remaining
        data: dict[str, Any] = {"progress": spent, "total": total}
        if total:
            data["percent"] = round(spent * 100 / total)
        return data

    # -- comments and worklogs ----------------------------------------------------------------------------
    def comment(self, issue: Issue, comment: Comment, *, properties: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "self": f"{self.api}/issue/{issue.id}/comment/{comment.id}",
            "id": str(comment.id),
            "author": self.user(comment.author),
            "body": self.body(comment.body),
            "updateAuthor": self.user(comment.update_author),
            "created": jira_time(comment.created),
            "updated": jira_time(comment.updated),
        }
        if self.cloud:
            data["jsdPublic"] = True
        if properties:
            data["properties"] = [{"key": k, "value": v} for k, v in comment.properties.items()]
        return data

    def _comment_page(self, issue: Issue) -> dict[str, Any]:
        comments = [self.comment(issue, c) for c in issue.comments]
        return {
            "comments": comments,
            "self": f"{self.api}/issue/{issue.id}/comment",
            "maxResults": len(comments),
            "total": len(comments),
            "startAt": 0,
        }

    def worklog(self, issue: Issue, worklog: Worklog) -> dict[str, Any]:
        data: dict[str, Any] = {
            "self": f"{self.api}/issue/{issue.id}/worklog/{worklog.id}",
            "author": self.user(worklog.author),
            "updateAuthor": self.user(worklog.author),
            "created": jira_time(worklog.created),
            "updated": jira_time(worklog.updated),
            "started": jira_time(worklog.started),
            "timeSpent": duration_text(worklog.seconds),
            "timeSpentSeconds": worklog.seconds,
            "id": str(worklog.id),
            "issueId": str(issue.id),
        }
        if worklog.comment:
            data["comment"] = self.body(worklog.comment)
        return data

    def _worklog_page(self, issue: Issue) -> dict[str, Any]:
        shown = [self.worklog(issue, w) for w in issue.worklogs[:EMBEDDED_WORKLOGS]]
        return {"startAt": 0, "maxResults": EMBEDDED_WORKLOGS, "total": len(issue.worklogs), "worklogs": shown}

    # -- custom fields ------------------------------------------------------------------------------------
    def custom(self, issue: Issue, field: FieldDef) -> Any:
        if field.id == EPIC_LINK:
            parent = self.state.by_key.get(issue.parent) if issue.parent else None
            linked = parent is not None and parent.issue_type == "Epic" and hierarchy_level(issue.issue_type) == 0
            return issue.parent if linked else None
        if field.id == EPIC_NAME:
            return issue.epic_name
        value = issue.custom.get(field.id)
        if value is None:
            return None
        if field.shape == "select":
            option_id = self.state.option_id(field.id, value) or "-1"
            return vocab.option_json(self.api, field.id, option_id, value)
        if field.shape == "date":
            return value.isoformat()
        return value

    # -- the issue ----------------------------------------------------------------------------------------
    def fields(self, issue: Issue, selected: list[FieldDef]) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for field in selected:
            getter = self._getters.get(field.id)
            value = getter(issue) if getter else self.custom(issue, field)
            if value is None and field.id == "parent":
                continue  # Jira omits ``parent`` rather than sending null
            data[field.id] = value
        return data

    def history(self, change: Change, items: Iterable[ChangeItem] | None = None) -> dict[str, Any]:
        return {
            "id": str(change.id),
            "author": self.user(change.author),
            "created": jira_time(change.at),
            "items": [
                {"field": f, "fieldtype": t, "fieldId": fid, "from": a, "fromString": b, "to": c, "toString": d}
                for f, t, fid, a, b, c, d in (change.items if items is None else items)
            ],
        }

    def changelog(self, issue: Issue) -> dict[str, Any]:
        """The ``changelog`` that ``expand=changelog`` embeds (capped and newest first on Cloud; see changelogs)."""
        histories, total = embedded_histories(issue, cloud=self.cloud)
        return {
            "startAt": 0,
            "maxResults": len(histories),
            "total": total,
            "histories": [self.history(change) for change in histories],
        }

    def issue(
        self, issue: Issue, selected: list[FieldDef], *, expand: Iterable[str] = (), properties: Iterable[str] = ()
    ) -> dict[str, Any]:
        expand = set(expand)
        data: dict[str, Any] = {
            "expand": ISSUE_EXPAND,
            "id": str(issue.id),
            "self": f"{self.api}/issue/{issue.id}",
            "key": issue.key,
        }
        keys = [k for k in properties if k in issue.properties]
        if properties:
            data["properties"] = {k: issue.properties[k] for k in keys}
        data["fields"] = self.fields(issue, selected)
        if "renderedFields" in expand:
            data["renderedFields"] = {"description": markup.to_plain(issue.description) or None}
        if "names" in expand:
            data["names"] = {f.id: f.name for f in selected}
        if "schema" in expand:
            data["schema"] = {f.id: f.schema for f in selected}
        if "changelog" in expand:
            data["changelog"] = self.changelog(issue)
        return data
