"""Rule-test files (``rules/tests/*.yaml``): example items and the findings expected for them.

A fixture item needs only a ``key``; everything else has a documented default (docs/rules.md, "Rule tests"),
so a test states just what it is about. Files are validated like rule files, with line numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from types import MappingProxyType
from typing import Any

from pmo_bot.domain import FieldChange, Item, StatusCategory, Worklog
from pmo_bot.rules.context import Waiver
from pmo_bot.rules.fields import FIELDS
from pmo_bot.rules.model import STATUS_CATEGORY_NAMES
from pmo_bot.rules.problems import Path, Problem
from pmo_bot.rules.schema import DRAFT, ID_PATTERN, rates_schema, strategy_schema, waiver_schema
from pmo_bot.rules.supporting import Rates, Strategy, read_rates, read_strategy, read_waivers
from pmo_bot.rules.validate import Located, schema_problems, top_level_problem
from pmo_bot.rules.yamlsource import Document, as_date

_LEVELS = {"initiative": 2, "epic": 1, "sub-task": -1, "subtask": -1}
_NEW_STATUSES = frozenset({"to do", "backlog", "open", "selected for development"})
_DONE_STATUSES = frozenset({"done", "closed", "resolved", "cancelled"})
_STATUS_NAMES = {StatusCategory.NEW: "To Do", StatusCategory.IN_PROGRESS: "In Progress", StatusCategory.DONE: "Done"}
_JSON_KINDS = {
    "string": "string",
    "number": "number",
    "date": "string",
    "instant": "string",
    "list": "array",
    "status-category": "string",
    "bool": "boolean",
    "any": ["string", "number", "boolean", "null"],
}


@dataclass(frozen=True, slots=True)
class Expectation:
    rule: str
    item: str
    checks: Mapping[str, Any]  # severity / observed / expected (exact), message / remediation (substring), waived,
    # shown_in_comment / superseded_by (supersession)
    path: Path
    present: bool  # True for ``expect``, False for ``expect_not``


@dataclass(frozen=True, slots=True)
class Case:
    name: str
    today: date
    items: tuple[Item, ...]
    expectations: tuple[Expectation, ...]
    first_seen: Mapping[tuple[str, str], date] = field(default_factory=dict)
    jql_scopes: Mapping[str, frozenset[str]] = field(default_factory=dict)  # scope.jql fragment -> keys


@dataclass(frozen=True, slots=True)
class Fixture:
    file: str
    doc: Document
    cases: tuple[Case, ...]
    rules: frozenset[str] | None = None  # None: every rule of the bundle
    strategy: Strategy | None = None
    rates: Rates | None = None
    waivers: tuple[Waiver, ...] | None = None


@cache
def fixture_schema() -> dict[str, Any]:
    properties: dict[str, Any] = {name: {"type": [_JSON_KINDS[spec.kind], "null"]} for name, spec in FIELDS.items()}
    properties["status_category"] = {"enum": sorted(STATUS_CATEGORY_NAMES)}
    properties["labels"] = properties["components"] = properties["fix_versions"] = {
        "type": "array",
        "items": {"type": "string"},
    }
    properties.update(
        children={"type": "array", "items": {"$ref": "#/$defs/item"}},
        extra={"type": "object"},
        worklogs={
            "type": "array",
            "items": _object(
                {
                    "started": {"type": "string"},
                    "hours": {"type": "number"},
                    "seconds": {"type": "integer"},
                    "author": {"type": "string"},
                },
                ["started"],
            ),
        },
        changelog={
            "type": "array",
            "items": _object(
                {
                    "field": {"type": "string"},
                    "at": {"type": "string"},
                    "from": {"type": ["string", "null"]},
                    "to": {"type": ["string", "null"]},
                },
                ["field", "at"],
            ),
        },
    )
    properties["key"] = {"type": "string", "pattern": "^[A-Z][A-Z0-9_]*-[0-9]+$"}
    expectation = _object(
        {
            "rule": {"type": "string"},
            "item": {"type": "string"},
            "severity": {"enum": ["info", "warning", "error"]},
            "observed": {"type": "string"},
            "expected": {"type": "string"},
            "message": {"type": "string"},
            "remediation": {"type": "string"},
            "waived": {"type": "boolean"},
            "shown_in_comment": {"type": "boolean"},
            "superseded_by": {"type": "string"},
        },
        ["rule", "item"],
    )
    seen = _object(
        {"rule": {"type": "string"}, "item": {"type": "string"}, "date": {"type": "string", "format": "date"}},
        ["rule", "item", "date"],
    )
    case = _object(
        {
            "name": {"type": "string", "minLength": 1},
            "today": {"type": "string", "format": "date"},
            "first_seen": {"type": "array", "items": seen},
            "jql": {  # what Jira returns for each scope.jql fragment, since a test runs without Jira
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            },
            "items": {"type": "array", "items": {"$ref": "#/$defs/item"}},
            "expect": {"type": "array", "items": expectation},
            "expect_not": {"type": "array", "items": expectation},
        },
        ["name", "items"],
    )
    strategy = {key: value for key, value in strategy_schema().items() if key != "$schema"}
    rates = {key: value for key, value in rates_schema().items() if key != "$schema"}
    top = _object(
        {
            "today": {"type": "string", "format": "date"},
            "rules": {"type": "array", "items": {"type": "string", "pattern": ID_PATTERN}},
            "strategy": strategy,
            "rates": rates,
            "waivers": {"type": "array", "items": waiver_schema()},
            "cases": {"type": "array", "items": case, "minItems": 1},
        },
        ["today", "cases"],
    )
    return {"$schema": DRAFT, **top, "$defs": {"item": _object(properties, ["key"])}}


def _object(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": required, "additionalProperties": False}


def read_fixture(doc: Document) -> tuple[Fixture | None, list[Problem]]:
    problems = top_level_problem(doc, "'today:' and 'cases:'") or schema_problems(doc, fixture_schema())
    if problems:
        return None, problems
    data = doc.data
    strategy = rates = waivers = None
    if "strategy" in data:
        strategy, found = read_strategy(doc, ("strategy",))
        problems.extend(found)
    if "rates" in data:
        rates, found = read_rates(doc, ("rates",))
        problems.extend(found)
    if "waivers" in data:
        waivers, found = read_waivers(doc, ("waivers",), listed=True)
        problems.extend(found)
    default_today = _day(data["today"])
    cases = []
    located = Located(doc)
    for index, raw in enumerate(data["cases"]):
        today = _day(raw.get("today", default_today))
        builder = _ItemBuilder(located, today)
        for item_index, item in enumerate(raw["items"]):
            builder.build(item, ("cases", index, "items", item_index), None)
        problems.extend(builder.problems)
        expectations = tuple(
            Expectation(
                entry["rule"],
                entry["item"],
                {k: v for k, v in entry.items() if k not in ("rule", "item")},
                ("cases", index, key, position),
                key == "expect",
            )
            for key in ("expect", "expect_not")
            for position, entry in enumerate(raw.get(key, ()))
        )
        first_seen = {(e["rule"], e["item"]): _day(e["date"]) for e in raw.get("first_seen", ())}
        jql = {fragment.strip(): frozenset(keys) for fragment, keys in raw.get("jql", {}).items()}
        cases.append(
            Case(
                raw["name"],
                today,
                tuple(builder.items),
                expectations,
                MappingProxyType(first_seen),
                MappingProxyType(jql),
            )
        )
    rules = frozenset(data["rules"]) if "rules" in data else None
    return Fixture(doc.file, doc, tuple(cases), rules, strategy, rates, waivers), problems


@dataclass
class _ItemBuilder:
    located: Located
    today: date
    items: list[Item] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)

    def build(self, raw: dict[str, Any], path: Path, parent: str | None) -> None:
        key = raw["key"]
        if key in self.keys:
            self.problems.append(self.located.problem((*path, "key"), f"duplicate item key '{key}' in this case"))
            return
        self.keys.add(key)
        values: dict[str, Any] = {name: raw[name] for name in FIELDS if name in raw}
        for name, spec in FIELDS.items():
            if name in values and values[name] is not None and spec.kind in ("date", "instant"):
                values[name] = self.when(values[name], spec.kind, (*path, name))
        values.setdefault("id", key)
        values.setdefault("project", key.rsplit("-", 1)[0])
        values.setdefault("issue_type", "Story")
        values.setdefault("hierarchy_level", _LEVELS.get(str(values["issue_type"]).casefold(), 0))
        values.setdefault("summary", key)
        category = STATUS_CATEGORY_NAMES.get(str(raw.get("status_category")))
        status = raw.get("status")
        if category is None:
            category = _category_of(status)
        values["status_category"] = category
        values["status"] = status or _STATUS_NAMES[category]
        values.setdefault("created", datetime.combine(self.today - timedelta(days=30), time(9), UTC))
        values.setdefault("updated", values["created"])
        for name in ("labels", "components", "fix_versions"):
            values[name] = tuple(raw.get(name) or ())
        if parent is not None:
            values["parent_key"] = parent
        values["extra"] = MappingProxyType(dict(raw.get("extra") or {}))
        values["worklogs"] = tuple(
            self.worklog(w, (*path, "worklogs", i)) for i, w in enumerate(raw.get("worklogs", ()))
        )
        values["changelog"] = tuple(
            self.change(c, (*path, "changelog", i)) for i, c in enumerate(raw.get("changelog", ()))
        )
        if all(values.get(n) is not None for n in ("created", "updated")):
            self.items.append(Item(**values))
        for index, child in enumerate(raw.get("children", ())):
            self.build(child, (*path, "children", index), key)

    def when(self, raw: Any, kind: str, path: Path) -> Any:
        if isinstance(raw, datetime):
            return raw if kind == "instant" else raw.date()
        if isinstance(raw, str):
            try:
                parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
            except ValueError:
                parsed = None
            if parsed is not None:
                parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
                return parsed if kind == "instant" and "T" in raw else (parsed.date() if kind == "date" else parsed)
        day = as_date(raw)
        if day is None:
            self.problems.append(self.located.problem(path, f"expected a date, got '{raw}'"))
            return None
        return datetime.combine(day, time(0), UTC) if kind == "instant" else day

    def worklog(self, raw: dict[str, Any], path: Path) -> Worklog:
        started = self.when(raw["started"], "instant", (*path, "started"))
        seconds = int(raw["seconds"]) if "seconds" in raw else round(float(raw.get("hours", 0)) * 3600)
        return Worklog(started or datetime.combine(self.today, time(9), UTC), seconds, raw.get("author"))

    def change(self, raw: dict[str, Any], path: Path) -> FieldChange:
        at = self.when(raw["at"], "instant", (*path, "at"))
        return FieldChange(
            raw["field"], at or datetime.combine(self.today, time(9), UTC), _text(raw.get("from")), _text(raw.get("to"))
        )


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


def _category_of(status: Any) -> StatusCategory:
    name = str(status or "").casefold()
    if not name or name in _NEW_STATUSES:
        return StatusCategory.NEW
    if name in _DONE_STATUSES:
        return StatusCategory.DONE
    return StatusCategory.IN_PROGRESS


def _day(value: Any) -> date:
    parsed = as_date(value)
    assert parsed is not None  # the schema tier checked the format
    return parsed
