"""The demo portfolio: five projects, four strategic goals (one retired), 40 epics, about 600 stories, tasks,
bugs and sub-tasks, with time logged over months and deliberate PMO problems next to plenty of healthy work.

Dates are offsets from ``now`` (default: today, midnight UTC, so the demo always looks current); passing a
fixed ``now`` gives identical data on every run. The seed varies names, people, points, budgets and time
logged; which keys carry which problem is the same for every seed and every ``now``:

====================================  ==============================================================
problem                               keys
====================================  ==============================================================
burning-faster-than-progress          PAY-18, CRM-17
children-done-epic-open               MOB-36, OPS-22
due-date-slipped-3-times              PAY-27, OPS-21, CRM-11
epic-under-retired-goal               PAY-126, MOB-13
epic-without-goal                     MOB-54, CRM-104
hostile-text                          PAY-52, PAY-79, MOB-34, MOB-36, MOB-118, DATA-53, OPS-111, CRM-54, CRM-114
no-budget-in-progress                 MOB-18, OPS-49
no-due-date                           MOB-54, DATA-45, CRM-13
no-owner                              OPS-111, CRM-1, CRM-104
no-start-date                         MOB-118, DATA-45
over-budget                           PAY-45, DATA-33, CRM-28
overdue                               PAY-27, DATA-40, CRM-28
stale-in-progress                     MOB-20, MOB-78, DATA-26, OPS-70, CRM-11
story-without-acceptance-criteria     PAY-108, MOB-122, DATA-50, DATA-105, CRM-97, CRM-109
time-logged-on-closed-epic            PAY-4, DATA-1
unassigned-in-progress                MOB-131, DATA-119, OPS-71, CRM-1
====================================  ==============================================================

Costs are hours logged on an epic and everything below it at 100 per hour. "Burning faster than progress"
means the share of budget spent exceeds the share of children done by a wide margin while still within
budget. Stale means in progress and not updated for more than 30 days. Healthy epics stay clear of every
line above; the goal of an epic is the option value of "Strategic Goal", e.g. ``G1 Grow digital revenue``.
"""

from __future__ import annotations

import random
from datetime import datetime

from pmo_bot.sandbox.seed import catalogue as cat
from pmo_bot.sandbox.seed import names
from pmo_bot.sandbox.seed.confluence import spaces
from pmo_bot.sandbox.seed.lifecycle import (
    as_of,
    due_date_slips,
    is_done,
    resolution_for,
    split_worklogs,
    status_changes,
    to_second,
)
from pmo_bot.sandbox.seed.model import SeedData, SeedIssue, SeedProject, SeedUser, SeedWorklog
from pmo_bot.sandbox.seed.timeline import DAY, HOUR, Draft, Layout

RATE_PER_HOUR = 100
LABELS = ("backend", "frontend", "tech-debt", "security", "customer-reported", "quick-win")

# The table above as data: problem code -> keys (a test keeps the two and the generated data in step).
PROBLEMS: dict[str, tuple[str, ...]] = {
    "burning-faster-than-progress": ("PAY-18", "CRM-17"),
    "children-done-epic-open": ("MOB-36", "OPS-22"),
    "due-date-slipped-3-times": ("PAY-27", "OPS-21", "CRM-11"),
    "epic-under-retired-goal": ("PAY-126", "MOB-13"),
    "epic-without-goal": ("MOB-54", "CRM-104"),
    "hostile-text": ("PAY-52", "PAY-79", "MOB-34", "MOB-36", "MOB-118", "DATA-53", "OPS-111", "CRM-54", "CRM-114"),
    "no-budget-in-progress": ("MOB-18", "OPS-49"),
    "no-due-date": ("MOB-54", "DATA-45", "CRM-13"),
    "no-owner": ("OPS-111", "CRM-1", "CRM-104"),
    "no-start-date": ("MOB-118", "DATA-45"),
    "over-budget": ("PAY-45", "DATA-33", "CRM-28"),
    "overdue": ("PAY-27", "DATA-40", "CRM-28"),
    "stale-in-progress": ("MOB-20", "MOB-78", "DATA-26", "OPS-70", "CRM-11"),
    "story-without-acceptance-criteria": ("PAY-108", "MOB-122", "DATA-50", "DATA-105", "CRM-97", "CRM-109"),
    "time-logged-on-closed-epic": ("PAY-4", "DATA-1"),
    "unassigned-in-progress": ("MOB-131", "DATA-119", "OPS-71", "CRM-1"),
}


def users() -> tuple[SeedUser, ...]:
    people = [*cat.PEOPLE, cat.BOT]
    return tuple(
        SeedUser(names.account_id(f"{local}@example.com"), username, display, f"{local}@example.com", team)
        for display, local, username, team in people
    )


def generate(seed: int = 1, now: datetime | None = None) -> SeedData:
    """The demo portfolio for ``seed`` as of ``now``; the same arguments always give equal data.

    ``now`` defaults to today at midnight UTC so the demo looks current; every date is an offset from it, so a
    caller passing a fixed ``now`` gets identical data on every run.
    """
    moment = as_of(now)
    everyone = users()
    rng, layout = random.Random(seed), Layout(moment)
    projects, issues = [], []
    for plan in cat.PROJECTS:
        team = tuple(user.account_id for user in everyone if user.team == plan.team)
        projects.append(SeedProject(plan.key, plan.name, team[0]))
        filler = _Filler(rng, moment, team, everyone[0].account_id)
        issues.extend(filler.build(plan, layout.project(plan)))
    return SeedData(
        users=everyone,
        projects=tuple(projects),
        goals=cat.GOALS,
        issues=tuple(issues),
        spaces=spaces(moment),
        teams=cat.TEAMS,
        now=moment,
    )


class _Filler:
    """Content for one project's drafts: words, people, points, budgets and logged time, from the seed."""

    def __init__(self, rng: random.Random, now: datetime, team: tuple[str, ...], pmo: str) -> None:
        self.rng, self.now, self.team, self.pmo = rng, now, team, pmo
        self.assignee: dict[int, str | None] = {}
        self.points: dict[int, float | None] = {}
        self.logged: dict[int, tuple[SeedWorklog, ...]] = {}
        self.budget: dict[int, float | None] = {}

    def build(self, plan: cat.ProjectPlan, drafts: list[Draft]) -> list[SeedIssue]:
        objects = names.OBJECTS[plan.key]
        for draft in drafts:
            self.assignee[id(draft)] = self._assignee(draft)
            self.points[id(draft)] = self._points(draft.issue_type)
        for draft in drafts:
            if draft.issue_type == "Epic":
                self._cost(draft)
        return [self._issue(draft, plan, objects) for draft in drafts]

    def _assignee(self, draft: Draft) -> str | None:
        if draft.initiative is not None:
            return self.team[0] if draft.initiative.owned else None
        if draft.epic is not None:
            return None if cat.NO_OWNER in draft.epic.problems else self.team[0]
        if draft.unassigned or (draft.status in ("To Do", "Backlog") and self.rng.random() < 0.4):
            return None
        if draft.parent is not None and draft.parent.issue_type != "Epic" and self.rng.random() < 0.7:
            return self.assignee[id(draft.parent)] or self.rng.choice(self.team)
        return self.rng.choice(self.team)

    def _points(self, issue_type: str) -> float | None:
        if issue_type == "Story":
            return float(self.rng.choice((1, 2, 3, 3, 5, 5, 8)))
        if issue_type in ("Task", "Bug") and self.rng.random() < 0.5:
            return float(self.rng.choice((1, 2, 3)))
        return None

    def _cost(self, epic: Draft) -> None:
        """Pick the epic's budget and spread the hours its problems call for over the work below it."""
        plan, rng = epic.epic, self.rng
        assert plan is not None
        children = epic.children
        planned_hours = sum((self.points[id(c)] or 2.0) * 6 for c in children)
        budget = max(5000.0, round(planned_hours * RATE_PER_HOUR * rng.uniform(1.15, 1.35), -3))
        self.budget[id(epic)] = None if cat.NO_BUDGET in plan.problems else budget
        if cat.OVER_BUDGET in plan.problems:
            spend = rng.uniform(1.2, 1.4)
        elif cat.BURN_AHEAD in plan.problems:
            spend = rng.uniform(0.75, 0.9)
        elif plan.state == "todo":
            spend = 0.0
        elif cat.TIME_ON_CLOSED in plan.problems:
            spend = rng.uniform(0.7, 0.85)
        else:
            spend = self._progress(children) * rng.uniform(0.7, 0.88)
        workers = [d for c in children for d in (c, *c.children) if d.work_end and not d.unassigned]
        weights = [self.points[id(d)] or 1.0 for d in workers]
        total = budget * spend / RATE_PER_HOUR * 3600
        for worker, weight in zip(workers, weights, strict=True):
            assert worker.started is not None
            assert worker.work_end is not None
            share = int(total * weight / sum(weights))
            authors = (self.assignee[id(worker)] or self.team[0], *self.team)
            self.logged[id(worker)] = split_worklogs(rng, share, worker.started, worker.work_end, authors)
        if cat.TIME_ON_CLOSED in plan.problems and epic.finished is not None:
            end = min(self.now - DAY, epic.finished + 15 * DAY)
            hours = rng.randint(4, 12) * 3600
            self.logged[id(epic)] = split_worklogs(rng, hours, epic.finished + 2 * DAY, end, (self.team[0],))

    def _progress(self, children: list[Draft]) -> float:
        """The lower of progress by count and by story points, so healthy epics look healthy either way."""
        by_count = sum(is_done(c.status) for c in children) / len(children)
        pointed = [c for c in children if self.points[id(c)]]
        total = sum(self.points[id(c)] or 0.0 for c in pointed)
        done = sum(self.points[id(c)] or 0.0 for c in pointed if is_done(c.status))
        return min(by_count, done / total) if total else by_count

    def _issue(self, draft: Draft, plan: cat.ProjectPlan, objects: tuple[str, ...]) -> SeedIssue:
        rng = self.rng
        assignee, points = self.assignee[id(draft)], self.points[id(draft)]
        worklogs = self.logged.get(id(draft), ())
        actor = assignee or self.pmo
        history = list(status_changes(draft.status, actor, draft.started, draft.finished,
                                      review=draft.issue_type not in ("Epic", "Initiative")))  # fmt: skip
        if draft.slips and draft.due_date is not None:
            last = draft.finished or (self.now - (45 if draft.stale else 2) * DAY)
            history += due_date_slips(
                rng, draft.due_date, draft.slips, self.pmo, first_at=draft.created + DAY, last_at=last
            )
        history.sort(key=lambda change: change.at)
        summary, description = self._text(draft, objects)
        goal_id = draft.epic.goal if draft.epic else draft.initiative.goal if draft.initiative else None
        logged = sum(w.seconds for w in worklogs)
        estimate = int(points * 6 * 3600) if points else None
        return SeedIssue(
            key=draft.key,
            project=plan.key,
            issue_type=draft.issue_type,
            summary=summary,
            status=draft.status,
            created=to_second(draft.created),
            updated=self._updated(draft, history[-1].at if history else draft.created, worklogs),
            reporter=self.pmo if draft.issue_type in ("Epic", "Initiative") else rng.choice(self.team),
            description=description,
            assignee=assignee,
            priority=rng.choices(("Highest", "High", "Medium", "Low"), (0.05, 0.2, 0.6, 0.15))[0],
            labels=(rng.choice(LABELS),) if draft.epic is None and rng.random() < 0.3 else (),
            parent=draft.parent.key if draft.parent else None,
            epic_name=summary if draft.issue_type == "Epic" else None,
            due_date=draft.due_date.date() if draft.due_date else None,
            start_date=draft.start_date.date() if draft.start_date else None,
            budget=self.budget.get(id(draft)),
            story_points=points,
            team=plan.team,
            goal=cat.GOAL_NAMES[goal_id] if goal_id else None,
            original_estimate_seconds=estimate,
            remaining_estimate_seconds=None if estimate is None else 0 if is_done(draft.status) else max(
                0, estimate - logged),
            resolution=resolution_for(draft.status),
            resolved=to_second(draft.finished) if draft.finished and is_done(draft.status) else None,
            worklogs=worklogs,
            history=tuple(history),
        )  # fmt: skip

    def _updated(self, draft: Draft, last_change: datetime, worklogs: tuple[SeedWorklog, ...]) -> datetime:
        last = max([last_change, draft.created, *(w.started for w in worklogs)])
        rng = self.rng
        if draft.recent:
            last = max(last, self.now - rng.uniform(0.2, 6) * DAY)
        elif is_done(draft.status):
            last += rng.uniform(0, 24) * HOUR
        elif draft.stale:
            last += rng.uniform(0, 6) * HOUR
        else:
            last += rng.uniform(0, 3) * DAY
        return to_second(min(last, self.now))

    def _text(self, draft: Draft, objects: tuple[str, ...]) -> tuple[str, str | None]:
        rng = self.rng
        benefit = rng.choice(names.BENEFITS)
        if draft.initiative is not None:
            return draft.initiative.summary, f"Portfolio initiative: {draft.initiative.summary}, so that {benefit}."
        if draft.epic is not None:
            return draft.epic.summary, names.epic_description(draft.epic.summary, benefit)
        obj, verb = rng.choice(objects), rng.choice(names.VERBS)
        symptom = rng.choice(names.BUG_SYMPTOMS)
        if draft.issue_type == "Bug":
            summary, description = f"{obj[0].upper()}{obj[1:]} {symptom}", names.bug_description(obj, symptom)
        elif draft.issue_type == "Story":
            summary = f"{verb} {obj}{rng.choice(names.QUALIFIERS)}"
            criteria = not draft.no_criteria
            description = names.story_description(rng.choice(names.ROLES), f"use the {obj}", benefit,
                                                  with_criteria=criteria)  # fmt: skip
            if draft.no_criteria and rng.random() < 0.4:
                description = None
        elif draft.issue_type == "Sub-task":
            part = rng.choice(("backend", "UI", "tests", "docs", "rollout"))
            summary, description = f"{verb} {obj}: {part}", None
        else:
            summary, description = f"{verb} {obj}", names.task_description(obj)
        return (draft.hostile or summary), description


def _planned_problems(now: datetime) -> dict[str, tuple[str, ...]]:
    """Which keys the plan gives each problem (the source of the table in the module docstring)."""
    found: dict[str, list[str]] = {}
    layout = Layout(now)
    for plan in cat.PROJECTS:
        for draft in layout.project(plan):
            codes = set(draft.epic.problems) if draft.epic else set()
            if draft.initiative is not None and not draft.initiative.owned:
                codes |= {cat.NO_OWNER, cat.UNASSIGNED}
            flags = ((draft.stale, cat.STALE), (draft.unassigned, cat.UNASSIGNED),
                     (draft.no_criteria, cat.NO_CRITERIA), (draft.hostile is not None, cat.HOSTILE_TEXT))  # fmt: skip
            codes |= {code for flag, code in flags if flag}
            for code in codes:
                found.setdefault(code, []).append(draft.key)
    return {code: tuple(keys) for code, keys in sorted(found.items())}
