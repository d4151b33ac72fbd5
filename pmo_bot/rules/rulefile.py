"""Rule files: schema-valid data -> semantically checked, frozen ``Rule`` values (the third tier).

A ``RuleReader`` walks one rule and both checks and builds it, so what validates is exactly what runs:
field and metric names, operator/kind fit, parameter references, constants, regexes, JQL balance and templates.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Set
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from types import MappingProxyType
from typing import Any, cast

from pmo_bot.domain import Item, Mode, Severity
from pmo_bot.rules.fields import DATE_KINDS, FIELDS, Kind, field_kind
from pmo_bot.rules.metrics import METRICS
from pmo_bot.rules.model import (
    STATUS_CATEGORY_NAMES,
    AllOf,
    AnyOf,
    Condition,
    Exclusions,
    Grace,
    NotOf,
    Ref,
    Rule,
    Scope,
    Test,
)
from pmo_bot.rules.operators import OPERATORS
from pmo_bot.rules.problems import Path, Problem, did_you_mean, show
from pmo_bot.rules.schema import rule_file_schema
from pmo_bot.rules.templating import RULE_ATTRIBUTES, VARIABLES, check_template
from pmo_bot.rules.validate import Located, schema_problems, top_level_problem
from pmo_bot.rules.yamlsource import Document, as_date

_METRIC_KINDS: Mapping[str, Kind] = {
    "number": "number",
    "integer": "number",
    "ratio": "number",
    "date": "date",
    "bool": "bool",
    "string": "string",
}
ITEM_ATTRIBUTES = frozenset({f.name for f in fields(Item)} | {"is_epic", "is_done"})
_TEMPLATE_PARAM = re.compile(r"\bparams\s*(?:\.\s*|\[\s*['\"])(\w+)")
_QUOTES = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'")


def metric_kind(name: str) -> Kind | None:
    spec = METRICS.get(name)
    return _METRIC_KINDS.get(spec.type, "any") if spec else None


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
    return any(p.where == label or p.where.startswith(label + " >") for p in problems)


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
        check = self.condition(data["check"], ("check",))
        when = self.condition(data["when"], ("when",)) if "when" in data else None
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
            source=f"{self.located.doc.file}:{line}",
        )

    # --- conditions -------------------------------------------------------------------------------------

    def condition(self, data: dict[str, Any], path: Path) -> Condition | None:
        for name, kind in (("all", AllOf), ("any", AnyOf)):
            if name in data:
                parts = [self.condition(sub, (*path, name, i)) for i, sub in enumerate(data[name])]
                return kind(tuple(p for p in parts if p is not None))
        if "not" in data:
            inner = self.condition(data["not"], (*path, "not"))
            return NotOf(inner) if inner is not None else None
        return self.test(data, path)

    def test(self, data: dict[str, Any], path: Path) -> Test | None:
        subject_keys = [key for key in ("field", "metric") if key in data]
        if len(subject_keys) != 1:
            message = (
                "a test needs a subject: 'field: NAME' or 'metric: NAME'"
                if not subject_keys
                else "give either 'field' or 'metric', not both"
            )
            self.fail(path, message)
            return None
        subject = subject_keys[0]
        name = data[subject]
        kind = self.subject_kind(subject, name, (*path, subject))
        op_name = data["op"]
        operator = OPERATORS[op_name]
        days = data.get("days")
        if kind is None:
            return None
        if days is not None:
            if kind not in DATE_KINDS:
                self.fail((*path, "days"), f"'days: {days}' needs a date; {subject} '{name}' is {_a(kind)}")
                return None
            kind = "number"
        if operator.kinds is not None and kind not in operator.kinds:
            self.fail((*path, "op"), f"operator '{op_name}' does not apply to {_a(kind)} ({subject} '{name}')")
            return None
        value = self.value(data, operator.value, kind, (*path, "value"), op_name)
        if value is _INVALID:
            return None
        return Test(subject, name, op_name, value, days, path)

    def subject_kind(self, subject: str, name: str, path: Path) -> Kind | None:
        if subject == "metric":
            return metric_kind(name)  # unknown metrics are schema errors (an enum)
        kind = field_kind(name)
        if kind is None:
            hint = did_you_mean(name, FIELDS)
            if not hint and name in METRICS:
                hint = f" ('{name}' is a metric: write 'metric: {name}')"
            self.fail(path, f"unknown field '{name}'{hint}")
        return kind

    def value(self, data: dict[str, Any], shape: str, kind: Kind, path: Path, op_name: str) -> Any:
        if shape == "none":
            if "value" in data:
                self.fail(path, f"operator '{op_name}' takes no value", key=True)
                return _INVALID
            return None
        if "value" not in data:
            self.fail(path[:-1], f"operator '{op_name}' needs a 'value'")
            return _INVALID
        raw = data["value"]
        if isinstance(raw, dict) and "param" in raw:
            # A parameter stands for a constant: it gets the constant's checks (list, regex, kind).
            name = raw["param"]
            if name not in self.params:
                self.fail((*path, "param"), f"unknown parameter '{name}'{did_you_mean(name, self.params)}")
                return _INVALID
            raw = self.params[name]
            self.used.add(name)
            raw = list(raw) if isinstance(raw, tuple) else raw
        elif isinstance(raw, dict):
            return self.reference(raw, path, kind)
        if shape == "list":
            if not isinstance(raw, list):
                self.fail(path, f"operator '{op_name}' needs a list of values, e.g. [a, b]")
                return _INVALID
            items = [self.constant(item, kind, (*path, i)) for i, item in enumerate(raw)]
            return _INVALID if _INVALID in items else tuple(items)
        if isinstance(raw, list):
            self.fail(path, f"operator '{op_name}' compares with one value, not a list (use 'in'?)")
            return _INVALID
        if shape == "regex":
            return self.regex(raw, path)
        return self.constant(raw, kind, path)

    def constant(self, raw: Any, kind: Kind, path: Path) -> Any:
        if raw is None or kind == "any":
            return raw
        if kind == "number" and (isinstance(raw, bool) or not isinstance(raw, int | float)):
            self.fail(path, f"expected a number, got {show(raw)}")
            return _INVALID
        if kind in ("date", "instant"):
            if isinstance(raw, datetime) and kind == "instant":
                return raw
            parsed = as_date(raw)
            if parsed is None:
                self.fail(path, f"expected a date (YYYY-MM-DD), got {show(raw)}")
                return _INVALID
            return parsed
        if kind == "bool" and not isinstance(raw, bool):
            self.fail(path, f"expected true or false, got {show(raw)}")
            return _INVALID
        if kind == "status-category":
            if raw not in STATUS_CATEGORY_NAMES:
                hint = did_you_mean(raw, STATUS_CATEGORY_NAMES)
                self.fail(path, f"unknown status category {show(raw)}{hint}")
                return _INVALID
            return STATUS_CATEGORY_NAMES[raw]
        if kind in ("string", "list") and not isinstance(raw, str):
            self.fail(path, f"expected text, got {show(raw)}")
            return _INVALID
        return raw

    def regex(self, raw: Any, path: Path) -> Any:
        if not isinstance(raw, str):
            self.fail(path, f"a regular expression must be text, got {show(raw)}")
            return _INVALID
        try:
            return re.compile(raw)
        except re.error as error:
            self.fail(path, f"invalid regular expression {show(raw)}: {error.msg} at position {error.pos}")
            return _INVALID

    def reference(self, raw: dict[str, Any], path: Path, kind: Kind) -> Any:
        (ref_kind,) = [key for key in ("field", "metric") if key in raw]
        name = raw[ref_kind]
        if ref_kind == "field" and self.subject_kind("field", name, (*path, "field")) is None:
            return _INVALID
        scale = {key: self.number(raw[key], (*path, key)) for key in ("times", "plus") if key in raw}
        if _INVALID in scale.values():
            return _INVALID
        return Ref(ref_kind, name, scale.get("times"), scale.get("plus"))

    def number(self, raw: Any, path: Path) -> Any:
        if isinstance(raw, dict):
            name = raw["param"]
            raw = self.params.get(name, _INVALID)
            self.used.add(name)
            if raw is _INVALID:
                self.fail((*path, "param"), f"unknown parameter '{name}'{did_you_mean(name, self.params)}")
                return _INVALID
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            self.fail(path, f"expected a number, got {show(raw)}")
            return _INVALID
        return float(raw)

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


class _Invalid:
    def __repr__(self) -> str:
        return "<invalid>"


_INVALID: Any = _Invalid()


def _a(kind: Kind) -> str:
    return {
        "number": "a number",
        "date": "a date",
        "instant": "a date-time",
        "list": "a list",
        "bool": "true/false",
        "string": "text",
        "status-category": "a status category",
        "any": "any value",
    }[kind]
