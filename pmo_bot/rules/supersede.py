"""Root causes, not echoes: ``supersedes:`` between rules.

When a rule that supersedes others fails on an item, the comment shows it and not the weaker findings it
names (they are still recorded, counted and reported). Supersession is transitive; the loader rejects cycles
and unknown rule ids (``supersession_problems``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol


class _Fired(Protocol):
    @property
    def rule_id(self) -> str: ...

    @property
    def item_key(self) -> str: ...


def closure(direct: Mapping[str, Iterable[str]]) -> dict[str, frozenset[str]]:
    """Every rule each rule hides, directly or through the rules it hides (cycles must be rejected first)."""
    done: dict[str, frozenset[str]] = {}

    def walk(rule_id: str, seen: frozenset[str]) -> frozenset[str]:
        if rule_id in done:
            return done[rule_id]
        hidden: set[str] = set()
        for weaker in direct.get(rule_id, ()):
            if weaker not in seen:
                hidden.add(weaker)
                hidden |= walk(weaker, seen | {weaker})
        done[rule_id] = frozenset(hidden - {rule_id})
        return done[rule_id]

    for rule_id in direct:
        walk(rule_id, frozenset({rule_id}))
    return {rule_id: hidden for rule_id, hidden in done.items() if hidden}


def find_cycle(direct: Mapping[str, Iterable[str]]) -> list[str] | None:
    """A supersession cycle as the path of rule ids that closes it (``[a, b, a]``), if there is one."""
    state: dict[str, int] = {}  # 1: on the current path, 2: finished
    path: list[str] = []

    def visit(rule_id: str) -> list[str] | None:
        state[rule_id] = 1
        path.append(rule_id)
        for weaker in direct.get(rule_id, ()):
            if state.get(weaker) == 1:
                return [*path[path.index(weaker) :], weaker]
            if weaker not in state and (found := visit(weaker)) is not None:
                return found
        path.pop()
        state[rule_id] = 2
        return None

    for rule_id in sorted(direct):
        if rule_id not in state and (found := visit(rule_id)) is not None:
            return found
    return None


def superseded(findings: Iterable[_Fired], hides: Mapping[str, frozenset[str]]) -> set[tuple[str, str]]:
    """The (rule id, item key) pairs among ``findings`` that a stronger finding on the same item hides.

    ``hides`` is the transitive ``closure`` of the rules' ``supersedes:`` lists.
    """
    findings = list(findings)
    fired: dict[str, set[str]] = {}
    for finding in findings:
        fired.setdefault(finding.item_key, set()).add(finding.rule_id)
    hidden: set[tuple[str, str]] = set()
    for key, rule_ids in fired.items():
        for rule_id in rule_ids:
            for weaker in hides.get(rule_id, ()):
                if weaker in rule_ids:
                    hidden.add((weaker, key))
    return hidden
