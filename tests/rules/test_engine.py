"""The engine: scope, when/check, references, days, grace, waivers, modes, explanations, fingerprints."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from pmo_bot.domain import Item, Mode, StatusCategory
from pmo_bot.rules.context import EvaluationContext, Goal, Waiver
from pmo_bot.rules.engine import TEMPLATE_FALLBACK_MESSAGE, evaluate, evaluate_detailed, fingerprint
from pmo_bot.rules.loader import load
from pmo_bot.rules.model import RuleSet
from tests.factories import make_item

TODAY = date(2026, 11, 28)


def rules(tmp_path: Path, body: str) -> RuleSet:
    (tmp_path / "rules.yaml").write_text("rules:\n" + body)
    return load([tmp_path / "rules.yaml"]).ruleset


def rule(check: str, *, extra: str = "", rule_id: str = "r", message: str = "{{ item.key }}") -> str:
    return (
        f"  - id: {rule_id}\n    title: T\n    category: budget\n    severity: warning\n{extra}"
        f"    check: {check}\n    message: '{message}'\n    remediation: Fix it.\n"
    )


def keys(findings: list) -> list[str]:  # type: ignore[type-arg]
    return [f.item_key for f in findings]


def ctx(**overrides: object) -> EvaluationContext:
    values: dict[str, object] = {"today": TODAY, **overrides}
    return EvaluationContext(**values)  # type: ignore[arg-type]


EPIC = {"issue_type": "Epic", "hierarchy_level": 1}


@pytest.mark.parametrize(
    ("scope", "matching"),
    [
        ("{issue_types: [epic]}", {"PAY-1"}),
        ("{projects: [OPS]}", {"OPS-3"}),
        ("{status_categories: [in-progress]}", {"PAY-1", "OPS-3"}),
        ("{status_categories: [to-do, done]}", {"PAY-2"}),
        ("{statuses: [in review]}", {"OPS-3"}),
        ("{labels: [customer-facing, vip]}", {"PAY-2"}),
        ("{hierarchy_levels: [0]}", {"PAY-2", "OPS-3"}),
        ("{exclude: {labels: [pmo-exempt]}}", {"PAY-1", "PAY-2"}),
        ("{exclude: {keys: [PAY-2], issue_types: [epic]}}", {"OPS-3"}),
        ("{exclude: {projects: [PAY], statuses: [In Review]}}", set()),
        ("{jql: 'component = Core'}", set()),  # never run here: applies to nothing (tests/rules/test_jql_scope.py)
    ],
)
def test_scope_selects_items(tmp_path: Path, scope: str, matching: set[str]) -> None:
    items = [
        make_item("PAY-1", **EPIC),
        make_item("PAY-2", status="To Do", status_category=StatusCategory.NEW, labels=("customer-facing",)),
        make_item("OPS-3", status="In Review", labels=("pmo-exempt",)),
    ]
    ruleset = rules(tmp_path, rule("{field: budget, op: present}", extra=f"    scope: {scope}\n"))

    assert set(keys(evaluate(ruleset, items, ctx()))) == matching


def test_a_missing_value_fails_a_check_but_only_skips_in_when(tmp_path: Path) -> None:
    checked = rules(tmp_path, rule("{field: budget, op: gt, value: 0}"))
    when = rules(
        tmp_path, rule("{field: budget, op: lt, value: 100}", extra="    when: {field: budget, op: gt, value: 0}\n")
    )
    items = [make_item("PAY-1"), make_item("PAY-2", budget=0.0), make_item("PAY-3", budget=500.0)]

    assert keys(evaluate(checked, items, ctx())) == ["PAY-1", "PAY-2"]
    assert keys(evaluate(when, items, ctx())) == ["PAY-3"]


def test_observed_and_expected_come_from_the_failing_tests(tmp_path: Path) -> None:
    ruleset = rules(
        tmp_path,
        rule(
            "{all: [{field: due_date, op: present}, {field: budget, op: ge, value: 1000}, {field: team, op: present}]}"
        ),
    )
    (finding,) = evaluate(ruleset, [make_item("PAY-1", budget=250.5, team="Core")], ctx())

    assert finding.observed == "no due date; budget is €250"
    assert finding.expected == "due date set; budget at least €1,000"


def test_any_lists_every_alternative_and_not_negates(tmp_path: Path) -> None:
    ruleset = rules(
        tmp_path,
        rule("{any: [{field: budget, op: absent}, {field: priority, op: in, value: [High]}]}", rule_id="a")
        + rule("{not: {field: updated, days: since, op: gt, value: 14}}", rule_id="b"),
    )
    updated = datetime(2026, 11, 1, 12, tzinfo=UTC)
    findings = evaluate(ruleset, [make_item("PAY-1", budget=5.0, priority="Low", updated=updated)], ctx())

    by_rule = {f.rule_id: f for f in findings}
    assert by_rule["a"].observed == "budget is €5; priority is Low"
    assert by_rule["a"].expected == "budget not set or priority one of High"
    assert by_rule["b"].observed == "days since updated: 27 days"
    assert by_rule["b"].expected == "days since updated at most 14 days"


def test_days_are_counted_in_the_configured_time_zone(tmp_path: Path) -> None:
    ruleset = rules(tmp_path, rule("{field: updated, days: since, op: le, value: 0}"))
    late_evening_utc = datetime(2026, 11, 27, 23, 30, tzinfo=UTC)  # already the 28th in Berlin
    item = make_item("PAY-1", updated=late_evening_utc)

    assert keys(evaluate(ruleset, [item], ctx())) == ["PAY-1"]
    assert keys(evaluate(ruleset, [item], ctx(tz=ZoneInfo("Europe/Berlin")))) == []


def test_days_until_and_date_constants(tmp_path: Path) -> None:
    ruleset = rules(
        tmp_path,
        rule("{field: due_date, days: until, op: ge, value: 7}", rule_id="soon")
        + rule("{field: created, op: ge, value: 2026-01-01}", rule_id="new"),
    )
    item = make_item("PAY-1", due_date=TODAY + timedelta(days=3), created=datetime(2025, 12, 31, 23, tzinfo=UTC))

    findings = evaluate(ruleset, [item], ctx())
    assert [(f.rule_id, f.observed) for f in findings] == [
        ("new", "created is Dec 31, 2025"),
        ("soon", "days until due date: 3 days"),
    ]


def test_values_may_refer_to_other_fields_and_metrics(tmp_path: Path) -> None:
    ruleset = rules(
        tmp_path,
        rule("{field: start_date, op: le, value: {field: due_date}}", rule_id="order")
        + rule(
            "{metric: cost, op: le, value: {metric: budget, times: {param: factor}, plus: 10}}",
            rule_id="cost",
            extra="    params: {factor: 1.1}\n",
        ),
    )
    item = make_item(
        "PAY-1", start_date=date(2026, 12, 1), due_date=date(2026, 11, 30), budget=100.0, actual_cost=121.0
    )

    findings = {f.rule_id: f for f in evaluate(ruleset, [item], ctx())}
    assert findings["order"].expected == "start date at most Nov 30, 2026 (due date)"
    assert findings["cost"].expected == "cost so far at most €120 (budget × 1.1 + €10)"
    within = make_item("PAY-2", budget=100.0, actual_cost=120.0)
    assert keys(evaluate(ruleset.only(frozenset({"cost"})), [within], ctx())) == []


def test_epics_roll_up_their_children(tmp_path: Path) -> None:
    ruleset = rules(
        tmp_path,
        rule(
            "{not: {metric: all_children_done, op: eq, value: true}}",
            extra="    scope: {issue_types: [Epic], status_categories: [new, in-progress]}\n",
        ),
    )
    done = {"status": "Done", "status_category": StatusCategory.DONE}
    items = [
        make_item("PAY-1", **EPIC),
        make_item("PAY-2", parent_key="PAY-1", **done),
        make_item("PAY-3", parent_key="PAY-1", **done),
        make_item("PAY-4", **EPIC),
        make_item("PAY-5", parent_key="PAY-4", **done),
        make_item("PAY-6", parent_key="PAY-4"),
        make_item("PAY-7", **EPIC),  # no children
    ]

    assert keys(evaluate(ruleset, items, ctx())) == ["PAY-1"]


def test_held_for_days_waits_for_the_condition_to_persist(tmp_path: Path) -> None:
    ruleset = rules(tmp_path, rule("{field: budget, op: present}", extra="    grace: {held_for_days: 3}\n"))
    items = [make_item("PAY-1"), make_item("PAY-2")]
    history = {("r", "PAY-2"): TODAY - timedelta(days=3), ("r", "PAY-9"): TODAY - timedelta(days=30)}

    result = evaluate_detailed(ruleset, items, ctx(first_seen=history))

    assert [f.item_key for f in result.findings] == ["PAY-2"]
    assert result.failing == {("r", "PAY-1"), ("r", "PAY-2")}  # PAY-1 starts its clock today


def test_min_age_days_leaves_new_items_alone(tmp_path: Path) -> None:
    ruleset = rules(tmp_path, rule("{field: budget, op: present}", extra="    grace: {min_age_days: 7}\n"))
    old = make_item("PAY-1", created=datetime(2026, 11, 21, 8, tzinfo=UTC))
    new = make_item("PAY-2", created=datetime(2026, 11, 22, 8, tzinfo=UTC))

    assert keys(evaluate(ruleset, [old, new], ctx())) == ["PAY-1"]


def test_waived_findings_are_kept_and_expired_waivers_stop_applying(tmp_path: Path) -> None:
    ruleset = rules(tmp_path, rule("{field: budget, op: present}"))
    waivers = (
        Waiver("r", ("PAY-1",), "Vendor contract", "jane", TODAY),
        Waiver("r", ("PAY-2",), "Old deal", "jane", TODAY - timedelta(days=1)),
    )
    findings = evaluate(ruleset, [make_item("PAY-1"), make_item("PAY-2")], ctx(waivers=waivers))

    assert [(f.item_key, f.waiver) for f in findings] == [
        ("PAY-1", "Vendor contract (approved by jane, until 2026-11-28)"),
        ("PAY-2", None),
    ]


def test_a_rule_mode_overrides_the_global_mode(tmp_path: Path) -> None:
    ruleset = rules(
        tmp_path,
        rule("{field: budget, op: present}", rule_id="audited", extra="    mode: audit\n")
        + rule("{field: budget, op: present}", rule_id="global"),
    )
    findings = evaluate(ruleset, [make_item("PAY-1")], ctx(), mode=Mode.ENFORCE)

    assert {f.rule_id: f.mode for f in findings} == {"audited": Mode.AUDIT, "global": Mode.ENFORCE}


def test_templates_see_item_metrics_params_rule_observed_and_expected(tmp_path: Path) -> None:
    message = (
        "{{ rule.id }}: {{ item.key }} cost {{ metrics.cost }} over {{ params.limit }}"
        " ({{ observed }} vs {{ expected }}, {{ today }})"
    )
    ruleset = rules(
        tmp_path,
        rule("{metric: cost, op: le, value: {param: limit}}", extra="    params: {limit: 10}\n", message=message),
    )
    (finding,) = evaluate(ruleset, [make_item("PAY-1", actual_cost=12.0)], ctx())

    assert finding.message == "r: PAY-1 cost 12.0 over 10 (cost €12 so far vs cost so far at most €10, 2026-11-28)"


def test_a_template_that_fails_at_run_time_still_yields_a_finding(tmp_path: Path) -> None:
    ruleset = rules(
        tmp_path, rule("{field: budget, op: present}", message='{{ item.extra.sponsor }} {{ "".__class__ }}')
    )
    evaluation = evaluate_detailed(ruleset, [make_item("PAY-1"), make_item("PAY-2")], ctx())
    finding = evaluation.findings[0]

    # No template text and no error reaches the comment: a neutral sentence, and the error is counted per rule.
    assert finding.message == TEMPLATE_FALLBACK_MESSAGE
    assert "sponsor" not in finding.message
    assert finding.observed == "no budget"
    assert evaluation.template_errors == (("r", "PAY-1"), ("r", "PAY-2"))


def test_fingerprints_are_stable_and_follow_what_a_reader_sees(tmp_path: Path) -> None:
    ruleset = rules(tmp_path, rule("{field: budget, op: gt, value: 10}"))
    first = evaluate(ruleset, [make_item("PAY-1", budget=5.0)], ctx())[0]
    again = evaluate(ruleset, [make_item("PAY-1", budget=5.0, summary="renamed")], ctx(today=TODAY + timedelta(1)))[0]
    changed = evaluate(ruleset, [make_item("PAY-1", budget=6.0)], ctx())[0]
    waived = evaluate(
        ruleset, [make_item("PAY-1", budget=5.0)], ctx(waivers=(Waiver("r", ("PAY-1",), "ok", "jane", TODAY),))
    )[0]

    assert first.fingerprint == again.fingerprint
    assert len({first.fingerprint, changed.fingerprint, waived.fingerprint}) == 3
    assert first.fingerprint == fingerprint(
        "r", "PAY-1", "warning", first.observed, first.expected, first.message, first.remediation, None
    )


def test_evaluation_is_deterministic_whatever_the_item_order(tmp_path: Path) -> None:
    ruleset = rules(
        tmp_path, rule("{field: budget, op: present}", rule_id="a") + rule("{field: team, op: present}", rule_id="b")
    )
    items = [make_item(f"PAY-{n}") for n in range(1, 30)]
    shuffled = items[:]
    random.Random(7).shuffle(shuffled)

    assert evaluate(ruleset, items, ctx()) == evaluate(ruleset, shuffled, ctx())


def test_goal_metrics_use_the_strategy(tmp_path: Path) -> None:
    ruleset = rules(
        tmp_path,
        rule("{all: [{metric: goal_known, op: eq, value: true}, {metric: goal_active, op: eq, value: true}]}",
             extra="    scope: {issue_types: [Epic]}\n"),
    )  # fmt: skip
    goals = {"G1": Goal("G1", "Payments"), "G2": Goal("G2", "Legacy", status="retired")}
    items = [make_item("PAY-1", goal="G1", **EPIC), make_item("PAY-2", goal="G2", **EPIC), make_item("PAY-3", **EPIC)]

    assert keys(evaluate(ruleset, items, ctx(goals=goals))) == ["PAY-2", "PAY-3"]


def test_items_that_no_rule_scopes_cost_no_evaluation(tmp_path: Path) -> None:
    ruleset = rules(tmp_path, rule("{field: budget, op: present}", extra="    scope: {issue_types: [Epic]}\n"))
    items: list[Item] = [make_item(f"PAY-{n}") for n in range(1, 6)]

    assert evaluate_detailed(ruleset, items, ctx()).evaluations == 0


def test_parameters_can_hold_lists_and_patterns(tmp_path: Path) -> None:
    params = "    params: {allowed: [High, Highest], pattern: '^\\[[A-Z]+\\]'}\n"
    ruleset = rules(
        tmp_path,
        rule("{field: priority, op: in, value: {param: allowed}}", rule_id="prio", extra=params)
        + rule("{field: summary, op: regex, value: {param: pattern}}", rule_id="title", extra=params),
    )
    good = make_item("PAY-1", priority="High", summary="[PAY] Cards")
    bad = make_item("PAY-2", priority="Low", summary="Cards")

    assert [(f.rule_id, f.item_key) for f in evaluate(ruleset, [good, bad], ctx())] == [
        ("prio", "PAY-2"),
        ("title", "PAY-2"),
    ]
