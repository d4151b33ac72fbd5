"""The rule language as typed, frozen values: what the loader builds and the compiler reads.

A ``Rule`` says which items it looks at (``Scope``, ``when``), what must hold for them (``check``), when a
failure counts (``Grace``) and how it is explained (templates). Conditions form a small tree of ``Test``
leaves under ``AllOf`` / ``AnyOf`` / ``NotOf``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pmo_bot.domain import EMPTY, Mode, Severity, StatusCategory
from pmo_bot.rules.supersede import closure

SubjectKind = Literal["field", "metric"]
RefKind = Literal["field", "metric", "param"]
DaysMode = Literal["since", "until"]
MissingMode = Literal["passes", "fails"]


@dataclass(frozen=True, slots=True)
class Ref:
    """A value taken from elsewhere: ``{field: x}``, ``{metric: x}`` or ``{param: x}``, optionally scaled."""

    kind: RefKind
    name: str
    times: float | None = None
    plus: float | None = None

    def describe(self) -> str:
        text = self.name if self.kind != "param" else f"param {self.name}"
        if self.times is not None:
            text = f"{text} × {self.times:g}"
        if self.plus is not None:
            text = f"{text} + {self.plus:g}"
        return text


@dataclass(frozen=True, slots=True)
class Test:
    """One comparison: ``subject op value``. ``value`` is a constant, a tuple for in/not-in, or a Ref."""

    subject: SubjectKind
    name: str
    op: str
    value: Any = None
    days: DaysMode | None = None
    path: tuple[str | int, ...] = ()  # where it sits in the rule, for messages
    missing: MissingMode | None = None  # the test's result when the subject has no value; None: the operator's

    def describe_subject(self) -> str:
        base = self.name
        if self.days == "since":
            return f"days since {base}"
        if self.days == "until":
            return f"days until {base}"
        return base


@dataclass(frozen=True, slots=True)
class AllOf:
    conditions: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    conditions: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class NotOf:
    condition: Condition


Condition = Test | AllOf | AnyOf | NotOf


@dataclass(frozen=True, slots=True)
class Exclusions:
    issue_types: frozenset[str] = frozenset()  # case-folded
    projects: frozenset[str] = frozenset()
    statuses: frozenset[str] = frozenset()  # case-folded
    labels: frozenset[str] = frozenset()
    keys: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Scope:
    """Empty sets mean "any". Issue types and statuses are compared case-insensitively."""

    issue_types: frozenset[str] = frozenset()  # case-folded
    projects: frozenset[str] = frozenset()
    status_categories: frozenset[StatusCategory] = frozenset()
    statuses: frozenset[str] = frozenset()  # case-folded
    labels: frozenset[str] = frozenset()
    hierarchy_levels: frozenset[int] = frozenset()
    jql: str | None = None
    exclude: Exclusions = field(default_factory=Exclusions)

    def describe(self) -> str:
        parts: list[str] = []
        for name, values in (
            ("types", self.issue_types),
            ("projects", self.projects),
            ("categories", {str(category) for category in self.status_categories}),
            ("statuses", self.statuses),
            ("labels", self.labels),
            ("levels", {str(level) for level in self.hierarchy_levels}),
        ):
            if values:
                parts.append(f"{name}: {', '.join(sorted(values))}")
        if self.jql:
            parts.append(f"jql: {self.jql}")
        return "; ".join(parts) or "all items"


@dataclass(frozen=True, slots=True)
class Grace:
    held_for_days: int = 0
    min_age_days: int = 0


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    title: str
    category: str
    severity: Severity
    check: Condition
    message: str  # template source
    remediation: str  # template source
    description: str = ""
    owner: str | None = None
    docs: str | None = None
    mode: Mode | None = None  # None: the global mode applies
    scope: Scope = field(default_factory=Scope)
    when: Condition | None = None
    grace: Grace = field(default_factory=Grace)
    params: Mapping[str, Any] = field(default_factory=lambda: EMPTY)
    supersedes: tuple[str, ...] = ()  # rule ids this rule's finding hides from the comment (see rules.supersede)
    source: str = ""  # "file:line" of the rule, for listings and explanations


@dataclass(frozen=True, slots=True)
class RuleSet:
    rules: tuple[Rule, ...]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(rule.id for rule in self.rules)

    def get(self, rule_id: str) -> Rule | None:
        return next((rule for rule in self.rules if rule.id == rule_id), None)

    @property
    def supersedes(self) -> dict[str, frozenset[str]]:
        """Each rule id -> every rule id its finding hides, transitively (the loader has rejected cycles)."""
        return closure({rule.id: rule.supersedes for rule in self.rules if rule.supersedes})

    def only(self, rule_ids: frozenset[str]) -> RuleSet:
        return RuleSet(tuple(rule for rule in self.rules if rule.id in rule_ids))


STATUS_CATEGORY_NAMES: Mapping[str, StatusCategory] = {
    "new": StatusCategory.NEW,
    "to-do": StatusCategory.NEW,
    "indeterminate": StatusCategory.IN_PROGRESS,
    "in-progress": StatusCategory.IN_PROGRESS,
    "done": StatusCategory.DONE,
}
