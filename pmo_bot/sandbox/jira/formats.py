"""Jira's wire formats for instants, dates and durations."""

from __future__ import annotations

from datetime import UTC, date, datetime

# The site's working time, used by Jira's duration strings ("1w 2d 3h"): 8 h days, 5 d weeks by default.
_UNITS = (("w", 5 * 8 * 3600), ("d", 8 * 3600), ("h", 3600), ("m", 60))


def jira_time(value: datetime) -> str:
    """``2026-11-20T09:58:12.345+0000``: milliseconds and an offset without a colon, as Jira sends them."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    offset = value.utcoffset()
    minutes = int(offset.total_seconds()) // 60 if offset else 0
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    # f-strings rather than strftime: this runs for every timestamp of every search page.
    return (
        f"{value.year:04d}-{value.month:02d}-{value.day:02d}T{value.hour:02d}:{value.minute:02d}:"
        f"{value.second:02d}.{value.microsecond // 1000:03d}{sign}{hours:02d}{minutes:02d}"
    )


def jira_date(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def parse_jira_time(text: str) -> datetime:
    """Accepts Jira's own format and RFC 3339 (``Z`` or ``+00:00``)."""
    cleaned = text.strip().replace("Z", "+00:00")
    if len(cleaned) >= 5 and cleaned[-5] in "+-" and cleaned[-3] != ":":
        cleaned = cleaned[:-2] + ":" + cleaned[-2:]
    value = datetime.fromisoformat(cleaned)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def duration_text(seconds: int | None) -> str | None:
    """Seconds as Jira's duration string: ``3h 30m``, ``1w 2d``; ``0m`` for zero."""
    if seconds is None:
        return None
    parts = []
    remaining = seconds
    for unit, size in _UNITS:
        count, remaining = divmod(remaining, size)
        if count:
            parts.append(f"{count}{unit}")
    return " ".join(parts) or "0m"


def parse_duration(text: str) -> int:
    """``"2h 30m"`` -> 9000. Raises ``ValueError`` on anything else."""
    total = 0
    sizes = dict(_UNITS)
    tokens = text.split()
    if not tokens:
        raise ValueError("empty duration")
    for token in tokens:
        unit = token[-1].lower()
        if unit not in sizes or not token[:-1].replace(".", "", 1).isdigit():
            raise ValueError(f"bad duration {text!r}")
        total += round(float(token[:-1]) * sizes[unit])
    return total
