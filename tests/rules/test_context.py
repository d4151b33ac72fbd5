from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from pmo_bot.rules.context import EvaluationContext, Goal, RateCard, Waiver
from tests.factories import make_item

TODAY = date(2026, 11, 28)
RATES = RateCard(default_hourly=100, by_project={"PAY": 110}, by_team={"Platform": 125}, currency="EUR")


@pytest.mark.parametrize(
    ("project", "team", "rate"),
    [
        ("OPS", None, 100.0),  # nothing specific: the default
        ("PAY", None, 110.0),  # the project's rate
        ("PAY", "Platform", 125.0),  # the team's rate wins over the project's
        ("OPS", "Platform", 125.0),
        ("PAY", "Unpriced team", 110.0),  # a team without a rate falls back to the project
    ],
)
def test_rate_card_picks_the_most_specific_rate(project: str, team: str | None, rate: float) -> None:
    assert RATES.rate_for(make_item(f"{project}-1", team=team)) == rate


WAIVER = Waiver("cpi-above-threshold", ("PAY-12", "PAY-14"), "Fixed-price contract", "jane.doe", TODAY)


@pytest.mark.parametrize(
    ("rule_id", "key", "today", "applies"),
    [
        ("cpi-above-threshold", "PAY-12", date(2026, 11, 1), True),
        ("cpi-above-threshold", "PAY-14", TODAY, True),  # the expiry day itself is included
        ("cpi-above-threshold", "PAY-12", date(2026, 11, 29), False),  # expired by itself
        ("cpi-above-threshold", "PAY-13", TODAY, False),  # another issue
        ("epic-has-budget", "PAY-12", TODAY, False),  # another rule
    ],
)
def test_waiver_applies_to_its_rule_and_issues_until_it_expires(
    rule_id: str, key: str, today: date, applies: bool
) -> None:
    assert WAIVER.applies(rule_id, key, today) is applies
    assert WAIVER.expired(today) is (today > TODAY)


def test_waiver_describes_itself_for_the_finding() -> None:
    assert WAIVER.describe() == "Fixed-price contract (approved by jane.doe, until 2026-11-28)"


def test_context_finds_the_waiver_in_force() -> None:
    old = dataclasses.replace(WAIVER, expires=date(2026, 1, 1), reason="Old")
    ctx = EvaluationContext(today=TODAY, waivers=(old, WAIVER))
    assert ctx.waiver_for("cpi-above-threshold", "PAY-12") is WAIVER
    assert ctx.waiver_for("cpi-above-threshold", "PAY-99") is None
    later = dataclasses.replace(ctx, today=date(2026, 12, 1))
    assert later.waiver_for("cpi-above-threshold", "PAY-12") is None


def test_goals_are_found_by_id_or_name_ignoring_case_and_spaces() -> None:
    payments = Goal("G1", "Modernise payments", owner="jane.doe")
    legacy = Goal("G2", "Legacy ledger", status="retired")
    ctx = EvaluationContext(today=TODAY, goals={"G1": payments, "G2": legacy})
    assert ctx.find_goal("G1") is payments
    assert ctx.find_goal(" g2 ") is legacy
    assert ctx.find_goal("MODERNISE PAYMENTS") is payments
    assert ctx.find_goal("G3") is None
    assert ctx.find_goal(None) is None
    assert payments.active
    assert not legacy.active


def test_a_goal_id_wins_over_another_goal_named_like_it() -> None:
    tricky = Goal("G9", "G1")
    real = Goal("G1", "Payments")
    ctx = EvaluationContext(today=TODAY, goals={"G9": tricky, "G1": real})
    assert ctx.find_goal("g1") is real


def test_context_defaults_and_immutability() -> None:
    ctx = EvaluationContext(today=TODAY)
    assert ctx.first_seen == {}
    assert ctx.goals == {}
    assert ctx.goal_committed is None
    assert ctx.rates.rate_for(make_item("OPS-1")) == 100.0
    assert ctx.hours_per_day == 8
    with pytest.raises(dataclasses.FrozenInstanceError):
        ctx.today = date(2027, 1, 1)  # type: ignore[misc]
