"""How a work item lives: status transitions, resolutions and logged time, shared by both generators.

Pure functions of their arguments (randomness comes in as a ``random.Random``); every instant they return lies
inside the window they were given, so generators can keep ``created <= history/worklogs <= updated <= now``.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from pmo_bot.sandbox.seed.model import STATUSES, SeedChange, SeedWorklog

HALF_HOUR = 1800
INITIAL_STATUS = "To Do"

# Resolution each done status gets; every other status has none.
RESOLUTIONS: dict[str, str] = {"Done": "Done", "Cancelled": "Won't Do"}


def as_of(now: datetime | None) -> datetime:
    """The instant data is generated "as of": ``now`` in UTC, or today at midnight UTC (so a demo looks current)."""
    if now is None:
        return datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)


def to_second(moment: datetime) -> datetime:
    """Instants are kept to whole seconds; flooring keeps every ``a <= b`` between them true."""
    return moment.replace(microsecond=0) if moment.microsecond else moment


def is_done(status: str) -> bool:
    return STATUSES[status] == "done"


def is_in_progress(status: str) -> bool:
    return STATUSES[status] == "indeterminate"


def resolution_for(status: str) -> str | None:
    return RESOLUTIONS.get(status)


def status_changes(
    status: str, author: str, started: datetime | None, finished: datetime | None, *, review: bool = True
) -> tuple[SeedChange, ...]:
    """The status transitions that lead from ``To Do`` to ``status``.

    ``started`` is when work began (needed for in-progress and done statuses except Cancelled); ``finished`` is
    when the final status was entered (done statuses, and In Review / Blocked). Backlog items were created there.
    With ``review``, work passes through In Review on its way to Done.
    """
    if status in (INITIAL_STATUS, "Backlog"):
        return ()
    started = to_second(started) if started else None
    finished = to_second(finished) if finished else None
    if status == "Cancelled":
        assert finished is not None
        return (SeedChange(finished, author, "status", INITIAL_STATUS, "Cancelled"),)
    assert started is not None
    begin = SeedChange(started, author, "status", INITIAL_STATUS, "In Progress")
    if status == "In Progress":
        return (begin,)
    assert finished is not None
    if status == "Done" and not review:
        return (begin, SeedChange(finished, author, "status", "In Progress", "Done"))
    if status == "Done":
        review_at = to_second(started + (finished - started) * 2 / 3)
        return (
            begin,
            SeedChange(review_at, author, "status", "In Progress", "In Review"),
            SeedChange(finished, author, "status", "In Review", "Done"),
        )
    return (begin, SeedChange(finished, author, "status", "In Progress", status))


def due_date_slips(
    rng: random.Random, due: datetime, count: int, author: str, *, first_at: datetime, last_at: datetime
) -> tuple[SeedChange, ...]:
    """``count`` changes of ``duedate`` (each a later date) ending at ``due``, made between the two instants.

    The date entered at creation is not a change: Jira records only edits in the changelog.
    """
    dates = [due]
    for _ in range(count):
        dates.append(dates[-1] - timedelta(days=rng.randint(10, 40)))
    dates.reverse()  # dates[0] is the original plan, dates[-1] == due
    span = (last_at - first_at) / (count + 1)
    return tuple(
        SeedChange(
            to_second(first_at + span * (index + 1)), author, "duedate", _day(dates[index]), _day(dates[index + 1])
        )
        for index in range(count)
    )


def _day(moment: datetime) -> str:
    return moment.date().isoformat()


def split_worklogs(
    rng: random.Random, seconds: int, start: datetime, end: datetime, authors: tuple[str, ...]
) -> tuple[SeedWorklog, ...]:
    """Split ``seconds`` of work into entries of half an hour to a day, started between ``start`` and ``end``.

    The total is rounded down to whole half hours. The first author is the main one (the assignee); others
    appear now and then. Entries are sorted by start.
    """
    if seconds <= 0 or end <= start:
        return ()
    window = int((end - start).total_seconds())
    entries: list[SeedWorklog] = []
    left = seconds - seconds % HALF_HOUR
    while left > 0:
        chunk = min(left, rng.randint(2, 16) * HALF_HOUR)
        left -= chunk
        author = authors[0] if len(authors) == 1 or rng.random() < 0.7 else rng.choice(authors[1:])
        started = start + timedelta(seconds=rng.randrange(window))
        entries.append(SeedWorklog(author, started.replace(second=0, microsecond=0), chunk))
    entries.sort(key=lambda entry: entry.started)
    # Truncating seconds may move an entry before ``start``; keep the window promise.
    floor = to_second(start)
    return tuple(e if e.started >= floor else SeedWorklog(e.author, floor, e.seconds) for e in entries)
