"""Synthetic portfolios of any size for benchmarks: the demo's shapes, with problems at realistic rates.

``generate(100_000)`` takes a few seconds. Memory stays small because texts come from shared pools (one string
object reused by many issues), empty tuples and label tuples are shared, and epics are built last from a few
running totals of their children. Dates are offsets from ``now`` (default: today, midnight UTC); with a fixed
``now`` the same ``issues`` and ``seed`` give equal data. About 2% of issues are epics, a few are initiatives,
about 8% are sub-tasks; the rest are stories, tasks and bugs, mostly under one of the project's recent epics.
"""

from __future__ import annotations

import math
import random
from bisect import bisect
from datetime import datetime, timedelta
from itertools import accumulate

from pmo_bot.sandbox.seed import catalogue as cat
from pmo_bot.sandbox.seed import names
from pmo_bot.sandbox.seed.confluence import spaces
from pmo_bot.sandbox.seed.lifecycle import as_of, resolution_for, status_changes, to_second
from pmo_bot.sandbox.seed.model import STATUSES, SeedData, SeedIssue, SeedProject, SeedUser, SeedWorklog
from pmo_bot.sandbox.seed.synthetic_epics import RATES, EpicTally, finish_epic
from pmo_bot.sandbox.seed.synthetic_text import TextPools

DAY = timedelta(days=1)
EPIC_SHARE = 0.02
SUBTASK_SHARE = 0.08
PROJECT_KEYS = (
    ("PAY", "Payments Platform"), ("MOB", "Mobile App"), ("DATA", "Data Warehouse"), ("OPS", "Cloud Operations"),
    ("CRM", "Customer Portal"), ("WEB", "Public Website"), ("API", "Partner API"), ("SEC", "Security Office"),
    ("FIN", "Finance Systems"), ("HR", "People Systems"), ("LOG", "Logistics"), ("ML", "Machine Learning"),
    ("INV", "Inventory"), ("SRCH", "Search"), ("AUTH", "Identity"), ("BILL", "Billing"),
)  # fmt: skip

# Status draws by age of the item: (statuses, cumulative weights).
_BY_AGE = tuple(
    (tuple(table), tuple(accumulate(table.values())))
    for table in (
        {"Done": 15, "In Progress": 30, "In Review": 5, "To Do": 35, "Backlog": 15},  # under 30 days
        {"Done": 55, "In Progress": 20, "In Review": 6, "Blocked": 4, "To Do": 10, "Backlog": 5},  # 30-120
        {"Done": 90, "Cancelled": 3, "In Progress": 4, "To Do": 3},  # older
    )
)
_RATES = {"stale": 0.08, "unassigned": 0.03, "no_criteria": 0.12, "worklogs": 0.3}


def project_count(issues: int) -> int:
    """About ten projects for 100k issues, growing with the square root of the size; at least one."""
    return max(1, round(math.sqrt(max(issues, 0)) / 32))


def generate(issues: int, seed: int = 1, now: datetime | None = None) -> SeedData:
    """``issues`` issues in total (epics and initiatives included), deterministic for ``seed`` and ``now``.

    ``now`` defaults to today at midnight UTC; every date is an offset from it, so a fixed ``now`` gives
    identical data on every run.
    """
    if issues < 0:
        raise ValueError(f"issues must be zero or more, not {issues}")
    moment = as_of(now)
    rng = random.Random(seed)
    count = project_count(issues)
    catalogue = [PROJECT_KEYS[i % len(PROJECT_KEYS)] for i in range(count)]
    keys = [(k if i < len(PROJECT_KEYS) else f"{k}{i // len(PROJECT_KEYS)}", n) for i, (k, n) in enumerate(catalogue)]
    teams = tuple(f"{name} Squad" for _, name in keys)
    users = _users(max(12, min(2000, issues // 200)), teams)
    members = {team: tuple(u.account_id for u in users if u.team == team) for team in teams}
    pools = TextPools(rng)
    sizes = [issues // count + (1 if i < issues % count else 0) for i in range(count)]
    projects, built = [], []
    for (key, name), team, size in zip(keys, teams, sizes, strict=True):
        projects.append(SeedProject(key, name, members[team][0]))
        built.extend(_Project(rng, moment, key, team, members[team], pools).build(size))
    return SeedData(
        users=users,
        projects=tuple(projects),
        goals=cat.GOALS,
        issues=tuple(built),
        spaces=spaces(moment),
        teams=teams,
        now=moment,
    )


def _users(count: int, teams: tuple[str, ...]) -> tuple[SeedUser, ...]:
    people = []
    for index in range(count - 1):
        first = names.FIRST_NAMES[index % len(names.FIRST_NAMES)]
        last = names.LAST_NAMES[(index // len(names.FIRST_NAMES)) % len(names.LAST_NAMES)]
        email = f"user{index:05d}@example.com"
        people.append(SeedUser(names.account_id(email), f"user{index:05d}", f"{first} {last}", email,
                               teams[index % len(teams)]))  # fmt: skip
    bot = SeedUser(names.account_id(names.BOT_EMAIL), names.BOT_NAME, names.BOT_DISPLAY_NAME, names.BOT_EMAIL)
    return (*people, bot)


class _Project:
    """One project's issues in key order: a stream of work items under a moving window of open epics.

    Times are whole seconds since ``origin`` (``now`` is ``span``) until an issue is built: integer arithmetic
    is what makes 100k issues quick.
    """

    def __init__(
        self, rng: random.Random, now: datetime, key: str, team: str, people: tuple[str, ...], pools: TextPools
    ) -> None:
        self.rng, self.now, self.key, self.team, self.people, self.pools = rng, now, key, team, people, pools
        self.span = 360 * 86400
        self.origin = now

    def at(self, second: int) -> datetime:
        return self.origin + timedelta(seconds=second)

    def build(self, size: int) -> list[SeedIssue]:
        if size == 0:
            return []
        rng, random_ = self.rng, self.rng.random
        epics = max(1, round(size * EPIC_SHARE))
        initiatives = min(size - epics, epics // 25)
        self.span = span = (720 if size > 2000 else 360) * 86400
        self.origin = self.now - timedelta(seconds=span)
        epic_at = {initiatives, *rng.sample(range(initiatives + 1, size), epics - 1)} if epics > 1 else {initiatives}
        issues: list[SeedIssue | None] = []
        open_epics: list[EpicTally] = []
        tallies: list[EpicTally] = []
        initiative_keys: list[str] = []
        stories: list[tuple[str, EpicTally | None]] = []  # recent stories: key, epic
        for index in range(size):
            key = f"{self.key}-{index + 1}"
            created = int((index + random_()) * span / size)
            if index < initiatives:
                issues.append(self._initiative(key, self.at(created)))
                initiative_keys.append(key)
            elif index in epic_at:
                parent = rng.choice(initiative_keys) if initiative_keys and random_() < 0.5 else None
                end = created + int(rng.uniform(60, 240) * 86400)
                closing = end < span - 14 * 86400 and random_() > RATES["left_with_work"]
                tally = EpicTally(index, key, created, parent, end, closing)
                open_epics = [*open_epics[-5:], tally]
                tallies.append(tally)
                issues.append(None)  # built once its children are known
            elif stories and random_() < SUBTASK_SHARE:
                story, story_epic = stories[int(random_() * len(stories))]
                item = self._item(key, created, "Sub-task", story, story_epic, counts=False)
                issues.append(item)
            else:
                kind = self.pools.kind()
                epic_of = None if random_() < 0.05 else open_epics[int(random_() * len(open_epics))]
                item = self._item(key, created, kind, epic_of.key if epic_of else None, epic_of, counts=True)
                issues.append(item)
                if kind == "Story":
                    stories = [*stories[-7:], (key, epic_of)]
        for tally in tallies:
            issues[tally.index] = finish_epic(tally, rng, self.origin, self.now, self.team, self.people, self.pools)
        return [issue for issue in issues if issue is not None]

    def _initiative(self, key: str, created: datetime) -> SeedIssue:
        owner = self.people[0]
        return SeedIssue(
            key=key, project=self.key, issue_type="Initiative", summary=self.pools.initiative(), status="In Progress",
            created=created, updated=to_second(max(created, self.now - self.rng.uniform(0, 5) * DAY)),
            reporter=owner, assignee=owner, team=self.team, goal=cat.GOALS[self.rng.randrange(3)].name,
            start_date=created.date(), due_date=(self.now + self.rng.randint(60, 400) * DAY).date(),
            history=status_changes("In Progress", owner, created + DAY, None),
        )  # fmt: skip

    def _status(self, created: int, tally: EpicTally | None) -> str:
        random_ = self.rng.random
        if tally is not None and tally.closing:
            return "Cancelled" if random_() < 0.03 else "Done"
        age = (self.span - created) // 86400
        statuses, weights = _BY_AGE[0 if age < 30 else 1 if age < 120 else 2]
        return statuses[bisect(weights, random_() * weights[-1])]

    def _item(
        self, key: str, created: int, kind: str, parent: str | None, tally: EpicTally | None, *, counts: bool
    ) -> SeedIssue:
        """A work item; ``counts`` says whether it counts towards its epic's progress (sub-tasks only cost)."""
        random_, span, people = self.rng.random, self.span, self.people
        status = self._status(created, tally if counts else None)
        assignee: str | None = people[int(random_() * len(people))]
        started = finished = resolved = None
        category = STATUSES[status]
        if category == "done":
            limit = min(span, tally.end) if tally is not None and tally.closing and counts else span
            resolved = created + int(max(limit - created, 3600) * (0.05 + 0.85 * random_()))
            resolved = finished = min(resolved, span)
            started = created + (resolved - created) * 3 // 10
            updated = min(span, resolved + int(random_() * 2 * 86400))
        elif category == "indeterminate":
            age = (span - created) // 86400
            if age > 45 and random_() < _RATES["stale"]:
                updated = span - int((31 + random_() * (min(age, 150) - 31)) * 86400)
                started = (created + updated) // 2
            else:
                started = max(created, span - int((1 + random_() * 27) * 86400))
                updated = max(started, span - int(random_() * 10 * 86400))
            if status != "In Progress":
                finished = (started + updated) // 2
            if random_() < _RATES["unassigned"]:
                assignee = None
        else:
            updated = min(span, created + int(random_() * 5 * 86400))
            if random_() < 0.4:
                assignee = None
        worklogs: tuple[SeedWorklog, ...] = ()
        logged = 0
        if started is not None and status != "Cancelled" and random_() < _RATES["worklogs"]:
            logged = (1 + int(random_() * 16)) * 1800
            when = started + int((updated - started) * random_())
            worklogs = (SeedWorklog(assignee or people[0], self.at(when), logged),)
        if tally is not None:
            tally.add(status if counts else None, resolved, started is not None, logged)
        points = self.pools.points(kind)
        estimate = int(points * 21600) if points else None
        at = self.at
        made, begun = at(created), None if started is None else at(started)
        closed = None if resolved is None else at(resolved)
        ended = closed if finished == resolved else at(finished) if finished is not None else None
        return SeedIssue(
            key=key, project=self.key, issue_type=kind, summary=self.pools.summary(kind), status=status,
            created=made, updated=at(updated), reporter=people[int(random_() * len(people))],
            description=self.pools.description(kind, random_() < _RATES["no_criteria"]), assignee=assignee,
            priority=self.pools.priority(), labels=self.pools.labels(), parent=parent, story_points=points,
            team=self.team, original_estimate_seconds=estimate,
            remaining_estimate_seconds=None if estimate is None else 0 if resolved else max(0, estimate - logged),
            resolution=resolution_for(status), resolved=closed, worklogs=worklogs,
            history=status_changes(status, assignee or people[0], begun, ended, review=False),
        )  # fmt: skip
