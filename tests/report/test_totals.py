"""Every total on the demo page, recomputed here from the raw portfolio (items, findings, per-epic earned value
metrics) without the report's roll-up code, and found on the rendered page exactly as computed: the page adds up.

The report's own code is only used to render; sums, ratios, the EAC method, the reconciliation and the counts are
re-derived from their documented definitions (docs/report.md).
"""

from __future__ import annotations

from collections import defaultdict

import pytest

from pmo_bot import portfolio
from pmo_bot.domain import Severity
from pmo_bot.report.context import PortfolioReport
from pmo_bot.report.model import build_report
from pmo_bot.report.numbers import count, money, percent
from pmo_bot.report.render import render_storage
from pmo_bot.rules.engine import compile_rules, governs
from pmo_bot.rules.goals import with_commitments
from pmo_bot.store.records import FindingStatus
from tests.report.demo_inputs import demo_inputs


@pytest.fixture(scope="module")
def report() -> PortfolioReport:
    return build_report(demo_inputs())


def _epic_figures() -> dict[str, dict[str, float]]:
    inputs = demo_inputs()
    ctx = with_commitments(inputs.context, inputs.items)
    idx = portfolio.index(inputs.items)
    found = {}
    for item in inputs.items:
        m = idx.metrics(item, ctx)
        found[item.key] = {
            "budget": float(m["budget"] or 0.0),
            "cost": float(m["cost"] or 0.0),
            "ev": float(m["earned_value"] or 0.0),
            "pv": m["planned_value"],
            "epic": item.is_epic,
            "project": item.project,
        }
    return found


def _roll(rows: list[dict[str, float]]) -> dict[str, float | None]:
    budgeted = [r for r in rows if r["epic"] and r["budget"] > 0]
    bac = sum(r["budget"] for r in budgeted)
    ac = sum(r["cost"] for r in budgeted)
    ev = sum(r["ev"] for r in budgeted)
    planned = [r for r in budgeted if r["pv"] is not None]
    pv = sum(float(r["pv"]) for r in planned)  # type: ignore[arg-type]
    cpi = ev / ac if ac else None
    eac = (bac if not ac else (bac / cpi if cpi else None)) if bac else None
    return {"budget": bac, "spent": ac, "burn": ac / bac if bac else None, "cpi": cpi,
            "spi": sum(r["ev"] for r in planned) / pv if pv else None, "eac": eac,
            "vac": bac - eac if eac is not None else None}  # fmt: skip


def test_money_totals_add_up_on_the_page(report: PortfolioReport) -> None:
    figures = _epic_figures()
    rows = list(figures.values())
    whole = _roll(rows)
    h = report.headline
    for name in ("budget", "spent", "burn", "cpi", "spi", "eac", "vac"):
        assert getattr(h, name) == pytest.approx(whole[name], abs=0.01), name
    by_project: dict[str, list[dict[str, float]]] = defaultdict(list)
    for row in rows:
        by_project[str(row["project"])].append(row)
    for p in report.projects:
        mine = _roll(by_project[p.key])
        for name in ("budget", "spent", "burn", "cpi", "spi", "eac", "vac"):
            assert getattr(p, name) == pytest.approx(mine[name], abs=0.01), (p.key, name)
        assert p.eac == pytest.approx(p.budget / p.cpi, abs=0.01)  # EAC agrees with the CPI printed next to it
    # Project rows add up to the headline.
    assert sum(p.budget for p in report.projects) == pytest.approx(h.budget)
    assert sum(p.spent for p in report.projects) == pytest.approx(h.spent)
    # All spend = budgeted epics' spend + the named reconciliation lines = the alignment section's total.
    a = report.alignment
    assert h.spent + sum(r.amount for r in h.unbudgeted) == pytest.approx(a.spent_total)
    assert sum(g.spent for g in a.goals) + a.unaligned.spent == pytest.approx(a.spent_total)
    unbudgeted_epics = [r for r in rows if r["epic"] and r["budget"] <= 0 and r["cost"]]
    (line,) = [r for r in h.unbudgeted if r.what == "epic without a budget"]
    assert (line.count, line.amount) == (len(unbudgeted_epics), pytest.approx(sum(r["cost"] for r in unbudgeted_epics)))
    # And the page prints those very numbers.
    body = render_storage(report, {})
    for value in (h.budget, h.spent, h.eac, h.vac, a.spent_total, line.amount, *(p.eac for p in report.projects),
                  *(p.vac for p in report.projects)):  # fmt: skip
        assert money(value) in body, value
    assert f"{money(line.amount)} spent on {line.count} epics without a budget" in body


def test_compliance_counts_add_up_on_the_page(report: PortfolioReport) -> None:
    inputs = demo_inputs()
    compiled = compile_rules(inputs.ruleset)
    governed = [i for i in inputs.items if governs(compiled, i)]
    erring = {s.finding.item_key for s in inputs.findings
              if s.status is FindingStatus.OPEN and s.finding.severity is Severity.ERROR}  # fmt: skip
    with_error = [i for i in governed if i.key in erring]
    h = report.headline
    assert (h.governed, h.items_with_errors) == (len(governed), len(with_error))
    assert h.compliance_score == pytest.approx(1 - len(with_error) / len(governed))
    assert sum(t.total for t in h.errors_by_type) == h.governed
    assert sum(t.with_errors for t in h.errors_by_type) == h.items_with_errors
    epics = [i for i in governed if i.issue_type == "Epic"]
    (epic_row,) = [t for t in h.errors_by_type if t.issue_type == "Epic"]
    assert (epic_row.with_errors, epic_row.total) == (sum(i.key in erring for i in epics), len(epics))
    assert sum(p.governed for p in report.projects) == h.governed
    assert sum(p.errors for p in report.projects) == h.items_with_errors
    assert sorted(k for g in h.projects_by_status for k in g.keys) == sorted(p.key for p in report.projects)
    body = render_storage(report, {})
    assert f"Compliance {percent(h.compliance_score, 1)}</strong> of {count(h.governed)} governed items" in body
    assert f"{epic_row.with_errors} of {epic_row.total} epics" in body
    red = [p.key for p in report.projects if p.rag.value == "red"]
    assert f"{len(red)} of {len(report.projects)} projects off track: {', '.join(red)}" in body
