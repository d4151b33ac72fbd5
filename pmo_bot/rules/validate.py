"""Validation tiers shared by every file kind: YAML syntax (yamlsource), JSON Schema, then semantics.

This module holds the schema tier and the wording of its messages. jsonschema finds the problems; we turn
each into one admin-readable line at the right place (``unknown key 'budjet' (did you mean 'budget'?)``)
instead of jsonschema's generic text.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from pmo_bot.rules.operators import OPERATOR_ALIASES
from pmo_bot.rules.problems import Path, Problem, describe_path, did_you_mean, element_label, show
from pmo_bot.rules.yamlsource import Document

_NOUNS: Mapping[str, str] = {"op": "operator", "days": "days mode", "metric": "metric"}
_VALIDATORS: dict[int, Draft202012Validator] = {}  # schemas are cached, so are their validators
_SINGULAR: Mapping[str, str] = {"status_categories": "status category", "hierarchy_levels": "hierarchy level"}
_TYPE_NAMES: Mapping[str, str] = {
    "object": "a mapping",
    "array": "a list",
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "null": "null",
}


@dataclass(frozen=True, slots=True)
class Located:
    """Helps semantic checks word problems the same way as the schema tier."""

    doc: Document

    def problem(self, path: Path, message: str, *, key: bool = False, warning: bool = False) -> Problem:
        line, column = self.doc.mark(path, key=key)
        label, rest = element_label(self.doc.data, path)
        return Problem(self.doc.file, line, column, describe_path(rest, label), message, warning)


def jsonable(value: Any) -> Any:
    """Dates become ISO text so the schema sees what an editor would (YAML dates are strings to JSON)."""
    if isinstance(value, dict):
        return {key: jsonable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [jsonable(item) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def schema_problems(doc: Document, schema: Mapping[str, Any], base: Path = ()) -> list[Problem]:
    """Every schema violation in ``doc`` (or in the part at ``base``), worded for an admin, deduplicated."""
    located = Located(doc)
    instance = doc.data
    for part in base:
        instance = instance[part]
    validator = _VALIDATORS.get(id(schema))
    if validator is None or validator.schema is not schema:
        validator = Draft202012Validator(schema, format_checker=FormatChecker())
        _VALIDATORS[id(schema)] = validator
    seen: set[tuple[Path, str]] = set()
    problems: list[Problem] = []
    for error in validator.iter_errors(jsonable(instance)):
        for path, message, on_key in _explain(error):
            full = (*base, *path)
            if (full, message) not in seen:
                seen.add((full, message))
                problems.append(located.problem(full, message, key=on_key))
    return sorted(problems)


def _explain(error: ValidationError) -> Iterator[tuple[Path, str, bool]]:
    path: Path = tuple(error.absolute_path)
    validator, expected, value = error.validator, error.validator_value, error.instance
    last = path[-1] if path else None
    if validator == "additionalProperties" and isinstance(value, dict):
        allowed = list(error.schema.get("properties", {}))
        if "op" in allowed:  # a test; the author may have meant a composition
            allowed = [*allowed, "all", "any", "not"]
        for key in value:
            if key not in allowed:
                hint = did_you_mean(key, allowed)
                known = f"; known keys: {', '.join(allowed)}" if not hint and allowed else ""
                yield (*path, key), f"unknown key '{key}'{hint}{known}", True
    elif validator == "required" and isinstance(value, dict):
        if expected == ["op"] and not {"field", "metric"} & set(value) and value:
            return  # not a test at all: the unknown-key message says what it is
        for key in expected:
            if key not in value:
                yield path, f"missing required key '{key}'", False
    elif validator == "anyOf" and isinstance(value, dict) and error.context:
        yield from _explain_ref(error, path)
    elif validator == "enum":
        key = last if isinstance(last, str) or len(path) < 2 else _SINGULAR.get(str(path[-2]), str(path[-2]))
        noun = _NOUNS.get(str(key), str(key).replace("_", " "))
        alias = OPERATOR_ALIASES.get(value) if key == "op" and isinstance(value, str) else None
        hint = f" (did you mean '{alias}'?)" if alias else did_you_mean(value, [str(c) for c in expected])
        choices = "" if hint or len(expected) > 12 else f"; expected one of {', '.join(map(str, expected))}"
        yield path, f"unknown {noun} {show(value)}{hint}{choices}", False
    else:
        yield path, _simple_message(error, last), False


def _explain_ref(error: ValidationError, path: Path) -> Iterator[tuple[Path, str, bool]]:
    # A reference with a typo inside ({metric: cpy}): report the branch the author meant, not "no match".
    instance = error.instance
    for sub in sorted(error.context or (), key=lambda e: -len(e.absolute_path)):
        wanted = sub.schema.get("required") if isinstance(sub.schema, dict) else None
        if sub.validator != "required" and any(key in instance for key in ("param", "field", "metric")):
            refs = sub.schema.get("properties", {}) if isinstance(sub.schema, dict) else {}
            if any(key in instance for key in refs) or wanted is None:
                yield from _explain(sub)
                return
    yield path, "expected a constant, a list or a reference {param|field|metric: NAME}", False


def _simple_message(error: ValidationError, last: object) -> str:
    validator, expected, value = error.validator, error.validator_value, error.instance
    if validator == "type":
        names = [expected] if isinstance(expected, str) else list(expected)
        wanted = " or ".join(_TYPE_NAMES.get(name, name) for name in names)
        return f"expected {wanted}, got {_kind(value)} {show(value)}".rstrip()
    if validator == "pattern":
        if last in {"id", "category"}:
            return f"{show(value)} must be kebab-case: lowercase letters, digits and single dashes"
        if last == "params":
            return f"parameter name {show(value)} must use letters, digits and _ (e.g. max_days)"
        if "[0-9]+$" in str(expected):
            return f"{show(value)} is not an issue key (like PAY-123)"
        return f"{show(value)} does not have the expected form ({expected})"
    if validator == "format":
        return f"{show(value)} is not a valid {expected} (expected YYYY-MM-DD)"
    if validator in ("minLength", "minItems"):
        return "must not be empty"
    if validator == "minimum":
        return f"must be at least {expected}, got {show(value)}"
    if validator in ("maximum", "exclusiveMinimum"):
        return f"{show(value)} is out of range"
    if validator == "const":
        return f"must be {show(expected)}, got {show(value)}"
    if validator in ("minProperties", "maxProperties"):
        keys = ", ".join(error.schema.get("properties", {}))
        return f"give exactly one of {keys}"
    if validator == "propertyNames":
        return f"{show(value)} is not a valid name (letters, digits and _)"
    return str(error.message)


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "null" if value is None else type(value).__name__


def top_level_problem(doc: Document, expected: str) -> list[Problem]:
    """The file is empty or not a mapping at all."""
    if isinstance(doc.data, dict):
        return []
    found = "an empty file" if doc.data is None else f"{_kind(doc.data)}"
    return [Problem(doc.file, 1, 1, "", f"expected a mapping with {expected}, found {found}")]


def sequence_paths(data: Any, key: str) -> Sequence[int]:
    items = data.get(key) if isinstance(data, dict) else None
    return range(len(items)) if isinstance(items, list) else range(0)
