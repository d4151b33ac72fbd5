"""The report's one documented context: typed, frozen values that every template reads (``report``).

``pmo_bot.report.model.build_report`` builds a ``PortfolioReport`` from ``ReportInputs``; templates only read
it. Money is in ``PortfolioReport.currency``; ratios are plain numbers where 1.0 means 100%; ``None`` means
"not computable" and renders as a dash. Every list is already sorted, so the same inputs give the same page.
Field-by-field reference for template authors: ``docs/report.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Generic, TypeVar

from pmo_bot.report.rag import Rag, RagPolicy

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Listing(Generic[T]):
    """A list cut at top-N: ``shown`` is rendered, ``rows`` is the full list (the CSV attachment)."""

    rows: tuple[T, ...]
    limit: int
    csv: str  # the attachment's filename when the list is cut

    @property
    def shown(self) -> tuple[T, ...]:
        return self.rows[: self.limit]

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def more(self) -> int:
        return max(0, len(self.rows) - self.limit)


@dataclass(frozen=True, slots=True)
class Count:
    name: str
    count: int


@dataclass(frozen=True, slots=True)
class Coverage:
    items: int  # items in scope this report counts
    items_checked: int | None  # what the last successful check evaluated
    last_run_at: datetime | None
    last_run_status: str | None


@dataclass(frozen=True, slots=True)
class TypeCount:
    """Governed items of one issue type, and how many of them carry an open error: "12 of 40 epics"."""

    issue_type: str
    with_errors: int
    total: int


@dataclass(frozen=True, slots=True)
class StatusGroup:
    """The projects of one status, named: "2 of 5 projects off track: CRM, DATA"."""

    rag: Rag
    keys: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Reconciliation:
    """Why two totals on the page differ: ``amount`` spent on ``count`` units that one total leaves out."""

    amount: float
    count: int
    what: str  # singular noun: "epic without a budget"
    many: str  # plural noun


@dataclass(frozen=True, slots=True)
class Headline:
    rag: Rag
    reasons: tuple[str, ...]  # why the RAG is not green, in words
    compliance_score: float  # share of governed items without an open error finding
    compliance_change: float | None  # since the last recorded week (0.012 = 1.2 points up)
    items: int  # in scope (synced)
    governed: int  # items some rule's scope takes in: the compliance score's base
    items_with_errors: int
    errors_by_type: tuple[TypeCount, ...]  # highest hierarchy level first
    projects_by_status: tuple[StatusGroup, ...]  # off track, at risk, on track, no data (empty groups omitted)
    open_findings: int
    by_severity: tuple[Count, ...]  # error, warning, info (always all three)
    by_category: tuple[Count, ...]  # most findings first
    new_findings: int  # first seen in the last 7 days (open or waived)
    resolved_findings: int  # resolved in the last 7 days
    waived_findings: int
    budget: float
    spent: float
    burn: float | None
    cpi: float | None
    spi: float | None
    eac: float | None  # budget / CPI (budget while nothing is spent)
    vac: float | None  # budget - EAC
    overdue: int
    due_soon: int
    aligned_share: float | None
    coverage: Coverage
    unbudgeted: tuple[Reconciliation, ...]  # spend outside "Spent" (alignment's total = spent + these)


@dataclass(frozen=True, slots=True)
class GoalRow:
    id: str
    name: str
    owner: str | None
    active: bool
    epics: int
    envelope: float | None
    committed: float  # budgets of its epics
    spent: float  # cost of its epics
    envelope_used: float | None  # committed / envelope
    spend_share: float | None  # its spend / all spend


@dataclass(frozen=True, slots=True)
class WorkBucket:
    """Work outside the active strategy: epics (and stand-alone issues) with their cost."""

    count: int
    spent: float
    keys: tuple[str, ...]  # the largest spenders first


@dataclass(frozen=True, slots=True)
class Alignment:
    goals: tuple[GoalRow, ...]
    spent_total: float
    aligned_spent: float
    aligned_share: float | None  # spend on active goals / all spend
    unaligned: WorkBucket
    retired: WorkBucket


@dataclass(frozen=True, slots=True)
class ProjectRow:
    key: str
    rag: Rag
    reasons: tuple[str, ...]
    items: int
    compliance_score: float
    compliance_change: float | None
    open_findings: int
    errors: int
    budget: float
    spent: float
    burn: float | None
    progress: float | None  # budget-weighted progress of its epics
    cpi: float | None
    spi: float | None
    eac: float | None  # budget / CPI, the CPI of this row (budget while nothing is spent)
    vac: float | None  # budget - EAC
    overdue: int
    due_soon: int
    governed: int = 0  # items some rule's scope takes in (``errors`` of them carry an open error)


@dataclass(frozen=True, slots=True)
class FindingRow:
    rule_id: str
    title: str
    severity: str
    category: str
    item_key: str
    item_summary: str
    item_url: str
    message: str
    first_seen: date
    age_days: int
    waiver: str | None


@dataclass(frozen=True, slots=True)
class EpicRisk:
    key: str
    url: str
    summary: str
    project: str
    status: str
    goal: str | None
    worst_severity: str | None  # of its own and its children's open findings
    at_stake: float  # max(budget, EAC, spent)
    budget: float | None
    spent: float
    eac: float | None
    cpi: float | None
    progress: float | None
    due_date: date | None
    days_overdue: int | None
    findings: tuple[FindingRow, ...]  # at most ``FINDINGS_PER_EPIC``
    more_findings: int


@dataclass(frozen=True, slots=True)
class Deliverable:
    key: str
    url: str
    summary: str
    project: str
    issue_type: str
    status: str
    assignee: str | None
    due_date: date
    days: int  # until due (due soon), past due (overdue), or moved later (slipped)
    slips: int
    previous_due: date | None = None  # slipped: the date before the latest move


@dataclass(frozen=True, slots=True)
class Deliverables:
    horizon_days: int
    due_soon: Listing[Deliverable]
    overdue: Listing[Deliverable]
    slipped: Listing[Deliverable]


@dataclass(frozen=True, slots=True)
class WaiverRow:
    rule_id: str
    issue_keys: tuple[str, ...]
    reason: str
    approver: str
    expires: date
    days_left: int  # negative once expired

    @property
    def expiry(self) -> str:
        """In words: "expires in 9 days", "expires today", "expired 16 days ago"."""
        n = abs(self.days_left)
        unit = "day" if n == 1 else "days"
        if self.days_left > 0:
            return f"expires in {n} {unit}"
        return "expires today" if self.days_left == 0 else f"expired {n} {unit} ago"


@dataclass(frozen=True, slots=True)
class Waivers:
    in_force: tuple[WaiverRow, ...]  # not expired, soonest expiry first (includes those expiring soon)
    expiring: tuple[WaiverRow, ...]  # in force, expiring within ``horizon_days``
    expired: tuple[WaiverRow, ...]
    horizon_days: int


@dataclass(frozen=True, slots=True)
class TrendPoint:
    week: str
    compliance_score: float | None
    open_findings: int | None
    burn: float | None
    overdue: int | None


@dataclass(frozen=True, slots=True)
class RuleRow:
    id: str
    title: str
    category: str
    severity: str
    mode: str  # "audit", "enforce" or "default" (the global mode applies)
    open_findings: int


@dataclass(frozen=True, slots=True)
class Definition:
    term: str
    text: str


@dataclass(frozen=True, slots=True)
class RagChange:
    key: str
    before: Rag
    after: Rag


@dataclass(frozen=True, slots=True)
class EpicChange:
    key: str
    url: str
    summary: str
    at_stake: float
    due_date: date | None


@dataclass(frozen=True, slots=True)
class ForecastMove:
    key: str
    url: str
    summary: str
    before: float  # EAC stored with the earlier week
    after: float
    change: float  # after - before: positive is a larger forecast


@dataclass(frozen=True, slots=True)
class CategoryChange:
    category: str
    opened: int
    closed: int


@dataclass(frozen=True, slots=True)
class Changes:
    """Since ``since_week``, the last week published before this one (its stored snapshot)."""

    since_week: str
    projects: tuple[RagChange, ...]  # status changed
    newly_at_risk: tuple[EpicChange, ...]  # most money at stake first
    back_in_line: tuple[EpicChange, ...]
    newly_overdue: tuple[EpicChange, ...]  # deliverables, earliest due first
    delivered: tuple[EpicChange, ...]  # open deliverables then, done now
    forecasts: tuple[ForecastMove, ...]  # the largest EAC movements
    findings: tuple[CategoryChange, ...]  # opened and closed, by category

    @property
    def empty(self) -> bool:
        return not any(
            (self.projects, self.newly_at_risk, self.back_in_line, self.newly_overdue, self.delivered,
             self.forecasts, self.findings)
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class RefusedFiles:
    """Rule, template or config files the daemon refused to reload: it keeps running the last valid set."""

    problems: tuple[str, ...]  # "rules/budget.yaml:12:3: what was expected", as ``pmo-bot runs`` shows them
    since: datetime | None  # the first refusal since the files were last valid


@dataclass(frozen=True, slots=True)
class PortfolioReport:
    week: str
    today: date
    currency: str
    jira_browse_url: str
    jira_server_id: str | None
    top_n: int
    policy: RagPolicy
    headline: Headline
    alignment: Alignment
    projects: tuple[ProjectRow, ...]
    epics_at_risk: Listing[EpicRisk]
    deliverables: Deliverables
    aging: Listing[FindingRow]  # open findings, oldest first
    aging_buckets: tuple[Count, ...]  # open findings by age band
    waivers: Waivers
    trends: tuple[TrendPoint, ...]  # oldest first, the report's week last
    rules: tuple[RuleRow, ...]
    definitions: tuple[Definition, ...]
    changes: Changes | None = None  # none for the first published week
    locale: str = "en"  # how numbers are written (``locale`` setting); stored with the week, so it renders alike
    refused_files: RefusedFiles | None = None  # none when the files on disk are the ones in use

    def listings(self) -> tuple[Listing[object], ...]:
        """Every cut list, for the CSV attachments."""
        d = self.deliverables
        return (self.epics_at_risk, d.due_soon, d.overdue, d.slipped, self.aging)  # type: ignore[return-value]
