"""Synthetic epics: built after their children, from running totals, with PMO problems at realistic rates.

An epic's status follows its children (all done: usually closed; any started: in progress); its budget is set
against the time its children logged, so over-budget and missing-budget epics appear at the rates below.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from pmo_bot.sandbox.seed import catalogue as cat
from pmo_bot.sandbox.seed.lifecycle import (
    RESOLUTIONS,
    due_date_slips,
    is_done,
    status_changes,
    to_second,
)
from pmo_bot.sandbox.seed.model import SeedChange, SeedIssue, SeedWorklog
from pmo_bot.sandbox.seed.synthetic_text import TextPools

DAY = timedelta(days=1)
RATE_PER_HOUR = 100
# Shares of epics with each problem (among those the problem can apply to).
RATES = {
    "left_with_work": 0.08,  # past its planned end, work still open (overdue)
    "left_open": 0.1,  # all children done, epic still open
    "over_budget": 0.1,
    "no_budget": 0.07,
    "no_goal": 0.08,
    "retired_goal": 0.05,
    "no_owner": 0.04,
    "no_due_date": 0.05,
    "no_start_date": 0.05,
    "stale": 0.06,
    "time_after_close": 0.03,
}
_SLIPS, _SLIP_WEIGHTS = (0, 1, 2, 3, 4), (60, 20, 12, 5, 3)
_ACTIVE_GOALS = tuple(goal.name for goal in cat.GOALS if goal.status == "active")
_RETIRED_GOALS = tuple(goal.name for goal in cat.GOALS if goal.status == "retired")


class EpicTally:
    """What an epic needs to know about its children, gathered while they stream past.

    Instants are whole seconds on the generator's clock (seconds since its origin).
    """

    __slots__ = (
        "children", "closing", "created", "done", "end", "index", "key", "last_resolved", "parent", "seconds",
        "started",
    )  # fmt: skip

    def __init__(self, index: int, key: str, created: int, parent: str | None, end: int, closing: bool) -> None:
        self.index, self.key, self.created, self.parent = index, key, created, parent
        self.end, self.closing = end, closing  # planned end; closing: all its work is finished by then
        self.children = self.done = self.seconds = 0
        self.started = False
        self.last_resolved = created

    def add(self, status: str | None, resolved: int | None, started: bool, seconds: int) -> None:
        """Count a child; a sub-task (``status`` None) adds cost only."""
        self.seconds += seconds
        if status is None:
            return
        self.children += 1
        self.done += is_done(status)
        self.started = self.started or started
        if resolved is not None and resolved > self.last_resolved:
            self.last_resolved = resolved


def finish_epic(
    tally: EpicTally,
    rng: random.Random,
    origin: datetime,
    now: datetime,
    team: str,
    people: tuple[str, ...],
    pools: TextPools,
) -> SeedIssue:
    created, chance = origin + timedelta(seconds=tally.created), rng.random
    status = _status(tally, rng)
    resolved = started = None
    if status == "Done":
        last = origin + timedelta(seconds=tally.last_resolved)
        resolved = to_second(min(now, last + rng.uniform(0.5, 10) * DAY))
    if status != "To Do":
        end = resolved or now
        started = min(created + rng.uniform(2, 10) * DAY, created + (end - created) / 2)
    owner = None if chance() < RATES["no_owner"] else people[rng.randrange(len(people))]
    actor = owner or people[0]
    history = list(status_changes(status, actor, started, resolved, review=False))
    planned = origin + timedelta(seconds=tally.end)
    due = planned if resolved or chance() >= RATES["no_due_date"] else None
    last_at = resolved or now - DAY
    slips = rng.choices(_SLIPS, _SLIP_WEIGHTS)[0]
    if due is not None and slips and last_at > created + 2 * DAY:
        history += due_date_slips(rng, due, slips, actor, first_at=created + DAY, last_at=last_at)
        history.sort(key=lambda change: change.at)
    worklogs: tuple[SeedWorklog, ...] = ()
    if resolved is not None and resolved + 2 * DAY < now and chance() < RATES["time_after_close"]:
        worklogs = (SeedWorklog(actor, to_second(resolved + DAY), rng.randint(2, 16) * 1800),)
    summary, description = pools.epic()
    return SeedIssue(
        key=tally.key, project=tally.key.rsplit("-", 1)[0], issue_type="Epic", summary=summary, status=status,
        created=created, updated=_updated(status, created, history, worklogs, rng, now), reporter=people[0],
        description=description, assignee=owner, parent=tally.parent, epic_name=summary,
        due_date=due.date() if due else None, start_date=_start(created, started, resolved is not None, rng),
        budget=_budget(tally, rng),
        team=team, goal=_goal(rng), resolution=RESOLUTIONS.get(status), resolved=resolved, worklogs=worklogs,
        history=tuple(history),
    )  # fmt: skip


def _status(tally: EpicTally, rng: random.Random) -> str:
    if tally.children and tally.done == tally.children:
        return "In Progress" if rng.random() < RATES["left_open"] else "Done"
    return "In Progress" if tally.started else "To Do"


def _start(created: datetime, started: datetime | None, done: bool, rng: random.Random) -> date | None:
    if not done and rng.random() < RATES["no_start_date"]:
        return None
    return (started or created + rng.randint(2, 10) * DAY).date()


def _budget(tally: EpicTally, rng: random.Random) -> float | None:
    if tally.started and rng.random() < RATES["no_budget"]:
        return None
    cost = tally.seconds / 3600 * RATE_PER_HOUR
    if cost and rng.random() < RATES["over_budget"]:
        return float(round(cost * rng.uniform(0.6, 0.95), -2) or 100)
    return float(round(max(cost, 2000) * rng.uniform(1.3, 3.0), -2))


def _goal(rng: random.Random) -> str | None:
    draw = rng.random()
    if draw < RATES["no_goal"]:
        return None
    if draw < RATES["no_goal"] + RATES["retired_goal"]:
        return _RETIRED_GOALS[0]
    return rng.choice(_ACTIVE_GOALS)


def _updated(
    status: str,
    created: datetime,
    history: list[SeedChange],
    worklogs: tuple[SeedWorklog, ...],
    rng: random.Random,
    now: datetime,
) -> datetime:
    last = max([created, *(c.at for c in history), *(w.started for w in worklogs)])
    if status == "In Progress":
        quiet = rng.uniform(31, 100) if rng.random() < RATES["stale"] else rng.uniform(0, 10)
        last = max(last, now - quiet * DAY)
    else:
        last += rng.uniform(0, 2) * DAY
    return to_second(min(last, now))
