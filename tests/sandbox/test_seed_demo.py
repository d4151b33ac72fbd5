"""The demo portfolio: deterministic, sound, and showing exactly the PMO problems its docstring promises."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from functools import cache

import pytest

from pmo_bot.sandbox.seed import demo
from pmo_bot.sandbox.seed.model import STATUSES, SeedData
from pmo_bot.sandbox.seed.names import ACCEPTANCE_MARKER, BOT_EMAIL, account_id
from tests.sandbox.seed_checks import invariant_violations, problem_keys

NOW = datetime(2026, 11, 28, tzinfo=UTC)
OTHER_NOW = datetime(2025, 3, 3, 12, 30, 5, tzinfo=UTC)


@cache
def _demo(seed: int = 1, now: datetime = NOW) -> SeedData:
    return demo.generate(seed, now)


def test_same_seed_and_now_give_equal_data() -> None:
    assert demo.generate(3, NOW) == demo.generate(3, NOW)


def test_different_seeds_give_different_content_with_the_same_keys() -> None:
    one, two = _demo(1), _demo(2)
    assert one != two
    assert [i.key for i in one.issues] == [i.key for i in two.issues]
    assert [i.summary for i in one.issues] != [i.summary for i in two.issues]


def test_dates_are_offsets_from_now() -> None:
    shift = NOW - OTHER_NOW
    early, late = _demo(1, OTHER_NOW), _demo(1, NOW)
    assert [i.created + shift for i in early.issues] == [i.created for i in late.issues]
    assert [i.summary for i in early.issues] == [i.summary for i in late.issues]


def test_default_now_is_today_at_midnight_utc() -> None:
    before = datetime.now(UTC)
    data = demo.generate()
    assert data.now is not None
    assert data.now.time().isoformat() == "00:00:00"
    assert data.now.tzinfo == UTC
    assert before - timedelta(days=1) < data.now <= datetime.now(UTC)


@pytest.mark.parametrize(("seed", "now"), [(1, NOW), (7, NOW), (2, OTHER_NOW)])
def test_invariants_hold(seed: int, now: datetime) -> None:
    assert invariant_violations(_demo(seed, now)) == []


def test_portfolio_has_the_promised_size() -> None:
    data = _demo()
    types = [i.issue_type for i in data.issues]
    assert len(data.projects) == 5
    assert types.count("Epic") == 40
    assert 550 <= sum(t in ("Story", "Task", "Bug", "Sub-task") for t in types) <= 700
    assert types.count("Initiative") >= 1
    assert [g.status for g in data.goals].count("retired") == 1
    assert 10 <= len(data.users) <= 16
    assert {s.status for s in data.issues} <= STATUSES.keys()


def test_bot_user_is_seeded_with_a_stable_account() -> None:
    bots = [u for u in _demo().users if u.email == BOT_EMAIL]
    assert [(b.name, b.display_name, b.account_id) for b in bots] == [("pmo-bot", "PMO Bot", account_id(BOT_EMAIL))]


@pytest.mark.parametrize(("seed", "now"), [(1, NOW), (5, NOW), (9, OTHER_NOW)])
def test_each_problem_shows_exactly_on_the_documented_keys(seed: int, now: datetime) -> None:
    found = problem_keys(_demo(seed, now))
    assert set(found) == set(demo.PROBLEMS)
    for code, keys in demo.PROBLEMS.items():
        assert found[code] == set(keys), code


def test_problem_table_in_the_docstring_matches_the_data() -> None:
    doc = demo.__doc__ or ""
    for code, keys in demo.PROBLEMS.items():
        assert f"{code:<36}  {', '.join(keys)}" in doc, code
    assert demo._planned_problems(NOW) == demo.PROBLEMS


def test_every_problem_is_on_several_items_and_healthy_epics_remain() -> None:
    problem_epics = {key for code, keys in demo.PROBLEMS.items() if code != "hostile-text" for key in keys}
    epics = {i.key for i in _demo().issues if i.issue_type == "Epic"}
    assert all(len(keys) >= 2 for keys in demo.PROBLEMS.values())
    assert len(epics - problem_epics) >= 15


def test_healthy_stories_carry_given_when_then_criteria() -> None:
    flagged = set(demo.PROBLEMS["story-without-acceptance-criteria"])
    stories = [i for i in _demo().issues if i.issue_type == "Story" and i.key not in flagged]
    assert stories
    for story in stories:
        assert story.description is not None
        assert ACCEPTANCE_MARKER in story.description
        assert "Given " in story.description
        assert "then " in story.description


def test_time_is_logged_by_several_people_over_weeks() -> None:
    worklogs = [w for i in _demo().issues for w in i.worklogs]
    assert len({w.author for w in worklogs}) >= 8
    assert max(w.started for w in worklogs) - min(w.started for w in worklogs) > timedelta(days=120)
    assert all(w.seconds % 1800 == 0 for w in worklogs)


def test_output_does_not_depend_on_string_hashing() -> None:
    # Each process salts str hashes differently; set or dict-of-set order must never leak into the data.
    script = (
        "import hashlib, sys; from datetime import datetime, UTC; from pmo_bot.sandbox.seed import demo, synthetic;"
        "now = datetime(2026, 11, 28, tzinfo=UTC);"
        "print(hashlib.sha256(repr((demo.generate(1, now), synthetic.generate(400, 1, now))).encode()).hexdigest())"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": str(salt)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for salt in (1, 2)
    }
    assert len(digests) == 1
