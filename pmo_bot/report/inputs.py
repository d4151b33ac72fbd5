"""Everything the report model reads, gathered once from the store and the rule files (see ``collect``).

The model (``pmo_bot.report.model``) is a pure function of this value, so tests build it by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from pmo_bot.domain import Item
from pmo_bot.report.weekstate import WeekState
from pmo_bot.rules.context import EvaluationContext, Waiver
from pmo_bot.rules.model import RuleSet
from pmo_bot.store.records import Run, StoredFinding, WeeklySnapshot


@dataclass(frozen=True, slots=True)
class ReportInputs:
    week: str  # ISO week, "2026-W48"
    today: date  # the day the numbers are "as of": today for the current week, else that week's Sunday
    items: tuple[Item, ...]  # in scope and not deleted
    findings: tuple[StoredFinding, ...]  # open and waived, plus those resolved in the last 14 days
    ruleset: RuleSet
    context: EvaluationContext  # goals, goal link, rates, waivers in force; ``today`` as above
    waivers: tuple[Waiver, ...]  # every waiver in the file, expired ones included
    last_check: Run | None  # the latest successful check run (coverage, "as of")
    history: Mapping[str, tuple[WeeklySnapshot, ...]]  # scope ("portfolio" or project key) -> oldest first, <= 12
    jira_browse_url: str  # "https://site.atlassian.net/browse" (a key is appended)
    jira_server_id: str | None = None  # Confluence application link to Jira: enables the jira issue macro
    top_n: int = 20  # long lists are cut here, with "and N more" and a CSV attachment
    previous: WeekState | None = None  # the last published week before this one, for "what changed"
    epic_order: str = "money"  # epics at risk: "money" (at stake, then severity) or "severity" (then money)
    locale: str = "en"  # how the page writes numbers and dates (pmo_bot.wording)
    refused_files: tuple[str, ...] = ()  # problems of rule/template/config files the daemon refused to reload
    refused_since: datetime | None = None  # the first of those refusals
