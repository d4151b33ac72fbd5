"""JQL date values: literals in the user's zone, relative periods and date functions from a fixed now."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from pmo_bot.sandbox.jql.dates import call_date_function, parse_absolute, parse_period, resolve_literal

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)  # a Saturday
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026/11/20 09:58", datetime(2026, 11, 20, 9, 58, tzinfo=BERLIN)),
        ("2026-11-20 09:58", datetime(2026, 11, 20, 9, 58, tzinfo=BERLIN)),
        ("2026/11/20", datetime(2026, 11, 20, tzinfo=BERLIN)),
        ("2026-11-20", datetime(2026, 11, 20, tzinfo=BERLIN)),
        ("2026-1-5", datetime(2026, 1, 5, tzinfo=BERLIN)),
    ],
)
def test_absolute_literals_are_read_in_the_zone(text: str, expected: datetime) -> None:
    parsed = parse_absolute(text, BERLIN)
    assert parsed == expected
    assert parsed is not None
    assert parsed.utcoffset() == timedelta(hours=1)


@pytest.mark.parametrize("text", ["2026-13-01", "2026-02-30", "2026/11-20", "20261120", "2026-11-20T09:58", "x"])
def test_not_absolute_literals(text: str) -> None:
    assert parse_absolute(text, UTC) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("-7d", timedelta(days=-7)),
        ("-2w", timedelta(weeks=-2)),
        ("-2w 3d", timedelta(days=-17)),
        ("-15m", timedelta(minutes=-15)),
        ("-1h", timedelta(hours=-1)),
        ("4d", timedelta(days=4)),
        ("+1w2d", timedelta(days=9)),
    ],
)
def test_periods(text: str, expected: timedelta) -> None:
    assert parse_period(text) == expected
    assert resolve_literal(text, NOW, BERLIN) == NOW + expected


@pytest.mark.parametrize("text", ["-7x", "7", "--7d", "d", "-7d-", ""])
def test_not_periods(text: str) -> None:
    assert parse_period(text) is None


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (("now", ()), datetime(2026, 11, 28, 13, 0, tzinfo=BERLIN)),
        (("startOfDay", ()), datetime(2026, 11, 28, tzinfo=BERLIN)),
        (("startOfDay", ("-1",)), datetime(2026, 11, 27, tzinfo=BERLIN)),
        (("endOfDay", ()), datetime(2026, 11, 28, 23, 59, 59, 999000, tzinfo=BERLIN)),
        (("startOfWeek", ()), datetime(2026, 11, 22, tzinfo=BERLIN)),
        (("endOfWeek", ()), datetime(2026, 11, 28, 23, 59, 59, 999000, tzinfo=BERLIN)),
        (("startOfMonth", ()), datetime(2026, 11, 1, tzinfo=BERLIN)),
        (("startOfMonth", ("-1",)), datetime(2026, 10, 1, tzinfo=BERLIN)),
        (("startOfMonth", ("+14d",)), datetime(2026, 11, 15, tzinfo=BERLIN)),
        (("endOfMonth", ()), datetime(2026, 11, 30, 23, 59, 59, 999000, tzinfo=BERLIN)),
        (("endOfMonth", ("-1",)), datetime(2026, 10, 31, 23, 59, 59, 999000, tzinfo=BERLIN)),
        (("startOfYear", ()), datetime(2026, 1, 1, tzinfo=BERLIN)),
        (("endOfYear", ("1y",)), datetime(2027, 12, 31, 23, 59, 59, 999000, tzinfo=BERLIN)),
        (("startOfDay", ("-1w",)), datetime(2026, 11, 21, tzinfo=BERLIN)),
    ],
)
def test_date_functions(call: tuple[str, tuple[str, ...]], expected: datetime) -> None:
    name, args = call
    assert call_date_function(name, args, NOW, BERLIN) == expected


def test_bad_increment_is_returned_for_the_error_message() -> None:
    assert call_date_function("startOfDay", ("soon",), NOW, BERLIN) == "soon"


def test_functions_across_dst_keep_local_midnight() -> None:
    # 2026-03-29 is the spring-forward day in Berlin.
    spring = datetime(2026, 3, 29, 12, 0, tzinfo=UTC)
    start = call_date_function("startOfDay", (), spring, BERLIN)
    end = call_date_function("endOfDay", (), spring, BERLIN)
    assert start == datetime(2026, 3, 29, tzinfo=BERLIN)
    assert isinstance(end, datetime)
    assert (end.hour, end.minute) == (23, 59)
    assert end.date() == spring.date()
