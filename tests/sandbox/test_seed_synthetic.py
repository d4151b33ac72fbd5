"""Synthetic data: exact sizes, determinism, the demo's invariants, problems at realistic rates, compactness."""

from __future__ import annotations

import tracemalloc
from collections import Counter
from datetime import UTC, datetime
from functools import cache

import pytest

from pmo_bot.sandbox.seed import synthetic
from pmo_bot.sandbox.seed.model import SeedData
from tests.sandbox.seed_checks import invariant_violations, problem_keys

NOW = datetime(2026, 11, 28, tzinfo=UTC)


@cache
def _data(issues: int, seed: int = 1) -> SeedData:
    return synthetic.generate(issues, seed, NOW)


@pytest.mark.parametrize("issues", [0, 1, 2, 3, 51, 997, 2_500])
def test_size_is_exact_and_invariants_hold(issues: int) -> None:
    data = _data(issues)
    assert len(data.issues) == issues
    assert invariant_violations(data) == []


def test_negative_size_is_refused() -> None:
    with pytest.raises(ValueError, match="zero or more"):
        synthetic.generate(-1)


def test_same_inputs_give_equal_data_and_seeds_differ() -> None:
    assert synthetic.generate(300, 4, NOW) == synthetic.generate(300, 4, NOW)
    assert synthetic.generate(300, 4, NOW) != synthetic.generate(300, 5, NOW)


def test_ten_thousand_issues_have_realistic_shape() -> None:
    data = _data(10_000)
    assert invariant_violations(data) == []
    types = Counter(issue.issue_type for issue in data.issues)
    assert 0.015 <= types["Epic"] / 10_000 <= 0.025
    assert 0.04 <= types["Sub-task"] / 10_000 <= 0.12
    assert types["Initiative"] >= 1
    assert len(data.projects) == synthetic.project_count(10_000) >= 3
    parents = Counter(issue.parent for issue in data.issues if issue.issue_type in ("Story", "Task", "Bug"))
    epics = [issue.key for issue in data.issues if issue.issue_type == "Epic"]
    assert sum(key in parents for key in epics) / len(epics) > 0.9  # children spread across epics
    with_time = sum(bool(issue.worklogs) for issue in data.issues)
    assert 0.05 < with_time / 10_000 < 0.5  # sparse


def test_every_problem_appears_but_stays_a_minority() -> None:
    data = _data(10_000)
    epics = sum(issue.issue_type == "Epic" for issue in data.issues)
    found = {code: len(keys) for code, keys in problem_keys(data).items()}
    epic_level = [
        "epic-without-goal",
        "epic-under-retired-goal",
        "over-budget",
        "no-due-date",
        "no-start-date",
        "due-date-slipped-3-times",
        "children-done-epic-open",
        "no-budget-in-progress",
        "no-owner",
    ]
    for code in epic_level:
        assert 0 < found[code] < epics * 0.3, code
    for code in ("stale-in-progress", "unassigned-in-progress", "story-without-acceptance-criteria"):
        assert 0 < found[code] < 10_000 * 0.15, code
    assert found["time-logged-on-closed-epic"] > 0
    assert found["hostile-text"] > 0


def test_texts_are_shared_not_copied() -> None:
    data = _data(10_000)
    summaries = {id(issue.summary) for issue in data.issues}
    descriptions = {id(issue.description) for issue in data.issues}
    assert len(summaries) < 10_000 / 2
    assert len(descriptions) < 500


def test_issues_stay_compact_in_memory() -> None:
    tracemalloc.start()  # slows generation down a lot: keep the size modest
    try:
        data = synthetic.generate(3_000, 2, NOW)
        retained, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(data.issues) == 3_000
    assert retained / 3_000 < 1500  # bytes per issue, everything included (about 800 measured at 100k)


def test_default_now_is_today_at_midnight_utc() -> None:
    data = synthetic.generate(5)
    assert data.now is not None
    assert data.now.time().isoformat() == "00:00:00"
    assert data.now.date() <= datetime.now(UTC).date()
