"""What every section of one report build shares: the item index, memoised metrics, open findings by item.

Built once per ``build_report`` call; nothing here reads a clock or a file.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime

from pmo_bot import portfolio
from pmo_bot.domain import Item, Severity
from pmo_bot.report.inputs import ReportInputs
from pmo_bot.report.rag import RagPolicy
from pmo_bot.rules.engine import compile_rules, governs
from pmo_bot.rules.goals import with_commitments
from pmo_bot.rules.metrics import Metrics
from pmo_bot.rules.schedule import local_date
from pmo_bot.store.records import FindingStatus, StoredFinding

WEEK_DAYS = 7  # "new" and "resolved" findings, and slips, count over the last 7 days up to ``today``


class Facts:
    def __init__(self, inputs: ReportInputs, policy: RagPolicy) -> None:
        self.inputs = inputs
        self.policy = policy
        self.today: date = inputs.today
        ctx = inputs.context
        self.ctx = with_commitments(ctx, inputs.items) if ctx.goals and ctx.goal_committed is None else ctx
        self.items: tuple[Item, ...] = tuple(sorted(inputs.items, key=lambda i: _key_order(i.key)))
        self.index = portfolio.index(self.items)
        self._metrics: dict[str, Metrics] = {}
        compiled = compile_rules(inputs.ruleset)
        self.governed: frozenset[str] = frozenset(i.key for i in self.items if governs(compiled, i))
        self.open_by_item: dict[str, list[StoredFinding]] = defaultdict(list)
        for stored in inputs.findings:
            if stored.status is FindingStatus.OPEN and stored.finding.item_key in self.index.by_key:
                self.open_by_item[stored.finding.item_key].append(stored)
        for found in self.open_by_item.values():
            found.sort(key=lambda s: (-Severity(s.finding.severity).rank, s.finding.rule_id))

    def metrics(self, item: Item) -> Metrics:
        found = self._metrics.get(item.key)
        if found is None:
            found = self._metrics[item.key] = self.index.metrics(item, self.ctx)
        return found

    def url(self, key: str) -> str:
        return f"{self.inputs.jira_browse_url.rstrip('/')}/{key}"

    def day(self, instant: datetime) -> date:
        return local_date(instant, self.ctx.tz)

    def this_week(self, instant: datetime | None) -> bool:
        return instant is not None and 0 <= (self.today - self.day(instant)).days < WEEK_DAYS

    @property
    def epics(self) -> list[Item]:
        return [item for item in self.items if item.is_epic]

    def deliverables(self, items: Sequence[Item]) -> list[Item]:
        """Open items at the deliverable level (epics and above by default) that have a due date."""
        level = self.policy.deliverable_min_level
        return [i for i in items if i.hierarchy_level >= level and not i.is_done and i.due_date is not None]

    def change(self, scope: str, score: float) -> float | None:
        """``score`` minus the compliance score recorded for ``scope`` in the latest week before the report's."""
        earlier = [s for s in self.inputs.history.get(scope, ()) if s.week < self.inputs.week]
        if not earlier:
            return None
        last = max(earlier, key=lambda s: (s.week, s.recorded_at)).metrics.get("compliance_score")
        if isinstance(last, bool) or not isinstance(last, int | float):
            return None
        return round(score - float(last), 4)

    def governed_in(self, items: Sequence[Item]) -> list[Item]:
        return [item for item in items if item.key in self.governed]

    def has_error(self, item: Item) -> bool:
        return any(s.finding.severity is Severity.ERROR for s in self.open_by_item.get(item.key, ()))

    def errors_in(self, items: Sequence[Item]) -> int:
        """Governed items among ``items`` that carry an open error finding."""
        return sum(1 for item in self.governed_in(items) if self.has_error(item))


def _key_order(key: str) -> tuple[str, int, str]:
    """PAY-2 before PAY-10: project, then issue number."""
    project, _, number = key.rpartition("-")
    return (project, int(number), key) if number.isdigit() else (key, 0, key)
