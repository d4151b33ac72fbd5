"""Schedule metrics: due dates, planned duration, slips and ages, in whole days.

Instants (``updated``, ``created``, ``status_changed``) are turned into dates in the context's time zone
before subtracting, so "updated yesterday evening in Sydney" counts the same wherever the bot runs. A naive
instant is read as UTC. Ages never go below 0 (clock skew can put ``updated`` a little in the future).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo

from pmo_bot.rules.metricsource import MetricSource

DUE_DATE_FIELDS = frozenset({"duedate", "due date"})  # Jira's changelog names for the due date


def aware(instant: datetime) -> datetime:
    return instant if instant.tzinfo is not None else instant.replace(tzinfo=UTC)


def local_date(instant: datetime, tz: tzinfo) -> date:
    return aware(instant).astimezone(tz).date()


def parse_change_date(value: str | None) -> date | None:
    """A changelog date value: ``2026-03-01``, ``2026-03-01 00:00:00.0`` or an ISO instant; else ``None``."""
    if not value or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _days_since(m: MetricSource, instant: datetime | None) -> int | None:
    if instant is None:
        return None
    return max(0, (m.ctx.today - local_date(instant, m.ctx.tz)).days)


def days_until_due(m: MetricSource) -> int | None:
    due = m.item.due_date
    return None if due is None else (due - m.ctx.today).days


def days_overdue(m: MetricSource) -> int | None:
    due = m.item.due_date
    if due is None:
        return None
    if m.item.is_done:
        return 0
    return max(0, (m.ctx.today - due).days)


def planned_elapsed_ratio(m: MetricSource) -> float | None:
    start, due = m.item.start_date, m.item.due_date
    if start is None or due is None or due < start:
        return None
    today = m.ctx.today
    if due == start:
        return 1.0 if today >= due else 0.0
    ratio = (today - start).days / (due - start).days
    return min(1.0, max(0.0, ratio))


def due_date_slips(m: MetricSource) -> int:
    """Due-date changes to a later date. Setting a first date, clearing it or pulling it in is no slip."""
    slips = 0
    for change in m.item.changelog:
        if change.field.casefold() not in DUE_DATE_FIELDS:
            continue
        before, after = parse_change_date(change.from_value), parse_change_date(change.to_value)
        if before is not None and after is not None and after > before:
            slips += 1
    return slips


def days_since_update(m: MetricSource) -> int | None:
    """Since a person last changed the issue (``last_activity``: the bot's own writes move ``updated`` and must
    not make a stale issue look active); ``updated`` where activity is unknown."""
    return _days_since(m, m.item.last_activity or m.item.updated)


def days_in_status(m: MetricSource) -> int | None:
    """Since ``status_changed``; else the last status change in the changelog; else since creation."""
    item = m.item
    entered = item.status_changed
    if entered is None:
        changes = [c.at for c in item.changelog if c.field.casefold() == "status"]
        entered = max(changes, key=aware) if changes else item.created
    return _days_since(m, entered)


def age_days(m: MetricSource) -> int | None:
    return _days_since(m, m.item.created)
