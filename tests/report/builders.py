"""A small hand-built portfolio with worked numbers (see test_model.py), and a way to put any text in it.

Today is Wednesday 2026-11-25, the default rate is 100/hour, and the portfolio is:

- PAY-1 epic, budget 10,000, goal G2 (retired), 2026-11-01..2026-11-21 (4 days overdue);
  PAY-2 done, 5 points, 10 h; PAY-3 in progress, 5 points, 20 h (an open error finding).
  Cost 3,000; progress 0.5; EV 5,000; PV 10,000 (the whole period has elapsed); CPI 1.667; SPI 0.5.
- OPS-1 epic, budget 20,000, goal G1, 2026-11-01..2026-12-31 (moved from 2026-12-15 on 2026-11-23; an open
  warning); OPS-2 done, 8 points, actual cost 4,000 (resolved finding); OPS-3 open, 8 points (waived finding).
  Cost 4,000; progress 0.5; EV 10,000; PV 20,000 x 24/60 = 8,000; CPI 2.5; SPI 1.25.
- OPS-4 story under no epic, no goal, 5 h: cost 500. OPS-5 epic, no budget, no goal, due 2026-12-01.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pmo_bot.domain import FieldChange, Mode, Severity, StatusCategory, Worklog
from pmo_bot.report.inputs import ReportInputs
from pmo_bot.rules.context import EvaluationContext, Goal, RateCard, Waiver
from pmo_bot.rules.model import Rule, RuleSet, Test
from pmo_bot.store.records import FindingStatus, Run, RunKind, RunStatus, StoredFinding, WeeklySnapshot
from tests.factories import make_finding, make_item

TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
DONE = {"status": "Done", "status_category": StatusCategory.DONE}
Text = Callable[[str], str]


def _same(text: str) -> str:
    return text


def _hours(hours: float) -> tuple[Worklog, ...]:
    return (Worklog(NOW - timedelta(days=3), int(hours * 3600), "dev"),)


def items(text: Text = _same) -> tuple[Any, ...]:
    epic = {"issue_type": "Epic", "hierarchy_level": 1}
    return (
        make_item("PAY-1", **epic, summary=text("Payments epic"), budget=10_000.0, goal="G2",
                  start_date=date(2026, 11, 1), due_date=date(2026, 11, 21)),
        make_item("PAY-2", parent_key="PAY-1", summary=text("Done story"), story_points=5.0, worklogs=_hours(10),
                  **DONE),
        make_item("PAY-3", parent_key="PAY-1", summary=text("Open story"), story_points=5.0, worklogs=_hours(20),
                  assignee=text("Ann")),
        make_item("OPS-1", **epic, summary=text("Ops epic"), budget=20_000.0, goal="G1",
                  start_date=date(2026, 11, 1), due_date=date(2026, 12, 31),
                  changelog=(FieldChange("duedate", datetime(2026, 11, 23, 10, tzinfo=UTC), "2026-12-15",
                                         "2026-12-31"),)),
        make_item("OPS-2", parent_key="OPS-1", summary=text("Done work"), story_points=8.0, actual_cost=4000.0,
                  **DONE),
        make_item("OPS-3", parent_key="OPS-1", summary=text("Open work"), story_points=8.0),
        make_item("OPS-4", summary=text("Loose story"), worklogs=_hours(5)),
        make_item("OPS-5", **epic, status="To Do", status_category=StatusCategory.NEW, summary=text("Next epic"),
                  due_date=date(2026, 12, 1)),
    )  # fmt: skip


def rules(text: Text = _same) -> RuleSet:
    check = Test("field", "summary", "present")

    def rule(rule_id: str, severity: Severity, category: str) -> Rule:
        return Rule(rule_id, text(f"Title of {rule_id}"), category, severity, check, "m", "r", mode=Mode.ENFORCE)

    return RuleSet(
        (
            rule("story-has-owner", Severity.ERROR, "hygiene"),
            rule("epic-on-plan", Severity.WARNING, "deliverables"),
            rule("story-estimated", Severity.INFO, "hygiene"),
        )
    )


def findings(text: Text = _same) -> tuple[StoredFinding, ...]:
    def found(rule_id: str, key: str, severity: Severity, category: str, **extra: Any) -> Any:
        return make_finding(rule_id, key, severity=severity, category=category, title=text(f"Title of {rule_id}"),
                            message=text(f"{key} breaks {rule_id}."))  # fmt: skip

    day = timedelta(days=1)
    return (
        StoredFinding(found("story-has-owner", "PAY-3", Severity.ERROR, "hygiene"), FindingStatus.OPEN,
                      NOW - 40 * day, NOW),
        StoredFinding(found("epic-on-plan", "OPS-1", Severity.WARNING, "deliverables"), FindingStatus.OPEN,
                      NOW - 2 * day, NOW),
        StoredFinding(found("story-estimated", "OPS-3", Severity.INFO, "hygiene"), FindingStatus.WAIVED,
                      NOW - 3 * day, NOW),
        StoredFinding(found("story-estimated", "OPS-2", Severity.INFO, "hygiene"), FindingStatus.RESOLVED,
                      NOW - 20 * day, NOW - 2 * day, resolved_at=NOW - 2 * day),
    )  # fmt: skip


def waivers(text: Text = _same) -> tuple[Waiver, ...]:
    return (
        Waiver("story-estimated", ("OPS-3",), text("Spike work"), text("Priya"), date(2026, 11, 30)),
        Waiver("epic-on-plan", ("OPS-9", "OPS-8"), text("Board decision"), text("Priya"), date(2027, 3, 1)),
        Waiver("story-has-owner", ("PAY-9",), text("Old exception"), text("Priya"), date(2026, 11, 1)),
    )


def history() -> dict[str, tuple[WeeklySnapshot, ...]]:
    def snap(week: str, score: float, open_findings: int, day: int) -> WeeklySnapshot:
        metrics = {"compliance_score": score, "open_findings": open_findings, "burn": 0.2, "overdue": 0}
        return WeeklySnapshot(week, "portfolio", metrics, datetime(2026, 11, day, tzinfo=UTC))

    return {
        "portfolio": (
            snap("2026-W46", 0.70, 5, 12),
            snap("2026-W47", 0.75, 4, 19),
            snap("2026-W48", 0.10, 99, 25),  # this week's own snapshot: replaced by the live numbers
            snap("2026-W49", 0.10, 99, 26),  # a later week (reporting on the past): ignored
        ),
        "PAY": (snap("2026-W47", 0.50, 1, 19),),
    }


def inputs(text: Text = _same, **overrides: Any) -> ReportInputs:
    waived = waivers(text)
    goals = {
        "G1": Goal("G1", text("Grow revenue"), owner=text("Priya"), budget_envelope=50_000.0),
        "G2": Goal("G2", text("Old kiosks"), status="retired"),
    }
    context = EvaluationContext(TODAY, goals=goals, rates=RateCard(default_hourly=100.0), waivers=waived)
    run = Run(7, RunKind.CHECK, RunStatus.SUCCEEDED, NOW - timedelta(hours=1), NOW,
              {"coverage": {"items_checked": 8}}, None)  # fmt: skip
    values: dict[str, Any] = {
        "week": "2026-W48",
        "today": TODAY,
        "items": items(text),
        "findings": findings(text),
        "ruleset": rules(text),
        "context": context,
        "waivers": waived,
        "last_check": run,
        "history": history(),
        "jira_browse_url": "https://jira.example.com/browse",
    }
    values.update(overrides)
    return ReportInputs(**values)


def TEXT_FORMULA(text: str) -> str:
    """Text as a spreadsheet formula, for CSV tests."""
    return "=HYPERLINK(" + text + ")"
