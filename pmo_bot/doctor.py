"""``pmo-bot doctor``: can this configuration work? Each check says pass or fail and why, in plain words."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pmo_bot import logs, wiring
from pmo_bot.atlassian.jira import JiraClient
from pmo_bot.config import Settings
from pmo_bot.errors import PmoError
from pmo_bot.permissions import read_access
from pmo_bot.rules import loader
from pmo_bot.store import schema_status


@dataclass(frozen=True, slots=True)
class Result:
    name: str
    ok: bool
    detail: str


class Doctor:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.jira: JiraClient | None = None
        self.results: list[Result] = []

    def step(self, name: str, check: Callable[[], str]) -> bool:
        try:
            detail = check()
        except PmoError as error:
            self._add(Result(name, False, str(error)))
            return False
        except Exception as error:  # a surprise must still end up in the table, not as a traceback
            self._add(Result(name, False, f"{type(error).__name__}: {error}"))
            return False
        self._add(Result(name, True, detail))
        return True

    def _add(self, result: Result) -> None:
        # The table is printed, not logged: mask secrets here (a driver's message may quote a URL or a token).
        self.results.append(Result(result.name, result.ok, logs.redact_text(result.detail)))

    def run(self) -> list[Result]:
        self.step("rules", self._rules)
        self.step("database", self._database)
        if self.step("jira reachable", self._jira_reachable) and self.step("jira authentication", self._jira_identity):
            self.step("jira fields", self._fields)
            if self.step("jira projects", self._projects):
                self.step("jira permissions", self._jira_permissions)
        if self.step("confluence space and parent page", self._confluence):
            self.step("confluence permissions", self._confluence_permissions)
        return self.results

    def _rules(self) -> str:
        bundle = loader.load([self.settings.rules_dir])
        return f"{len(bundle.ruleset.rules)} rules, {len(bundle.waivers)} waivers in {self.settings.rules_dir}"

    def _database(self) -> str:
        status = schema_status(self.settings.database_url)
        if not status.known:
            raise PmoError(f"schema revision {status.current} is newer than this pmo-bot knows: upgrade pmo-bot")
        if not status.up_to_date:
            before = status.current or "(empty)"
            return f"revision {before}; `pmo-bot db upgrade` (or the next run) migrates to {status.head}"
        return f"schema revision {status.current} (current)"

    def _jira_reachable(self) -> str:
        self.jira = wiring.jira_client(self.settings)
        info = self.jira.server_info()
        return f"{self.jira.flavor} at {self.settings.jira_url} (version {info.get('version', '?')})"

    def _jira_identity(self) -> str:
        assert self.jira is not None
        me = self.jira.myself()
        ident = me.account_id or me.name or me.key
        return f"signed in as {me.display_name} ({ident}), time zone {me.time_zone}"

    def _fields(self) -> str:
        assert self.jira is not None
        fmap = wiring.field_map(self.settings, self.jira)
        return ", ".join(f"{role}={field_id}" for role, field_id in sorted(fmap.ids.items()))

    def _projects(self) -> str:
        assert self.jira is not None
        visible = set(self.jira.projects())
        wanted = list(self.settings.projects) or sorted(visible)
        missing = [p for p in wanted if p not in visible]
        if missing:
            raise PmoError(f"projects not found or not visible to the bot: {', '.join(missing)}")
        if not wanted:
            raise PmoError("the bot can see no project: grant it Browse Projects")
        return f"{len(wanted)} in scope: {', '.join(wanted[:10])}{' ...' if len(wanted) > 10 else ''}"

    def _jira_permissions(self) -> str:
        """Browse, add and edit own comments, and issue property writes (Edit issues), per project."""
        assert self.jira is not None
        wanted = list(self.settings.projects) or self.jira.projects()
        access = read_access(self.jira, wanted)
        problems = [f"{a.project}: could not read permissions ({a.unknown})" for a in access if a.unknown]
        problems += [f"{a.project} lacks {a.describe_missing()}" for a in access if a.missing]
        if problems:
            raise PmoError("; ".join(problems))
        return f"browse, add and edit own comments, edit issues (properties) in all {len(access)} projects"

    def _confluence_permissions(self) -> str:
        flavor = self.jira.flavor if self.jira is not None else "cloud"
        space = self.settings.confluence_space or ""
        operations = wiring.confluence_client(self.settings, flavor).space_operations(space)
        if operations is None:
            return f"not verified: Confluence did not report the operations allowed in space {space}"
        needed = {("create", "page"): "add pages", ("create", "attachment"): "add attachments"}
        missing = [what for pair, what in needed.items() if pair not in operations]
        if missing:
            raise PmoError(f"the bot may not {' or '.join(missing)} in space {space}")
        return f"may add pages and attachments in space {space}"

    def _confluence(self) -> str:
        flavor = self.jira.flavor if self.jira is not None else "cloud"
        confluence = wiring.confluence_client(self.settings, flavor)
        space = self.settings.confluence_space or ""
        if not confluence.space_id(space):
            raise PmoError(f"space {space} not found")
        parent = confluence.find_page(space, self.settings.confluence_parent_title)
        if parent is None:
            raise PmoError(f"space {space} has no page titled {self.settings.confluence_parent_title!r}")
        return f"space {space}, parent page {parent.title!r} (id {parent.id})"
