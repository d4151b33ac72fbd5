"""Authoring traps caught before anything reaches Jira: supersession mistakes, unknown template filters and
tests, ordering comparisons on values that can be missing; and the ``missing:`` stance itself."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pmo_bot.rules.context import EvaluationContext
from pmo_bot.rules.engine import evaluate
from pmo_bot.rules.loader import check
from tests.factories import make_item

HEADER = "rules:\n"


def rule(rule_id: str, check_yaml: str, *, extra: str = "", message: str = "m") -> str:
    return (
        f"  - id: {rule_id}\n    title: T\n    category: budget\n    severity: warning\n{extra}"
        f'    check: {check_yaml}\n    message: "{message}"\n    remediation: Fix it.\n'
    )


def problems_of(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "rules.yaml"
    path.write_text(HEADER + text, encoding="utf-8")
    _, problems = check([path])
    return [f"{p.line}: {'warning: ' if p.warning else ''}{p.message}" for p in problems]


def test_supersedes_must_name_known_rules(tmp_path: Path) -> None:
    text = rule("a", "{field: budget, op: present}", extra="    supersedes: [b, cots]\n") + rule(
        "b", "{field: budget, op: present}"
    )
    assert problems_of(tmp_path, text) == ["6: supersedes unknown rule 'cots'"]


def test_supersedes_must_not_go_round_in_a_circle(tmp_path: Path) -> None:
    text = (
        rule("a", "{field: budget, op: present}", extra="    supersedes: [b]\n")
        + rule("b", "{field: budget, op: present}", extra="    supersedes: [c]\n")
        + rule("c", "{field: budget, op: present}", extra="    supersedes: [a]\n")
    )
    (problem,) = problems_of(tmp_path, text)
    assert "supersedes goes round in a circle: a -> b -> c -> a" in problem


def test_an_unknown_template_filter_is_a_validation_error_with_its_line_not_a_traceback(tmp_path: Path) -> None:
    text = rule("a", "{field: budget, op: present}", message="{{ metrics.cost | mony }}")
    (problem,) = problems_of(tmp_path, text)
    assert problem.startswith("7: ")
    assert "unknown template filter 'mony' (did you mean 'money'?)" in problem


def test_an_unknown_template_test_is_a_validation_error(tmp_path: Path) -> None:
    text = rule("a", "{field: budget, op: present}", message="{% if item.budget is nunber %}x{% endif %}")
    (problem,) = problems_of(tmp_path, text)
    assert "unknown template test 'nunber' (did you mean 'number'?)" in problem


def test_an_ordering_on_a_value_that_can_be_missing_is_warned_about_until_the_rule_takes_a_stance(
    tmp_path: Path,
) -> None:
    silent = rule("a", "{metric: cpi, op: ge, value: 0.9}")
    (warning,) = problems_of(tmp_path, silent)
    assert warning.startswith("6: warning: 'ge' on metric 'cpi', which can be missing: an item without a value fails")

    assert problems_of(tmp_path, rule("a", "{metric: cpi, op: ge, value: 0.9, missing: passes}")) == []
    assert problems_of(tmp_path, rule("a", "{metric: days_since_update, op: le, value: 14}")) == []


def test_missing_passes_and_missing_fails_hold_for_the_whole_check_even_under_not(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(
        HEADER
        + rule("passes", "{field: budget, op: gt, value: 0, missing: passes}")
        + rule("fails", "{field: budget, op: gt, value: 0, missing: fails}")
        + rule("not-passes", "{not: {field: budget, op: gt, value: 100, missing: passes}}")
        + rule("not-fails", "{not: {field: budget, op: gt, value: 100, missing: fails}}"),
        encoding="utf-8",
    )
    bundle, problems = check([path])
    assert bundle is not None, problems
    ctx = EvaluationContext(today=date(2026, 11, 28))

    no_budget = {f.rule_id for f in evaluate(bundle.ruleset, [make_item("PAY-1")], ctx)}
    small_budget = {f.rule_id for f in evaluate(bundle.ruleset, [make_item("PAY-2", budget=50.0)], ctx)}

    assert no_budget == {"fails", "not-fails"}
    assert small_budget == set()
