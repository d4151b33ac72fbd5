"""Loading: YAML with places, fixture item defaults, supporting files, discovery."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from pmo_bot.domain import StatusCategory
from pmo_bot.rules.context import GoalLink
from pmo_bot.rules.fixtures import read_fixture
from pmo_bot.rules.loader import check, discover
from pmo_bot.rules.supporting import read_rates, read_strategy
from pmo_bot.rules.yamlsource import parse

VALID = Path(__file__).parent / "valid"


def test_values_keep_their_line_and_column() -> None:
    doc, problems = parse("a:\n  b: [1, {c: x}]\n", "f.yaml")

    assert problems == []
    assert doc is not None
    assert doc.data == {"a": {"b": [1, {"c": "x"}]}}
    assert doc.mark(("a", "b", 1, "c")) == (2, 14)
    assert doc.mark(("a", "b", 1, "c"), key=True) == (2, 11)
    assert doc.mark(("a", "b", 1, "missing")) == (2, 10)  # the nearest located ancestor


def test_every_duplicate_key_is_reported_not_only_the_first() -> None:
    _, problems = parse("a: 1\nb: 2\na: 3\nb: 4\n", "f.yaml")

    assert [(p.line, p.message) for p in problems] == [
        (3, "duplicate key 'a' (first written on line 1)"),
        (4, "duplicate key 'b' (first written on line 2)"),
    ]


def test_instants_without_a_zone_are_utc_and_dates_stay_dates() -> None:
    doc, _ = parse("at: 2026-11-02 10:00:00\nday: 2026-11-02\n", "f.yaml")

    assert doc is not None
    assert doc.data == {"at": datetime(2026, 11, 2, 10, tzinfo=UTC), "day": date(2026, 11, 2)}


def test_a_self_referring_alias_is_a_problem_not_a_hang() -> None:
    doc, problems = parse("a: &x [1, *x]\n", "f.yaml")

    assert doc is None or problems


def test_fixture_items_get_documented_defaults() -> None:
    text = (
        "today: 2026-11-28\ncases:\n  - name: c\n    items:\n"
        "      - key: PAY-1\n        issue_type: Epic\n        status: Closed\n"
        "        children:\n          - key: PAY-2\n"
        "            worklogs: [{started: 2026-11-02T10:00:00Z, hours: 1.5}]\n"
        "            changelog: [{field: duedate, at: 2026-11-03, from: 2026-12-01, to: 2027-01-15}]\n"
        "      - {key: OPS-7, status_category: in-progress, created: 2026-11-01}\n"
    )
    doc, _ = parse(text, "t.yaml")
    assert doc is not None
    fixture, problems = read_fixture(doc)

    assert problems == []
    assert fixture is not None
    epic, story, task = fixture.cases[0].items
    assert (epic.hierarchy_level, epic.status_category, epic.summary, epic.project) == (
        1, StatusCategory.DONE, "PAY-1", "PAY",
    )  # fmt: skip
    assert epic.created == datetime(2026, 10, 29, 9, tzinfo=UTC)
    assert (story.parent_key, story.issue_type, story.status) == ("PAY-1", "Story", "To Do")
    assert story.worklogs[0].seconds == 5400
    assert (story.changelog[0].from_value, story.changelog[0].to_value) == ("2026-12-01", "2027-01-15")
    assert (task.status, task.created) == ("In Progress", datetime(2026, 11, 1, tzinfo=UTC))


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        ("link: {field: goal}", GoalLink(kind="field", field="goal")),
        ("link: {field: extra.objective}", GoalLink(kind="field", field="objective")),
        ("link: {parent_level: 2}", GoalLink(kind="parent", parent_level=2)),
        ("link: {label_prefix: goal-}", GoalLink(kind="label", label_prefix="goal-")),
        ("", GoalLink(kind="field", field="goal")),
    ],
)
def test_strategy_links(link: str, expected: GoalLink) -> None:
    doc, _ = parse(f"goals:\n  - {{id: G1, name: One, budget: 10, period: {{start: 2026-01-01}}}}\n{link}\n", "s.yaml")
    assert doc is not None

    strategy, problems = read_strategy(doc)

    assert problems == []
    assert strategy.link == expected
    assert strategy.goals["G1"].budget_envelope == 10.0
    assert strategy.goals["G1"].period_start == date(2026, 1, 1)


def test_rates_pick_the_most_specific_rate() -> None:
    doc, _ = parse("default: 90\nprojects: {PAY: 110}\nteams: {Core: 130}\nhours_per_day: 7.5\n", "r.yaml")
    assert doc is not None

    rates, problems = read_rates(doc)

    assert problems == []
    assert (rates.card.default_hourly, rates.card.by_project["PAY"], rates.card.by_team["Core"]) == (90, 110, 130)
    assert rates.hours_per_day == 7.5


def test_discovery_classifies_files_by_name_and_place(tmp_path: Path) -> None:
    sources, problems = discover([VALID])

    assert problems == []
    assert [p.name for p in sources.rules] == ["rules.yaml"]
    assert (sources.strategy, sources.rates, sources.waivers) == (
        VALID / "strategy.yaml", VALID / "rates.yaml", VALID / "waivers.yaml",
    )  # fmt: skip
    assert [p.name for p in sources.fixtures] == ["example.yaml"]
    assert check([tmp_path / "nowhere"])[1][0].message == "no such file or directory"
    assert check([tmp_path])[1][0].message == "no rule files (*.yaml) in this directory"


def test_a_file_that_is_not_utf8_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "latin.yaml"
    path.write_bytes("rules: [caf\xe9]\n".encode("latin-1"))

    _, problems = check([path])

    assert problems[0].message.startswith("not UTF-8 text")


def test_the_bundle_builds_the_evaluation_context() -> None:
    bundle, _ = check([VALID])
    assert bundle is not None

    context = bundle.context(date(2026, 11, 28))

    assert set(context.goals) == {"G-PAY-2026", "G-LEGACY"}
    assert context.rates.rate_for(_item(project="PAY")) == 110
    assert context.waivers[0].rule_id == "cpi-above-threshold"


def _item(**overrides: object):  # type: ignore[no-untyped-def]
    from tests.factories import make_item

    return make_item("PAY-1", **overrides)


def test_an_unused_parameter_is_a_warning_not_an_error(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(
        "rules:\n  - id: r\n    title: T\n    category: c\n    severity: info\n"
        "    params:\n      limit: 3\n      spare: 4\n      shown: 5\n"
        "    check: {field: budget, op: le, value: {param: limit}, missing: passes}\n"
        "    message: '{{ params.shown }}'\n    remediation: r\n"
    )

    bundle, problems = check([path])

    assert bundle is not None
    assert [(p.line, p.column, p.warning, p.message) for p in problems] == [
        (8, 7, True, "parameter 'spare' is not used")
    ]
