"""docs/rules.md and rules/schema.json cannot fall behind the code: keys, operators, fields, metrics, commands."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
from typer.main import get_command

from pmo_bot.commands.rules import app
from pmo_bot.domain import Item
from pmo_bot.rules.fields import FIELDS, NOT_FIELDS
from pmo_bot.rules.fixtures import fixture_schema
from pmo_bot.rules.loader import check
from pmo_bot.rules.metrics import METRICS
from pmo_bot.rules.operators import OPERATORS
from pmo_bot.rules.schema import rates_schema, rule_file_schema, strategy_schema, waivers_schema
from pmo_bot.rules.templating import VARIABLES

ROOT = Path(__file__).resolve().parents[2]
DOCS = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
SCHEMAS = [rule_file_schema(), strategy_schema(), rates_schema(), waivers_schema(), fixture_schema()]


def property_names(schema: Any) -> Iterator[str]:
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == "properties":
                yield from value
            yield from property_names(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from property_names(value)


def test_the_published_schema_is_the_generated_one() -> None:
    published = json.loads((ROOT / "rules" / "schema.json").read_text(encoding="utf-8"))

    assert published == rule_file_schema(), "regenerate it: pmo-bot rules schema > rules/schema.json"


@pytest.mark.parametrize("key", sorted(set().union(*(property_names(s) for s in SCHEMAS))))
def test_every_key_of_every_file_kind_is_documented(key: str) -> None:
    assert f"`{key}" in DOCS or f"{key}:" in DOCS


@pytest.mark.parametrize("op", list(OPERATORS))
def test_every_operator_is_in_the_operator_table(op: str) -> None:
    assert f"| `{op}` |" in DOCS


def test_every_item_attribute_is_a_documented_field_or_deliberately_not_one() -> None:
    attributes = {f.name for f in fields(Item)}
    assert attributes == set(FIELDS) | NOT_FIELDS
    for spec in FIELDS.values():
        assert f"| `{spec.name}` | {spec.kind} |" in DOCS


@pytest.mark.parametrize("name", list(METRICS))
def test_every_metric_is_listed_here_and_described_in_the_metric_catalogue(name: str) -> None:
    assert f"`{name}`" in DOCS
    assert f"`{name}`" in (ROOT / "docs" / "metrics.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", list(VARIABLES))
def test_every_template_variable_is_documented(name: str) -> None:
    assert f"| `{name}` |" in DOCS


@pytest.mark.parametrize("command", sorted(get_command(app).commands))  # type: ignore[attr-defined]
def test_every_rules_command_is_documented(command: str) -> None:
    assert f"`pmo-bot rules {command}" in DOCS


def test_the_first_rule_guide_works_and_its_error_example_is_real(tmp_path: Path) -> None:
    guide = DOCS.split("## Write your first rule", 1)[1]
    rule_yaml = re.search(r"```yaml\n(.*?)```", guide, re.DOTALL)
    error_line = re.search(r"rules/my-rules\.yaml:(\d+):(\d+): (.*)", guide)
    assert rule_yaml is not None
    assert error_line is not None
    text = re.sub(r"^ {3}", "", rule_yaml.group(1), flags=re.MULTILINE)
    path = tmp_path / "my-rules.yaml"

    path.write_text(text, encoding="utf-8")
    assert check([path])[0] is not None

    path.write_text(text.replace("field: assignee", "field: asignee"), encoding="utf-8")
    _, problems = check([path])
    line, column, message = error_line.groups()
    assert [str(p) for p in problems] == [f"{path}:{line}:{column}: {message}"]


def test_the_first_rule_guide_test_passes(tmp_path: Path) -> None:
    from pmo_bot.rules.loader import load
    from pmo_bot.rules.testing import load_fixtures, run_fixture

    guide = DOCS.split("## Write your first rule", 1)[1].split("## Rule files", 1)[0]
    rule_yaml, test_yaml = (
        re.sub(r"^ {3}", "", block, flags=re.MULTILINE) for block in re.findall(r"```yaml\n(.*?)```", guide, re.DOTALL)
    )
    (tmp_path / "tests").mkdir()
    (tmp_path / "my-rules.yaml").write_text(rule_yaml, encoding="utf-8")
    (tmp_path / "tests" / "epic-has-owner.yaml").write_text(test_yaml, encoding="utf-8")

    bundle = load([tmp_path])
    fixtures, problems = load_fixtures(bundle, list(bundle.fixtures))

    assert problems == []
    assert [result.failures for result in run_fixture(bundle, fixtures[0])] == [()]
