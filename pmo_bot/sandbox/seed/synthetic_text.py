"""Pools of texts and small values for synthetic data: built once per run, then shared by many issues.

Reusing one string object per distinct summary or description is what keeps 100k issues small in memory.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TypeVar

from pmo_bot.sandbox.seed import names

_OBJECTS = tuple(obj for group in names.OBJECTS.values() for obj in group)
_KINDS = ("Story",) * 12 + ("Task",) * 5 + ("Bug",) * 3
_PRIORITIES = ("Medium",) * 12 + ("High",) * 4 + ("Low",) * 3 + ("Highest",)
_LABELS: tuple[tuple[str, ...], ...] = (
    ((),) * 16
    + tuple((label,) for label in names.OBJECTS)
    + (
        ("tech-debt",),
        ("security",),
        ("customer-reported",),
        ("quick-win",),
    )
)
_STORY_POINTS = (1.0, 2.0, 3.0, 3.0, 5.0, 5.0, 8.0)
_TASK_POINTS = (1.0, 2.0, 3.0)
_EPIC_SUFFIXES = ("programme", "revamp", "v2", "migration", "rollout", "hardening")
HOSTILE_RATE = 0.005
T = TypeVar("T")


class TextPools:
    def __init__(self, rng: random.Random) -> None:
        self.rng, self._random = rng, rng.random
        pick = rng.choice
        stories = {f"{pick(names.VERBS)} {pick(_OBJECTS)}{pick(names.QUALIFIERS)}" for _ in range(1500)}
        self._summaries = {
            "Story": sorted(stories),
            "Task": [f"{verb} {obj}" for verb in names.VERBS for obj in _OBJECTS],
            "Bug": [f"{obj[0].upper()}{obj[1:]} {symptom}" for obj in _OBJECTS for symptom in names.BUG_SYMPTOMS],
            "Sub-task": [
                f"{obj[0].upper()}{obj[1:]}: {part}" for obj in _OBJECTS for part in ("backend", "UI", "tests")
            ],
        }
        self._epics = [f"{obj[0].upper()}{obj[1:]} {suffix}" for obj in _OBJECTS for suffix in _EPIC_SUFFIXES]

        def story(with_criteria: bool) -> str:
            role, obj, benefit = pick(names.ROLES), pick(_OBJECTS), pick(names.BENEFITS)
            return names.story_description(role, f"use the {obj}", benefit, with_criteria=with_criteria)

        self._stories = [story(True) for _ in range(64)]
        self._vague = [story(False) for _ in range(16)]
        self._bugs = [names.bug_description(pick(_OBJECTS), pick(names.BUG_SYMPTOMS)) for _ in range(64)]
        self._tasks = [names.task_description(obj) for obj in _OBJECTS]
        self._epic_texts = [names.epic_description(pick(self._epics), pick(names.BENEFITS)) for _ in range(32)]

    def _pick(self, items: Sequence[T]) -> T:
        # Faster than Random.choice, and as deterministic; the tiny bias of float indexing is harmless here.
        return items[int(self._random() * len(items))]

    def kind(self) -> str:
        return self._pick(_KINDS)

    def summary(self, kind: str) -> str:
        if self._random() < HOSTILE_RATE:
            return self._pick(names.HOSTILE_SUMMARIES)
        return self._pick(self._summaries[kind])

    def description(self, kind: str, without_criteria: bool) -> str | None:
        if kind == "Story":
            return self._pick(self._vague if without_criteria else self._stories)
        if kind == "Bug":
            return self._pick(self._bugs)
        if kind == "Task":
            return self._pick(self._tasks)
        return None

    def epic(self) -> tuple[str, str]:
        """An epic's summary and description."""
        return self._pick(self._epics), self._pick(self._epic_texts)

    def initiative(self) -> str:
        return f"{self._pick(self._epics)} initiative"

    def points(self, kind: str) -> float | None:
        if kind == "Story":
            return self._pick(_STORY_POINTS)
        if kind == "Task" and self._random() < 0.5:
            return self._pick(_TASK_POINTS)
        return None

    def priority(self) -> str:
        return self._pick(_PRIORITIES)

    def labels(self) -> tuple[str, ...]:
        return self._pick(_LABELS)
