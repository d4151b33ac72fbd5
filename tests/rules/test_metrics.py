from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmo_bot.domain import FieldChange, Item, StatusCategory, Worklog
from pmo_bot.rules.context import EvaluationContext, Goal, GoalLink, RateCard
from pmo_bot.rules.goals import ancestors_of, commitments, with_commitments
from pmo_bot.rules.metrics import METRICS, Metrics, compute_metrics
from tests.factories import make_item

TODAY = date(2026, 11, 28)
NOON = datetime(2026, 11, 28, 12, tzinfo=UTC)
HOUR = 3600
DONE = {"status": "Done", "status_category": StatusCategory.DONE}
TODO = {"status": "To Do", "status_category": StatusCategory.NEW}
GOALS = {
    "G1": Goal("G1", "Modernise payments", budget_envelope=1000.0, period_end=date(2026, 12, 31)),
    "G2": Goal("G2", "Legacy ledger", status="retired"),
}


def ctx(**overrides: Any) -> EvaluationContext:
    return EvaluationContext(today=TODAY, goals=GOALS, **overrides)


def metric(
    name: str, item: Item, children: Sequence[Item] = (), context: EvaluationContext | None = None, **kw: Any
) -> Any:
    return compute_metrics(item, children, context or ctx(), frozenset({name}), **kw)[name]


def epic(key: str = "PAY-1", **overrides: Any) -> Item:
    return make_item(key, issue_type="Epic", hierarchy_level=1, **overrides)


def log(hours: float, at: datetime = NOON) -> Worklog:
    return Worklog(started=at, seconds=int(hours * HOUR))


# --- budget -------------------------------------------------------------------------------------------


def test_hours_count_worklogs_or_time_spent_never_both() -> None:
    item = epic(worklogs=(log(2), log(3)), time_spent_seconds=4 * HOUR)  # worklogs 5 h > time spent 4 h
    children = [
        make_item("PAY-2", worklogs=(log(1),), time_spent_seconds=6 * HOUR),  # 6 h: worklogs were truncated
        make_item("PAY-3", worklogs=(Worklog(NOON, -7200), log(1))),  # a negative entry counts as 0
        make_item("PAY-4"),
    ]
    assert metric("hours_logged", item, children) == 12.0
    assert metric("hours_logged", make_item("PAY-9")) == 0.0


def test_cost_uses_actual_cost_or_hours_at_the_most_specific_rate() -> None:
    rates = RateCard(default_hourly=100, by_project={"OPS": 80}, by_team={"Platform": 150})
    children = [
        make_item("PAY-2", time_spent_seconds=2 * HOUR),  # 200
        make_item("PAY-3", time_spent_seconds=2 * HOUR, team="Platform"),  # 300
        make_item("PAY-4", time_spent_seconds=9 * HOUR, actual_cost=50.0),  # its actual cost wins: 50
        make_item("OPS-5", time_spent_seconds=HOUR),  # another project's rate: 80
    ]
    item = epic(time_spent_seconds=HOUR)  # 100
    assert metric("cost", item, children, ctx(rates=rates)) == 730.0
    # The epic's own actual cost is its whole cost, children included.
    assert metric("cost", dataclasses.replace(item, actual_cost=999.0), children, ctx(rates=rates)) == 999.0


@pytest.mark.parametrize("budget", [None, 0.0, -500.0, math.nan])
def test_earned_value_needs_a_positive_budget(budget: float | None) -> None:
    item = epic(budget=budget, start_date=date(2026, 11, 1), due_date=date(2026, 12, 31), time_spent_seconds=HOUR)
    got = compute_metrics(item, [make_item("PAY-2", **DONE)], ctx())
    for name in ("burn_ratio", "planned_value", "earned_value", "cpi", "spi", "eac", "eac_ratio", "vac"):
        assert got[name] is None, name
    assert got["cost"] == 100.0
    if budget is None or math.isnan(budget):
        assert got["budget"] is None
        assert got["budget_remaining"] is None
    else:
        assert got["budget_remaining"] == budget - 100.0


def test_cpi_is_undefined_without_cost_and_zero_without_progress() -> None:
    unspent = epic(budget=1000.0)
    assert metric("cpi", unspent, [make_item("PAY-2", **DONE)]) is None
    assert metric("eac", unspent, [make_item("PAY-2", **DONE)]) is None
    spent = epic(budget=1000.0, time_spent_seconds=HOUR)
    assert metric("cpi", spent, [make_item("PAY-2")]) == 0.0
    assert metric("eac", spent, [make_item("PAY-2")]) is None  # nothing earned yet: no forecast


def test_spi_is_undefined_before_the_start() -> None:
    item = epic(budget=1000.0, start_date=date(2026, 12, 1), due_date=date(2026, 12, 31))
    assert metric("planned_value", item) == 0.0
    assert metric("spi", item) is None


def test_a_done_item_forecasts_its_actual_cost() -> None:
    item = epic(budget=1000.0, actual_cost=1200.0, **DONE)
    got = compute_metrics(item, [make_item("PAY-2", **DONE)], ctx())
    assert got["eac"] == 1200.0
    assert got["vac"] == -200.0
    assert got["eac_ratio"] == 1.2
    assert got["burn_ratio"] == 1.2


def test_huge_and_tiny_numbers_give_none_rather_than_infinity() -> None:
    item = epic(budget=1e308, actual_cost=1e-300, **DONE)
    got = compute_metrics(item, [make_item("PAY-2", **DONE)], ctx())
    assert got["cpi"] is None  # 1e308 / 1e-300 overflows to inf
    assert got["budget"] == 1e308
    assert got["earned_value"] == 1e308


def test_hours_after_done_compares_instants_across_time_zones() -> None:
    resolved = datetime(2026, 11, 10, 10, tzinfo=timezone(timedelta(hours=2)))  # 08:00 UTC
    item = epic(resolved=resolved, worklogs=(log(1, datetime(2026, 11, 10, 7, 30, tzinfo=UTC)),), **DONE)
    children = [
        make_item("PAY-2", worklogs=(log(2, datetime(2026, 11, 10, 9, tzinfo=UTC)),)),
        make_item("PAY-3", worklogs=(log(3, datetime(2026, 11, 11, 9)),)),  # naive: read as UTC
    ]
    assert metric("hours_after_done", item, children) == 5.0
    assert metric("hours_after_done", dataclasses.replace(item, **TODO)) is None
    # Without a resolution instant, entering the done status counts.
    by_status = dataclasses.replace(item, resolved=None, status_changed=datetime(2026, 11, 11, tzinfo=UTC))
    assert metric("hours_after_done", by_status, children) == 3.0
    assert metric("hours_after_done", dataclasses.replace(by_status, status_changed=None)) is None


# --- schedule -----------------------------------------------------------------------------------------


def test_due_date_metrics() -> None:
    late = make_item(due_date=date(2026, 11, 20))
    assert metric("days_until_due", late) == -8
    assert metric("days_overdue", late) == 8
    assert metric("days_overdue", dataclasses.replace(late, **DONE)) == 0
    assert metric("days_overdue", dataclasses.replace(late, due_date=date(2026, 12, 1))) == 0
    assert metric("days_until_due", dataclasses.replace(late, due_date=date(2026, 12, 1))) == 3
    assert metric("days_until_due", make_item()) is None
    assert metric("days_overdue", make_item()) is None


@pytest.mark.parametrize(
    ("start", "due", "ratio"),
    [
        (date(2026, 11, 18), date(2026, 12, 8), 0.5),
        (date(2026, 12, 1), date(2026, 12, 8), 0.0),  # not started: clamped
        (date(2026, 10, 1), date(2026, 11, 1), 1.0),  # past due: clamped
        (date(2026, 11, 28), date(2026, 11, 28), 1.0),  # one-day plan, today
        (date(2026, 11, 29), date(2026, 11, 29), 0.0),
        (date(2026, 12, 8), date(2026, 11, 18), None),  # due before start
        (None, date(2026, 12, 8), None),
        (date(2026, 11, 18), None, None),
    ],
)
def test_planned_elapsed_ratio(start: date | None, due: date | None, ratio: float | None) -> None:
    assert metric("planned_elapsed_ratio", make_item(start_date=start, due_date=due)) == ratio


def change(field: str, before: str | None, after: str | None) -> FieldChange:
    return FieldChange(field=field, at=NOON, from_value=before, to_value=after)


def test_due_date_slips_count_only_moves_later() -> None:
    item = make_item(
        changelog=(
            change("duedate", None, "2026-10-01"),  # first set: no slip
            change("duedate", "2026-10-01", "2026-10-15 00:00:00.0"),  # slip (Jira DC format)
            change("Due Date", "2026-10-15", "2026-10-10"),  # pulled in
            change("duedate", "2026-10-10", "2026-11-01"),  # slip
            change("duedate", "2026-11-01", None),  # cleared
            change("duedate", "soon", "later"),  # not dates
            change("status", "2026-01-01", "2026-12-01"),  # another field
        )
    )
    assert metric("due_date_slips", item) == 2
    assert metric("due_date_slips", make_item()) == 0


def test_ages_use_local_dates_and_never_go_negative() -> None:
    late_evening_utc = datetime(2026, 11, 27, 23, 30, tzinfo=UTC)  # already the 28th in Berlin
    item = make_item(updated=late_evening_utc, created=datetime(2026, 11, 1, 12))  # naive: UTC
    assert metric("days_since_update", item) == 1
    assert metric("days_since_update", item, context=ctx(tz=ZoneInfo("Europe/Berlin"))) == 0
    assert metric("age_days", item) == 27
    future = make_item(updated=datetime(2026, 12, 5, tzinfo=UTC))
    assert metric("days_since_update", future) == 0


def test_days_in_status_falls_back_to_the_changelog_then_creation() -> None:
    created = datetime(2026, 11, 1, 9, tzinfo=UTC)
    item = make_item(created=created, status_changed=datetime(2026, 11, 20, tzinfo=UTC))
    assert metric("days_in_status", item) == 8
    history = (
        FieldChange("status", datetime(2026, 11, 10, tzinfo=UTC), "To Do", "In Progress"),
        FieldChange("status", datetime(2026, 11, 18, 23, tzinfo=timezone(timedelta(hours=-5))), "A", "B"),
        FieldChange("assignee", datetime(2026, 11, 27, tzinfo=UTC), None, "jane"),
    )
    assert metric("days_in_status", make_item(created=created, changelog=history)) == 9  # the 19th in UTC
    assert metric("days_in_status", make_item(created=created)) == 27


# --- progress -----------------------------------------------------------------------------------------


def test_progress_of_an_item_without_children_is_its_status() -> None:
    got = compute_metrics(make_item(), [], ctx())
    assert (got["progress_ratio"], got["progress_basis"]) == (0.0, "status")
    assert got["children_total"] == 0
    assert got["story_points_total"] is None
    assert got["all_children_done"] is None
    assert metric("progress_ratio", make_item(**DONE)) == 1.0


def test_progress_by_points_imputes_the_mean_to_unestimated_children() -> None:
    children = [
        make_item("PAY-2", story_points=3.0, **DONE),
        make_item("PAY-3", story_points=5.0),
        make_item("PAY-4", **DONE),  # unestimated, done: counts as 4
        make_item("PAY-5", story_points=-2.0),  # negative: unestimated, open
    ]
    got = compute_metrics(epic(), children, ctx())
    assert got["progress_basis"] == "points"
    assert got["progress_ratio"] == (3 + 4) / (8 + 4 + 4)
    assert got["story_points_total"] == 8.0
    assert got["story_points_done"] == 3.0
    assert (got["children_total"], got["children_done"], got["children_open"]) == (4, 2, 2)


@pytest.mark.parametrize(
    ("points", "basis", "ratio"),
    [
        ((5.0, None, None), "count", 1 / 3),  # only a third estimated
        ((0.0, 0.0, 0.0), "count", 1 / 3),  # estimated, but nothing to weigh
        ((math.nan, math.inf, 2.0), "count", 1 / 3),  # not-a-number estimates do not count
        ((1.0, 1.0, None), "points", 1 / 3),
    ],
)
def test_progress_falls_back_to_counting(points: tuple[float | None, ...], basis: str, ratio: float) -> None:
    children = [
        make_item(f"PAY-{n}", story_points=p, **(DONE if n == 2 else {})) for n, p in enumerate(points, start=2)
    ]
    got = compute_metrics(epic(), children, ctx())
    assert got["progress_basis"] == basis
    assert got["progress_ratio"] == pytest.approx(ratio)


def test_cancelled_children_count_as_done() -> None:
    children = [make_item("PAY-2", status="Cancelled", status_category=StatusCategory.DONE)]
    assert metric("all_children_done", epic(), children) is True
    assert metric("all_children_done", epic(), [*children, make_item("PAY-3")]) is False


# --- alignment ----------------------------------------------------------------------------------------


def test_goal_from_the_strategic_goal_field() -> None:
    got = compute_metrics(epic(goal="G1"), [], ctx())
    assert (got["goal_ref"], got["goal_id"], got["goal_name"]) == ("G1", "G1", "Modernise payments")
    assert (got["goal_known"], got["goal_active"], got["goal_inherited"]) == (True, True, False)
    assert got["goal_period_end"] == date(2026, 12, 31)
    assert got["goal_budget_envelope"] == 1000.0
    assert got["goal_committed_budget"] is None  # not computed for this run


def test_unknown_missing_and_retired_goals() -> None:
    unknown = compute_metrics(epic(goal="G7"), [], ctx())
    assert (unknown["goal_ref"], unknown["goal_known"], unknown["goal_active"], unknown["goal_id"]) == (
        "G7",
        False,
        None,
        None,
    )
    missing = compute_metrics(epic(goal="  "), [], ctx())
    assert (missing["goal_ref"], missing["goal_known"]) == (None, False)
    assert metric("goal_active", epic(goal="legacy ledger")) is False


def test_goal_from_another_field_or_a_label() -> None:
    by_field = ctx(goal_link=GoalLink(kind="field", field="objective"))
    assert metric("goal_id", epic(extra={"objective": ["G2", "G1"]}), context=by_field) == "G2"
    assert metric("goal_ref", epic(extra={"objective": 42}), context=by_field) == "42"
    assert metric("goal_ref", epic(goal="G1"), context=by_field) is None
    by_label = ctx(goal_link=GoalLink(kind="label", label_prefix="goal-"))
    assert metric("goal_id", epic(labels=("team-a", "GOAL-g1")), context=by_label) == "G1"
    assert metric("goal_ref", epic(labels=("goal-",)), context=by_label) is None


def test_goal_inherited_from_the_nearest_ancestor() -> None:
    initiative = make_item("PAY-100", issue_type="Initiative", hierarchy_level=2, goal="G2")
    parent = epic(goal="G1", parent_key="PAY-100")
    story = make_item("PAY-2", parent_key="PAY-1")
    got = compute_metrics(story, [], ctx(), ancestors=(parent, initiative))
    assert (got["goal_id"], got["goal_inherited"]) == ("G1", True)
    assert metric("goal_id", dataclasses.replace(story, goal="G2"), ancestors=(parent,)) == "G2"
    assert metric("goal_known", story) is False  # without its ancestors, nothing to inherit


def test_goal_as_a_parent_level() -> None:
    link = ctx(goal_link=GoalLink(kind="parent", parent_level=2))
    initiative = make_item("PORT-1", issue_type="Initiative", hierarchy_level=2, summary="Modernise Payments")
    got = compute_metrics(epic(goal="G2"), [], link, ancestors=(initiative,))
    assert (got["goal_ref"], got["goal_id"], got["goal_inherited"]) == ("PORT-1", "G1", True)
    itself = compute_metrics(initiative, [], link)
    assert (itself["goal_id"], itself["goal_inherited"]) == ("G1", False)
    assert metric("goal_ref", epic(), context=link) is None


def test_ancestors_stop_at_unknown_parents_and_cycles() -> None:
    a = make_item("PAY-1", parent_key="PAY-2")
    b = make_item("PAY-2", parent_key="PAY-3")
    c = make_item("PAY-3", parent_key="PAY-1")
    by_key = {i.key: i for i in (a, b, c)}
    assert [i.key for i in ancestors_of(a, by_key)] == ["PAY-2", "PAY-3"]
    assert ancestors_of(make_item("PAY-9", parent_key="GONE-1"), by_key) == ()


def test_goal_commitments_sum_epic_budgets_per_goal() -> None:
    initiative = make_item("PAY-100", issue_type="Initiative", hierarchy_level=2, goal="G1", budget=10**6)
    items = [
        initiative,
        epic("PAY-1", goal="G1", budget=600.0, **DONE),
        epic("PAY-2", parent_key="PAY-100", budget=700.0),  # inherits G1 from the initiative
        epic("PAY-3", goal="G2", budget=100.0),
        epic("PAY-4", goal="G1", budget=None),
        epic("PAY-5", goal="G1", budget=-50.0),
        epic("PAY-6", goal="nope", budget=5.0),
        make_item("PAY-7", goal="G1", budget=999.0),  # not an epic
    ]
    assert commitments(items, ctx()) == {"G1": 1300.0, "G2": 100.0}
    run = with_commitments(ctx(), items)
    got = compute_metrics(items[1], [], run)
    assert got["goal_committed_budget"] == 1300.0
    assert got["goal_envelope_ratio"] == 1.3
    assert metric("goal_envelope_ratio", items[3], context=run) is None  # G2 has no envelope
    empty = with_commitments(ctx(), [])
    assert metric("goal_committed_budget", epic(goal="G2"), context=empty) == 0.0


# --- hygiene ------------------------------------------------------------------------------------------


def test_assignee_and_description_need_non_blank_text() -> None:
    assert metric("has_assignee", make_item(assignee="jane")) is True
    assert metric("has_assignee", make_item(assignee=" ")) is False
    assert metric("has_description", make_item(description="\n\t ")) is False
    assert metric("has_description", make_item(description="Do it")) is True


def test_acceptance_criteria_from_a_field_or_markers() -> None:
    assert metric("has_acceptance_criteria", make_item(description="ACCEPTANCE CRITERIA:\n- works")) is True
    assert metric("has_acceptance_criteria", make_item(description="Just do it")) is False
    assert metric("has_acceptance_criteria", make_item()) is False
    assert metric("has_acceptance_criteria", make_item(extra={"acceptance_criteria": "Given..."})) is True
    gherkin = ctx(acceptance_markers=("given ", ""))
    assert metric("has_acceptance_criteria", make_item(description="Given a card"), context=gherkin) is True
    assert metric("has_acceptance_criteria", make_item(description="Just do it"), context=gherkin) is False


def test_is_stale_after_the_threshold_and_never_when_done() -> None:
    at_limit = make_item(updated=NOON - timedelta(days=14))
    assert metric("is_stale", at_limit) is False
    assert metric("is_stale", dataclasses.replace(at_limit, updated=NOON - timedelta(days=15))) is True
    assert metric("is_stale", dataclasses.replace(at_limit, updated=NOON - timedelta(days=99), **DONE)) is False
    assert metric("is_stale", at_limit, context=ctx(stale_after_days=7)) is True


# --- the API and odd data -----------------------------------------------------------------------------


def test_compute_only_what_is_asked_and_reject_unknown_names() -> None:
    assert set(compute_metrics(make_item(), [], ctx(), frozenset({"cost", "cpi"}))) == {"cost", "cpi"}
    assert set(compute_metrics(make_item(), [], ctx())) == set(METRICS)
    lazy = Metrics(make_item(), [], ctx())
    assert len(lazy) == len(METRICS)
    assert list(lazy) == list(METRICS)
    with pytest.raises(KeyError):
        lazy["budjet"]


def test_text_where_numbers_belong_gives_none() -> None:
    odd = epic(budget="a lot", story_points="five", actual_cost="n/a")  # type: ignore[arg-type]
    got = compute_metrics(odd, [make_item("PAY-2", story_points="x")], ctx())  # type: ignore[arg-type]
    assert got["budget"] is None
    assert got["cost"] is None
    assert got["cpi"] is None
    assert got["children_total"] == 1


def _typed(kind: str, value: Any) -> bool:
    expected: dict[str, tuple[type, ...]] = {
        "number": (int, float),
        "ratio": (int, float),
        "integer": (int,),
        "date": (date,),
        "bool": (bool,),
        "string": (str,),
    }
    is_bool = isinstance(value, bool)
    return isinstance(value, expected[kind]) and (kind == "bool" or not is_bool)


numbers = st.none() | st.floats(allow_nan=True, allow_infinity=True) | st.integers(-(10**12), 10**12)
instants = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.none() | st.timezones()
)
dates = st.none() | st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 1, 1))


@st.composite
def items(draw: st.DrawFn, key: str = "PAY-1") -> Item:
    return make_item(
        key,
        hierarchy_level=draw(st.integers(-1, 2)),
        status_category=draw(st.sampled_from(list(StatusCategory))),
        created=draw(instants),
        updated=draw(instants),
        status_changed=draw(st.none() | instants),
        resolved=draw(st.none() | instants),
        due_date=draw(dates),
        start_date=draw(dates),
        budget=draw(numbers),
        actual_cost=draw(numbers),
        story_points=draw(numbers),
        time_spent_seconds=draw(st.none() | st.integers(-(10**9), 10**12)),
        goal=draw(st.none() | st.sampled_from(["G1", "g2", "", "Modernise payments", "?"])),
        worklogs=tuple(draw(st.lists(st.builds(Worklog, instants, st.integers(-(10**6), 10**9)), max_size=3))),
        changelog=tuple(
            draw(st.lists(st.builds(change, st.just("duedate"), st.none() | st.text(), st.none() | st.text())))
        ),
    )


@settings(max_examples=60, deadline=None)
@given(item=items(), children=st.lists(items("PAY-2"), max_size=4), tz=st.timezones())
def test_any_item_gives_typed_values_or_none(item: Item, children: list[Item], tz: Any) -> None:
    got = compute_metrics(item, children, ctx(tz=tz))
    for name, value in got.items():
        assert value is None or _typed(METRICS[name].type, value), (name, value)
        assert not (isinstance(value, float) and not math.isfinite(value)), name
