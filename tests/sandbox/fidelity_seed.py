"""A small, fixed site for the fidelity tests: enough to page through searches and exercise every field shape,
small enough that each module's sandbox starts instantly. Independent of the demo generator on purpose, so the
fidelity suite pins API behaviour rather than demo content."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import cache

from pmo_bot.sandbox.seed.model import (
    SeedChange,
    SeedData,
    SeedGoal,
    SeedIssue,
    SeedPage,
    SeedProject,
    SeedSpace,
    SeedUser,
    SeedWorklog,
)

NOW = datetime(2026, 11, 20, 9, 58, 12, tzinfo=UTC)
PROJECT = "FID"
ISSUES_IN_PROJECT = 30
USERS = (
    SeedUser("5b10a2844c20165700ede21g", "amara", "Amara Okafor", "amara@example.com", "Platform"),
    SeedUser("5b10ac8d82e05b22cc7d4ef5", "jonas", "Jonas Weber", "jonas@example.com", "Payments"),
)
GOALS = (SeedGoal("10100", "Grow revenue", "active"), SeedGoal("10101", "Legacy cleanup", "retired"))


def _issue(number: int) -> SeedIssue:
    created = NOW - timedelta(days=60 - number)
    epic = number == 1
    return SeedIssue(
        key=f"{PROJECT}-{number}",
        project=PROJECT,
        issue_type="Epic" if epic else ("Bug" if number % 5 == 0 else "Story"),
        summary=f"{'Epic' if epic else 'Work item'} {number}",
        status=("Done", "In Progress", "To Do")[number % 3],
        created=created,
        updated=created + timedelta(days=3),
        reporter=USERS[0].account_id,
        description=None if number % 4 == 0 else f"Scope of item {number}.\n\nAcceptance criteria: it works.",
        assignee=USERS[number % 2].account_id if number % 7 else None,
        labels=("pmo",) if number % 2 else (),
        parent=None if epic else f"{PROJECT}-1",
        epic_name="Checkout revamp" if epic else None,
        due_date=date(2026, 12, 1) + timedelta(days=number),
        start_date=date(2026, 10, 1),
        budget=50_000.0 if epic else None,
        story_points=float(number % 8) if not epic else None,
        team=USERS[number % 2].team,
        goal=GOALS[0].name if epic else None,
        original_estimate_seconds=8 * 3600,
        remaining_estimate_seconds=4 * 3600,
        resolution="Done" if number % 3 == 0 else None,
        resolved=created + timedelta(days=3) if number % 3 == 0 else None,
        worklogs=(SeedWorklog(USERS[1].account_id, created + timedelta(days=1), 4 * 3600, "Pairing"),),
        history=(SeedChange(created + timedelta(days=2), USERS[0].account_id, "duedate", "2026-11-30", "2026-12-01"),),
    )


@cache
def fidelity_seed() -> SeedData:
    home = "PMO Home"
    return SeedData(
        users=USERS,
        projects=(SeedProject(PROJECT, "Fidelity", USERS[0].account_id),),
        goals=GOALS,
        issues=tuple(_issue(n) for n in range(1, ISSUES_IN_PROJECT + 1)),
        spaces=(
            SeedSpace(
                "PMO",
                "Project Management Office",
                home,
                (SeedPage("Portfolio reports", "<p>Weekly portfolio reports live below this page.</p>"),),
            ),
        ),
        teams=("Platform", "Payments"),
        now=NOW,
    )
