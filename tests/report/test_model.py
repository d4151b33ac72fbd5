"""The portfolio model over the hand-built portfolio of ``builders`` (worked numbers in its docstring)."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from pmo_bot.portfolio import weekly_metrics
from pmo_bot.report.context import PortfolioReport
from pmo_bot.report.model import build_report
from pmo_bot.report.rag import Rag, RagPolicy
from pmo_bot.store.records import FindingStatus
from tests.report import builders


@pytest.fixture(scope="module")
def report() -> PortfolioReport:
    return build_report(builders.inputs())


def test_headline_numbers(report: PortfolioReport) -> None:
    h = report.headline
    assert (h.items, h.items_with_errors, h.compliance_score) == (8, 1, 7 / 8)
    assert [(c.name, c.count) for c in h.by_severity] == [("error", 1), ("warning", 1), ("info", 0)]
    assert [(c.name, c.count) for c in h.by_category] == [("deliverables", 1), ("hygiene", 1)]
    assert (h.open_findings, h.new_findings, h.resolved_findings, h.waived_findings) == (2, 2, 1, 1)
    assert (h.budget, h.spent) == (30_000, 7_000)
    assert h.burn == pytest.approx(7_000 / 30_000)
    assert h.cpi == pytest.approx(15_000 / 7_000)  # (5,000 + 10,000) EV over (3,000 + 4,000) AC
    assert h.spi == pytest.approx(15_000 / 18_000)  # PV 10,000 + 8,000
    assert (h.overdue, h.due_soon) == (1, 1)
    assert h.compliance_change == 0.125  # 87.5% now, 75% recorded for 2026-W47
    assert h.coverage.items_checked == 8
    assert h.coverage.last_run_status == "succeeded"
    assert report.currency == "EUR"


def test_overall_rag_is_the_worst_signal_with_reasons(report: PortfolioReport) -> None:
    h = report.headline
    assert h.rag is Rag.RED  # 1 of 3 deliverables overdue (33% >= 15%)
    assert h.reasons == ("1 of 2 projects off track: PAY", "1 of 3 deliverables overdue", "compliance 88%", "SPI 0.83")
    assert [(g.rag, g.keys) for g in h.projects_by_status] == [(Rag.RED, ("PAY",)), (Rag.GREEN, ("OPS",))]


def test_projects(report: PortfolioReport) -> None:
    ops, pay = report.projects
    assert (ops.key, ops.rag, ops.reasons) == ("OPS", Rag.GREEN, ())
    assert ops.compliance_change is None  # no week recorded for OPS yet
    assert (ops.budget, ops.spent, ops.progress, ops.cpi, ops.spi, ops.eac) == (20_000, 4_000, 0.5, 2.5, 1.25, 8_000)
    assert (ops.overdue, ops.due_soon, ops.open_findings, ops.errors) == (0, 1, 1, 0)
    assert (pay.key, pay.rag, pay.compliance_score) == ("PAY", Rag.RED, pytest.approx(2 / 3))
    assert pay.cpi == pytest.approx(5 / 3)
    assert pay.spi == 0.5
    assert pay.eac == pytest.approx(6_000)
    assert pay.compliance_change == round(2 / 3 - 0.5, 4)
    assert pay.reasons == ("compliance 67%", "SPI 0.50", "1 of 1 deliverables overdue")


def test_alignment(report: PortfolioReport) -> None:
    a = report.alignment
    g1, g2 = a.goals
    assert (g1.id, g1.active, g1.epics, g1.envelope, g1.committed, g1.spent) == ("G1", True, 1, 50_000, 20_000, 4_000)
    assert g1.envelope_used == 0.4
    assert g1.spend_share == pytest.approx(4_000 / 7_500)
    assert (g2.active, g2.committed, g2.spent, g2.envelope_used) == (False, 10_000, 3_000, None)
    assert (a.spent_total, a.aligned_spent) == (7_500, 4_000)
    assert a.aligned_share == pytest.approx(4_000 / 7_500) == report.headline.aligned_share
    assert (a.unaligned.count, a.unaligned.spent, a.unaligned.keys) == (2, 500, ("OPS-4", "OPS-5"))
    assert (a.retired.count, a.retired.spent, a.retired.keys) == (1, 3_000, ("PAY-1",))


def test_epics_at_risk_most_money_first_with_child_findings(report: PortfolioReport) -> None:
    ops, pay = report.epics_at_risk.rows
    assert (ops.key, ops.worst_severity, ops.at_stake) == ("OPS-1", "warning", 20_000)  # more money, milder
    assert (pay.key, pay.worst_severity, pay.at_stake, pay.days_overdue) == ("PAY-1", "error", 10_000, 4)
    assert [f.item_key for f in pay.findings] == ["PAY-3"]  # the child's finding is the epic's risk


def test_epics_at_risk_can_put_severity_first() -> None:
    rows = build_report(builders.inputs(epic_order="severity")).epics_at_risk.rows
    assert [r.key for r in rows] == ["PAY-1", "OPS-1"]


def test_deliverables(report: PortfolioReport) -> None:
    d = report.deliverables
    assert [(x.key, x.days) for x in d.overdue.rows] == [("PAY-1", 4)]
    assert [(x.key, x.days) for x in d.due_soon.rows] == [("OPS-5", 6)]
    slipped = d.slipped.rows[0]
    assert (slipped.key, slipped.days, slipped.previous_due, slipped.slips) == ("OPS-1", 16, date(2026, 12, 15), 1)


def test_aging_waivers_trends_rules(report: PortfolioReport) -> None:
    assert [(f.item_key, f.age_days) for f in report.aging.rows] == [("PAY-3", 40), ("OPS-1", 2)]
    assert [b.count for b in report.aging_buckets] == [1, 0, 1, 0]
    w = report.waivers
    assert [r.issue_keys for r in w.in_force] == [("OPS-3",), ("OPS-8", "OPS-9")]  # soonest first, keys sorted
    assert [(r.rule_id, r.days_left) for r in w.expiring] == [("story-estimated", 5)]
    assert [(r.rule_id, r.days_left) for r in w.expired] == [("story-has-owner", -24)]
    # Earlier weeks from history; this week live (its stale snapshot and a later week are ignored).
    assert [(t.week, t.compliance_score, t.open_findings) for t in report.trends] == [
        ("2026-W46", 0.70, 5),
        ("2026-W47", 0.75, 4),
        ("2026-W48", 0.875, 2),
    ]
    assert [(r.id, r.mode, r.open_findings) for r in report.rules] == [
        ("epic-on-plan", "enforce", 1),
        ("story-estimated", "enforce", 0),
        ("story-has-owner", "enforce", 1),
    ]


def test_works_from_week_one_and_with_nothing_in_scope() -> None:
    first = build_report(builders.inputs(history={}, last_check=None))
    assert [t.week for t in first.trends] == ["2026-W48"]
    assert first.headline.coverage.last_run_at is None
    empty = build_report(builders.inputs(items=(), findings=(), history={}))
    assert empty.headline.rag is Rag.GREY
    assert empty.projects == ()
    assert empty.headline.compliance_score == 1.0


def test_top_n_cuts_lists_but_keeps_every_row() -> None:
    report = build_report(builders.inputs(top_n=1))
    assert report.aging.total == 2
    assert len(report.aging.shown) == 1
    assert report.aging.more == 1


def test_policy_thresholds_are_configurable() -> None:
    lenient = RagPolicy(overdue_amber=1.01, overdue_red=1.01, compliance_amber=0.6, compliance_red=0.5, spi_amber=0.4,
                        spi_red=0.3)  # fmt: skip
    assert build_report(builders.inputs(), lenient).headline.rag is Rag.GREEN
    with pytest.raises(ValueError, match="projects_red_share must be above 0"):
        RagPolicy(projects_red_share=0)
    with pytest.raises(ValueError, match="cpi_red must not be above cpi_amber"):
        RagPolicy(cpi_red=0.95)


def test_same_inputs_in_any_order_give_the_same_report() -> None:
    inputs = builders.inputs()
    shuffled = dataclasses.replace(inputs, items=inputs.items[::-1], findings=inputs.findings[::-1])
    assert build_report(shuffled) == build_report(inputs)


def test_findings_of_the_baseline_run_are_not_new() -> None:
    inputs = builders.inputs()
    baselined = tuple(dataclasses.replace(s, baseline=True) for s in inputs.findings)
    report = build_report(dataclasses.replace(inputs, findings=baselined))
    assert report.headline.new_findings == 0
    assert report.headline.open_findings == 2


def test_this_weeks_trend_point_matches_what_check_runs_record() -> None:
    inputs = builders.inputs()
    current = [
        s.finding if s.status is FindingStatus.OPEN else dataclasses.replace(s.finding, waiver="waived")
        for s in inputs.findings
        if s.status is not FindingStatus.RESOLVED
    ]
    recorded = weekly_metrics(inputs.items, current, inputs.context)["portfolio"]
    point = build_report(inputs).trends[-1]
    assert (point.compliance_score, point.open_findings, point.burn, point.overdue) == (
        recorded["compliance_score"],
        recorded["open_findings"],
        recorded["burn"],
        recorded["overdue"],
    )
