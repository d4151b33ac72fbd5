"""Build the fetch JQL: always bounded by projects, optionally by a watermark; values quoted safely."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

_BARE = re.compile(r"^[A-Z][A-Z0-9_]{0,63}$")


def quote(value: str) -> str:
    """A JQL string literal; backslashes and quotes escaped so a value can never change the query."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def project_clause(projects: Sequence[str]) -> str:
    values = ", ".join(p if _BARE.match(p) else quote(p) for p in sorted(set(projects)))
    return f"project in ({values})"


def jql_datetime(instant: datetime, time_zone: str) -> str:
    """JQL reads absolute times in the bot user's profile time zone, at minute precision."""
    try:
        zone = ZoneInfo(time_zone)
    except (KeyError, ValueError):
        zone = ZoneInfo("UTC")
    return instant.astimezone(zone).strftime("%Y/%m/%d %H:%M")


def fetch_jql(projects: Sequence[str], *, updated_since: str | None = None, narrow: str | None = None) -> str:
    """Ordered by key, which edits never change: Data Center pages by offset, and ordered by ``updated`` an
    issue edited mid-sync would jump to the end and shift the next page over an issue the sync then misses
    (and a full sync would mark deleted)."""
    clauses = [project_clause(projects)]
    if narrow:
        clauses.append(f"({narrow})")
    if updated_since:
        clauses.append(f'updated >= "{updated_since}"')
    return " AND ".join(clauses) + " ORDER BY key ASC"


def keys_jql(projects: Sequence[str]) -> str:
    return f"{project_clause(projects)} ORDER BY key ASC"
