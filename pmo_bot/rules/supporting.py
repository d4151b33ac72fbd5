"""The supporting files: ``strategy.yaml`` (goals, goal link), ``rates.yaml`` and ``waivers.yaml``.

Each reader runs the same tiers as rule files (syntax was done by the caller, then schema, then semantics)
and yields the context value types of ``pmo_bot.rules.context``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any

from pmo_bot.rules.context import Goal, GoalLink, RateCard, Waiver
from pmo_bot.rules.problems import Path, Problem
from pmo_bot.rules.schema import rates_schema, strategy_schema, waiver_schema, waivers_schema
from pmo_bot.rules.validate import Located, schema_problems, top_level_problem
from pmo_bot.rules.yamlsource import Document, as_date


@dataclass(frozen=True, slots=True)
class Strategy:
    goals: Mapping[str, Goal] = field(default_factory=dict)
    link: GoalLink = field(default_factory=GoalLink)


@dataclass(frozen=True, slots=True)
class Rates:
    card: RateCard = field(default_factory=RateCard)
    hours_per_day: float = 8.0


def read_strategy(doc: Document, base: Path = ()) -> tuple[Strategy, list[Problem]]:
    data = _at(doc, base)
    problems = _shape(doc, data, base, "'goals:' and 'link:'") or schema_problems(doc, strategy_schema(), base)
    if problems:
        return Strategy(), problems
    located = Located(doc)
    goals: dict[str, Goal] = {}
    for index, raw in enumerate(data["goals"]):
        path = (*base, "goals", index)
        start, end = (as_date(raw.get("period", {}).get(key)) for key in ("start", "end"))
        if raw["id"] in goals:
            problems.append(located.problem((*path, "id"), f"duplicate goal id '{raw['id']}'"))
        if start and end and end < start:
            problems.append(located.problem((*path, "period", "end"), "the period ends before it starts"))
        goals[raw["id"]] = Goal(
            id=raw["id"],
            name=raw["name"],
            owner=raw.get("owner"),
            status=raw.get("status", "active"),
            period_start=start,
            period_end=end,
            budget_envelope=float(raw["budget"]) if "budget" in raw else None,
        )
    link = _link(data.get("link") or {"field": "goal"})
    return Strategy(MappingProxyType(goals), link), problems


def _link(raw: Mapping[str, Any]) -> GoalLink:
    if "parent_level" in raw:
        return GoalLink(kind="parent", parent_level=int(raw["parent_level"]))
    if "label_prefix" in raw:
        return GoalLink(kind="label", label_prefix=str(raw["label_prefix"]))
    name = str(raw.get("field", "goal"))
    return GoalLink(kind="field", field=name.removeprefix("extra."))


def read_rates(doc: Document, base: Path = ()) -> tuple[Rates, list[Problem]]:
    data = _at(doc, base)
    problems = _shape(doc, data, base, "'default:' and optional 'projects:', 'teams:'") or schema_problems(
        doc, rates_schema(), base
    )
    if problems:
        return Rates(), problems
    card = RateCard(
        default_hourly=float(data["default"]),
        by_project=MappingProxyType({str(k): float(v) for k, v in (data.get("projects") or {}).items()}),
        by_team=MappingProxyType({str(k): float(v) for k, v in (data.get("teams") or {}).items()}),
        currency=data.get("currency", "EUR"),
    )
    return Rates(card, float(data.get("hours_per_day", 8.0))), problems


def read_waivers(doc: Document, base: Path = (), *, listed: bool = False) -> tuple[tuple[Waiver, ...], list[Problem]]:
    """``waivers.yaml`` (a mapping with ``waivers:``), or with ``listed`` the bare list (rule tests)."""
    data = _at(doc, base)
    if listed:
        schema = {"type": "array", "items": waiver_schema()}
        problems = schema_problems(doc, schema, base)
        entries = data if isinstance(data, list) else []
    else:
        problems = _shape(doc, data, base, "a 'waivers:' list") or schema_problems(doc, waivers_schema(), base)
        found = data.get("waivers") if isinstance(data, dict) else None
        entries = found if isinstance(found, list) else []
    if problems:
        return (), problems
    waivers = tuple(
        Waiver(
            rule_id=raw["rule"],
            issue_keys=tuple(raw["issues"]),
            reason=raw["reason"].strip(),
            approver=raw["approver"],
            expires=_date(raw["expires"]),
        )
        for raw in entries
    )
    return waivers, problems


def waiver_paths(doc: Document, base: Path = (), *, listed: bool = False) -> list[Path]:
    """Where each waiver sits, in the order ``read_waivers`` returns them (for cross-file messages)."""
    data = _at(doc, base)
    entries = data if listed else (data.get("waivers") if isinstance(data, dict) else None)
    prefix = base if listed else (*base, "waivers")
    return [(*prefix, index) for index in range(len(entries) if isinstance(entries, list) else 0)]


def _date(value: Any) -> date:
    parsed = as_date(value)
    assert parsed is not None  # the schema tier checked the format
    return parsed


def _at(doc: Document, base: Path) -> Any:
    data = doc.data
    for part in base:
        data = data[part]
    return data


def _shape(doc: Document, data: Any, base: Path, expected: str) -> list[Problem]:
    if base:
        return []  # embedded in a fixture: the fixture schema checked the shape
    return top_level_problem(doc, expected)
