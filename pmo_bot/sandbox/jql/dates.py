"""Date operands of JQL: absolute literals, relative periods and the date functions, resolved to instants.

Absolute literals are read in the caller's time zone (Jira uses the user's profile zone) at minute precision.
Relative periods ("-7d", "-2w 3d", "4h") and functions are measured from a fixed ``now`` passed in, so a
compiled query is deterministic.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import datetime, timedelta, tzinfo

_ABSOLUTE = re.compile(r"(\d{4})([/-])(\d{1,2})\2(\d{1,2})(?:\s+(\d{1,2}):(\d{2}))?")
_PERIOD = re.compile(r"\s*([+-]?)\s*((?:\d+\s*[wdhm]\s*)+)")
_PERIOD_PART = re.compile(r"(\d+)\s*([wdhm])")
_INCREMENT = re.compile(r"([+-]?)(\d+)([yMwdhm]?)")
_UNIT_SECONDS = {"w": 604800, "d": 86400, "h": 3600, "m": 60}
# Jira's default (en_US) week starts on Sunday: Python weekday() 6.
WEEK_START = 6


def parse_absolute(text: str, tz: tzinfo) -> datetime | None:
    """``yyyy/MM/dd [HH:mm]`` or ``yyyy-MM-dd [HH:mm]`` in ``tz``; None if it is not such a literal."""
    match = _ABSOLUTE.fullmatch(text.strip())
    if not match:
        return None
    year, _, month, day, hour, minute = match.groups()
    try:
        return datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), tzinfo=tz)
    except ValueError:
        return None


def parse_period(text: str) -> timedelta | None:
    """A relative period such as ``-7d``, ``-2w 3d``, ``15m`` or ``4h``; None if it is not one."""
    match = _PERIOD.fullmatch(text)
    if not match:
        return None
    seconds = sum(int(n) * _UNIT_SECONDS[unit] for n, unit in _PERIOD_PART.findall(match.group(2)))
    return timedelta(seconds=-seconds if match.group(1) == "-" else seconds)


def resolve_literal(text: str, now: datetime, tz: tzinfo) -> datetime | None:
    """The instant a date literal denotes, or None when ``text`` is no valid date value."""
    absolute = parse_absolute(text, tz)
    if absolute is not None:
        return absolute
    period = parse_period(text)
    return None if period is None else now + period


def _add_months(moment: datetime, months: int) -> datetime:
    index = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def _shift(moment: datetime, amount: int, unit: str) -> datetime:
    if unit == "y":
        return _add_months(moment, 12 * amount)
    if unit == "M":
        return _add_months(moment, amount)
    return moment + timedelta(seconds=amount * _UNIT_SECONDS[unit])


def _start(moment: datetime, unit: str) -> datetime:
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    if unit == "w":
        return day - timedelta(days=(day.weekday() - WEEK_START) % 7)
    if unit == "M":
        return day.replace(day=1)
    if unit == "y":
        return day.replace(month=1, day=1)
    return day


def _end(moment: datetime, unit: str) -> datetime:
    following = _shift(_start(moment, unit), 1, unit)
    if unit in ("d", "w"):  # wall-clock arithmetic can drift an hour across DST; rebuild midnight
        following = following.replace(hour=0, minute=0, second=0, microsecond=0)
    return following - timedelta(milliseconds=1)


# JQL date function (lower case) -> (unit, start or end).
DATE_FUNCTIONS: dict[str, tuple[str, Callable[[datetime, str], datetime]]] = {
    "startofday": ("d", _start),
    "endofday": ("d", _end),
    "startofweek": ("w", _start),
    "endofweek": ("w", _end),
    "startofmonth": ("M", _start),
    "endofmonth": ("M", _end),
    "startofyear": ("y", _start),
    "endofyear": ("y", _end),
}


def call_date_function(name: str, args: tuple[str, ...], now: datetime, tz: tzinfo) -> datetime | str:
    """Evaluate ``now()``/``startOfDay(inc)``-style functions; a string return is the bad argument.

    The caller has checked the name and the argument count. An increment in the function's own unit moves
    the period ("startOfMonth(-1)" is the first of last month); any other unit is added after truncation
    ("startOfMonth(+14d)" is the 15th), as Atlassian documents.
    """
    local = now.astimezone(tz)
    key = name.lower()
    if key == "now":
        return local
    unit, edge = DATE_FUNCTIONS[key]
    if not args:
        return edge(local, unit)
    match = _INCREMENT.fullmatch(args[0].strip())
    if not match:
        return args[0]
    sign, digits, inc_unit = match.groups()
    amount = -int(digits) if sign == "-" else int(digits)
    inc_unit = inc_unit or unit
    if inc_unit == unit:
        return edge(_shift(local, amount, unit), unit)
    return _shift(edge(local, unit), amount, inc_unit)
