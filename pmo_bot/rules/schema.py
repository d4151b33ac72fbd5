"""The JSON Schema of every file kind, generated from the registries (operators, fields, metrics).

One source of truth: the operator registry, the field catalogue and the metric catalogue feed the enums here,
the compiler reads the same registries, and tests check that docs/rules.md and the published
``rules/schema.json`` keep up. Editors use the schema through ``yaml-language-server``; ``validate`` uses it
as the second tier (after YAML syntax, before semantics).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from pmo_bot.rules.fields import FIELDS
from pmo_bot.rules.metrics import METRICS
from pmo_bot.rules.model import STATUS_CATEGORY_NAMES
from pmo_bot.rules.operators import OPERATORS

Schema = dict[str, Any]

DRAFT = "https://json-schema.org/draft/2020-12/schema"
ID_PATTERN = "^[a-z0-9]+(-[a-z0-9]+)*$"
NAME_PATTERN = "^[A-Za-z_][A-Za-z0-9_]*$"
FIELD_PATTERN = "^(extra\\.[^\\s]+|[a-z_]+)$"

_STRINGS: Schema = {"type": "array", "items": {"type": "string", "minLength": 1}}
_DATE: Schema = {"type": "string", "format": "date", "description": "a date, e.g. 2026-12-31"}
_NUMBER_OR_PARAM: Schema = {"anyOf": [{"type": "number"}, {"$ref": "#/$defs/param_ref"}]}


def _object(properties: dict[str, Schema], required: tuple[str, ...] = (), **extra: Any) -> Schema:
    schema: Schema = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = list(required)
    schema.update(extra)
    return schema


def _exclusions() -> Schema:
    return _object(
        {
            name: {**_STRINGS, "description": f"skip items with any of these {name.replace('_', ' ')}"}
            for name in ("issue_types", "projects", "statuses", "labels", "keys")
        },
        description="items matching any exclusion are skipped (e.g. an exemption label)",
    )


def _scope() -> Schema:
    return _object(
        {
            "issue_types": {**_STRINGS, "description": "issue type names (case-insensitive)"},
            "projects": {**_STRINGS, "description": "project keys"},
            "status_categories": {
                "type": "array",
                "items": {"enum": sorted(STATUS_CATEGORY_NAMES)},
                "description": "status categories",
            },
            "statuses": {**_STRINGS, "description": "workflow status names (case-insensitive)"},
            "labels": {**_STRINGS, "description": "the item carries at least one of these labels"},
            "hierarchy_levels": {
                "type": "array",
                "items": {"type": "integer"},
                "description": "2 initiative, 1 epic, 0 standard issue, -1 sub-task",
            },
            "jql": {"type": "string", "description": "a JQL fragment AND-ed into the fetch query"},
            "exclude": _exclusions(),
        },
        description="which items the rule looks at; no scope means every item",
    )


def _refs() -> dict[str, Schema]:
    scale = {"times": _NUMBER_OR_PARAM, "plus": _NUMBER_OR_PARAM}
    return {
        "param_ref": _object({"param": {"type": "string"}}, ("param",), description="a rule parameter"),
        "field_ref": _object(
            {"field": {"type": "string", "pattern": FIELD_PATTERN}, **scale},
            ("field",),
            description="another field of the same item",
        ),
        "metric_ref": _object(
            {"metric": {"enum": sorted(METRICS)}, **scale},
            ("metric",),
            description="a metric of the same item",
        ),
    }


def _test() -> Schema:
    constant: Schema = {"type": ["string", "number", "boolean", "null"]}
    value: Schema = {
        "anyOf": [
            constant,
            {"type": "array", "items": constant},
            {"$ref": "#/$defs/param_ref"},
            {"$ref": "#/$defs/field_ref"},
            {"$ref": "#/$defs/metric_ref"},
        ],
        "description": "a constant, a list (for in / not-in) or {param|field|metric: NAME}",
    }
    return _object(
        {
            "field": {"type": "string", "pattern": FIELD_PATTERN, "enum_hint": sorted(FIELDS)},
            "metric": {"enum": sorted(METRICS), "description": "a derived metric (docs/metrics.md)"},
            "op": {"enum": list(OPERATORS), "description": "the comparison"},
            "value": value,
            "days": {"enum": ["since", "until"], "description": "compare whole days since/until the date"},
            "missing": {
                "enum": ["passes", "fails"],
                "description": "what the test says when the subject has no value (default: an ordering fails)",
            },
        },
        ("op",),
        description="a test: field or metric, op, value",
    )


def _condition() -> Schema:
    composites = {
        "all": _object({"all": {"type": "array", "items": {"$ref": "#/$defs/condition"}}}, ("all",)),
        "any": _object({"any": {"type": "array", "items": {"$ref": "#/$defs/condition"}}}, ("any",)),
        "not": _object({"not": {"$ref": "#/$defs/condition"}}, ("not",)),
    }
    schema: Schema = {"$ref": "#/$defs/test"}
    for name in ("not", "any", "all"):
        schema = {
            "type": "object",
            "if": {"type": "object", "required": [name]},
            "then": composites[name],
            "else": schema,
        }
    schema["description"] = "all / any / not of conditions, or a test"
    return schema


def _rule() -> Schema:
    text: Schema = {"type": "string", "minLength": 1}
    param_value: Schema = {"type": ["string", "number", "boolean", "array"]}
    return _object(
        {
            "id": {"type": "string", "pattern": ID_PATTERN, "description": "unique, stable, kebab-case"},
            "title": {**text, "description": "one line"},
            "description": {"type": "string"},
            "category": {"type": "string", "pattern": ID_PATTERN, "description": "alignment, budget..."},
            "severity": {"enum": ["info", "warning", "error"]},
            "owner": {"type": "string"},
            "docs": {"type": "string"},
            "mode": {"enum": ["audit", "enforce"], "description": "overrides the global mode"},
            "supersedes": {
                "type": "array",
                "items": {"type": "string", "pattern": ID_PATTERN},
                "uniqueItems": True,
                "description": "rule ids whose findings this rule's finding hides from the comment on the same item",
            },
            "scope": _scope(),
            "when": {"$ref": "#/$defs/condition"},
            "check": {"$ref": "#/$defs/condition"},
            "grace": _object(
                {
                    "held_for_days": {"type": "integer", "minimum": 0},
                    "min_age_days": {"type": "integer", "minimum": 0},
                }
            ),
            "params": {
                "type": "object",
                "propertyNames": {"pattern": NAME_PATTERN},
                "additionalProperties": param_value,
                "description": "thresholds used by check, when and the templates",
            },
            "message": {**text, "description": "Jinja2 template: what is wrong"},
            "remediation": {**text, "description": "Jinja2 template: how to fix it"},
        },
        ("id", "title", "category", "severity", "check", "message", "remediation"),
    )


@cache
def rule_file_schema() -> Schema:
    """The schema of a rule file (``rules/*.yaml``), as published in ``rules/schema.json``. Do not mutate."""
    schema = _object(
        {
            "version": {"const": 1},
            "rules": {"type": "array", "items": {"$ref": "#/$defs/rule"}},
        },
        ("rules",),
        title="pmo-bot rule file",
        description="Declarative PMO rules; see docs/rules.md",
    )
    defs: dict[str, Schema] = {
        "rule": _rule(),
        "condition": _condition(),
        "test": _test(),
        **_refs(),
    }
    # "enum_hint" documents the known fields without forbidding extra.* names; not a JSON Schema keyword.
    defs["test"]["properties"]["field"].pop("enum_hint")
    defs["test"]["properties"]["field"]["description"] = "an item field or extra.NAME: " + ", ".join(sorted(FIELDS))
    return {"$schema": DRAFT, **schema, "$defs": defs}


@cache
def strategy_schema() -> Schema:
    goal = _object(
        {
            "id": {"type": "string", "minLength": 1},
            "name": {"type": "string", "minLength": 1},
            "owner": {"type": "string"},
            "status": {"enum": ["active", "retired"]},
            "period": _object({"start": _DATE, "end": _DATE}),
            "budget": {"type": "number", "minimum": 0, "description": "the goal's budget envelope"},
        },
        ("id", "name"),
    )
    link = _object(
        {
            "field": {"type": "string", "pattern": FIELD_PATTERN},
            "parent_level": {"type": "integer"},
            "label_prefix": {"type": "string", "minLength": 1},
        },
        minProperties=1,
        maxProperties=1,
        description="exactly one of field, parent_level, label_prefix",
    )
    return {"$schema": DRAFT, **_object({"goals": {"type": "array", "items": goal}, "link": link}, ("goals",))}


@cache
def rates_schema() -> Schema:
    rate: Schema = {"type": "number", "minimum": 0}
    table: Schema = {"type": "object", "additionalProperties": rate}
    return {
        "$schema": DRAFT,
        **_object(
            {
                "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
                "default": rate,
                "projects": table,
                "teams": table,
                "hours_per_day": {"type": "number", "exclusiveMinimum": 0, "maximum": 24},
            },
            ("default",),
        ),
    }


def waiver_schema() -> Schema:
    return _object(
        {
            "rule": {"type": "string", "minLength": 1},
            "issues": {
                "type": "array",
                "items": {"type": "string", "pattern": "^[A-Z][A-Z0-9_]*-[0-9]+$"},
                "minItems": 1,
            },
            "reason": {"type": "string", "minLength": 1},
            "approver": {"type": "string", "minLength": 1},
            "expires": _DATE,
        },
        ("rule", "issues", "reason", "approver", "expires"),
    )


@cache
def waivers_schema() -> Schema:
    return {"$schema": DRAFT, **_object({"waivers": {"type": "array", "items": waiver_schema()}}, ("waivers",))}
