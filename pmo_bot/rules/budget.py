"""Budget metrics: logged hours, cost and earned value (see ``docs/metrics.md`` for the formulas).

BAC (budget at completion) is the item's budget when it is a positive number; every earned-value figure is
``None`` without it. Labour cost uses the rate card's most specific rate for each issue (team, project,
default), so a child of another team is costed at its own team's rate.
"""

from __future__ import annotations

import math

from pmo_bot.domain import Item
from pmo_bot.rules.context import RateCard
from pmo_bot.rules.metricsource import MetricSource
from pmo_bot.rules.schedule import aware

SECONDS_PER_HOUR = 3600.0


def _number(value: float | None) -> float | None:
    return float(value) if value is not None and math.isfinite(value) else None


def own_seconds(item: Item) -> int:
    """Seconds logged on the issue itself. Worklogs and ``timespent`` describe the same time, so they are
    never added: the larger wins (search results embed at most 20 worklogs). Negative entries count as 0."""
    spent = item.time_spent_seconds or 0
    if item.worklogs:  # a plain loop: this runs for every child of every epic
        logged = 0
        for worklog in item.worklogs:
            if worklog.seconds > 0:
                logged += worklog.seconds
        if logged > spent:
            return logged
    return spent if spent > 0 else 0


def item_cost(item: Item, rates: RateCard) -> float:
    """One issue's own cost: its actual-cost field when set, else its own hours at its rate."""
    actual = item.actual_cost
    if actual is not None and math.isfinite(actual):
        return float(actual)
    return labour_cost(item, rates)


def labour_cost(item: Item, rates: RateCard) -> float:
    return own_seconds(item) / SECONDS_PER_HOUR * rates.rate_for(item)


def budget(m: MetricSource) -> float | None:
    return _number(m.item.budget)


def bac(m: MetricSource) -> float | None:
    value = _number(m.item.budget)
    return value if value is not None and value > 0 else None


def hours_logged(m: MetricSource) -> float:
    return (own_seconds(m.item) + sum(own_seconds(c) for c in m.children)) / SECONDS_PER_HOUR


def cost(m: MetricSource) -> float:
    """An item's actual-cost field is its whole cost (children included); else own labour plus children."""
    actual = _number(m.item.actual_cost)
    if actual is not None:
        return actual
    rates = m.ctx.rates
    total = labour_cost(m.item, rates)
    for child in m.children:
        total += item_cost(child, rates)
    return total


def burn_ratio(m: MetricSource) -> float | None:
    total = bac(m)
    return None if total is None else m["cost"] / total


def budget_remaining(m: MetricSource) -> float | None:
    total = budget(m)
    return None if total is None else total - m["cost"]


def planned_value(m: MetricSource) -> float | None:
    total, elapsed = bac(m), m["planned_elapsed_ratio"]
    return None if total is None or elapsed is None else total * elapsed


def earned_value(m: MetricSource) -> float | None:
    total, progress = bac(m), m["progress_ratio"]
    return None if total is None or progress is None else total * progress


def cpi(m: MetricSource) -> float | None:
    earned, actual = m["earned_value"], m["cost"]
    return None if earned is None or actual is None or actual <= 0 else earned / actual


def spi(m: MetricSource) -> float | None:
    earned, planned = m["earned_value"], m["planned_value"]
    return None if earned is None or planned is None or planned <= 0 else earned / planned


def eac(m: MetricSource) -> float | None:
    """BAC / CPI while open (the current cost efficiency holds to the end); AC once done."""
    total = bac(m)
    if total is None:
        return None
    if m.item.is_done:
        return float(m["cost"])
    index = m["cpi"]
    return None if index is None or index <= 0 else total / index


def eac_ratio(m: MetricSource) -> float | None:
    total, forecast = bac(m), m["eac"]
    return None if total is None or forecast is None else forecast / total


def vac(m: MetricSource) -> float | None:
    total, forecast = bac(m), m["eac"]
    return None if total is None or forecast is None else total - forecast


def hours_after_done(m: MetricSource) -> float | None:
    """Worklog hours started after the item was resolved (``resolved``, else when it entered its status)."""
    item = m.item
    closed = item.resolved or item.status_changed
    if not item.is_done or closed is None:
        return None
    since = aware(closed)
    seconds = sum(
        w.seconds for issue in (item, *m.children) for w in issue.worklogs if w.seconds > 0 and aware(w.started) > since
    )
    return seconds / SECONDS_PER_HOUR
