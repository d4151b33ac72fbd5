"""The demo portfolio's skeleton: which issues exist, when they were created, their status and when they moved.

Everything here comes from a fixed layout random stream and ``now`` only, never from the caller's seed, so
issue keys and the deliberate problems are the same for every seed (the module docstring of ``demo`` lists
them). ``demo`` then fills in the content (names, people, points, time logged) from the seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from pmo_bot.sandbox.seed import catalogue as cat
from pmo_bot.sandbox.seed.lifecycle import is_done
from pmo_bot.sandbox.seed.names import HOSTILE_SUMMARIES

LAYOUT_SEED = 20_260_101
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
STALE_CUT = timedelta(days=40)  # stale items were last touched at least this long ago

# Planned share of children done, per active epic's main problem.
_PROGRESS = {
    cat.BURN_AHEAD: (0.2, 0.3),
    cat.OVER_BUDGET: (0.55, 0.75),
    cat.OVERDUE: (0.6, 0.8),
    cat.STALE: (0.3, 0.5),
}


@dataclass(slots=True, eq=False)
class Draft:
    """One issue under construction (mutable; becomes a frozen ``SeedIssue``)."""

    issue_type: str
    created: datetime
    status: str
    parent: Draft | None = None
    started: datetime | None = None  # work began
    finished: datetime | None = None  # the final status was entered (done, In Review, Blocked)
    work_end: datetime | None = None  # time can be logged up to here
    recent: bool = False  # updated lately (in progress and not stale)
    epic: cat.EpicPlan | None = None
    initiative: cat.InitiativePlan | None = None
    progress: float = 0.0  # epics: planned share of children done
    start_date: datetime | None = None
    due_date: datetime | None = None
    slips: int = 0
    stale: bool = False
    unassigned: bool = False
    no_criteria: bool = False
    hostile: str | None = None
    children: list[Draft] = field(default_factory=list)
    key: str = ""


class Layout:
    def __init__(self, now: datetime) -> None:
        self.now = now
        self.rng = random.Random(LAYOUT_SEED)
        self._hostile = 0

    def ago(self, low: float, high: float) -> datetime:
        return self.between(self.now - high * DAY, self.now - low * DAY)

    def between(self, start: datetime, end: datetime) -> datetime:
        if end <= start:
            return start
        minutes = int((end - start).total_seconds() // 60)
        return start + timedelta(minutes=self.rng.randint(0, minutes))

    def next_hostile(self) -> str:
        text = HOSTILE_SUMMARIES[self._hostile % len(HOSTILE_SUMMARIES)]
        self._hostile += 1
        return text

    def project(self, plan: cat.ProjectPlan) -> list[Draft]:
        """All issues of one project, ordered as they were created (the order their keys number them)."""
        drafts: list[Draft] = []
        initiative = None
        if plan.initiative is not None:
            initiative = Draft("Initiative", self.ago(330, 335), "In Progress", initiative=plan.initiative)
            initiative.started = initiative.created + 5 * DAY
            initiative.start_date = initiative.started
            initiative.due_date = self.ago(-250, -150)
            initiative.recent = True
            drafts.append(initiative)
        for epic_plan in plan.epics:
            epic = self._epic(epic_plan)
            if epic_plan.under_initiative:
                epic.parent = initiative
            drafts.append(epic)
            drafts.extend(self._children(epic))
        drafts.extend(self._loose(3))
        order = {id(draft): index for index, draft in enumerate(drafts)}
        drafts.sort(key=lambda draft: (draft.created, order[id(draft)]))
        for number, draft in enumerate(drafts, start=1):
            draft.key = f"{plan.key}-{number}"
        return drafts

    def _epic(self, plan: cat.EpicPlan) -> Draft:
        rng = self.rng
        if plan.state == "done":
            epic = Draft("Epic", self.ago(250, 320), "Done", epic=plan, progress=1.0)
            epic.finished = self.ago(20, 110)
            epic.due_date = epic.finished + rng.randint(0, 20) * DAY
        elif plan.state == "todo":
            # Under a retired goal: a young epic whose children all arrive in the last two weeks (new work).
            created = self.ago(16, 20) if cat.RETIRED_GOAL in plan.problems else self.ago(15, 45)
            epic = Draft("Epic", created, rng.choice(("To Do", "Backlog")), epic=plan)
            epic.start_date = self.ago(-60, -10)
            epic.due_date = epic.start_date + rng.randint(60, 150) * DAY
        else:
            # First match in _PROGRESS order: iterating the frozenset would depend on string hashing.
            low, high = next((span for code, span in _PROGRESS.items() if code in plan.problems), (0.3, 0.65))
            progress = 1.0 if cat.CHILDREN_DONE in plan.problems else rng.uniform(low, high)
            epic = Draft("Epic", self.ago(100, 200), "In Progress", epic=plan, progress=progress)
            epic.stale = cat.STALE in plan.problems
            epic.recent = not epic.stale
        if plan.state != "todo":
            epic.started = epic.created + rng.uniform(3, 10) * DAY
            epic.start_date = epic.started
        if plan.state == "active":
            epic.due_date = self._active_due(epic)
        slips = rng.choice((0, 0, 0, 1, 1, 2))
        if cat.SLIPPED in plan.problems:
            slips = rng.choice((3, 4))
        epic.slips = slips if epic.due_date is not None and plan.state != "todo" else 0
        if cat.NO_DUE_DATE in plan.problems:
            epic.due_date, epic.slips = None, 0
        if cat.NO_START_DATE in plan.problems:
            epic.start_date = None
        return epic

    def _active_due(self, epic: Draft) -> datetime:
        assert epic.epic is not None
        assert epic.started is not None
        if cat.OVERDUE in epic.epic.problems:
            return self.ago(5, 40)
        planned = max(0.15, min(0.9, epic.progress + self.rng.uniform(-0.05, 0.1)))
        due = epic.started + (self.now - epic.started) / planned
        return max(due, self.now + self.rng.randint(14, 40) * DAY)

    def _children(self, epic: Draft) -> list[Draft]:
        plan, rng = epic.epic, self.rng
        assert plan is not None
        count = {"done": (10, 14), "active": (12, 17), "todo": (4, 7)}[plan.state]
        size = rng.randint(*count)
        kinds = [rng.choices(("Story", "Task", "Bug"), (0.6, 0.25, 0.15))[0] for _ in range(size)]
        for index in range(plan.stories_without_criteria + 2):
            kinds[-1 - index] = "Story"  # open work comes last: room for stories lacking criteria
        done = size if plan.state == "done" else round(epic.progress * size)
        if plan.state == "active" and cat.CHILDREN_DONE not in plan.problems:
            done = max(1, min(size - 2, done))
        busy = 0 if epic.stale or plan.state != "active" else size - done
        busy = min(busy, max(plan.stale_items + plan.unassigned_items + 1, round(busy * 0.6)))
        children = []
        for index, kind in enumerate(kinds):
            if index < done:
                child = self._done_child(epic, kind, cancelled=plan.state == "done" and index == size - 1)
            elif index < done + busy:
                stale = index - done < plan.stale_items
                child = self._busy_child(epic, kind, stale=stale)
                child.unassigned = not stale and index - done < plan.stale_items + plan.unassigned_items
            else:
                child = self._todo_child(epic, kind)
            child.parent = epic
            children.append(child)
        self._mark(children, plan)
        epic.children = children
        subtasks = [self._subtasks(child) for child in children if self._wants_subtasks(child)]
        return children + [sub for group in subtasks for sub in group]

    def _mark(self, children: list[Draft], plan: cat.EpicPlan) -> None:
        # Open stories only: rule packs check criteria on work still to be done.
        plain = [c for c in children if c.issue_type == "Story" and not (c.stale or c.unassigned or is_done(c.status))]
        for child in plain[: plan.stories_without_criteria]:
            child.no_criteria = True
        for child in children[-plan.hostile_children :] if plan.hostile_children else ():
            child.hostile = self.next_hostile()

    def _done_child(self, epic: Draft, kind: str, *, cancelled: bool = False) -> Draft:
        limit = (epic.finished - DAY) if epic.finished else (self.now - (STALE_CUT if epic.stale else 2 * DAY))
        created = self.between(epic.created + DAY, limit - 22 * DAY)
        finished = min(created + self.rng.uniform(3, 20) * DAY, limit)
        child = Draft(kind, created, "Cancelled" if cancelled else "Done", finished=finished)
        child.started = created + (finished - created) * self.rng.uniform(0.1, 0.4)
        child.work_end = finished
        return child

    def _busy_child(self, epic: Draft, kind: str, *, stale: bool) -> Draft:
        rng = self.rng
        status = rng.choices(("In Progress", "In Review", "Blocked"), (0.6, 0.25, 0.15))[0]
        if stale:
            child = Draft(kind, self.between(epic.created + DAY, self.now - 70 * DAY), status, stale=True)
            child.started = child.created + rng.uniform(1, 5) * DAY
            child.work_end = self.now - STALE_CUT - 5 * DAY
        else:
            child = Draft(kind, self.between(epic.created + DAY, self.now - 5 * DAY), status, recent=True)
            child.started = max(child.created + 2 * HOUR, self.ago(4, 25))
            child.work_end = self.now - 2 * HOUR
        if status != "In Progress":
            child.finished = child.started + (child.work_end - child.started) * rng.uniform(0.4, 0.9)
        return child

    def _todo_child(self, epic: Draft, kind: str) -> Draft:
        plan = epic.epic
        assert plan is not None
        start, end = epic.created + HOUR, self.now - DAY
        if epic.stale:
            end = self.now - STALE_CUT
        if cat.RETIRED_GOAL in plan.problems:
            start = max(start, self.now - 14 * DAY)  # new work keeps arriving under a retired goal
        return Draft(kind, self.between(start, end), self.rng.choice(("To Do", "To Do", "Backlog")))

    def _wants_subtasks(self, child: Draft) -> bool:
        flagged = child.stale or child.unassigned or child.no_criteria or child.status == "Cancelled"
        return child.issue_type == "Story" and not flagged and self.rng.random() < 0.15

    def _subtasks(self, story: Draft) -> list[Draft]:
        rng, subtasks = self.rng, []
        for index in range(rng.choice((2, 2, 3))):
            created = story.created + rng.uniform(1, 6) * HOUR
            sub = Draft("Sub-task", created, "To Do", parent=story)
            if is_done(story.status) or (story.recent and index == 0):
                assert story.started is not None
                end = story.finished if story.finished and is_done(story.status) else self.now - DAY
                sub.status, sub.started = "Done", max(created, story.started)
                sub.finished = sub.started + (end - sub.started) * rng.uniform(0.5, 1.0)
                sub.work_end = sub.finished
            elif story.recent and index == 1:
                assert story.started is not None
                sub.status, sub.started, sub.recent = "In Progress", max(created, story.started), True
                sub.work_end = self.now - 2 * HOUR
            subtasks.append(sub)
        story.children = subtasks
        return subtasks

    def _loose(self, count: int) -> list[Draft]:
        """Bugs and tasks outside any epic, as every real project has."""
        loose = []
        for _ in range(count):
            kind = self.rng.choice(("Bug", "Task"))
            created = self.ago(3, 300)
            if created < self.now - 60 * DAY:
                finished = created + self.rng.uniform(2, 30) * DAY
                child = Draft(kind, created, "Done", finished=finished, work_end=finished)
                child.started = created + (finished - created) / 3
            else:
                child = Draft(kind, created, "In Progress", recent=True)
                child.started = max(created + HOUR, self.ago(2, 10))
                child.work_end = self.now - 2 * HOUR
            loose.append(child)
        return loose
