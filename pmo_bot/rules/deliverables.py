"""Progress metrics (rolled up from children) and ticket hygiene metrics.

``progress_ratio``, exactly (also in ``docs/metrics.md``):

- no children: 1.0 when the item is done, else 0.0 (basis ``status``);
- at least half the children carry an estimate (story points >= 0) and the estimates sum to more than 0:
  done points / all points, where each unestimated child counts as the mean estimate (basis ``points``);
- otherwise: done children / all children (basis ``count``).

"Done" is Jira's done status category, whatever the status is called (so Cancelled counts as done).
"""

from __future__ import annotations

import math

from pmo_bot.domain import Item
from pmo_bot.rules.metricsource import MetricSource

POINTS_COVERAGE = 0.5  # share of children that must be estimated for points-based progress
ACCEPTANCE_FIELD = "acceptance_criteria"  # Item.extra key of a dedicated acceptance-criteria field


def _points(item: Item) -> float | None:
    points = item.story_points
    if points is None or not math.isfinite(points) or points < 0:
        return None
    return float(points)


def children_total(m: MetricSource) -> int:
    return len(m.children)


def children_done(m: MetricSource) -> int:
    return sum(1 for child in m.children if child.is_done)


def children_open(m: MetricSource) -> int:
    return len(m.children) - children_done(m)


def story_points_total(m: MetricSource) -> float | None:
    if not m.children:
        return None
    return sum(p for p in (_points(c) for c in m.children) if p is not None)


def story_points_done(m: MetricSource) -> float | None:
    if not m.children:
        return None
    return sum(p for p in (_points(c) for c in m.children if c.is_done) if p is not None)


def _progress(m: MetricSource) -> tuple[float, str]:
    children = m.children
    if not children:
        return (1.0 if m.item.is_done else 0.0), "status"
    estimated = total = done = 0.0
    unestimated = unestimated_done = 0
    for child in children:
        points = _points(child)
        if points is None:
            unestimated += 1
            unestimated_done += child.is_done
        else:
            estimated += 1
            total += points
            done += points if child.is_done else 0.0
    if estimated >= POINTS_COVERAGE * len(children) and total > 0:
        mean = total / estimated
        return (done + mean * unestimated_done) / (total + mean * unestimated), "points"
    return children_done(m) / len(children), "count"


def progress_ratio(m: MetricSource) -> float:
    ratio: float = m.memo("_progress", _progress)[0]
    return ratio


def progress_basis(m: MetricSource) -> str:
    basis: str = m.memo("_progress", _progress)[1]
    return basis


def all_children_done(m: MetricSource) -> bool | None:
    if not m.children:
        return None
    return all(child.is_done for child in m.children)


def _has_text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def has_assignee(m: MetricSource) -> bool:
    return _has_text(m.item.assignee)


def has_description(m: MetricSource) -> bool:
    return _has_text(m.item.description)


def has_acceptance_criteria(m: MetricSource) -> bool:
    """A filled acceptance-criteria field, or a configured marker anywhere in the description (any case)."""
    if _has_text(m.item.extra.get(ACCEPTANCE_FIELD)):
        return True
    text = m.item.description
    if not text:
        return False
    text = text.casefold()
    return any(marker in text for marker in m.ctx.folded_markers)


def is_stale(m: MetricSource) -> bool | None:
    if m.item.is_done:
        return False
    days = m["days_since_update"]
    return None if days is None else days > m.ctx.stale_after_days
