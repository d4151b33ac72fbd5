"""Rule files: schema-valid data -> semantically checked, frozen ``Rule`` values (the third tier).

A ``RuleReader`` walks one rule and both checks and builds it, so what validates is exactly what runs:
field and metric names, operator/kind fit, parameter references, constants, regexes, JQL balance and templates.
"""

from __future__ import annotations

import re
from collections.abc import Set
from dataclasses import dataclass, field, fields, replace
from types import MappingProxyType
from typing import Any, cast

from pmo_bot.domain import Item, Mode, Severity
from pmo_bot.rules.conditions import ORDERINGS, ConditionReader, can_be_missing
from pmo_bot.rules.metrics import METRICS
from pmo_bot.rules.model import (
    STATUS_CATEGORY_NAMES,
    AllOf,
    AnyOf,
    Condition,
    Exclusions,
    Grace,
    NotOf,
    Rule,
    Scope,
)
from pmo_bot.rules.problems import Path, Problem
from pmo_bot.rules.schema import rule_file_schema
from pmo_bot.rules.templating import RULE_ATTRIBUTES, VARIABLES, check_template
from pmo_bot.rules.validate import Located, schema_problems, top_level_problem
from pmo_bot.rules.yamlsource import Document

ITEM_ATTRIBUTES = frozenset({f.name for f in fields(Item)} | {"is_epic", "is_done"})
_TEMPLATE_PARAM = re.compile(r"\bparams\s*(?:\.\s*|\[\s*['\"])(\w+)")
_QUOTES = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'")


@dataclass(frozen=True, slots=True)
class ReadRules:
    rules: tuple[Rule, ...]
    problems: tuple[Problem, ...]
    indexes: tuple[int, ...] = ()  # each rule's position in the file's list


def read_rule_file(doc: Document) -> ReadRules:
    """All rules of one file that passed every tier, and the problems of those that did not."""
    problems = top_level_problem(doc, "a 'rules:' list")
    if problems:
        return ReadRules((), tuple(problems))
    problems = schema_problems(doc, rule_file_schema())
    rules: list[Rule] = []
    indexes: list[int] = []
    located = Located(doc)
    entries = doc.data.get("rules")
    for index, data in enumerate(entries if isinstance(entries, list) else []):
        path: Path = ("rules", index)
        if not isinstance(data, dict) or _has_problem(located, path, problems):
            continue  # the schema tier already said what is wrong; semantics need a well-formed rule
        reader = RuleReader(located, path, data)
        rule = reader.read()
        problems.extend(reader.problems)
        problems.extend(reader.warnings)
        if rule is not None and not reader.problems:
            rules.append(rule)
            indexes.append(index)
    return ReadRules(tuple(rules), tuple(problems), tuple(indexes))


def _has_problem(located: Located, path: Path, problems: list[Problem]) -> bool:
    label = located.problem(path, "").where
    # Only errors count: a warning about an earlier rule of the same id must not hide this one's problems.
    return any(not p.warning and (p.where == label or p.where.startswith(label + " >")) for p in problems)


@dataclass
class RuleReader:
    located: Located
    path: Path
    data: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)  # parameters referred to (unused ones are warned about)

    def fail(self, sub: Path, message: str, *, key: bool = False) -> None:
        self.problems.append(self.located.problem((*self.path, *sub), message, key=key))

    def read(self) -> Rule | None:
        data = self.data
        params = cast(dict[str, Any], data.get("params") or {})
        self.params = {name: tuple(v) if isinstance(v, list) else v for name, v in params.items()}
        conditions = ConditionReader(self.located, self.path, self.params, self.problems, self.used)
        check = conditions.condition(data["check"], ("check",))
        when = conditions.condition(data["when"], ("when",)) if "when" in data else None
        if check is not None:
            self.warnings.extend(self.missing_stance(check))
        scope = self.scope(data.get("scope") or {})
        for key in ("message", "remediation"):
            self.template(data[key], (key,))
            self.used.update(_TEMPLATE_PARAM.findall(data[key]))
        for name in sorted(set(self.params) - self.used):
            problem = self.located.problem((*self.path, "params", name), f"parameter '{name}' is not used", key=True)
            self.warnings.append(replace(problem, warning=True))
        if check is None or self.problems:
            return None
        grace = data.get("grace") or {}
        line, _ = self.located.doc.mark(self.path)
        return Rule(
            id=data["id"],
            title=data["title"].strip(),
            category=data["category"],
            severity=Severity(data["severity"]),
            check=check,
            message=data["message"],
            remediation=data["remediation"],
            description=str(data.get("description") or "").strip(),
            owner=data.get("owner"),
            docs=data.get("docs"),
            mode=Mode(data["mode"]) if "mode" in data else None,
            scope=scope,
            when=when,
            grace=Grace(grace.get("held_for_days", 0), grace.get("min_age_days", 0)),
            params=MappingProxyType(self.params),
            supersedes=tuple(data.get("supersedes") or ()),
            source=f"{self.located.doc.file}:{line}",
        )

    def missing_stance(self, condition: Condition, negated: bool = False) -> list[Problem]:
        """Warnings for ordering tests in ``check`` on a subject that can be missing, with no ``missing:``."""
        if isinstance(condition, AllOf | AnyOf):
            return [w for sub in condition.conditions for w in self.missing_stance(sub, negated)]
        if isinstance(condition, NotOf):
            return self.missing_stance(condition.condition, not negated)
        if condition.missing is not None or condition.op not in ORDERINGS or not can_be_missing(condition):
            return []
        outcome = "passes this check silently" if negated else "fails this check (a finding)"
        message = (
            f"'{condition.op}' on {condition.subject} '{condition.name}', which can be missing: an item without a "
            f"value {outcome}; say so with 'missing: fails' or 'missing: passes'"
        )
        return [replace(self.located.problem((*self.path, *condition.path), message), warning=True)]

    # --- scope and templates ----------------------------------------------------------------------------

    def scope(self, data: dict[str, Any]) -> Scope:
        def folded(values: Any) -> frozenset[str]:
            return frozenset(str(v).casefold() for v in values or ())

        exclude = data.get("exclude") or {}
        jql = data.get("jql")
        if jql is not None:
            self.check_jql(jql, ("scope", "jql"))
        return Scope(
            issue_types=folded(data.get("issue_types")),
            projects=frozenset(data.get("projects") or ()),
            status_categories=frozenset(STATUS_CATEGORY_NAMES[c] for c in data.get("status_categories") or ()),
            statuses=folded(data.get("statuses")),
            labels=frozenset(data.get("labels") or ()),
            hierarchy_levels=frozenset(data.get("hierarchy_levels") or ()),
            jql=jql.strip() if isinstance(jql, str) else None,
            exclude=Exclusions(
                issue_types=folded(exclude.get("issue_types")),
                projects=frozenset(exclude.get("projects") or ()),
                statuses=folded(exclude.get("statuses")),
                labels=frozenset(exclude.get("labels") or ()),
                keys=frozenset(exclude.get("keys") or ()),
            ),
        )

    def check_jql(self, jql: str, path: Path) -> None:
        if not jql.strip():
            self.fail(path, "the JQL fragment is empty")
            return
        stripped = _QUOTES.sub("''", jql)
        if stripped.count('"') or stripped.count("'") % 2:
            self.fail(path, "unbalanced quotes in the JQL fragment")
        elif stripped.count("(") != stripped.count(")"):
            self.fail(path, "unbalanced parentheses in the JQL fragment")
        elif re.search(r"\border\s+by\b", stripped, re.IGNORECASE):
            self.fail(path, "a JQL fragment cannot contain ORDER BY (pmo-bot orders the fetch itself)")

    def template(self, source: str, path: Path) -> None:
        attributes: dict[str, Set[str] | None] = {
            "item": ITEM_ATTRIBUTES,
            "metrics": frozenset(METRICS),
            "rule": RULE_ATTRIBUTES,
            "params": frozenset(self.params),
            **{name: None for name in VARIABLES if name not in ("item", "metrics", "rule", "params")},
        }
        for problem in check_template(source, attributes):
            line, column = self.located.doc.mark((*self.path, *path))
            # A multi-line template is a block scalar: its text starts on the line after the indicator.
            if "\n" in source.rstrip("\n"):
                line += problem.line
            where = self.located.problem((*self.path, *path), "").where
            self.problems.append(Problem(self.located.doc.file, line, column, where, problem.message))
