"""``scope.jql``: a rule applies only to the issues Jira returned for its fragment; rule tests declare them;
a fragment Jira refuses is a configuration error naming the rule's file:line and Jira's message."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pmo_bot.commands.rules import app
from pmo_bot.errors import ConfigError, RemoteError, RuleError
from pmo_bot.rules import loader
from pmo_bot.rules.engine import compile_rules, evaluate
from pmo_bot.rules.explain import trace
from pmo_bot.sync.jqlscope import fragments, require_valid, resolve_jql_scopes, scope_keys, scope_search_jql
from tests.factories import make_item

FRAGMENT = 'labels = regulated AND "Risk level" = High'
RULES = f"""version: 1
rules:
  - id: regulated-has-assignee
    title: Regulated work has an owner
    category: deliverables
    severity: error
    scope:
      jql: '{FRAGMENT}'
    check: {{field: assignee, op: present}}
    message: "{{{{ item.key }}}} has no assignee."
    remediation: Assign it.
  - id: everything-has-assignee
    title: Everything has an owner
    category: deliverables
    severity: info
    check: {{field: assignee, op: present}}
    message: "{{{{ item.key }}}} has no assignee."
    remediation: Assign it.
"""
CASE = """today: 2026-11-28
rules: [regulated-has-assignee]
cases:
  - name: only the issues the fragment returns are checked
    items:
      - {key: PAY-1}
      - {key: PAY-2}
__JQL__
    expect:
      - {rule: regulated-has-assignee, item: PAY-1}
    expect_not:
      - {rule: regulated-has-assignee, item: PAY-2}
"""
runner = CliRunner()


def write_pack(tmp_path: Path, jql_block: str) -> Path:
    folder = tmp_path / "rules"
    (folder / "tests").mkdir(parents=True)
    (folder / "pack.yaml").write_text(RULES)
    (folder / "tests" / "scoped.yaml").write_text(CASE.replace("__JQL__", jql_block))
    return folder


def bundle(tmp_path: Path) -> loader.Bundle:
    return loader.load([write_pack(tmp_path, "")])


def test_a_scoped_rule_applies_only_to_the_keys_its_fragment_returned(tmp_path: Path) -> None:
    rules = bundle(tmp_path)
    items = [make_item("PAY-1", assignee=None), make_item("PAY-2", assignee=None)]
    ctx = rules.context(date(2026, 11, 28), jql_scopes={FRAGMENT: frozenset({"PAY-1"})})
    found = {(f.rule_id, f.item_key) for f in evaluate(rules.ruleset, items, ctx)}
    assert ("regulated-has-assignee", "PAY-1") in found
    assert ("regulated-has-assignee", "PAY-2") not in found
    assert ("everything-has-assignee", "PAY-2") in found  # unscoped rules are untouched

    unresolved = rules.context(date(2026, 11, 28))  # the fragment was never run: the rule applies to nothing
    assert not [f for f in evaluate(rules.ruleset, items, unresolved) if f.rule_id == "regulated-has-assignee"]


def test_explain_says_why_a_scoped_rule_does_not_apply(tmp_path: Path) -> None:
    rules = bundle(tmp_path)
    item = make_item("PAY-2", assignee=None)
    ctx = rules.context(date(2026, 11, 28), jql_scopes={FRAGMENT: frozenset({"PAY-1"})})
    (scoped, _) = trace(compile_rules(rules.ruleset), item, [item], ctx)
    assert scoped.verdict == "out-of-scope"
    assert "did not return this issue" in scoped.detail
    (unknown, _) = trace(compile_rules(rules.ruleset), item, [item], rules.context(date(2026, 11, 28)))
    assert "was not run or failed" in unknown.detail


def test_rule_tests_declare_what_a_fragment_returns(tmp_path: Path) -> None:
    folder = write_pack(tmp_path, f"    jql:\n      '{FRAGMENT}': [PAY-1]")
    result = runner.invoke(app, ["test", str(folder)])
    assert result.exit_code == 0, result.output

    wrong = write_pack(tmp_path / "wrong", f"    jql:\n      '{FRAGMENT}': [PAY-2]")
    assert runner.invoke(app, ["test", str(wrong)]).exit_code != 0


def test_a_rule_test_without_the_fragments_keys_is_a_problem_at_its_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["test", str(write_pack(tmp_path, ""))])
    assert isinstance(result.exception, RuleError)
    (problem,) = result.exception.problems
    assert "scoped.yaml:4:" in problem
    assert "rule 'regulated-has-assignee' has scope.jql" in problem
    typo = runner.invoke(app, ["test", str(write_pack(tmp_path / "t", "    jql:\n      'labels = x': [PAY-1]"))])
    assert isinstance(typo.exception, RuleError)
    assert any("no tested rule has scope.jql 'labels = x'" in p for p in typo.exception.problems)


class KeysJira:
    flavor = "cloud"

    def __init__(self, answers: dict[str, list[str] | RemoteError]) -> None:
        self.answers = answers
        self.asked: list[str] = []

    def search_keys(self, jql: str) -> list[str]:
        self.asked.append(jql)
        for fragment, answer in self.answers.items():
            if fragment in jql:
                if isinstance(answer, RemoteError):
                    raise answer
                return answer
        return []


def test_each_distinct_fragment_runs_once_anded_with_the_projects(tmp_path: Path) -> None:
    rules = bundle(tmp_path)
    jira = KeysJira({FRAGMENT: ["PAY-1", "PAY-7"]})
    scopes = resolve_jql_scopes(jira, ["PAY", "OPS"], rules.ruleset)  # type: ignore[arg-type]
    assert jira.asked == [f"project in (OPS, PAY) AND ({FRAGMENT}) ORDER BY key ASC"]
    assert scope_keys(scopes) == {FRAGMENT: frozenset({"PAY-1", "PAY-7"})}
    assert next(iter(fragments(rules.ruleset)[FRAGMENT])).startswith("rule 'regulated-has-assignee' (")
    assert scope_search_jql(["PAY"], "x = 1", key="PAY-1").endswith('AND key = "PAY-1" ORDER BY key ASC')
    require_valid(scopes)


def test_a_fragment_jira_refuses_names_the_rule_file_line_and_jiras_message(tmp_path: Path) -> None:
    rules = bundle(tmp_path)
    refused = RemoteError(
        "Jira answered HTTP 400 while searching issues: Field 'Risk level' does not exist or you do not have "
        "permission to view it.",
        status=400,
    )
    scopes = resolve_jql_scopes(KeysJira({FRAGMENT: refused}), ["PAY"], rules.ruleset)  # type: ignore[arg-type]
    with pytest.raises(ConfigError) as raised:
        require_valid(scopes)
    message = str(raised.value)
    assert "rule 'regulated-has-assignee' (" in message
    assert "pack.yaml:3" in message
    assert "Field 'Risk level' does not exist" in message

    outage = RemoteError("Jira answered HTTP 503 while searching issues", status=503)
    with pytest.raises(RemoteError):  # not the rule's fault: fails like any search
        resolve_jql_scopes(KeysJira({FRAGMENT: outage}), ["PAY"], rules.ruleset)  # type: ignore[arg-type]
