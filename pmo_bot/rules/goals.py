"""Alignment: which strategic goal an item serves, and how much epic budget each goal has committed.

The link (``EvaluationContext.goal_link``) names a goal by id or name. An item without a link of its own
inherits its nearest ancestor's (a story serves its epic's goal); with a ``parent`` link the ancestor at the
configured hierarchy level *is* the goal, matched by its key or its summary. Ancestors come from the engine,
which alone sees every item (``ancestors_of``).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from pmo_bot.domain import Item
from pmo_bot.rules.context import EvaluationContext, Goal, GoalLink
from pmo_bot.rules.metricsource import MetricSource

MAX_DEPTH = 10  # hierarchy levels walked upwards; also stops parent cycles in odd data

Resolution = tuple[str | None, Goal | None, bool]  # (reference as written, known goal, inherited?)


def _text(value: object) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list | tuple):
        return next((t for t in (_text(v) for v in value) if t), None)  # multi-select: first value
    if value is None or isinstance(value, bool):
        return None
    return str(value)


def link_value(item: Item, link: GoalLink) -> str | None:
    """The goal reference the item itself carries under a ``field`` or ``label`` link."""
    if link.kind == "label":
        prefix = (link.label_prefix or "").casefold()
        for label in item.labels:
            if label.casefold().startswith(prefix) and len(label) > len(prefix):
                return label[len(prefix) :]
        return None
    if link.kind == "field":
        return _text(item.goal if link.field in (None, "goal") else item.extra.get(link.field))
    return None


def ancestors_of(item: Item, by_key: Mapping[str, Item]) -> tuple[Item, ...]:
    """Parents of ``item``, nearest first, as far as they are known."""
    chain: list[Item] = []
    seen = {item.key}
    key = item.parent_key
    while key is not None and key not in seen and len(chain) < MAX_DEPTH:
        parent = by_key.get(key)
        if parent is None:
            break
        chain.append(parent)
        seen.add(key)
        key = parent.parent_key
    return tuple(chain)


def resolve(item: Item, ancestors: Sequence[Item], ctx: EvaluationContext) -> Resolution:
    link = ctx.goal_link
    if link.kind == "parent":
        for carrier in (item, *ancestors):
            if carrier.hierarchy_level == link.parent_level:
                goal = ctx.find_goal(carrier.key) or ctx.find_goal(carrier.summary)
                return carrier.key, goal, carrier is not item
        return None, None, False
    for holder in (item, *ancestors):
        ref = link_value(holder, link)
        if ref is not None:
            return ref, ctx.find_goal(ref), holder is not item
    return None, None, False


def commitments(items: Iterable[Item], ctx: EvaluationContext) -> dict[str, float]:
    """Goal id -> the summed positive budgets of the epics (any status) linked to it."""
    pool = list(items)
    by_key = {item.key: item for item in pool}
    totals: dict[str, float] = {}
    for item in pool:
        amount = item.budget
        if not item.is_epic or amount is None or not math.isfinite(amount) or amount <= 0:
            continue
        goal = resolve(item, ancestors_of(item, by_key), ctx)[1]
        if goal is not None:
            totals[goal.id] = totals.get(goal.id, 0.0) + float(amount)
    return totals


def with_commitments(ctx: EvaluationContext, items: Iterable[Item]) -> EvaluationContext:
    """The context with ``goal_committed`` filled: the engine calls this once per run."""
    return dataclasses.replace(ctx, goal_committed=commitments(items, ctx))


def _resolution(m: MetricSource) -> Resolution:
    found: Resolution = m.memo("_goal", lambda s: resolve(s.item, s.ancestors, s.ctx))
    return found


def goal_ref(m: MetricSource) -> str | None:
    return _resolution(m)[0]


def goal_id(m: MetricSource) -> str | None:
    goal = _resolution(m)[1]
    return None if goal is None else goal.id


def goal_name(m: MetricSource) -> str | None:
    goal = _resolution(m)[1]
    return None if goal is None else goal.name


def goal_known(m: MetricSource) -> bool:
    return _resolution(m)[1] is not None


def goal_active(m: MetricSource) -> bool | None:
    goal = _resolution(m)[1]
    return None if goal is None else goal.active


def goal_inherited(m: MetricSource) -> bool:
    return _resolution(m)[2]


def goal_period_end(m: MetricSource) -> date | None:
    goal = _resolution(m)[1]
    return None if goal is None else goal.period_end


def goal_budget_envelope(m: MetricSource) -> float | None:
    goal = _resolution(m)[1]
    return None if goal is None else goal.budget_envelope


def goal_committed_budget(m: MetricSource) -> float | None:
    goal, committed = _resolution(m)[1], m.ctx.goal_committed
    return None if goal is None or committed is None else committed.get(goal.id, 0.0)


def goal_envelope_ratio(m: MetricSource) -> float | None:
    envelope, committed = goal_budget_envelope(m), goal_committed_budget(m)
    if envelope is None or committed is None or envelope <= 0:
        return None
    return committed / envelope
