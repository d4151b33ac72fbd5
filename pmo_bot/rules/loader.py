"""Find and load a rules directory (or single files) into a ``Bundle``: rules, strategy, rates, waivers.

Every file goes through every tier it can; all problems from all files are collected, then the cross-file
checks run (duplicate rule ids, waivers for unknown rules, expired waivers, goals named but not defined).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path as FsPath
from typing import Any

from pmo_bot.errors import RuleError
from pmo_bot.rules.context import EvaluationContext, Waiver
from pmo_bot.rules.limits import file_too_large
from pmo_bot.rules.model import AllOf, AnyOf, Condition, NotOf, Rule, RuleSet, Test
from pmo_bot.rules.problems import Problem, did_you_mean
from pmo_bot.rules.rulefile import read_rule_file
from pmo_bot.rules.supersede import find_cycle
from pmo_bot.rules.supporting import Rates, Strategy, read_rates, read_strategy, read_waivers, waiver_paths
from pmo_bot.rules.validate import Located
from pmo_bot.rules.yamlsource import Document, parse

SUPPORTING = ("strategy", "rates", "waivers")
EXPIRY_WARNING_DAYS = 14  # waivers expiring this soon are warned about by `rules validate` and `check`
FIXTURE_DIR = "tests"
_GOAL_SUBJECTS = frozenset({("field", "goal"), ("metric", "goal_ref"), ("metric", "goal_id"), ("metric", "goal_name")})


@dataclass(frozen=True, slots=True)
class Bundle:
    """Everything a rules directory holds, validated."""

    ruleset: RuleSet
    strategy: Strategy = field(default_factory=Strategy)
    rates: Rates = field(default_factory=Rates)
    waivers: tuple[Waiver, ...] = ()
    fixtures: tuple[FsPath, ...] = ()
    warnings: tuple[Problem, ...] = ()

    def context(self, today: date, **overrides: Any) -> EvaluationContext:
        """The evaluation context these files describe, for ``today`` (overrides: first_seen, tz...)."""
        values: dict[str, Any] = {
            "today": today,
            "goals": self.strategy.goals,
            "goal_link": self.strategy.link,
            "rates": self.rates.card,
            "hours_per_day": self.rates.hours_per_day,
            "waivers": self.waivers,
        }
        values.update(overrides)
        return EvaluationContext(**values)


@dataclass(frozen=True, slots=True)
class Sources:
    rules: tuple[FsPath, ...] = ()
    strategy: FsPath | None = None
    rates: FsPath | None = None
    waivers: FsPath | None = None
    fixtures: tuple[FsPath, ...] = ()


def discover(paths: Iterable[str | FsPath]) -> tuple[Sources, list[Problem]]:
    """Classify files: ``strategy/rates/waivers.yaml`` by name, ``tests/*.yaml`` as rule tests, the rest rules."""
    sources = Sources()
    problems: list[Problem] = []
    for raw in paths:
        path = FsPath(raw)
        if path.is_dir():
            files = sorted([*path.glob("*.yaml"), *path.glob("*.yml")])
            fixtures = sorted([*(path / FIXTURE_DIR).glob("*.yaml"), *(path / FIXTURE_DIR).glob("*.yml")])
            sources = replace(sources, fixtures=(*sources.fixtures, *fixtures))
            if not files:
                problems.append(Problem(str(path), 0, 0, "", "no rule files (*.yaml) in this directory"))
        elif path.is_file():
            files = [path]
        else:
            problems.append(Problem(str(path), 0, 0, "", "no such file or directory"))
            continue
        for file in files:
            if file.stem == "strategy":
                sources = replace(sources, strategy=file)
            elif file.stem == "rates":
                sources = replace(sources, rates=file)
            elif file.stem == "waivers":
                sources = replace(sources, waivers=file)
            elif file.parent.name == FIXTURE_DIR and path.is_file():
                sources = replace(sources, fixtures=(*sources.fixtures, file))
            else:
                sources = replace(sources, rules=(*sources.rules, file))
    return sources, problems


def read_document(path: FsPath) -> tuple[Document | None, list[Problem]]:
    try:
        too_large = file_too_large(path.stat().st_size)  # before reading: a 50 MB file is refused at once
        if too_large:
            return None, [Problem(str(path), 1, 1, "", too_large)]
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        return None, [Problem(str(path), 1, 1, "", f"not UTF-8 text ({error.reason} at byte {error.start})")]
    except OSError as error:
        return None, [Problem(str(path), 0, 0, "", f"cannot read the file: {error.strerror}")]
    return parse(text, str(path))


def check(paths: Sequence[str | FsPath], *, today: date | None = None) -> tuple[Bundle | None, list[Problem]]:
    """Load and validate; returns the bundle (``None`` on errors) and every problem and warning found."""
    sources, problems = discover(paths)
    rules: list[Rule] = []
    rule_sources: dict[str, tuple[Document, int]] = {}
    for file in sources.rules:
        doc, found = read_document(file)
        problems.extend(found)
        if doc is None or found:
            continue
        read = read_rule_file(doc)
        problems.extend(read.problems)
        for rule, index in zip(read.rules, read.indexes, strict=True):
            if rule.id in rule_sources:
                first = next(r for r in rules if r.id == rule.id)
                problems.append(
                    Located(doc).problem(
                        ("rules", index, "id"), f"duplicate rule id '{rule.id}' (first defined at {first.source})"
                    )
                )
                continue
            rule_sources[rule.id] = (doc, index)
            rules.append(rule)
    strategy, rates, waivers = Strategy(), Rates(), tuple[Waiver, ...]()
    waiver_docs: list[tuple[Document, list[Any]]] = []
    if sources.strategy:
        doc, found = read_document(sources.strategy)
        problems.extend(found)
        if doc is not None and not found:
            strategy, found = read_strategy(doc)
            problems.extend(found)
    if sources.rates:
        doc, found = read_document(sources.rates)
        problems.extend(found)
        if doc is not None and not found:
            rates, found = read_rates(doc)
            problems.extend(found)
    if sources.waivers:
        doc, found = read_document(sources.waivers)
        problems.extend(found)
        if doc is not None and not found:
            waivers, found = read_waivers(doc)
            problems.extend(found)
            if not found:
                waiver_docs.append((doc, waiver_paths(doc)))
    ruleset = RuleSet(tuple(rules))
    problems.extend(supersession_problems(rule_sources, ruleset))
    for doc, paths_ in waiver_docs:
        problems.extend(waiver_problems(doc, paths_, waivers, ruleset, today))
    if sources.strategy and strategy.goals is not None:
        problems.extend(goal_problems(rule_sources, ruleset, strategy))
    if not sources.rules and not any(p.message.startswith("no such") for p in problems):
        problems.append(Problem(", ".join(map(str, paths)) or ".", 0, 0, "", "no rule files found"))
    errors = [p for p in problems if not p.warning]
    bundle = None if errors else Bundle(ruleset, strategy, rates, waivers, sources.fixtures, tuple(problems))
    return bundle, problems


def load(paths: Sequence[str | FsPath], *, today: date | None = None) -> Bundle:
    """``check`` that raises ``RuleError`` with every problem, for callers that only want a valid bundle."""
    bundle, problems = check(paths, today=today)
    if bundle is None:
        raise RuleError([str(problem) for problem in problems])
    return bundle


def waiver_problems(
    doc: Document, paths: list[Any], waivers: Sequence[Waiver], ruleset: RuleSet, today: date | None
) -> list[Problem]:
    located = Located(doc)
    problems = []
    for path, waiver in zip(paths, waivers, strict=True):
        if ruleset.rules and ruleset.get(waiver.rule_id) is None:
            hint = did_you_mean(waiver.rule_id, ruleset.ids)
            problems.append(located.problem((*path, "rule"), f"waiver for unknown rule '{waiver.rule_id}'{hint}"))
        if today is not None and waiver.expired(today):
            message = f"expired on {waiver.expires.isoformat()}: it no longer applies; remove or renew it"
            problems.append(located.problem((*path, "expires"), message, warning=True))
        elif today is not None and (waiver.expires - today).days <= EXPIRY_WARNING_DAYS:
            left = (waiver.expires - today).days
            message = (
                f"expires on {waiver.expires.isoformat()} (in {left} days): renew it, or make sure the issues are fixed"
            )
            problems.append(located.problem((*path, "expires"), message, warning=True))
    return problems


def supersession_problems(rule_sources: dict[str, tuple[Document, int]], ruleset: RuleSet) -> list[Problem]:
    """``supersedes:`` must name rules that exist, and must not go round in a circle."""
    problems = []
    direct: dict[str, tuple[str, ...]] = {}
    for rule in ruleset.rules:
        doc, index = rule_sources[rule.id]
        for position, other in enumerate(rule.supersedes):
            if ruleset.get(other) is None:
                hint = did_you_mean(other, ruleset.ids)
                where = ("rules", index, "supersedes", position)
                problems.append(Located(doc).problem(where, f"supersedes unknown rule '{other}'{hint}"))
        direct[rule.id] = tuple(other for other in rule.supersedes if ruleset.get(other) is not None)
    cycle = find_cycle(direct)
    if cycle is not None:
        doc, index = rule_sources[cycle[0]]
        message = f"supersedes goes round in a circle: {' -> '.join(cycle)} (a rule cannot hide itself)"
        problems.append(Located(doc).problem(("rules", index, "supersedes"), message))
    return problems


def goal_problems(rule_sources: dict[str, tuple[Document, int]], ruleset: RuleSet, strategy: Strategy) -> list[Problem]:
    """Rules that name a goal (``goal eq G-1``) must name one the strategy defines."""
    context = EvaluationContext(today=date.min, goals=strategy.goals)
    problems = []
    for rule in ruleset.rules:
        doc, index = rule_sources[rule.id]
        for test in _tests(rule.check, rule.when):
            if (test.subject, test.name) not in _GOAL_SUBJECTS or test.op not in ("eq", "ne", "in", "not-in"):
                continue
            values = test.value if isinstance(test.value, tuple) else (test.value,)
            for value in values:
                if isinstance(value, str) and context.find_goal(value) is None:
                    hint = did_you_mean(value, strategy.goals)
                    problems.append(
                        Located(doc).problem(
                            ("rules", index, *test.path, "value"),
                            f"goal '{value}' is not defined in strategy.yaml{hint}",
                        )
                    )
    return problems


def _tests(*conditions: Condition | None) -> Iterable[Test]:
    for condition in conditions:
        if isinstance(condition, Test):
            yield condition
        elif isinstance(condition, AllOf | AnyOf):
            yield from _tests(*condition.conditions)
        elif isinstance(condition, NotOf):
            yield from _tests(condition.condition)
