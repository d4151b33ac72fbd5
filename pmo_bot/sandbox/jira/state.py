"""The emulated Jira's state: issues, users, projects and the write helpers every route shares.

Routes call these methods synchronously from ``async`` handlers (no ``await`` in between), so each request's
state change is atomic on the event loop; ``Sandbox.lock`` guards it against other threads (persistence).
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from pmo_bot.sandbox.jira.catalogue import CUSTOM_FIELD_IDS, FieldDef, field_catalogue, hierarchy_level
from pmo_bot.sandbox.jira.grants import granted
from pmo_bot.sandbox.jira.records import Change, ChangeItem, Comment, Issue, Project, User, Worklog
from pmo_bot.sandbox.jira.results import ResultStore
from pmo_bot.sandbox.seed.model import SeedData, SeedIssue

_SEED_CUSTOM = {
    "budget": "Budget",
    "actual_cost": "Actual Cost",
    "goal": "Strategic Goal",
    "start_date": "Start date",
    "story_points": "Story Points",
    "team": "Team",
}


def account_id_for(email: str) -> str:
    """A stable Cloud-style accountId for a login (24 hex digits)."""
    return hashlib.sha256(email.encode()).hexdigest()[:24]


class JiraState:
    def __init__(self, flavor: str, login: str, time_zone: str = "UTC") -> None:
        self.flavor = flavor
        self.login = login
        self.time_zone = time_zone  # the bot account's zone: served by myself, used for JQL date literals
        self.permissions: dict[str, frozenset[str]] = {}  # project key -> the bot's grant (absent: DEFAULT_GRANT)
        self.fields: tuple[FieldDef, ...] = field_catalogue(flavor)
        self.fields_by_id: dict[str, FieldDef] = {f.id: f for f in self.fields}
        self.clear()

    # -- loading ------------------------------------------------------------------------------------------
    def clear(self) -> None:
        self.users: dict[str, User] = {}
        self.projects: dict[str, Project] = {}
        self.issues: list[Issue] = []
        self.by_key: dict[str, Issue] = {}
        self.by_id: dict[int, Issue] = {}
        self.comments: dict[int, Comment] = {}
        self.children: dict[str, list[Issue]] = {}
        self.options: dict[str, list[tuple[str, str, bool]]] = {}  # field id -> [(option id, value, disabled)]
        self.generation = 0
        self.next_issue_id = 10000
        self.next_comment_id = 10000
        self.next_worklog_id = 10000
        self.next_change_id = 10000
        self.issue_numbers: dict[str, int] = {}
        # Eventual consistency of search: issue id -> (visible from, what search shows until then; None = hidden)
        self.search_lag = 0.0
        self.stale: dict[int, tuple[datetime, Issue | None]] = {}
        self.lagged_views = 0  # how often search saw an issue as it was before a write (or not yet at all)
        self.search_results = ResultStore()
        self.bot = self._add_user(account_id_for(self.login), self.login, "PMO Bot", self.login)

    def _add_user(self, account_id: str, name: str, display_name: str, email: str) -> User:
        key = account_id if self.flavor == "cloud" else f"JIRAUSER{10000 + len(self.users)}"
        user = User(account_id, name, key, display_name, email)
        self.users[account_id] = user
        return user

    def load(self, data: SeedData | None) -> None:
        self.clear()
        if data is None:
            return
        for seed_user in data.users:
            self._add_user(seed_user.account_id, seed_user.name, seed_user.display_name, seed_user.email)
        for number, project in enumerate(data.projects):
            self.projects[project.key] = Project(10000 + number, project.key, project.name, project.lead)
        goal_field, team_field = CUSTOM_FIELD_IDS["Strategic Goal"], CUSTOM_FIELD_IDS["Team"]
        self.options[goal_field] = [
            (str(10100 + i), goal.name, goal.status == "retired") for i, goal in enumerate(data.goals)
        ]
        teams = list(data.teams) or sorted({i.team for i in data.issues if i.team})
        self.options[team_field] = [(str(10200 + i), team, False) for i, team in enumerate(teams)]
        with _collector_paused():
            for seed_issue in data.issues:
                self._load_issue(seed_issue)
        self.generation += 1

    def _load_issue(self, seed: SeedIssue) -> None:
        issue = Issue(
            self.next_issue_id,
            seed.key,
            seed.project,
            seed.issue_type,
            seed.summary,
            seed.status,
            _utc(seed.created),
            seed.reporter,
        )
        self.next_issue_id += 1
        issue.updated = _utc(seed.updated)
        issue.assignee = seed.assignee
        issue.priority = seed.priority
        issue.labels = list(seed.labels)
        issue.components = seed.components
        issue.fix_versions = seed.fix_versions
        issue.parent = seed.parent
        issue.epic_name = seed.epic_name
        issue.due_date = seed.due_date
        issue.resolution = seed.resolution
        issue.resolved = _utc(seed.resolved) if seed.resolved else None
        issue.description = seed.description
        for attribute, name in _SEED_CUSTOM.items():
            value = getattr(seed, attribute)
            if value is not None:
                issue.custom[CUSTOM_FIELD_IDS[name]] = value
        issue.original_estimate = seed.original_estimate_seconds
        issue.remaining_estimate = seed.remaining_estimate_seconds
        for seed_log in seed.worklogs:
            started = _utc(seed_log.started)
            issue.worklogs.append(
                Worklog(
                    self.next_worklog_id,
                    issue.id,
                    seed_log.author,
                    started,
                    seed_log.seconds,
                    seed_log.comment,
                    started,
                )
            )
            self.next_worklog_id += 1
        for change in seed.history:
            item: ChangeItem = (
                change.field,
                "jira",
                change.field,
                change.from_string,
                change.from_string,
                change.to_string,
                change.to_string,
            )
            issue.history.append(Change(self.next_change_id, _utc(change.at), change.author, [item]))
            self.next_change_id += 1
        self._index(issue)

    def _index(self, issue: Issue) -> None:
        self.issues.append(issue)
        self.by_key[issue.key] = issue
        self.by_id[issue.id] = issue
        if issue.parent:
            self.children.setdefault(issue.parent, []).append(issue)
        self.issue_numbers[issue.project] = max(self.issue_numbers.get(issue.project, 0), issue.number)

    # -- lookups ------------------------------------------------------------------------------------------
    def issue(self, id_or_key: str) -> Issue | None:
        if id_or_key.isdigit():
            return self.by_id.get(int(id_or_key))
        return self.by_key.get(id_or_key.upper())

    def can(self, project: str, permission: str) -> bool:
        """Whether the bot's login holds a project permission in ``project``."""
        return permission in granted(self.permissions, project)

    def browsable(self, issue: Issue | None) -> Issue | None:
        """The issue if the login may browse its project, else None (Jira hides what one cannot see)."""
        return issue if issue is not None and self.can(issue.project, "BROWSE_PROJECTS") else None

    def user(self, account_id: str | None) -> User | None:
        return self.users.get(account_id) if account_id else None

    def find_user(self, ref: dict[str, Any] | None) -> User | None:
        """A user reference from a request body: ``{"accountId"}`` (Cloud) or ``{"name"}``/``{"key"}`` (DC)."""
        if not ref:
            return None
        for user in self.users.values():
            if ref.get("accountId") == user.account_id or ref.get("name") == user.name or ref.get("key") == user.key:
                return user
        return None

    def subtasks(self, issue: Issue) -> list[Issue]:
        return [c for c in self.children.get(issue.key, ()) if hierarchy_level(c.issue_type) == -1]

    def option_id(self, field_id: str, value: str) -> str | None:
        for option_id, option_value, _ in self.options.get(field_id, ()):
            if option_value == value:
                return option_id
        return None

    def option_value(self, field_id: str, ref: dict[str, Any]) -> str | None:
        for option_id, option_value, _ in self.options.get(field_id, ()):
            if ref.get("id") == option_id or ref.get("value") == option_value:
                return option_value
        return None

    # -- search consistency -------------------------------------------------------------------------------
    def freeze(self, issue: Issue | None, now: datetime) -> None:
        """Before a write: with a search lag set, search keeps showing the issue as it was for a while."""
        if issue is None or self.search_lag <= 0:
            return
        current = self.stale.get(issue.id)
        if current is None or current[0] <= now:
            self.stale[issue.id] = (now + timedelta(seconds=self.search_lag), issue.clone())

    def search_view(self, issue: Issue, now: datetime) -> Issue | None:
        entry = self.stale.get(issue.id) if self.stale else None
        if entry is None:
            return issue
        if entry[0] <= now:
            del self.stale[issue.id]
            return issue
        self.lagged_views += 1
        return entry[1]

    # -- writes -------------------------------------------------------------------------------------------
    def touch(self, issue: Issue, now: datetime) -> None:
        """Any write to an issue (field, comment, worklog, property) bumps ``updated``, as Jira does."""
        issue.updated = now
        self.generation += 1

    def record(self, issue: Issue, items: Iterable[ChangeItem], author: str, now: datetime) -> None:
        items = list(items)
        if items:
            issue.history.append(Change(self.next_change_id, now, author, items))
            self.next_change_id += 1

    def set_parent(self, issue: Issue, parent_key: str | None) -> None:
        if issue.parent:
            siblings = self.children.get(issue.parent, [])
            if issue in siblings:
                siblings.remove(issue)
        issue.parent = parent_key
        if parent_key:
            self.children.setdefault(parent_key, []).append(issue)

    def create_issue(self, project: str, issue_type: str, summary: str, now: datetime) -> Issue:
        number = self.issue_numbers.get(project, 0) + 1
        issue = Issue(
            self.next_issue_id, f"{project}-{number}", project, issue_type, summary, "To Do", now, self.bot.account_id
        )
        self.next_issue_id += 1
        self._index(issue)
        self.generation += 1
        if self.search_lag > 0:  # a new issue reaches the search index only after the lag
            self.stale[issue.id] = (now + timedelta(seconds=self.search_lag), None)
        return issue

    def add_comment(self, issue: Issue, body: Any, author: str, now: datetime) -> Comment:
        comment = Comment(self.next_comment_id, issue.id, author, body, now)
        self.next_comment_id += 1
        issue.comments.append(comment)
        self.comments[comment.id] = comment
        self.touch(issue, now)
        return comment

    def delete_comment(self, comment: Comment, now: datetime) -> None:
        issue = self.by_id[comment.issue_id]
        issue.comments.remove(comment)
        del self.comments[comment.id]
        self.touch(issue, now)

    def add_worklog(
        self, issue: Issue, *, author: str, started: datetime, seconds: int, comment: Any, now: datetime
    ) -> Worklog:
        worklog = Worklog(self.next_worklog_id, issue.id, author, started, seconds, comment, now)
        self.next_worklog_id += 1
        issue.worklogs.append(worklog)
        if issue.remaining_estimate is not None:  # Jira's default "auto adjust" of the remaining estimate
            issue.remaining_estimate = max(0, issue.remaining_estimate - seconds)
        self.touch(issue, now)
        return worklog

    def comment_by_id(self, comment_id: str) -> Comment | None:
        return self.comments.get(int(comment_id)) if comment_id.isdigit() else None

    def index_comments(self) -> None:
        self.comments = {c.id: c for issue in self.issues for c in issue.comments}


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Bulk-creating 100k records triggers the cyclic GC over and over; pausing it makes loading ~3x faster."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def now_utc() -> datetime:
    return datetime.now(UTC)
