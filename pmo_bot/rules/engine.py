"""The engine: ``evaluate(rules, items, context) -> findings``. Pure and deterministic.

Rules are compiled once (``compile_rules``); for each item the applicable rules are found through a memo on
the item's static traits (type, project, status...), metrics are computed lazily once per item, and templates
are rendered only for failing items. ``today``, goals, rates, waivers and grace history come in through the
context; nothing here reads a clock, a file or the network.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pmo_bot import logs
from pmo_bot.domain import Finding, Item, Mode
from pmo_bot.rules.compile import ItemView, Predicate, compile_condition, explain, local_date
from pmo_bot.rules.context import EvaluationContext
from pmo_bot.rules.goals import ancestors_of, with_commitments
from pmo_bot.rules.metrics import Metrics
from pmo_bot.rules.model import Rule, RuleSet, Scope
from pmo_bot.rules.templating import NUMBERS_VARIABLE, Template, compile_template

log = logs.get_logger(__name__)

TEMPLATE_FALLBACK_MESSAGE = (
    "This rule fails on this issue; its explanation could not be written (the PMO has been told)."
)
TEMPLATE_FALLBACK_REMEDIATION = "See the rule's title and the Observed and Expected lines, or ask the PMO."

_Traits = tuple[str, str, str, int, str]  # folded type, project, status category, level, folded status


@dataclass(frozen=True, slots=True)
class CompiledRule:
    rule: Rule
    check: Predicate
    when: Predicate | None
    message: Template
    remediation: Template
    info: Mapping[str, Any]  # what templates see as ``rule``


@dataclass(frozen=True, slots=True)
class CompiledRules:
    rules: tuple[CompiledRule, ...]
    _memo: dict[tuple[object, ...], tuple[CompiledRule, ...]] = field(default_factory=dict, compare=False, repr=False)

    def candidates(self, item: Item) -> tuple[CompiledRule, ...]:
        """Rules whose scope the item's static traits satisfy (labels and keys are checked per item)."""
        traits = (item.issue_type, item.project, item.status_category, item.hierarchy_level, item.status)
        found = self._memo.get(traits)
        if found is None:
            folded = (
                item.issue_type.casefold(),
                item.project,
                str(item.status_category),
                item.hierarchy_level,
                item.status.casefold(),
            )
            found = tuple(rule for rule in self.rules if _static_match(rule.rule.scope, folded))
            self._memo[traits] = found
        return found


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Findings, plus every (rule id, item key) whose check failed, including those still in grace.

    The state store records the first day each pair failed (``EvaluationContext.first_seen``).
    """

    findings: tuple[Finding, ...]
    failing: frozenset[tuple[str, str]]
    evaluations: int  # rule x item checks performed (for benchmarks and run summaries)
    template_errors: tuple[tuple[str, str], ...] = ()  # (rule id, item key) whose message or fix failed to render


def compile_rules(ruleset: RuleSet) -> CompiledRules:
    compiled = []
    for rule in ruleset.rules:
        info = {
            "id": rule.id,
            "title": rule.title,
            "category": rule.category,
            "severity": str(rule.severity),
            "owner": rule.owner,
            "docs": rule.docs,
            "description": rule.description,
            "mode": str(rule.mode) if rule.mode else None,
        }
        compiled.append(
            CompiledRule(
                rule=rule,
                check=compile_condition(rule.check),
                when=compile_condition(rule.when) if rule.when is not None else None,
                message=compile_template(rule.message),
                remediation=compile_template(rule.remediation),
                info=info,
            )
        )
    return CompiledRules(tuple(compiled))


def evaluate(
    rules: RuleSet | CompiledRules,
    items: Iterable[Item],
    context: EvaluationContext,
    *,
    mode: Mode = Mode.AUDIT,
) -> list[Finding]:
    """Findings of ``rules`` over ``items``; ``mode`` is the global mode for rules that set none."""
    return list(evaluate_detailed(rules, items, context, mode=mode).findings)


def evaluate_detailed(
    rules: RuleSet | CompiledRules,
    items: Iterable[Item],
    context: EvaluationContext,
    *,
    mode: Mode = Mode.AUDIT,
    only: Collection[str] | None = None,
) -> Evaluation:
    """``only``: evaluate just these keys; the other ``items`` are their neighbours (children, ancestors), read
    for roll-ups and goals (an incremental check). ``context.goal_committed`` must then be filled already."""
    compiled = rules if isinstance(rules, CompiledRules) else compile_rules(rules)
    items = list(items)
    if context.goal_committed is None and context.goals:
        context = with_commitments(context, items)  # a goal's committed budget needs every epic
    by_key = {item.key: item for item in items}
    children: dict[str, list[Item]] = {}
    for item in items:
        if item.parent_key is not None:
            children.setdefault(item.parent_key, []).append(item)
    findings: list[Finding] = []
    failing: set[tuple[str, str]] = set()
    template_errors: list[tuple[str, str]] = []
    evaluations = 0
    today, tz = context.today, context.tz
    for item in items:
        if only is not None and item.key not in only:
            continue
        candidates = compiled.candidates(item)
        if not candidates:
            continue
        metrics = Metrics(item, children.get(item.key, ()), context, ancestors_of(item, by_key))
        view = ItemView(item, metrics, today, tz)
        for rule in candidates:
            if not _item_match(rule.rule.scope, item):
                continue
            if rule.rule.scope.jql is not None and not context.in_jql_scope(rule.rule.scope.jql, item.key):
                continue
            evaluations += 1
            if (rule.when is not None and not rule.when(view)) or rule.check(view):
                continue
            finding = _failure(rule, view, context, mode, failing, template_errors)
            if finding is not None:
                findings.append(finding)
    findings.sort(key=lambda f: (f.rule_id, f.item_key))
    return Evaluation(tuple(findings), frozenset(failing), evaluations, tuple(template_errors))


def _failure(
    compiled: CompiledRule,
    view: ItemView,
    context: EvaluationContext,
    mode: Mode,
    failing: set[tuple[str, str]],
    template_errors: list[tuple[str, str]] | None = None,
) -> Finding | None:
    rule, item, today = compiled.rule, view.item, context.today
    status = grace_status(rule, item, context)
    if status == "too-young":
        return None
    failing.add((rule.id, item.key))
    if status == "in-grace":
        return None
    reasons = explain(rule.check, view)
    observed = "; ".join(o for o, _ in reasons)
    expected = "; ".join(e for _, e in reasons)
    variables = {
        "item": item,
        "metrics": view.metrics,
        "rule": compiled.info,
        "params": rule.params,
        "observed": observed,
        "expected": expected,
        "today": today,
        NUMBERS_VARIABLE: context.numbers,
    }
    message, message_error = compiled.message.render_checked(variables)
    remediation, remediation_error = compiled.remediation.render_checked(variables)
    if message_error or remediation_error:
        # An authoring fault must not reach Jira as template text: a neutral sentence instead, and the error is
        # counted per rule (run summary) and logged for the rule's author.
        log.warning("template_failed", rule_id=rule.id, item_key=item.key, error=message_error or remediation_error)
        if template_errors is not None:
            template_errors.append((rule.id, item.key))
        message = message if not message_error else TEMPLATE_FALLBACK_MESSAGE
        remediation = remediation if not remediation_error else TEMPLATE_FALLBACK_REMEDIATION
    waiver = context.waiver_for(rule.id, item.key)
    waiver_text = waiver.describe() if waiver is not None else None
    return Finding(
        rule_id=rule.id,
        item_key=item.key,
        title=rule.title,
        severity=rule.severity,
        category=rule.category,
        mode=rule.mode or mode,
        observed=observed,
        expected=expected,
        message=message,
        remediation=remediation,
        fingerprint=fingerprint(
            rule.id, item.key, str(rule.severity), observed, expected, message, remediation, waiver_text
        ),
        waiver=waiver_text,
    )


def grace_status(rule: Rule, item: Item, context: EvaluationContext) -> Literal["too-young", "in-grace"] | None:
    """Whether a failing check is not reported yet: the item is too new, or the failure too recent."""
    today = context.today
    created = local_date(item.created, context.tz)
    if rule.grace.min_age_days and created is not None and (today - created).days < rule.grace.min_age_days:
        return "too-young"
    if rule.grace.held_for_days:
        first = context.first_seen.get((rule.id, item.key), today)
        if (today - first).days < rule.grace.held_for_days:
            return "in-grace"
    return None


def fingerprint(*parts: str | None) -> str:
    """First 16 hex digits of SHA-256 over the JSON array of the parts (documented in docs/rules.md)."""
    payload = json.dumps(list(parts), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def governs(compiled: CompiledRules, item: Item) -> bool:
    """Whether any rule's scope takes in ``item`` (the report's compliance counts only such items)."""
    return any(_item_match(rule.rule.scope, item) for rule in compiled.candidates(item))


def _item_match(scope: Scope, item: Item) -> bool:
    """The per-item part of a scope: labels, excluded labels and keys."""
    if scope.labels and scope.labels.isdisjoint(item.labels):
        return False
    return not (scope.exclude.labels and not scope.exclude.labels.isdisjoint(item.labels)) and (
        item.key not in scope.exclude.keys
    )


def _static_match(scope: Scope, traits: _Traits) -> bool:
    issue_type, project, category, level, status = traits
    if scope.issue_types and issue_type not in scope.issue_types:
        return False
    if scope.projects and project not in scope.projects:
        return False
    if scope.status_categories and category not in {str(c) for c in scope.status_categories}:
        return False
    if scope.hierarchy_levels and level not in scope.hierarchy_levels:
        return False
    if scope.statuses and status not in scope.statuses:
        return False
    exclude = scope.exclude
    return not (issue_type in exclude.issue_types or project in exclude.projects or status in exclude.statuses)
