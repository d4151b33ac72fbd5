"""The compact state of one published week that "what changed" compares (see ``changes``).

Stored with the week's snapshot (``report_snapshots``) and read back for the next week's report.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from pmo_bot.report.rag import Rag


@dataclass(frozen=True, slots=True)
class EpicFacts:
    summary: str
    at_risk: bool
    at_stake: float
    eac: float | None
    due_date: date | None
    overdue: bool  # an open deliverable past its due date
    open_deliverable: bool  # open, at the deliverable level, with a due date
    done: bool


@dataclass(frozen=True, slots=True)
class WeekState:
    week: str
    projects: Mapping[str, Rag] = field(default_factory=dict)
    epics: Mapping[str, EpicFacts] = field(default_factory=dict)  # epics and deliverables, by key
    findings: tuple[tuple[str, str, str], ...] = ()  # open: (category, rule id, item key), sorted
