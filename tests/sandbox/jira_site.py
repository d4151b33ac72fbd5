"""A small hand-built site for the sandbox's own Jira tests: independent of the demo generator's choices."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from pmo_bot.sandbox.seed.model import SeedData, SeedIssue, SeedProject, SeedUser, SeedWorklog

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
ALICE = SeedUser("acc-alice", "alice", "Alice Adams", "alice@example.com")
BOB = SeedUser("acc-bob", "bob", "Bob Brown", "bob@example.com")


def build_site(stories: int = 40, *, projects: tuple[str, ...] = ("ALP", "BET")) -> SeedData:
    """Per project: one epic (``KEY-1``), ``stories`` stories under it, and one sub-task under ``KEY-2``."""
    issues: list[SeedIssue] = []
    for project in projects:
        created = NOW - timedelta(days=30)
        issues.append(
            SeedIssue(
                f"{project}-1",
                project,
                "Epic",
                f"{project} epic",
                "In Progress",
                created,
                created,
                ALICE.account_id,
                epic_name=f"{project} epic",
                budget=1000.0,
            )
        )
        for number in range(2, stories + 2):
            when = created + timedelta(hours=number)
            issues.append(
                SeedIssue(
                    f"{project}-{number}",
                    project,
                    "Story",
                    f"Story {number} of {project}",
                    "Done" if number % 3 == 0 else "To Do",
                    when,
                    when,
                    BOB.account_id,
                    description=f"Story {number}\n\nSecond paragraph",
                    assignee=ALICE.account_id,
                    labels=("even",) if number % 2 == 0 else (),
                    parent=f"{project}-1",
                    due_date=date(2026, 12, 1) + timedelta(days=number),
                    story_points=float(number % 5),
                    original_estimate_seconds=8 * 3600,
                    remaining_estimate_seconds=8 * 3600,
                    worklogs=(SeedWorklog(ALICE.account_id, when, 3600),) if number == 2 else (),
                )
            )
        sub = created + timedelta(days=1)
        issues.append(
            SeedIssue(
                f"{project}-{stories + 2}",
                project,
                "Sub-task",
                f"Sub-task of {project}-2",
                "To Do",
                sub,
                sub,
                BOB.account_id,
                parent=f"{project}-2",
                worklogs=(SeedWorklog(BOB.account_id, sub, 1800),),
            )
        )
    return SeedData(
        users=(ALICE, BOB),
        projects=tuple(SeedProject(p, f"Project {p}", ALICE.account_id) for p in projects),
        goals=(),
        issues=tuple(issues),
        spaces=(),
        now=NOW,
    )
