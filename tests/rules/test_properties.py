"""No input makes validation crash: random YAML documents and random mutations of valid rules only ever yield
problems (file:line:col messages), never a traceback."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from pmo_bot.rules.fixtures import read_fixture
from pmo_bot.rules.problems import Problem
from pmo_bot.rules.rulefile import read_rule_file
from pmo_bot.rules.supporting import read_rates, read_strategy, read_waivers
from pmo_bot.rules.yamlsource import parse

VALID = Path(__file__).parent / "valid"
WORDS = [
    "rules", "id", "title", "category", "severity", "check", "when", "all", "any", "not", "field", "metric", "op",
    "value", "days", "param", "params", "scope", "exclude", "labels", "grace", "held_for_days", "message",
    "remediation", "mode", "jql", "budget", "cpi", "eq", "in", "regex", "goals", "link", "waivers", "cases",
    "items", "key", "today", "times", "plus", "since", "{{ item.key }}", "{% if %}", "([", "2026-02-30", "",
]  # fmt: skip
SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 10**6),
    st.floats(allow_nan=True),
    st.sampled_from(WORDS),
    st.text(max_size=8),
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.sampled_from(WORDS), children, max_size=5)
    ),
    max_leaves=25,
)


def dump(data: Any) -> str:
    yaml = YAML(typ="safe", pure=True)
    stream = io.StringIO()
    yaml.dump(data, stream)
    return stream.getvalue()


def every_reader(text: str) -> list[Problem]:
    doc, problems = parse(text, "mutated.yaml")
    if doc is None or problems:
        return problems
    found = list(read_rule_file(doc).problems)
    for reader in (read_strategy, read_rates, read_waivers):
        found.extend(reader(doc)[1])  # type: ignore[operator]
    found.extend(read_fixture(doc)[1])
    return found


def assert_only_problems(problems: list[Problem]) -> None:
    for problem in problems:
        assert isinstance(problem, Problem)
        assert str(problem).startswith("mutated.yaml")


@SETTINGS
@given(st.text(max_size=200))
def test_any_text_parses_or_reports_a_syntax_problem(text: str) -> None:
    assert_only_problems(every_reader(text))


@SETTINGS
@given(documents)
def test_any_yaml_document_yields_problems_not_tracebacks(data: Any) -> None:
    assert_only_problems(every_reader(dump(data)))


@SETTINGS
@given(documents)
def test_any_rule_shaped_document_yields_problems_not_tracebacks(data: Any) -> None:
    assert_only_problems(every_reader(dump({"rules": [data, {"id": "x", "check": data}]})))


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found.extend(_paths(value, (*prefix, key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found.extend(_paths(value, (*prefix, index)))
    return found


def _mutate(data: Any, path: tuple[Any, ...], action: str, replacement: Any, word: str) -> Any:
    if not path:
        return replacement if action == "replace" else data
    head, rest = path[0], path[1:]
    if isinstance(data, dict):
        copy = dict(data)
        if rest:
            copy[head] = _mutate(copy[head], rest, action, replacement, word)
        elif action == "delete":
            copy.pop(head)
        elif action == "rename":
            copy[word] = copy.pop(head)
        else:
            copy[head] = replacement
        return copy
    copy_list = list(data)
    if rest:
        copy_list[head] = _mutate(copy_list[head], rest, action, replacement, word)
    elif action == "delete":
        copy_list.pop(head)
    else:
        copy_list[head] = replacement
    return copy_list


VALID_FILES = sorted([*VALID.glob("*.yaml"), *VALID.glob("tests/*.yaml")])
VALID_DATA = [parse(path.read_text(encoding="utf-8"), str(path))[0].data for path in VALID_FILES]  # type: ignore[union-attr]


@SETTINGS
@given(
    st.integers(0, len(VALID_DATA) - 1),
    st.data(),
    st.sampled_from(["delete", "rename", "replace"]),
    documents,
    st.sampled_from(WORDS),
)
def test_random_mutations_of_valid_files_yield_problems_not_tracebacks(
    which: int, draw: st.DataObject, action: str, replacement: Any, word: str
) -> None:
    data = VALID_DATA[which]
    path = draw.draw(st.sampled_from(_paths(data)))
    mutated = _mutate(data, path, action, replacement, word)

    assert_only_problems(every_reader(dump(mutated)))


def test_the_mutation_base_is_valid() -> None:
    assert read_rule_file(parse((VALID / "rules.yaml").read_text(encoding="utf-8"), "v.yaml")[0]).problems == ()  # type: ignore[arg-type]
