"""Conditions in rule files: schema-valid data -> checked ``Test`` / ``AllOf`` / ``AnyOf`` / ``NotOf`` values.

The reader checks what the schema cannot: field names, operator/kind fit, values and their kinds, parameter
references, regexes (compiled here, once), and date constants. Problems are worded at their place.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pmo_bot.rules.fields import DATE_KINDS, FIELDS, Kind, field_kind
from pmo_bot.rules.limits import RegexRefused, compile_regex
from pmo_bot.rules.metrics import METRICS
from pmo_bot.rules.model import STATUS_CATEGORY_NAMES, AllOf, AnyOf, Condition, NotOf, Ref, Test
from pmo_bot.rules.operators import OPERATORS
from pmo_bot.rules.problems import Path, Problem, did_you_mean, show
from pmo_bot.rules.validate import Located
from pmo_bot.rules.yamlsource import as_date

_METRIC_KINDS: Mapping[str, Kind] = {
    "number": "number",
    "integer": "number",
    "ratio": "number",
    "date": "date",
    "bool": "bool",
    "string": "string",
}


ORDERINGS = frozenset({"lt", "le", "gt", "ge"})
# Subjects every item has a value for; any other field or metric can be missing (docs/metrics.md: a metric that
# cannot be computed is null).
NEVER_MISSING_FIELDS = frozenset(
    {"key", "id", "project", "issue_type", "hierarchy_level", "summary", "status", "status_category", "created"}
    | {"updated", "labels", "components", "fix_versions"}
)
NEVER_MISSING_METRICS = frozenset(
    {"hours_logged", "cost", "children_total", "children_done", "children_open", "progress_ratio"}
    | {"progress_basis", "due_date_slips", "days_since_update", "days_in_status", "age_days", "has_assignee"}
    | {"has_description", "has_acceptance_criteria", "is_stale", "goal_known", "goal_inherited"}
)


def can_be_missing(test: Test) -> bool:
    if test.subject == "metric":
        return test.name not in NEVER_MISSING_METRICS
    return test.name not in NEVER_MISSING_FIELDS


def metric_kind(name: str) -> Kind | None:
    spec = METRICS.get(name)
    return _METRIC_KINDS.get(spec.type, "any") if spec else None


@dataclass
class ConditionReader:
    """Reads the conditions of one rule (at ``path``), adding to the rule's ``problems`` and ``used`` params."""

    located: Located
    path: Path
    params: Mapping[str, Any]
    problems: list[Problem] = field(default_factory=list)
    used: set[str] = field(default_factory=set)

    def fail(self, sub: Path, message: str, *, key: bool = False) -> None:
        self.problems.append(self.located.problem((*self.path, *sub), message, key=key))

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
        return Test(subject, name, op_name, value, days, path, data.get("missing"))

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
            return compile_regex(raw)
        except RegexRefused as error:
            self.fail(path, str(error))
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
