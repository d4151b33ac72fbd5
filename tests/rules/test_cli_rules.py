"""``pmo-bot rules``: validate, test, list, schema, as an admin runs them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pmo_bot.commands.rules import app
from pmo_bot.errors import RuleError
from pmo_bot.rules.fixtures import fixture_schema
from pmo_bot.rules.schema import rule_file_schema

VALID = Path(__file__).parent / "valid"
BROKEN = Path(__file__).parent / "broken"
runner = CliRunner()


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(VALID, target)
    return target


def test_validate_reports_counts_when_everything_is_valid(rules_dir: Path) -> None:
    result = runner.invoke(app, ["validate", str(rules_dir), "--today", "2026-11-28"])

    assert result.exit_code == 0, result.output
    assert "ok: 5 rules, 2 goals, 1 waivers, 1 rule test files" in result.output


def test_validate_raises_every_problem_sorted_by_place() -> None:
    result = runner.invoke(app, ["validate", str(BROKEN / "unknown-field.yaml"), str(BROKEN / "unknown-key.yaml")])

    assert isinstance(result.exception, RuleError)
    assert [p.split(": ", 1)[0].rsplit("/", 1)[-1] for p in result.exception.problems] == [
        "unknown-field.yaml:6:20",
        "unknown-key.yaml:6:5",
    ]


def test_validate_warns_about_expired_waivers_without_failing(rules_dir: Path) -> None:
    result = runner.invoke(app, ["validate", str(rules_dir), "--today", "2027-04-01"])

    assert result.exit_code == 0
    assert "waivers.yaml:6:14: waiver 1 > expires: warning: expired on 2027-03-31" in result.output


def test_validate_also_checks_the_rule_tests(rules_dir: Path) -> None:
    fixture = rules_dir / "tests" / "example.yaml"
    fixture.write_text(fixture.read_text().replace("rule: epic-has-due-date\n", "rule: epic-has-due-dates\n", 1))

    result = runner.invoke(app, ["validate", str(rules_dir)])

    assert isinstance(result.exception, RuleError)
    assert result.exception.problems[0].endswith(
        "case 'an epic without dates is reported, a dated one is not' > expect > 0 > rule: "
        "unknown rule 'epic-has-due-dates' (did you mean 'epic-has-due-date'?)"
    )


def test_rules_test_passes_on_the_example(rules_dir: Path) -> None:
    result = runner.invoke(app, ["test", str(rules_dir), "-v"])

    assert result.exit_code == 0, result.output
    assert "2 passed, 0 failed (1 files)" in result.output


def test_rules_test_shows_a_diff_and_fails(rules_dir: Path) -> None:
    fixture = rules_dir / "tests" / "example.yaml"
    fixture.write_text(fixture.read_text().replace("observed: no due date", "observed: due date is blank"))

    result = runner.invoke(app, ["test", str(rules_dir)])

    assert result.exit_code == 1
    assert "FAIL" in result.output
    assert "expected observed to be\n    - due date is blank\n    + no due date" in result.output
    assert "1 passed, 1 failed" in result.output


def test_rules_test_fails_when_there_are_no_tests(rules_dir: Path) -> None:
    shutil.rmtree(rules_dir / "tests")

    result = runner.invoke(app, ["test", str(rules_dir)])

    assert result.exit_code == 1


def test_list_shows_each_rule_with_its_mode_and_scope(rules_dir: Path) -> None:
    result = runner.invoke(app, ["list", str(rules_dir)])

    assert result.exit_code == 0
    line = next(line for line in result.output.splitlines() if "epic-has-due-date" in line)
    assert "deliverables" in line
    assert "warning" in line
    assert "enforce" in line
    assert "types: epic" in line


@pytest.mark.parametrize(("kind", "schema"), [("rules", rule_file_schema()), ("tests", fixture_schema())])
def test_schema_prints_the_json_schema(kind: str, schema: object) -> None:
    result = runner.invoke(app, ["schema", "--kind", kind])

    assert result.exit_code == 0
    assert json.loads(result.output) == schema


def test_the_default_rule_pack_validates_and_its_tests_pass() -> None:
    pack = Path(__file__).resolve().parents[2] / "rules"
    assert any(pack.glob("tests/*.yaml")), "the default pack must ship its rule tests"

    validated = runner.invoke(app, ["validate", str(pack), "--today", "2026-11-28"])
    tested = runner.invoke(app, ["test", str(pack), "--strict"])  # every rule: a case firing, one quiet

    assert validated.exit_code == 0, validated.output or validated.exception
    assert tested.exit_code == 0, tested.output


def test_the_root_cli_prints_each_problem_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    from pmo_bot.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["rules", "validate", str(BROKEN / "unknown-operator.yaml")])

    assert exit_info.value.code == 2
    assert capsys.readouterr().err.splitlines() == [
        f"{BROKEN / 'unknown-operator.yaml'}:6:30: rule 'the-rule' > check > op: "
        "unknown operator 'gte' (did you mean 'ge'?)",
        "error: 1 problem in the rule files",
    ]


def test_rules_test_lists_untested_rules_and_fails_with_strict(rules_dir: Path) -> None:
    lenient = runner.invoke(app, ["test", str(rules_dir)])
    strict = runner.invoke(app, ["test", str(rules_dir), "--strict"])

    assert lenient.exit_code == 0
    assert "untested: rule 'cpi-above-threshold' has no test where it stays quiet" in lenient.output
    assert "untested: rule 'not-stale-in-progress' has no test where it fires or where it stays quiet" in lenient.output
    assert strict.exit_code == 1
