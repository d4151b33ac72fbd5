"""The trace behind ``rules explain KEY``: one verdict per rule, with the reasons."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from pmo_bot.rules.context import EvaluationContext, Waiver
from pmo_bot.rules.engine import compile_rules
from pmo_bot.rules.explain import trace
from pmo_bot.rules.loader import load
from tests.factories import make_item

TODAY = date(2026, 11, 28)
RULES = """rules:
  - {id: epics-only, title: T, category: c, severity: info, scope: {issue_types: [Epic]},
     check: {field: budget, op: present}, message: m, remediation: r}
  - {id: with-when, title: T, category: c, severity: info, when: {field: team, op: present},
     check: {field: budget, op: present}, message: m, remediation: r}
  - {id: passing, title: T, category: c, severity: info, check: {field: summary, op: present}, message: m,
     remediation: r}
  - {id: young, title: T, category: c, severity: info, grace: {min_age_days: 60},
     check: {field: budget, op: gt, value: 0}, message: m, remediation: r}
  - {id: held, title: T, category: c, severity: info, grace: {held_for_days: 5},
     check: {field: budget, op: gt, value: 0}, message: m, remediation: r}
  - {id: waived, title: T, category: c, severity: info, check: {field: budget, op: gt, value: 0}, message: m,
     remediation: r}
  - {id: failing, title: T, category: c, severity: info, check: {field: budget, op: gt, value: 0}, message: m,
     remediation: r}
"""


def test_trace_gives_each_rule_a_verdict_and_reasons(tmp_path: Path) -> None:
    (tmp_path / "rules.yaml").write_text(RULES)
    rules = compile_rules(load([tmp_path / "rules.yaml"]).ruleset)
    item = make_item("PAY-1", created=datetime(2026, 11, 1, tzinfo=UTC))
    context = EvaluationContext(
        today=TODAY,
        first_seen={("held", "PAY-1"): TODAY - timedelta(days=2)},
        waivers=(Waiver("waived", ("PAY-1",), "Vendor", "jane", TODAY),),
    )

    traces = {t.rule_id: t for t in trace(rules, item, [item], context)}

    assert {rule_id: t.verdict for rule_id, t in traces.items()} == {
        "epics-only": "out-of-scope",
        "with-when": "not-applicable",
        "passing": "passes",
        "young": "too-young",
        "held": "in-grace",
        "waived": "waived",
        "failing": "fails",
    }
    assert traces["failing"].reasons == (("no budget", "budget above €0"),)
    assert traces["held"].detail == "failing since 2026-11-26; reported after 5 days"
