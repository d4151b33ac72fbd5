"""Red / amber / green status from documented thresholds, for the portfolio and for each project.

Four signals; the status is the worst of them, and a signal that cannot be computed (no budgeted epics, no
deliverables with a due date) is left out. ``GREY`` means there is nothing to judge (no items).

- compliance score (share of items without an open error finding): red below ``compliance_red``, amber below
  ``compliance_amber``;
- CPI and SPI (budget-weighted over the epics): red below ``*_red``, amber below ``*_amber``;
- overdue deliverables as a share of the open deliverables that have a due date: red at or above
  ``overdue_red``, amber at or above ``overdue_amber``.

The portfolio's own status is the worst of its four signals and of its projects' statuses (``portfolio``):
any project OFF TRACK makes it at least AT RISK, and it is OFF TRACK once ``projects_red_share`` of its
projects are; AT RISK once ``projects_amber_share`` of them are AT RISK or worse. So the headline is never
milder than the project table under it.

The defaults are common PMO tolerances (10% and 20% off plan); ``docs/report.md`` lists them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class Rag(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    GREY = "grey"

    @property
    def rank(self) -> int:
        return {"grey": -1, "green": 0, "amber": 1, "red": 2}[self.value]

    @property
    def colour(self) -> str:
        """Confluence status-macro colour."""
        return {"green": "Green", "amber": "Yellow", "red": "Red", "grey": "Grey"}[self.value]

    @property
    def panel(self) -> str:
        """The Confluence panel macro of this colour: red ``warning``, amber ``note``, green ``tip``, grey ``info``."""
        return {"green": "tip", "amber": "note", "red": "warning", "grey": "info"}[self.value]

    @property
    def label(self) -> str:
        return {"green": "ON TRACK", "amber": "AT RISK", "red": "OFF TRACK", "grey": "NO DATA"}[self.value]


@dataclass(frozen=True, slots=True)
class RagPolicy:
    compliance_amber: float = 0.90
    compliance_red: float = 0.80
    cpi_amber: float = 0.90
    cpi_red: float = 0.80
    spi_amber: float = 0.90
    spi_red: float = 0.80
    overdue_amber: float = 0.05
    overdue_red: float = 0.15
    horizon_days: int = 14  # "due soon" and "expiring soon" look this far ahead
    deliverable_min_level: int = 1  # deliverables are epics and above; 0 adds stories, tasks and bugs
    projects_red_share: float = 0.25  # portfolio OFF TRACK from this share of projects OFF TRACK
    projects_amber_share: float = 0.25  # portfolio AT RISK from this share of projects AT RISK or worse

    def __post_init__(self) -> None:
        for name in ("projects_red_share", "projects_amber_share"):
            if not 0 < getattr(self, name) <= 1:
                raise ValueError(f"RAG policy: {name} must be above 0 and at most 1")
        for name in ("compliance", "cpi", "spi"):
            if getattr(self, f"{name}_red") > getattr(self, f"{name}_amber"):
                raise ValueError(f"RAG policy: {name}_red must not be above {name}_amber")
        if self.overdue_red < self.overdue_amber:
            raise ValueError("RAG policy: overdue_red must not be below overdue_amber")


@dataclass(frozen=True, slots=True)
class Signals:
    items: int
    compliance: float
    cpi: float | None
    spi: float | None
    overdue: int
    with_due_date: int  # open deliverables that have a due date


def _below(value: float | None, amber: float, red: float) -> Rag | None:
    if value is None:
        return None
    if value < red:
        return Rag.RED
    return Rag.AMBER if value < amber else Rag.GREEN


def assess(signals: Signals, policy: RagPolicy) -> tuple[Rag, tuple[str, ...]]:
    """The RAG status and, when it is not green, the reasons in words (worst first)."""
    if signals.items == 0:
        return Rag.GREY, ("no items in scope",)
    verdicts: list[tuple[Rag, str]] = []
    compliance = _below(signals.compliance, policy.compliance_amber, policy.compliance_red)
    if compliance is not None:
        verdicts.append((compliance, f"compliance {signals.compliance:.0%}"))
    for name, value, amber, red in (
        ("CPI", signals.cpi, policy.cpi_amber, policy.cpi_red),
        ("SPI", signals.spi, policy.spi_amber, policy.spi_red),
    ):
        verdict = _below(value, amber, red)
        if verdict is not None:
            verdicts.append((verdict, f"{name} {value:.2f}"))
    if signals.with_due_date:
        share = signals.overdue / signals.with_due_date
        verdict = Rag.RED if share >= policy.overdue_red else Rag.AMBER if share >= policy.overdue_amber else Rag.GREEN
        verdicts.append((verdict, f"{signals.overdue} of {signals.with_due_date} deliverables overdue"))
    worst = max((rag for rag, _ in verdicts), key=lambda rag: rag.rank, default=Rag.GREEN)
    reasons = tuple(text for rag, text in sorted(verdicts, key=lambda v: -v[0].rank) if rag is not Rag.GREEN)
    return worst, reasons


def portfolio(
    own: tuple[Rag, tuple[str, ...]], projects: Sequence[tuple[str, Rag]], policy: RagPolicy
) -> tuple[Rag, tuple[str, ...]]:
    """The portfolio's status: the worst of its own signals and of the rule over its projects' statuses."""
    judged = [(key, rag) for key, rag in projects if rag is not Rag.GREY]
    verdicts: list[tuple[Rag, str]] = []
    if judged:
        total = len(judged)
        red = [key for key, rag in judged if rag is Rag.RED]
        amber = [key for key, rag in judged if rag is Rag.AMBER]
        if red:
            level = Rag.RED if len(red) / total >= policy.projects_red_share else Rag.AMBER
            verdicts.append((level, f"{len(red)} of {total} projects off track: {', '.join(red)}"))
        if amber:
            worse = (len(red) + len(amber)) / total >= policy.projects_amber_share
            verdicts.append((Rag.AMBER if worse else Rag.GREEN, f"{len(amber)} of {total} at risk: {', '.join(amber)}"))
    verdicts += [(own[0], reason) for reason in own[1]]
    worst = max([own[0], *(rag for rag, _ in verdicts)], key=lambda rag: rag.rank)
    if worst is Rag.GREY and judged:
        worst = Rag.GREEN
    ordered = sorted(verdicts, key=lambda v: -v[0].rank)  # stable: within a level, the order found
    return worst, tuple(text for rag, text in ordered if rag is not Rag.GREEN)
