"""The ``rules test`` runner: evaluate each fixture case and compare with its expectations.

Failures read like a diff: what the test expected, what the engine produced, line by line, with the place in
the fixture file, so a broken rule or a wrong test is obvious at a glance.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path as FsPath

from pmo_bot.domain import Finding
from pmo_bot.rules.engine import CompiledRules, compile_rules, evaluate
from pmo_bot.rules.fixtures import Case, Expectation, Fixture, read_fixture
from pmo_bot.rules.loader import Bundle, read_document
from pmo_bot.rules.problems import Problem, did_you_mean
from pmo_bot.rules.supersede import superseded
from pmo_bot.rules.validate import Located

_EXACT = ("severity", "observed", "expected")
_SUBSTRING = ("message", "remediation")


@dataclass(frozen=True, slots=True)
class CaseResult:
    file: str
    case: str
    failures: tuple[str, ...]  # empty when the case passed

    @property
    def passed(self) -> bool:
        return not self.failures


def load_fixtures(bundle: Bundle, paths: Sequence[FsPath]) -> tuple[list[Fixture], list[Problem]]:
    """Read and check fixture files (rule ids named in them must exist)."""
    fixtures: list[Fixture] = []
    problems: list[Problem] = []
    for path in paths:
        doc, found = read_document(path)
        problems.extend(found)
        if doc is None or found:
            continue
        fixture, found = read_fixture(doc)
        problems.extend(found)
        if fixture is None or found:
            continue
        unknown = _unknown_rules(bundle, fixture) + _undeclared_jql(bundle, fixture)
        problems.extend(unknown)
        if not unknown:
            fixtures.append(fixture)
    return fixtures, problems


def _unknown_rules(bundle: Bundle, fixture: Fixture) -> list[Problem]:
    located, ids = Located(fixture.doc), bundle.ruleset.ids
    problems = []
    for rule_id in sorted(fixture.rules or ()):
        if rule_id not in ids:
            position = fixture.doc.data["rules"].index(rule_id)
            hint = did_you_mean(rule_id, ids)
            problems.append(located.problem(("rules", position), f"unknown rule '{rule_id}'{hint}"))
    for case in fixture.cases:
        for expectation in case.expectations:
            if expectation.rule not in ids:
                hint = did_you_mean(expectation.rule, ids)
                problems.append(
                    located.problem((*expectation.path, "rule"), f"unknown rule '{expectation.rule}'{hint}")
                )
    return problems


def _undeclared_jql(bundle: Bundle, fixture: Fixture) -> list[Problem]:
    """A case must say which keys each tested rule's ``scope.jql`` returns (a test runs without Jira), and
    declare no fragment that no tested rule uses (a typo would otherwise leave the rule out of scope)."""
    located = Located(fixture.doc)
    ruleset = bundle.ruleset if fixture.rules is None else bundle.ruleset.only(fixture.rules)
    used = {rule.scope.jql: rule.id for rule in ruleset.rules if rule.scope.jql}
    problems = []
    for index, case in enumerate(fixture.cases):
        for fragment, rule_id in used.items():
            if fragment not in case.jql_scopes:
                problems.append(
                    located.problem(
                        ("cases", index),
                        f"rule '{rule_id}' has scope.jql {fragment!r}: list the keys it returns in this case "
                        f"(jql: {{{fragment!r}: [KEY-1, ...]}})",
                    )
                )
        for fragment in case.jql_scopes:
            if fragment not in used:
                problems.append(located.problem(("cases", index, "jql"), f"no tested rule has scope.jql {fragment!r}"))
    return problems


def run_fixture(bundle: Bundle, fixture: Fixture, compiled: CompiledRules | None = None) -> list[CaseResult]:
    ruleset = bundle.ruleset if fixture.rules is None else bundle.ruleset.only(fixture.rules)
    rules = compiled if compiled is not None and fixture.rules is None else compile_rules(ruleset)
    local = replace(
        bundle,
        strategy=fixture.strategy or bundle.strategy,
        rates=fixture.rates or bundle.rates,
        waivers=fixture.waivers if fixture.waivers is not None else bundle.waivers,
    )
    results = []
    for case in fixture.cases:
        context = local.context(case.today, first_seen=case.first_seen, jql_scopes=case.jql_scopes)
        findings = evaluate(rules, case.items, context)
        hidden = _hidden_by(findings, ruleset.supersedes)
        failures = tuple(_compare(fixture, case, findings, hidden))
        results.append(CaseResult(fixture.file, case.name, failures))
    return results


def _hidden_by(findings: list[Finding], hides: Mapping[str, frozenset[str]]) -> dict[tuple[str, str], str]:
    """Superseded (rule id, item key) -> the rule whose finding hides it (the first in id order)."""
    hidden = superseded((f for f in findings if not f.waived), hides)
    fired = {(f.rule_id, f.item_key) for f in findings if not f.waived}
    return {
        pair: min(r for r, key in fired if key == pair[1] and pair[0] in hides.get(r, frozenset())) for pair in hidden
    }


def _compare(fixture: Fixture, case: Case, findings: list[Finding], hidden: Mapping[tuple[str, str], str]) -> list[str]:
    produced = {(f.rule_id, f.item_key): f for f in findings}
    failures = []
    for expectation in case.expectations:
        line = fixture.doc.mark(expectation.path)[0]
        place = f"{fixture.file}:{line}"
        finding = produced.get((expectation.rule, expectation.item))
        if expectation.present and finding is None:
            others = [f"{f.rule_id} on {f.item_key}" for f in findings if f.item_key == expectation.item]
            also = f"\n    produced for {expectation.item}: {', '.join(others)}" if others else ""
            failures.append(
                f"{place}: expected a finding of '{expectation.rule}' on {expectation.item}, got none{also}"
            )
        elif not expectation.present and finding is not None:
            failures.append(
                f"{place}: expected no finding of '{expectation.rule}' on {expectation.item}, got one:\n"
                f"    observed: {finding.observed}\n    expected: {finding.expected}\n    message:  {finding.message}"
            )
        elif finding is not None:
            failures.extend(f"{place}: {diff}" for diff in _differences(expectation, finding, hidden))
    return failures


def _differences(expectation: Expectation, finding: Finding, hidden: Mapping[tuple[str, str], str]) -> list[str]:
    differences = []
    head = f"finding of '{expectation.rule}' on {expectation.item}"
    hider = hidden.get((finding.rule_id, finding.item_key))
    for key, wanted in expectation.checks.items():
        if key == "waived":
            actual: object = finding.waived
            ok = actual == wanted
        elif key == "shown_in_comment":
            actual = not finding.waived and hider is None
            ok = actual == wanted
        elif key == "superseded_by":
            actual = hider or "not superseded"
            ok = actual == wanted
        else:
            actual = str(getattr(finding, key))
            ok = actual == wanted if key in _EXACT else str(wanted) in str(actual)
        if not ok:
            how = "to contain" if key in _SUBSTRING else "to be"
            differences.append(f"{head}: expected {key} {how}\n    - {wanted}\n    + {actual}")
    return differences


def coverage_gaps(bundle: Bundle, fixtures: Sequence[Fixture]) -> list[str]:
    """Rules with no test case where they fire, or none where they stay quiet."""
    fires = {e.rule for f in fixtures for c in f.cases for e in c.expectations if e.present}
    quiet = {e.rule for f in fixtures for c in f.cases for e in c.expectations if not e.present}
    gaps = []
    for rule_id in bundle.ruleset.ids:
        missing = [what for what, seen in (("fires", fires), ("stays quiet", quiet)) if rule_id not in seen]
        if missing:
            gaps.append(f"rule '{rule_id}' has no test where it {' or where it '.join(missing)}")
    return gaps
