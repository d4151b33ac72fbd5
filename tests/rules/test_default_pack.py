"""The default rule pack in rules/: it validates, covers the PMO's three areas, and every rule is tested both ways."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from pmo_bot.rules.loader import Bundle, check
from pmo_bot.rules.testing import load_fixtures, run_fixture

PACK = Path(__file__).resolve().parents[2] / "rules"
TODAY = date(2026, 11, 28)


@pytest.fixture(scope="module")
def bundle() -> Bundle:
    loaded, problems = check([PACK], today=TODAY)
    # The demo's MOB-54 waiver expires soon on purpose (its comment says "expires in 9 days"): the only warning.
    assert [p.message for p in problems] == [
        "expires on 2026-12-10 (in 12 days): renew it, or make sure the issues are fixed"
    ]
    assert loaded is not None
    return loaded


def test_the_pack_covers_alignment_budget_and_deliverables(bundle: Bundle) -> None:
    categories = Counter(rule.category for rule in bundle.ruleset.rules)
    assert sum(categories.values()) >= 20
    assert min(categories[c] for c in ("alignment", "budget", "deliverables")) >= 4


def test_every_rule_explains_itself_and_keeps_thresholds_as_params(bundle: Bundle) -> None:
    for rule in bundle.ruleset.rules:
        assert rule.title
        assert rule.owner, rule.id
        assert "{{ item.key }}" in rule.message + rule.remediation, rule.id
        assert rule.remediation.strip(), rule.id


def test_the_strategy_matches_the_demo_goals(bundle: Bundle) -> None:
    goals = bundle.strategy.goals
    assert sorted(goals) == ["G1", "G2", "G3", "G4"]
    assert [g.id for g in goals.values() if not g.active] == ["G4"]
    assert bundle.strategy.link.kind == "field"
    assert all(g.budget_envelope for g in goals.values())


def test_every_rule_has_a_test_that_fires_it_and_one_that_does_not(bundle: Bundle) -> None:
    fixtures, problems = load_fixtures(bundle, list(bundle.fixtures))
    assert problems == []
    fired = {e.rule for f in fixtures for c in f.cases for e in c.expectations if e.present}
    spared = {e.rule for f in fixtures for c in f.cases for e in c.expectations if not e.present}
    ids = set(bundle.ruleset.ids)
    assert ids - fired == set()
    assert ids - spared == set()


def test_the_rule_tests_pass(bundle: Bundle) -> None:
    fixtures, _ = load_fixtures(bundle, list(bundle.fixtures))
    failures = [
        failure for fixture in fixtures for result in run_fixture(bundle, fixture) for failure in result.failures
    ]
    assert failures == []


def _row(doc: str, rule_id: str) -> str:
    rows = [line for line in doc.splitlines() if line.startswith(f"| `{rule_id}` |")]
    assert len(rows) == 1, rule_id
    return rows[0]


def test_docs_list_every_rule_with_its_severity_and_params(bundle: Bundle) -> None:
    doc = (PACK.parent / "docs" / "default-pack.md").read_text()
    listed = re.findall(r"^\| `([a-z0-9-]+)` \|", doc, re.MULTILINE)
    assert sorted(listed) == sorted(bundle.ruleset.ids)
    for rule in bundle.ruleset.rules:
        row = _row(doc, rule.id)
        assert row.split("|")[2].strip() == str(rule.severity), rule.id
        documented = dict(re.findall(r"`([a-z_]+)` = ([^,|]+)", row))
        assert {k: v.strip() for k, v in documented.items()} == {k: str(v) for k, v in rule.params.items()}, rule.id
