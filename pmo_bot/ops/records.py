"""What a finished check tells the metrics (the gauges describe the store after the run, not one process)."""

from __future__ import annotations

from pmo_bot.check import CheckSummary
from pmo_bot.ops import metrics
from pmo_bot.store import Store


def record_check_metrics(store: Store, summary: CheckSummary) -> None:
    metrics.check_summary(
        items=summary.items_checked,
        skipped=sum(summary.sync.skipped.values()),
        findings=store.history.open_counts(),
        waived=summary.waived,
        writes=summary.writes_done,
        failures=len(summary.write_failures),
    )
