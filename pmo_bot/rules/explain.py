"""Why an item passes or fails each rule: the seam behind ``pmo-bot rules explain KEY``.

Walks the same compiled rules as the engine, for one item, and records each step (scope, when, check, grace,
waiver) instead of only the outcome. Pure, like the engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from pmo_bot.domain import Item
from pmo_bot.rules.compile import ItemView, explain
from pmo_bot.rules.context import EvaluationContext
from pmo_bot.rules.engine import CompiledRules, grace_status
from pmo_bot.rules.metrics import Metrics
from pmo_bot.rules.model import Rule

Verdict = Literal["out-of-scope", "not-applicable", "passes", "too-young", "in-grace", "fails", "waived"]


@dataclass(frozen=True, slots=True)
class RuleTrace:
    rule_id: str
    verdict: Verdict
    detail: str  # one sentence: why this verdict
    reasons: tuple[tuple[str, str], ...] = ()  # (observed, expected) when the check fails


def trace(rules: CompiledRules, item: Item, items: Sequence[Item], context: EvaluationContext) -> list[RuleTrace]:
    """One ``RuleTrace`` per rule, in rule order. ``items`` supplies the item's children and ancestors."""
    by_key = {other.key: other for other in items}
    children = [other for other in items if other.parent_key == item.key]
    ancestors: list[Item] = []
    parent = by_key.get(item.parent_key or "")
    while parent is not None and parent not in ancestors and len(ancestors) < 10:
        ancestors.append(parent)
        parent = by_key.get(parent.parent_key or "")
    view = ItemView(item, Metrics(item, children, context, ancestors), context.today, context.tz)
    candidates = {compiled.rule.id for compiled in rules.candidates(item)}
    traces = []
    for compiled in rules.rules:
        rule = compiled.rule
        scope = rule.scope
        in_scope = (
            rule.id in candidates
            and not (scope.labels and scope.labels.isdisjoint(item.labels))
            and scope.exclude.labels.isdisjoint(item.labels)
            and item.key not in scope.exclude.keys
        )
        if not in_scope:
            traces.append(RuleTrace(rule.id, "out-of-scope", f"scope is {scope.describe()}"))
            continue
        if scope.jql is not None and not context.in_jql_scope(scope.jql, item.key):
            ran = scope.jql in context.jql_scopes
            why = "Jira's search for it did not return this issue" if ran else "its search was not run or failed"
            traces.append(RuleTrace(rule.id, "out-of-scope", f"scope.jql '{scope.jql}': {why}"))
            continue
        if compiled.when is not None and not compiled.when(view):
            traces.append(RuleTrace(rule.id, "not-applicable", "its 'when' condition does not hold"))
            continue
        if compiled.check(view):
            traces.append(RuleTrace(rule.id, "passes", "the check holds"))
            continue
        reasons = tuple(explain(rule.check, view))
        traces.append(RuleTrace(rule.id, *_failure_verdict(rule, item, context), reasons))
    return traces


def _failure_verdict(rule: Rule, item: Item, context: EvaluationContext) -> tuple[Verdict, str]:
    status = grace_status(rule, item, context)
    if status == "too-young":
        return status, f"the item is younger than {rule.grace.min_age_days} days"
    if status == "in-grace":
        first = context.first_seen.get((rule.id, item.key), context.today)
        return status, f"failing since {first.isoformat()}; reported after {rule.grace.held_for_days} days"
    waiver = context.waiver_for(rule.id, item.key)
    if waiver is not None:
        return "waived", waiver.describe()
    return "fails", "the check does not hold"
