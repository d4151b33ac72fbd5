"""Evaluate the portfolio for a check: in full, or only what the synced changes can affect.

An item's findings depend on the item, its direct children (roll-ups), its ancestors (goals inherited or linked
through a parent), the goal commitments of all epics, the day, the grace history and the rules and settings. So
an incremental evaluation re-evaluates the items the sync flagged ``pending`` (changed, new, deleted, or left by
a child), their ancestors and their descendants, and reuses the stored findings of every other item. That is
only sound on the same day with the same context (rules, waivers, goals, settings and goal commitments, hashed
into the evaluation mark); otherwise the evaluation is full. ``tests/test_incremental_evaluation.py`` checks on
random change sets that both give the same findings.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any, Literal

from pmo_bot.domain import Finding, Item, Mode
from pmo_bot.portfolio import WeeklyTally, index
from pmo_bot.rules.context import EvaluationContext
from pmo_bot.rules.engine import compile_rules, evaluate_detailed
from pmo_bot.rules.goals import MAX_DEPTH, commitments
from pmo_bot.rules.loader import Bundle
from pmo_bot.store import Store
from pmo_bot.store.records import FindingStatus

FULL_SHARE = 0.5  # more pending than this share of the portfolio: a full evaluation is cheaper
PART = 2_000  # a full evaluation loads this many items at a time (plus their children and ancestors)


@dataclass(frozen=True, slots=True)
class PortfolioEvaluation:
    kind: Literal["full", "incremental"]
    reason: str  # why full (or "changes only")
    findings: tuple[Finding, ...]  # the current findings of every item in scope: fresh and reused
    failing: frozenset[tuple[str, str]]  # failing (rule, item) pairs among the evaluated items
    evaluated: frozenset[str]  # keys evaluated now
    pending: frozenset[str]  # keys whose changes this evaluation took in (cleared when recorded)
    keys: tuple[str, ...]  # every item in scope, sorted
    weekly: dict[str, dict[str, Any]] | None  # this week's numbers by scope, when the evaluation was full
    context: EvaluationContext
    context_hash: str
    template_errors: tuple[tuple[str, str], ...] = ()  # (rule id, item key) among the evaluated items


def canonical(value: Any) -> Any:
    """A JSON-able form that is the same in every process (sets sorted, dataclasses by field)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [type(value).__name__, {f.name: canonical(getattr(value, f.name)) for f in dataclasses.fields(value)}]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Mapping):
        return sorted(([canonical(k), canonical(v)] for k, v in value.items()), key=repr)
    if isinstance(value, frozenset | set):
        return sorted((canonical(v) for v in value), key=repr)
    if isinstance(value, list | tuple):
        return [canonical(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return repr(value)


_NOT_CONTEXT = frozenset({"today", "first_seen"})  # the day is compared apart; grace history lives in the store


def context_hash(bundle: Bundle, ctx: EvaluationContext, mode: Mode) -> str:
    """Everything besides the items, the day and the grace history that findings depend on: the rule files and
    every setting of the context (goals, goal commitments, JQL scope members, locale, markers...)."""
    settings = {f.name: canonical(getattr(ctx, f.name)) for f in dataclasses.fields(ctx) if f.init}
    parts = [
        canonical((bundle.ruleset, bundle.strategy, bundle.rates, bundle.waivers)),
        mode.value,
        {name: value for name, value in settings.items() if name not in _NOT_CONTEXT},
    ]
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=repr).encode()).hexdigest()


def scope_of(projects: Collection[str]) -> str:
    return "check:" + ",".join(sorted(projects))


def _with_commitments(
    store: Store, ctx: EvaluationContext, projects: Collection[str], links: Mapping[str, str | None]
) -> EvaluationContext:
    """Goal commitments from the epics (and their ancestors) alone, without loading every item."""
    if not ctx.goals:
        return dataclasses.replace(ctx, goal_committed={})
    upper = {item.key: item for item in store.items.at_levels(1, projects)}
    missing = {a for item in upper.values() for a in _chain(item.parent_key, links)} - set(upper)
    if missing:
        upper.update({item.key: item for item in store.items.get_many(missing)})
    return dataclasses.replace(ctx, goal_committed=commitments(upper.values(), ctx))


def _chain(parent: str | None, links: Mapping[str, str | None]) -> list[str]:
    """Ancestor keys, nearest first (as ``goals.ancestors_of`` walks them)."""
    chain: list[str] = []
    seen: set[str] = set()
    while parent is not None and parent in links and parent not in seen and len(chain) < MAX_DEPTH:
        chain.append(parent)
        seen.add(parent)
        parent = links[parent]
    return chain


def _descendants(roots: Iterable[str], children: Mapping[str, list[str]]) -> set[str]:
    found: set[str] = set()
    frontier = [(key, 0) for key in roots]
    while frontier:
        key, depth = frontier.pop()
        if depth >= MAX_DEPTH:
            continue
        for child in children.get(key, ()):
            if child not in found:
                found.add(child)
                frontier.append((child, depth + 1))
    return found


def evaluate_portfolio(
    store: Store,
    bundle: Bundle,
    ctx: EvaluationContext,
    *,
    projects: Collection[str],
    mode: Mode,
    force_full: str | None = None,
) -> PortfolioEvaluation:
    """``force_full``: the reason to evaluate everything regardless (``--full``, a baseline run)."""
    links = store.items.links(projects)
    ctx = _with_commitments(store, ctx, projects, links)
    digest = context_hash(bundle, ctx, mode)
    mark = store.marks.get(scope_of(projects))
    reason = force_full
    if reason is None:
        if mark is None:
            reason = "no earlier evaluation"
        elif mark.day != ctx.today:
            reason = "a new day"
        elif mark.context_hash != digest:
            reason = "rules, settings or goal commitments changed"
    keys = tuple(sorted(links))
    pending = store.items.pending(projects)
    if reason is None:
        affected = _affected(pending, links)
        if len(affected) > FULL_SHARE * max(len(links), 1):
            reason = "most of the portfolio changed"
        else:
            return _incremental(store, bundle, ctx, mode, digest, affected, pending, links, keys)
    return _full(store, bundle, ctx, mode, digest, reason, pending, links, keys)


def _children(links: Mapping[str, str | None]) -> dict[str, list[str]]:
    children: dict[str, list[str]] = {}
    for key, parent in links.items():
        if parent is not None:
            children.setdefault(parent, []).append(key)
    return children


def _neighbourhood(
    store: Store, keys: Collection[str], links: Mapping[str, str | None], children: Mapping[str, list[str]]
) -> list[Item]:
    """``keys``' items with their children (roll-ups) and ancestors (goals), ordered by key."""
    needed = set(keys)
    for key in keys:
        needed.update(_chain(links[key], links))
        needed.update(children.get(key, ()))
    return store.items.get_many(needed) if needed else []


def _full(
    store: Store,
    bundle: Bundle,
    ctx: EvaluationContext,
    mode: Mode,
    digest: str,
    reason: str,
    pending: Mapping[str, str | None],
    links: Mapping[str, str | None],
    keys: tuple[str, ...],
) -> PortfolioEvaluation:
    """Every item, a part at a time: memory stays at a part's items, whatever the portfolio's size."""
    children = _children(links)
    rules = compile_rules(bundle.ruleset)  # once for all the parts
    tally = WeeklyTally(ctx)
    findings: list[Finding] = []
    failing: set[tuple[str, str]] = set()
    errors: list[tuple[str, str]] = []
    for start in range(0, len(keys), PART):
        part = frozenset(keys[start : start + PART])
        items = _neighbourhood(store, part, links, children)
        found = evaluate_detailed(rules, items, ctx, mode=mode, only=part)
        findings.extend(found.findings)
        failing |= found.failing
        errors.extend(found.template_errors)
        tally.add((item for item in items if item.key in part), index(items))
    findings.sort(key=lambda f: (f.rule_id, f.item_key))
    return PortfolioEvaluation(
        kind="full",
        reason=reason,
        findings=tuple(findings),
        failing=frozenset(failing),
        evaluated=frozenset(keys),
        pending=frozenset(pending),
        keys=keys,
        weekly=tally.result(findings),
        context=ctx,
        context_hash=digest,
        template_errors=tuple(errors),
    )


def _affected(pending: Mapping[str, str | None], links: Mapping[str, str | None]) -> set[str]:
    """Pending items still in scope, the ancestors of every pending item (their roll-ups changed) and the
    descendants (what they inherit changed)."""
    affected = {key for key in pending if key in links}
    for parent in pending.values():
        affected.update(_chain(parent, links))
    affected |= _descendants(pending, _children(links))
    return affected


def _incremental(
    store: Store,
    bundle: Bundle,
    ctx: EvaluationContext,
    mode: Mode,
    digest: str,
    affected: set[str],
    pending: Mapping[str, str | None],
    links: Mapping[str, str | None],
    keys: tuple[str, ...],
) -> PortfolioEvaluation:
    items = _neighbourhood(store, affected, links, _children(links))
    evaluation = evaluate_detailed(bundle.ruleset, items, ctx, mode=mode, only=affected)
    active = store.findings.all((FindingStatus.OPEN, FindingStatus.WAIVED))
    reused = [s.finding for s in active if s.finding.item_key in links and s.finding.item_key not in affected]
    findings = sorted([*evaluation.findings, *reused], key=lambda f: (f.rule_id, f.item_key))
    return PortfolioEvaluation(
        kind="incremental",
        reason="changes only",
        findings=tuple(findings),
        failing=evaluation.failing,
        evaluated=frozenset(affected),
        pending=frozenset(pending),
        keys=keys,
        weekly=None,
        context=ctx,
        context_hash=digest,
        template_errors=evaluation.template_errors,
    )


def record_evaluation(
    store: Store, result: PortfolioEvaluation, projects: Collection[str], now: datetime, *, baseline: bool
) -> None:
    """Store what the evaluation found, take its pending flags down, and mark the day and context."""
    fresh = [f for f in result.findings if f.item_key in result.evaluated]
    store.findings.reconcile(fresh, result.evaluated, now, baseline=baseline)
    store.failing.record(result.failing, result.evaluated, now)
    if result.kind == "full":
        store.items.evaluated(None, projects)
    else:
        store.items.evaluated(result.pending)
    store.marks.set(scope_of(projects), result.context.today, result.context_hash, now)
