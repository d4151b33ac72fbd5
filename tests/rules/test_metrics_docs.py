"""docs/metrics.md and the metric catalogue cannot drift: every metric is documented, every worked example runs."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from ruamel.yaml import YAML

from pmo_bot.domain import FieldChange, Item, StatusCategory, Worklog
from pmo_bot.rules.context import EvaluationContext, Goal, RateCard
from pmo_bot.rules.metrics import METRICS, compute_metrics
from tests.factories import make_item

DOC = Path(__file__).resolve().parents[2] / "docs" / "metrics.md"
LEVELS = {"Initiative": 2, "Epic": 1, "Sub-task": -1}
CATEGORIES = {"To Do": StatusCategory.NEW, "Done": StatusCategory.DONE}
EXAMPLE = re.compile(r"```yaml\n# worked example: (?P<name>[^\n]+)\n(?P<body>.*?)```", re.DOTALL)


def _documented_rows() -> list[str]:
    return re.findall(r"^\| `([a-z_]+)` \| (?:number|integer|ratio|date|bool|string) \|", DOC.read_text(), re.M)


def test_every_metric_is_documented_once_with_its_type() -> None:
    rows = _documented_rows()
    assert sorted(rows) == sorted(METRICS)
    text = DOC.read_text()
    for name, spec in METRICS.items():
        assert f"| `{name}` | {spec.type} |" in text, name


def _item(data: dict[str, Any], today: date, parent: str | None = None) -> Item:
    values = dict(data)
    key = values.pop("key")
    created = values.pop("created", datetime(today.year, today.month, today.day, 9) - timedelta(days=30))
    issue_type = values.pop("issue_type", "Story")
    status = values.pop("status", "In Progress")
    worklogs = tuple(
        Worklog(started=w["started"], seconds=int(w.get("seconds", w.get("hours", 0) * 3600)))
        for w in values.pop("worklogs", ())
    )
    changelog = tuple(
        FieldChange(field=c["field"], at=c["at"], from_value=_text(c.get("from")), to_value=_text(c.get("to")))
        for c in values.pop("changelog", ())
    )
    values.pop("children", None)
    return make_item(
        key,
        issue_type=issue_type,
        hierarchy_level=LEVELS.get(issue_type, 0),
        status=status,
        status_category=CATEGORIES.get(status, StatusCategory.IN_PROGRESS),
        created=created,
        updated=values.pop("updated", created),
        worklogs=worklogs,
        changelog=changelog,
        parent_key=values.pop("parent_key", parent),
        **values,
    )


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _examples() -> list[tuple[str, dict[str, Any]]]:
    yaml = YAML(typ="safe")
    return [(m["name"], yaml.load(m["body"])) for m in EXAMPLE.finditer(DOC.read_text())]


def test_the_docs_hold_the_worked_examples() -> None:
    assert len(_examples()) >= 4


def _tolerance(expected: float) -> float:
    """Half a unit of the last digit the docs print: 0.33 is checked to +-0.005, 8000 exactly."""
    text = repr(expected)
    decimals = len(text.split(".")[1]) if "." in text and not text.endswith(".0") else 0
    return 0.5 * 10**-decimals if decimals else 1e-9


@pytest.mark.parametrize(("name", "example"), _examples(), ids=[n for n, _ in _examples()])
def test_worked_example(name: str, example: dict[str, Any]) -> None:
    today = example["today"]
    rates = example.get("rates", {})
    ctx = EvaluationContext(
        today=today,
        goals={
            g["id"]: Goal(g["id"], g["name"], status=g.get("status", "active"), budget_envelope=g.get("budget"))
            for g in example.get("goals", ())
        },
        rates=RateCard(default_hourly=rates.get("default", 100), by_team=rates.get("teams", {})),
        tz=ZoneInfo(example.get("tz", "UTC")),
    )
    item = _item(example["item"], today)
    children = [_item(c, today, parent=item.key) for c in example["item"].get("children", ())]
    ancestors = [_item(a, today) for a in example.get("ancestors", ())]
    got = compute_metrics(item, children, ctx, frozenset(example["expect"]), ancestors=ancestors)
    for metric, expected in example["expect"].items():
        value = got[metric]
        if isinstance(expected, bool) or not isinstance(expected, int | float):
            assert value == expected, f"{name}: {metric}"
        else:
            assert value == pytest.approx(expected, abs=_tolerance(expected)), f"{name}: {metric}"
