"""Report inputs from the sandbox's demo portfolio, without a store: seed issues become domain items through a
small adapter (the normaliser's job in miniature), the default rule pack is evaluated, and each finding is
wrapped as an open (or waived) stored finding first seen on a day derived from the item."""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from pmo_bot.report.inputs import ReportInputs
from pmo_bot.rules.engine import evaluate
from pmo_bot.rules.loader import load
from pmo_bot.sandbox.seed import demo
from pmo_bot.sandbox.seed.items import to_item
from pmo_bot.store.records import FindingStatus, StoredFinding

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)  # a Wednesday
TODAY = NOW.date()
RULES = Path(__file__).resolve().parents[2] / "rules"


@functools.cache  # inputs are immutable: the golden and screenshot tests share one build per process
def demo_inputs(top_n: int = 20, jira_server_id: str | None = None) -> ReportInputs:
    data = demo.generate(1, now=NOW)
    names = {user.account_id: user.display_name for user in data.users}
    items = tuple(to_item(issue, names) for issue in data.issues)
    bundle = load([RULES], today=TODAY)
    context = bundle.context(TODAY)
    created = {item.key: item.created for item in items}
    stored = []
    for finding in evaluate(bundle.ruleset, items, context):
        # Deterministic first sightings spread over the weeks since the item was created.
        first = max(created[finding.item_key], NOW - timedelta(days=7 * (len(finding.item_key) % 5)))
        status = FindingStatus.WAIVED if finding.waived else FindingStatus.OPEN
        stored.append(StoredFinding(finding, status, first, NOW))
    return ReportInputs(
        week="2026-W48",
        today=TODAY,
        items=items,
        findings=tuple(stored),
        ruleset=bundle.ruleset,
        context=context,
        waivers=bundle.waivers,
        last_check=None,
        history={},
        jira_browse_url="https://jira.example.com/browse",
        jira_server_id=jira_server_id,
        top_n=top_n,
    )


__all__ = ["NOW", "TODAY", "date", "demo_inputs", "to_item"]
