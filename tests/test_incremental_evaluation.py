"""An incremental evaluation (changed items, their ancestors and descendants; stored findings for the rest) gives
the same findings as a full evaluation of the whole portfolio, on random portfolios and random change sets."""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from pmo_bot import evaluation
from pmo_bot.check import grace_history
from pmo_bot.domain import Item, Mode, StatusCategory, Worklog
from pmo_bot.evaluation import evaluate_portfolio, record_evaluation
from pmo_bot.portfolio import weekly_metrics
from pmo_bot.rules import loader
from pmo_bot.rules.engine import evaluate_detailed
from pmo_bot.store import Store, open_store
from tests.factories import make_item

RULES = Path(__file__).resolve().parents[1] / "rules"
BUNDLE = loader.load([RULES])
GOALS = [*BUNDLE.strategy.goals, "Unknown goal", None]
TODAY = date(2026, 11, 30)
NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
PROJECTS = ["PAY"]
STATUSES = [
    ("To Do", StatusCategory.NEW),
    ("In Progress", StatusCategory.IN_PROGRESS),
    ("Done", StatusCategory.DONE),
]


@pytest.fixture(scope="module")
def shared_store() -> Iterator[Store]:
    with tempfile.TemporaryDirectory() as tmp, open_store(f"sqlite:///{tmp}/eval.db") as store:
        yield store


def _empty(store: Store) -> None:
    with store.db.engine.begin() as connection:
        for name in ("items", "findings", "failing_since", "evaluation_marks"):
            connection.execute(text(f"DELETE FROM {name}"))


@st.composite
def traits(draw: st.DrawFn) -> dict[str, Any]:
    status, category = draw(st.sampled_from(STATUSES))
    return {
        "status": status,
        "status_category": category,
        "budget": draw(st.sampled_from([None, 0.0, 50_000.0, 400_000.0])),
        "due_date": draw(st.sampled_from([None, TODAY - timedelta(days=20), TODAY + timedelta(days=30)])),
        "start_date": draw(st.sampled_from([None, TODAY - timedelta(days=60)])),
        "assignee": draw(st.sampled_from([None, "Ana"])),
        "description": draw(st.sampled_from([None, "", "Acceptance criteria: it works"])),
        "goal": draw(st.sampled_from(GOALS)),
        "story_points": draw(st.sampled_from([None, 3.0, 8.0])),
        "updated": NOW - timedelta(days=draw(st.sampled_from([0, 3, 30]))),
        "created": NOW - timedelta(days=draw(st.sampled_from([2, 40, 200]))),
        "worklogs": draw(st.sampled_from([(), (Worklog(NOW - timedelta(days=5), 36_000),)])),
    }


LEVELS = {2: "Initiative", 1: "Epic", 0: "Story", -1: "Sub-task"}


@st.composite
def portfolios(draw: st.DrawFn) -> list[Item]:
    items: list[Item] = []
    for number in range(1, draw(st.integers(4, 16)) + 1):
        level = draw(st.sampled_from([2, 1, 1, 0, 0, 0, -1]))
        parents = [i.key for i in items if i.hierarchy_level > level]
        parent = draw(st.sampled_from([None, *parents])) if parents else None
        updated = draw(traits())
        items.append(
            make_item(f"PAY-{number}", hierarchy_level=level, issue_type=LEVELS[level], parent_key=parent, **updated)
        )
    return items


@st.composite
def change_sets(draw: st.DrawFn, items: list[Item]) -> tuple[list[Item], list[str]]:
    """(items written again, some changed, moved or new; keys deleted)."""
    changed: list[Item] = []
    keys = [i.key for i in items]
    for item in draw(st.lists(st.sampled_from(items), unique_by=lambda i: i.key, max_size=4)):
        kind = draw(st.sampled_from(["fields", "move", "level"]))
        if kind == "fields":
            changed.append(dataclasses.replace(item, **draw(traits())))
        elif kind == "move":
            changed.append(dataclasses.replace(item, parent_key=draw(st.sampled_from([None, *keys]))))
        else:
            level = draw(st.sampled_from([2, 1, 0]))
            changed.append(dataclasses.replace(item, hierarchy_level=level, issue_type=LEVELS[level]))
    for number in range(len(items) + 1, len(items) + 1 + draw(st.integers(0, 2))):
        level = draw(st.sampled_from([1, 0, -1]))
        parent = draw(st.sampled_from([None, *keys]))
        new = make_item(f"PAY-{number}", hierarchy_level=level, issue_type=LEVELS[level], parent_key=parent)
        changed.append(dataclasses.replace(new, **draw(traits())))
    untouched = [k for k in keys if k not in {c.key for c in changed}]
    deleted = draw(st.lists(st.sampled_from(untouched), unique=True, max_size=2)) if untouched else []
    return changed, deleted


def _context(store: Store, day: date = TODAY) -> Any:
    return BUNDLE.context(day, first_seen=grace_history(store, UTC), tz=UTC)


def _evaluate(store: Store, ctx: Any) -> evaluation.PortfolioEvaluation:
    return evaluate_portfolio(store, BUNDLE, ctx, projects=PROJECTS, mode=Mode.ENFORCE)


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_incremental_findings_equal_a_full_evaluation(
    shared_store: Store, data: st.DataObject, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(evaluation, "FULL_SHARE", 10.0)  # never fall back to a full evaluation here
    monkeypatch.setattr(evaluation, "PART", 3)  # a full evaluation goes part by part
    store = shared_store
    _empty(store)
    items = data.draw(portfolios())
    store.items.upsert(items)
    ctx = _context(store)
    first = _evaluate(store, ctx)
    assert first.kind == "full"
    whole = evaluate_detailed(BUNDLE.ruleset, store.items.all(PROJECTS), ctx, mode=Mode.ENFORCE)
    assert (first.findings, first.failing) == (whole.findings, whole.failing)
    assert first.weekly == weekly_metrics(store.items.all(PROJECTS), whole.findings, first.context)
    record_evaluation(store, first, PROJECTS, NOW, baseline=False)
    assert store.items.pending() == {}

    changed, deleted = data.draw(change_sets(items))
    store.items.upsert(changed)
    if deleted:
        store.items.mark_deleted(deleted, NOW)
    ctx = _context(store)
    incremental = _evaluate(store, ctx)
    reference = evaluate_detailed(BUNDLE.ruleset, store.items.all(PROJECTS), ctx, mode=Mode.ENFORCE)

    event(f"{incremental.kind} evaluation")
    if incremental.kind == "full":  # an epic's budget or goal moved a goal's committed budget: all may change
        assert incremental.reason == "rules, settings or goal commitments changed"
    assert list(incremental.findings) == list(reference.findings)
    assert incremental.failing == {p for p in reference.failing if p[1] in incremental.evaluated}
    assert set(incremental.keys) == {i.key for i in store.items.all(PROJECTS)}
    record_evaluation(store, incremental, PROJECTS, NOW, baseline=False)
    assert store.items.pending() == {}
    stored = store.findings.all()
    active = sorted((s.finding.rule_id, s.finding.item_key) for s in stored if s.status.value != "resolved")
    assert active == sorted((f.rule_id, f.item_key) for f in reference.findings)


def test_nothing_changed_evaluates_nothing_and_reuses_every_finding(shared_store: Store) -> None:
    store = shared_store
    _empty(store)
    epic = make_item("PAY-1", hierarchy_level=1, issue_type="Epic", budget=None)  # breaks budget rules
    store.items.upsert([epic, make_item("PAY-2", parent_key="PAY-1"), make_item("PAY-3")])
    first = _evaluate(store, _context(store))
    assert first.findings
    record_evaluation(store, first, PROJECTS, NOW, baseline=False)

    again = _evaluate(store, _context(store))
    assert (again.kind, again.evaluated) == ("incremental", frozenset())
    assert again.findings == first.findings


def test_a_new_day_or_other_rules_evaluate_everything(shared_store: Store) -> None:
    store = shared_store
    _empty(store)
    store.items.upsert([make_item("PAY-1"), make_item("PAY-2")])
    record_evaluation(store, _evaluate(store, _context(store)), PROJECTS, NOW, baseline=False)

    tomorrow = _evaluate(store, _context(store, TODAY + timedelta(days=1)))
    assert (tomorrow.kind, tomorrow.reason) == ("full", "a new day")
    other = evaluate_portfolio(store, BUNDLE, _context(store), projects=PROJECTS, mode=Mode.AUDIT)
    assert (other.kind, other.reason) == ("full", "rules, settings or goal commitments changed")


def test_an_epic_child_change_re_evaluates_the_epic_and_its_other_children_keep_their_findings(
    shared_store: Store,
) -> None:
    store = shared_store
    _empty(store)
    epic = make_item("PAY-1", hierarchy_level=1, issue_type="Epic", budget=50_000.0)
    children = [make_item(f"PAY-{n}", parent_key="PAY-1") for n in (2, 3, 4)]
    store.items.upsert([epic, *children, make_item("PAY-5")])
    record_evaluation(store, _evaluate(store, _context(store)), PROJECTS, NOW, baseline=False)

    store.items.upsert([dataclasses.replace(children[0], status="Done", status_category=StatusCategory.DONE)])
    again = _evaluate(store, _context(store))
    assert again.kind == "incremental"
    assert again.evaluated == {"PAY-1", "PAY-2"}


def test_changes_a_run_did_not_record_are_evaluated_by_the_next_one(shared_store: Store) -> None:
    """A dry run, or a run that stopped between sync and evaluation, leaves the changes flagged."""
    store = shared_store
    _empty(store)
    store.items.upsert([make_item("PAY-1"), make_item("PAY-2"), make_item("PAY-3")])
    record_evaluation(store, _evaluate(store, _context(store)), PROJECTS, NOW, baseline=False)
    store.items.upsert([make_item("PAY-2", assignee=None, summary="Changed")])

    dry = _evaluate(store, _context(store))  # evaluated, never recorded
    assert dry.evaluated == {"PAY-2"}
    again = _evaluate(store, _context(store))
    assert again.evaluated == {"PAY-2"}
    record_evaluation(store, again, PROJECTS, NOW, baseline=False)
    assert _evaluate(store, _context(store)).evaluated == frozenset()
