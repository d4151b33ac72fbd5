"""``scope.jql``: each distinct fragment runs as its own keys-only search per cycle, AND-ed with the projects.

A rule with ``scope.jql`` then applies only to the issues Jira returned for its fragment
(``EvaluationContext.jql_scopes``). Jira is the only judge of JQL, so a fragment it refuses (HTTP 400) is a
configuration error naming the rule's file:line and Jira's own message, raised before anything is evaluated
or written: carrying on without the rule would resolve its findings and edit their comments.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pmo_bot import logs
from pmo_bot.atlassian.ports import JiraPort
from pmo_bot.errors import AuthError, ConfigError, RemoteError
from pmo_bot.rules.model import RuleSet
from pmo_bot.sync.jqlbuild import project_clause, quote

log = logs.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class JqlScope:
    """One distinct fragment: the rules that use it (``id (file:line)``), and the keys Jira returned."""

    fragment: str
    rules: tuple[str, ...]
    jql: str
    keys: frozenset[str] | None  # None: Jira refused the search
    error: str | None = None

    def describe(self) -> str:
        users = ", ".join(self.rules)
        if self.keys is None:
            return f"{users}: scope.jql {self.fragment!r} failed: {self.error}"
        return f"{users}: scope.jql {self.fragment!r} matched {len(self.keys):,} issues"


def fragments(ruleset: RuleSet) -> dict[str, tuple[str, ...]]:
    """Each distinct fragment, with the rules using it, in rule order."""
    found: dict[str, list[str]] = {}
    for rule in ruleset.rules:
        if rule.scope.jql:
            found.setdefault(rule.scope.jql, []).append(f"rule '{rule.id}' ({rule.source})")
    return {fragment: tuple(users) for fragment, users in found.items()}


def scope_search_jql(projects: Sequence[str], fragment: str, key: str | None = None) -> str:
    clauses = [project_clause(projects), f"({fragment})"]
    if key is not None:
        clauses.append(f"key = {quote(key)}")
    return " AND ".join(clauses) + " ORDER BY key ASC"


def resolve_jql_scopes(
    jira: JiraPort, projects: Sequence[str], ruleset: RuleSet, *, key: str | None = None
) -> tuple[JqlScope, ...]:
    """Run every distinct fragment once (``key``: only ask whether that issue matches, for ``rules explain``)."""
    resolved: list[JqlScope] = []
    for fragment, users in fragments(ruleset).items():
        jql = scope_search_jql(projects, fragment, key)
        try:
            keys = frozenset(jira.search_keys(jql))
        except AuthError:
            raise
        except RemoteError as error:
            if error.status != 400:  # only a refused query is the rule's fault; the rest fails like a search
                raise
            scope = JqlScope(fragment, users, jql, None, str(error))
            log.warning("rule_scope_failed", fragment=fragment, rules=list(users), error=str(error))
        else:
            scope = JqlScope(fragment, users, jql, keys)
            log.info("rule_scope_resolved", fragment=fragment, issues=len(keys))
        resolved.append(scope)
    return tuple(resolved)


def require_valid(scopes: Sequence[JqlScope]) -> None:
    refused = [s for s in scopes if s.keys is None]
    if refused:
        lines = "\n".join(f"  {s.describe()}" for s in refused)
        raise ConfigError(f"Jira refused the JQL of {len(refused)} rule scope(s); fix scope.jql in:\n{lines}")


def scope_keys(scopes: Sequence[JqlScope]) -> Mapping[str, frozenset[str]]:
    """What the evaluation context takes: only the fragments Jira answered."""
    return {s.fragment: s.keys for s in scopes if s.keys is not None}
