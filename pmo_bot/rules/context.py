"""What a rule evaluation needs to know besides the items: today, goals, rates, waivers and history.

Everything here is a frozen value built by the loader from ``rules/strategy.yaml``, the rates file and
``rules/waivers.yaml`` (plus the state store for ``first_seen``). Pure: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, tzinfo
from types import MappingProxyType
from typing import Any, Literal

from pmo_bot.domain import EMPTY, Item
from pmo_bot.wording import DEFAULT_LOCALE, Numbers

GoalStatus = Literal["active", "retired"]
GoalLinkKind = Literal["field", "parent", "label"]


# Factories, not defaults: Python 3.11 rejects a (read-only) mappingproxy default as mutable.
def _empty() -> Mapping[str, Any]:
    return EMPTY


def _no_first_seen() -> Mapping[tuple[str, str], date]:
    return MappingProxyType({})


DEFAULT_ACCEPTANCE_MARKERS: tuple[str, ...] = ("acceptance criteria", "definition of done")


@dataclass(frozen=True, slots=True)
class Goal:
    """A strategic goal from ``rules/strategy.yaml``. ``budget_envelope`` caps the budgets of linked epics."""

    id: str
    name: str
    owner: str | None = None
    status: GoalStatus = "active"
    period_start: date | None = None
    period_end: date | None = None
    budget_envelope: float | None = None

    @property
    def active(self) -> bool:
        return self.status == "active"


@dataclass(frozen=True, slots=True)
class GoalLink:
    """How an item names its goal. The named value is matched against goal ids, then goal names.

    - ``field``: ``field`` is ``None`` or ``"goal"`` for ``Item.goal`` (the Strategic Goal custom field),
      otherwise a key of ``Item.extra``.
    - ``parent``: the ancestor at hierarchy level ``parent_level`` (e.g. 2, Initiative) is the goal: its key
      or its summary is matched. The item itself counts when it sits at that level.
    - ``label``: the first label starting with ``label_prefix`` (case-insensitive); the rest names the goal,
      so ``goal-G1`` with prefix ``goal-`` names ``G1``.
    """

    kind: GoalLinkKind = "field"
    field: str | None = None
    parent_level: int | None = None
    label_prefix: str | None = None


@dataclass(frozen=True, slots=True)
class RateCard:
    """Hourly cost rates. The most specific rate wins: the item's team, then its project, then the default."""

    default_hourly: float = 100.0
    by_project: Mapping[str, float] = field(default_factory=_empty)
    by_team: Mapping[str, float] = field(default_factory=_empty)
    currency: str = "EUR"

    def rate_for(self, item: Item) -> float:
        if item.team is not None and item.team in self.by_team:
            return float(self.by_team[item.team])
        if item.project in self.by_project:
            return float(self.by_project[item.project])
        return float(self.default_hourly)


@dataclass(frozen=True, slots=True)
class Waiver:
    """An approved exception: ``rule_id`` is waived on ``issue_keys`` up to and including ``expires``."""

    rule_id: str
    issue_keys: tuple[str, ...]
    reason: str
    approver: str
    expires: date

    def applies(self, rule_id: str, key: str, today: date) -> bool:
        return rule_id == self.rule_id and key in self.issue_keys and today <= self.expires

    def expired(self, today: date) -> bool:
        return today > self.expires

    def describe(self) -> str:
        """The text a finding carries when waived (``Finding.waiver``)."""
        return f"{self.reason} (approved by {self.approver}, until {self.expires.isoformat()})"


@dataclass(frozen=True, slots=True)
class EvaluationContext:
    """Everything besides the items that an evaluation depends on; the engine reads no clock or file.

    ``first_seen`` maps ``(rule_id, item_key)`` to the day that rule's condition was first observed on that
    item (from the state store), for grace periods. ``tz`` turns instants (``updated``, ``status_changed``,
    worklog starts) into local dates before day arithmetic. ``stale_after_days`` only feeds ``is_stale``;
    rules should prefer comparing ``days_since_update`` with their own parameter. ``goal_committed`` is filled
    once per run from all items (``pmo_bot.rules.goals.with_commitments``); ``None`` means not computed.
    """

    today: date
    goals: Mapping[str, Goal] = field(default_factory=_empty)
    goal_link: GoalLink = field(default_factory=GoalLink)
    rates: RateCard = field(default_factory=RateCard)
    waivers: tuple[Waiver, ...] = ()
    acceptance_markers: tuple[str, ...] = DEFAULT_ACCEPTANCE_MARKERS
    hours_per_day: float = 8.0
    first_seen: Mapping[tuple[str, str], date] = field(default_factory=_no_first_seen)
    tz: tzinfo = UTC
    stale_after_days: int = 14
    goal_committed: Mapping[str, float] | None = None  # goal id -> summed epic budgets; see goals.commitments
    # ``scope.jql`` fragment -> the issue keys Jira returned for it this cycle (rules/jqlscope.py). A fragment
    # absent here was not run (or failed): its rules apply to no issue.
    jql_scopes: Mapping[str, frozenset[str]] = field(default_factory=_empty)
    locale: str = DEFAULT_LOCALE  # how observed/expected texts and template filters write numbers and dates
    _goal_index: Mapping[str, Goal] = field(default_factory=_empty, init=False, repr=False, compare=False)
    folded_markers: tuple[str, ...] = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Ids win over names when a name happens to equal another goal's id: index names first.
        index: dict[str, Goal] = {}
        for goal in self.goals.values():
            index.setdefault(goal.name.strip().casefold(), goal)
        for goal in self.goals.values():
            index[goal.id.strip().casefold()] = goal
        object.__setattr__(self, "_goal_index", index)
        markers = tuple(marker.casefold() for marker in self.acceptance_markers if marker.strip())
        object.__setattr__(self, "folded_markers", markers)

    @property
    def numbers(self) -> Numbers:
        """Formatters in the configured locale and the rate card's currency."""
        return Numbers(self.locale, self.rates.currency)

    def find_goal(self, ref: str | None) -> Goal | None:
        """The goal a link value names, by id or by name (trimmed, case-insensitive)."""
        if ref is None:
            return None
        return self._goal_index.get(ref.strip().casefold())

    def in_jql_scope(self, fragment: str | None, key: str) -> bool:
        """Whether ``key`` is among the issues Jira returned for a rule's ``scope.jql`` (no fragment: yes)."""
        if fragment is None:
            return True
        keys = self.jql_scopes.get(fragment)
        return keys is not None and key in keys

    def waiver_for(self, rule_id: str, key: str) -> Waiver | None:
        """The first waiver in force today for this rule and item, if any."""
        for waiver in self.waivers:
            if waiver.applies(rule_id, key, self.today):
                return waiver
        return None
