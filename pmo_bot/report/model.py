"""The portfolio model: ``build_report(inputs) -> PortfolioReport``, a pure function of ``ReportInputs``.

Sections are built by topic (``finance``, ``delivery``, ``followup``); this module composes them, computes the
headline and writes the "how each number is computed" appendix from the same constants the code uses.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence

from pmo_bot.domain import Severity
from pmo_bot.report import changes, delivery, finance, followup
from pmo_bot.report import rag as rag_rules
from pmo_bot.report.context import (
    Count,
    Coverage,
    Definition,
    Headline,
    PortfolioReport,
    ProjectRow,
    RefusedFiles,
    StatusGroup,
    TypeCount,
)
from pmo_bot.report.facts import WEEK_DAYS, Facts
from pmo_bot.report.inputs import ReportInputs
from pmo_bot.report.rag import Rag, RagPolicy, Signals, assess
from pmo_bot.report.weekstate import WeekState
from pmo_bot.store.records import FindingStatus

__all__ = ["RagPolicy", "build", "build_report"]


def build_report(inputs: ReportInputs, policy: RagPolicy | None = None) -> PortfolioReport:
    return build(inputs, policy)[0]


def build(inputs: ReportInputs, policy: RagPolicy | None = None) -> tuple[PortfolioReport, WeekState]:
    """The report, and the week's compact state that is stored with it for next week's "what changed"."""
    policy = policy or RagPolicy()
    facts = Facts(inputs, policy)
    alignment = finance.alignment(facts)
    aging, bands = followup.aging(facts)
    projects = finance.projects(facts)
    head = headline(facts, alignment.aligned_share, projects)
    report = PortfolioReport(
        week=inputs.week,
        today=inputs.today,
        currency=facts.ctx.rates.currency,
        jira_browse_url=inputs.jira_browse_url,
        jira_server_id=inputs.jira_server_id,
        top_n=inputs.top_n,
        policy=policy,
        headline=head,
        alignment=alignment,
        projects=projects,
        epics_at_risk=delivery.epics_at_risk(facts),
        deliverables=delivery.deliverables(facts),
        aging=aging,
        aging_buckets=bands,
        waivers=followup.waivers(facts),
        trends=followup.trends(facts, followup.live_metrics(facts, head.compliance_score, head.burn)),
        rules=followup.rules(facts),
        definitions=definitions(policy),
        locale=inputs.locale,
        refused_files=RefusedFiles(inputs.refused_files, inputs.refused_since) if inputs.refused_files else None,
    )
    state = changes.week_state(facts, report)
    found = changes.changes(inputs.previous, state, inputs.jira_browse_url)
    return dataclasses.replace(report, changes=found), state


def headline(facts: Facts, aligned_share: float | None, projects: Sequence[ProjectRow]) -> Headline:
    items = facts.items
    score, errors = finance.compliance(facts, items)
    money = finance.rollup(facts, facts.epics)
    overdue, soon, with_due = finance.due_counts(facts, items)
    own = assess(Signals(len(items), score, money.cpi, money.spi, overdue, with_due), facts.policy)
    rag, reasons = rag_rules.portfolio(own, [(p.key, p.rag) for p in projects], facts.policy)
    open_findings = [s for found in facts.open_by_item.values() for s in found]
    severities = Counter(Severity(s.finding.severity).value for s in open_findings)
    categories = Counter(s.finding.category for s in open_findings)
    current = [s for s in facts.inputs.findings if s.finding.item_key in facts.index.by_key]
    run = facts.inputs.last_check
    recorded = run.counts.get("coverage") if run is not None else None
    checked = recorded.get("items_checked") if isinstance(recorded, dict) else None
    return Headline(
        rag=rag,
        reasons=reasons,
        compliance_score=score,
        compliance_change=facts.change("portfolio", score),
        items=len(items),
        governed=len(facts.governed),
        items_with_errors=errors,
        errors_by_type=errors_by_type(facts),
        projects_by_status=tuple(
            StatusGroup(status, tuple(p.key for p in projects if p.rag is status))
            for status in (Rag.RED, Rag.AMBER, Rag.GREEN, Rag.GREY)
            if any(p.rag is status for p in projects)
        ),
        open_findings=len(open_findings),
        by_severity=tuple(Count(s.value, severities[s.value]) for s in sorted(Severity, key=lambda s: -s.rank)),
        by_category=tuple(Count(n, c) for n, c in sorted(categories.items(), key=lambda nc: (-nc[1], nc[0]))),
        new_findings=sum(
            1
            for s in current
            if s.status is not FindingStatus.RESOLVED and not s.baseline and facts.this_week(s.first_seen)
        ),
        resolved_findings=sum(
            1 for s in current if s.status is FindingStatus.RESOLVED and facts.this_week(s.resolved_at)
        ),
        waived_findings=sum(1 for s in current if s.status is FindingStatus.WAIVED),
        budget=money.budget,
        spent=money.spent,
        burn=money.burn,
        cpi=money.cpi,
        spi=money.spi,
        eac=money.eac,
        vac=money.vac,
        overdue=overdue,
        due_soon=soon,
        aligned_share=aligned_share,
        coverage=Coverage(
            items=len(items),
            items_checked=checked if isinstance(checked, int) else None,
            last_run_at=run.finished_at or run.started_at if run is not None else None,
            last_run_status=run.status.value if run is not None else None,
        ),
        unbudgeted=finance.unbudgeted(facts),
    )


def errors_by_type(facts: Facts) -> tuple[TypeCount, ...]:
    """Governed items by issue type with how many carry an open error, highest level first."""
    totals: Counter[tuple[int, str]] = Counter()
    errors: Counter[tuple[int, str]] = Counter()
    for item in facts.governed_in(facts.items):
        kind = (-item.hierarchy_level, item.issue_type)
        totals[kind] += 1
        errors[kind] += facts.has_error(item)
    return tuple(TypeCount(kind[1], errors[kind], totals[kind]) for kind in sorted(totals))


def definitions(policy: RagPolicy) -> tuple[Definition, ...]:
    p = policy
    level = "epics and above" if p.deliverable_min_level >= 1 else "every issue above sub-task level"
    return tuple(
        Definition(term, text)
        for term, text in (
            ("Compliance score", "Share of the governed items (those some rule's scope takes in) that have no "
             "open error finding, shown with the counts by issue type. Warnings, information and waived findings "
             "do not lower it."),
            ("Open findings", "Rule failures that are neither resolved nor waived, counted once per rule and item."),
            ("New / resolved", f"Findings first seen, or resolved, in the {WEEK_DAYS} days up to the report date. "
             "What the first (baseline) run found counts as existing, not new."),
            ("Budget, spent, burn", "Over epics with a budget: the sum of their budgets (BAC), the sum of their "
             "actual cost (the Actual Cost field, else hours logged x the rate card) and spent / budget."),
            ("Progress, CPI, SPI", "Earned value EV = budget x progress (share of done story points or children). "
             "Progress = sum(EV) / sum(budget); CPI = sum(EV) / sum(spent); SPI = sum(EV) / sum(planned value), "
             "planned value being the budget x the share of start..due elapsed."),
            ("EAC, VAC", "Estimate at completion = budget / CPI, with the CPI of the same row (epic, project or "
             "portfolio); the budget while nothing is spent; a dash when money was spent and nothing earned. A done "
             "epic's EAC is its actual cost. VAC (variance at completion) = budget - EAC: negative means an overrun."),
            ("Spend outside budgets", "Spent counts budgeted epics only; alignment counts all spend. The difference "
             "is named under the headline: spend on epics without a budget and on issues under no epic."),
            ("Deliverables", f"Open {level} with a due date. Overdue: past the due date. Due soon: due within "
             f"{p.horizon_days} days. Slipped: due date moved later in the last {WEEK_DAYS} days."),
            ("Alignment", "Every epic, and every issue under no epic, counts once with its cost. Aligned work serves "
             "an active strategic goal; unaligned work names no known goal; retired-goal work names a retired "
             "one. Committed = budgets of a goal's epics; envelope = the goal's budget in strategy.yaml."),
            ("Portfolio status", f"The worst of the portfolio's own signals (below) and of its projects: any "
             f"project OFF TRACK makes it at least AT RISK; OFF TRACK from {p.projects_red_share:.0%} of projects "
             f"OFF TRACK; AT RISK from {p.projects_amber_share:.0%} of projects AT RISK or worse."),
            ("RAG", f"The worst of: compliance (amber below {p.compliance_amber:.0%}, red below "
             f"{p.compliance_red:.0%}); CPI and SPI (amber below {p.cpi_amber:.2f} / {p.spi_amber:.2f}, red below "
             f"{p.cpi_red:.2f} / {p.spi_red:.2f}); overdue deliverables as a share of open deliverables with a due "
             f"date (amber from {p.overdue_amber:.0%}, red from {p.overdue_red:.0%}). Grey: nothing in scope."),
            ("Epics at risk", "Open epics with an open finding on them or their children, overdue, or with a CPI "
             "under the amber threshold; the most money at stake first (the largest of budget, forecast and "
             "spend), then the worst severity (report_epic_order = severity swaps the two)."),
            ("Trends", "One point per week recorded by the check runs (the last point is this report's numbers). "
             "Overdue in trends counts every open item past its due date, at any level."),
        )
    )  # fmt: skip
