"""The catalogue of derived metrics, and their lazy, memoised computation per item.

Rules compare issue fields and these metrics. Semantics, formulas and worked examples: ``docs/metrics.md``
(tests keep the two in step). A metric is computed only when asked for, at most once per item, and never
raises on odd data: what cannot be computed is ``None``, and so is any non-finite number.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pmo_bot.domain import Item
from pmo_bot.rules import budget, deliverables, goals, schedule
from pmo_bot.rules.context import EvaluationContext

MetricType = Literal["number", "integer", "ratio", "date", "bool", "string"]
Category = Literal["budget", "schedule", "progress", "alignment", "hygiene"]


@dataclass(frozen=True, slots=True)
class MetricSpec:
    """One catalogue entry. ``ratio`` is a dimensionless number where 1.0 means 100% (it may exceed 1)."""

    name: str
    type: MetricType
    unit: str | None
    description: str
    category: Category


class Metrics(Mapping[str, Any]):
    """The metrics of one item, computed on first access and cached. Unknown names raise ``KeyError``.

    ``children`` are the item's direct children (an epic's stories, a story's sub-tasks); ``ancestors`` are
    its parents, nearest first (only needed for goals linked through a parent level or inherited from one).
    """

    __slots__ = ("_cache", "ancestors", "children", "ctx", "item")

    def __init__(
        self,
        item: Item,
        children: Sequence[Item],
        ctx: EvaluationContext,
        ancestors: Sequence[Item] = (),
    ) -> None:
        self.item = item
        self.children = children
        self.ctx = ctx
        self.ancestors = ancestors
        self._cache: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        cache = self._cache
        if name in cache:
            return cache[name]
        compute = _COMPUTE[name]
        try:
            value = compute(self)
        except (ArithmeticError, TypeError, ValueError, AttributeError):
            value = None  # odd data (a string where a number belongs...) yields "not computable"
        if type(value) is float and not math.isfinite(value):
            value = None
        cache[name] = value
        return value

    def memo(self, key: str, compute: Callable[[Metrics], Any]) -> Any:
        """Cache an intermediate result shared by several metrics (keys start with ``_``)."""
        cache = self._cache
        if key not in cache:
            cache[key] = compute(self)
        return cache[key]

    def __iter__(self) -> Iterator[str]:
        return iter(METRICS)

    def __len__(self) -> int:
        return len(METRICS)

    def __repr__(self) -> str:
        return f"Metrics({self.item.key}, computed={sorted(k for k in self._cache if k[:1] != '_')})"


def compute_metrics(
    item: Item,
    children: Sequence[Item],
    ctx: EvaluationContext,
    names: frozenset[str] | None = None,
    ancestors: Sequence[Item] = (),
) -> dict[str, Any]:
    """The named metrics (all of them when ``names`` is ``None``) as a plain dict.

    The engine should rather hold a ``Metrics`` per item and let compiled predicates read what they need.
    """
    metrics = Metrics(item, children, ctx, ancestors)
    return {name: metrics[name] for name in (METRICS if names is None else names)}


_Row = tuple[str, MetricType, str | None, Callable[[Metrics], Any], str]

# name, type, unit, computation, one-line description (full semantics: docs/metrics.md)
_CATALOGUE: dict[Category, tuple[_Row, ...]] = {
    "budget": (
        ("budget", "number", "currency", budget.budget, "The item's budget field (BAC when > 0)."),
        ("hours_logged", "number", "hours", budget.hours_logged, "Hours logged on the item and its children."),
        ("cost", "number", "currency", budget.cost, "Actual cost (AC): actual-cost field, else hours x rate."),
        ("burn_ratio", "ratio", None, budget.burn_ratio, "cost / budget."),
        ("budget_remaining", "number", "currency", budget.budget_remaining, "budget - cost."),
        ("planned_value", "number", "currency", budget.planned_value, "PV = budget x planned_elapsed_ratio."),
        ("earned_value", "number", "currency", budget.earned_value, "EV = budget x progress_ratio."),
        ("cpi", "number", None, budget.cpi, "Cost performance index: EV / AC."),
        ("spi", "number", None, budget.spi, "Schedule performance index: EV / PV."),
        ("eac", "number", "currency", budget.eac, "Estimate at completion: budget / CPI; AC once done."),
        ("eac_ratio", "ratio", None, budget.eac_ratio, "eac / budget."),
        ("vac", "number", "currency", budget.vac, "Variance at completion: budget - eac."),
        ("hours_after_done", "number", "hours", budget.hours_after_done, "Hours logged after resolution."),
    ),
    "schedule": (
        ("days_until_due", "integer", "days", schedule.days_until_due, "due_date - today (negative when past)."),
        ("days_overdue", "integer", "days", schedule.days_overdue, "Days past due while not done, else 0."),
        ("planned_elapsed_ratio", "ratio", None, schedule.planned_elapsed_ratio, "Share of start..due elapsed."),
        ("due_date_slips", "integer", None, schedule.due_date_slips, "Due-date changes to a later date."),
        ("days_since_update", "integer", "days", schedule.days_since_update, "Days since the last update."),
        ("days_in_status", "integer", "days", schedule.days_in_status, "Days in the current status."),
        ("age_days", "integer", "days", schedule.age_days, "Days since creation."),
    ),
    "progress": (
        ("children_total", "integer", None, deliverables.children_total, "Number of children."),
        ("children_done", "integer", None, deliverables.children_done, "Children in a done status."),
        ("children_open", "integer", None, deliverables.children_open, "Children not done."),
        ("story_points_total", "number", "points", deliverables.story_points_total, "Children's points."),
        ("story_points_done", "number", "points", deliverables.story_points_done, "Done children's points."),
        ("progress_ratio", "ratio", None, deliverables.progress_ratio, "Share done (points or count)."),
        ("progress_basis", "string", None, deliverables.progress_basis, "points, count or status."),
        ("all_children_done", "bool", None, deliverables.all_children_done, "Every child is done."),
    ),
    "alignment": (
        ("goal_ref", "string", None, goals.goal_ref, "The goal reference carried or inherited."),
        ("goal_id", "string", None, goals.goal_id, "The id of the known goal it names."),
        ("goal_name", "string", None, goals.goal_name, "That goal's name."),
        ("goal_known", "bool", None, goals.goal_known, "The reference names a goal of the strategy."),
        ("goal_active", "bool", None, goals.goal_active, "The linked goal is active."),
        ("goal_inherited", "bool", None, goals.goal_inherited, "The reference comes from an ancestor."),
        ("goal_period_end", "date", None, goals.goal_period_end, "The linked goal's period end."),
        ("goal_budget_envelope", "number", "currency", goals.goal_budget_envelope, "The goal's envelope."),
        ("goal_committed_budget", "number", "currency", goals.goal_committed_budget, "Its epics' budgets."),
        ("goal_envelope_ratio", "ratio", None, goals.goal_envelope_ratio, "committed / envelope."),
    ),
    "hygiene": (
        ("has_assignee", "bool", None, deliverables.has_assignee, "Someone is assigned."),
        ("has_description", "bool", None, deliverables.has_description, "The description is not blank."),
        ("has_acceptance_criteria", "bool", None, deliverables.has_acceptance_criteria, "AC field or marker."),
        ("is_stale", "bool", None, deliverables.is_stale, "Open and not updated for stale_after_days."),
    ),
}

METRICS: Mapping[str, MetricSpec] = {
    row[0]: MetricSpec(row[0], row[1], row[2], row[4], category)
    for category, rows in _CATALOGUE.items()
    for row in rows
}
_COMPUTE: dict[str, Callable[[Metrics], Any]] = {row[0]: row[3] for rows in _CATALOGUE.values() for row in rows}
