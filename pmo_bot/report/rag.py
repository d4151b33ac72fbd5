"""Red / amber / green status from documented thresholds, for the portfolio and for each project.

Four signals; the status is the worst of them, and a signal that cannot be computed (no budgeted epics, no
deliverables with a due date) is left out. ``GREY`` means there is nothing to judge (no items).

- compliance score (share of items without an open error finding): red below ``compliance_red``, amber below
  ``compliance_amber``;
- CPI and SPI (budget-weighted over the epics): red below ``*_red``, amber below ``*_amber``;
- overdue deliverables as a share of the open deliverables that have a due date: red at or above
  ``overdue_red``, amber at or above ``overdue_amber``.

The defaults are common PMO tolerances (10% and 20% off plan); ``docs/report.md`` lists them.
"""

from __future__ import annotations

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

    def __post_init__(self) -> None:
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
