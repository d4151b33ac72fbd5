"""Report speed and memory: build and render the weekly report for a 100k-issue synthetic portfolio.

Items come from the sandbox's synthetic seed through the engine benchmark's adapter; findings from the default
rule pack (both outside the timed part), wrapped as open findings first seen on spread-out days, with 11 weeks
of recorded history. Timed: ``build_report`` (the model), ``rendered_page`` (charts, storage body, CSVs) and the
HTML preview. Memory is measured in a second, traced run (tracemalloc slows Python down) as the peak above the
inputs already held.
"""

from __future__ import annotations

import gc
import time
import tracemalloc
from datetime import UTC, datetime, timedelta

from benchmarks.bench_engine import NOW, RULES, TODAY
from pmo_bot.domain import Severity
from pmo_bot.report.inputs import ReportInputs
from pmo_bot.report.model import build_report
from pmo_bot.report.render import render_html, rendered_page
from pmo_bot.rules.engine import evaluate
from pmo_bot.rules.loader import load
from pmo_bot.sandbox.seed import synthetic
from pmo_bot.sandbox.seed.items import to_item
from pmo_bot.store.records import FindingStatus, StoredFinding, WeeklySnapshot

ITEMS = 100_000
MB = 1024 * 1024


def inputs(items: int = ITEMS) -> ReportInputs:
    data = tuple(to_item(issue) for issue in synthetic.generate(items, 1, NOW).issues)
    bundle = load([RULES], today=TODAY)
    context = bundle.context(TODAY)
    findings = tuple(
        StoredFinding(f, FindingStatus.WAIVED if f.waived else FindingStatus.OPEN, NOW - timedelta(days=n % 120), NOW)
        for n, f in enumerate(evaluate(bundle.ruleset, data, context))
    )
    history = tuple(
        WeeklySnapshot(f"2026-W{week:02d}", "portfolio", {"compliance_score": 0.8 + week / 500, "open_findings": 900,
                       "burn": 0.4 + week / 200, "overdue": 40}, datetime(2026, 9, 1, tzinfo=UTC))
        for week in range(37, 48)
    )  # fmt: skip
    return ReportInputs(
        week="2026-W48", today=TODAY, items=data, findings=findings, ruleset=bundle.ruleset, context=context,
        waivers=bundle.waivers, last_check=None, history={"portfolio": history},
        jira_browse_url="https://jira.example.com/browse",
    )  # fmt: skip


def run(items: int = ITEMS) -> dict[str, float]:
    given = inputs(items)
    gc.collect()
    started = time.perf_counter()
    report = build_report(given)
    built = time.perf_counter()
    page = rendered_page(report)
    rendered = time.perf_counter()
    html = render_html(report, {f.filename: f.data for f in page.files if f.media_type == "image/png"})
    previewed = time.perf_counter()

    del report, page
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    traced = build_report(given)
    rendered_page(traced)
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()

    return {
        "items": float(len(given.items)),
        "epics": float(sum(1 for i in given.items if i.is_epic)),
        "findings": float(len(given.findings)),
        "errors": float(sum(1 for f in given.findings if f.finding.severity is Severity.ERROR)),
        "build_seconds": built - started,
        "render_seconds": rendered - built,
        "html_seconds": previewed - rendered,
        "total_seconds": previewed - started,
        "peak_mb": peak / MB,
        "html_kb": len(html.encode()) / 1024,
        "body_kb": len(rendered_page(traced).body.encode()) / 1024,
    }


def main() -> None:
    f = run()
    print(
        f"report: {f['items']:,.0f} items ({f['epics']:,.0f} epics, {f['findings']:,.0f} findings): "
        f"model {f['build_seconds']:.2f} s, page (charts + storage + CSV) {f['render_seconds']:.2f} s, "
        f"HTML preview {f['html_seconds']:.2f} s; total {f['total_seconds']:.2f} s; "
        f"peak {f['peak_mb']:,.0f} MB above the inputs; "
        f"storage body {f['body_kb']:,.0f} KB, HTML {f['html_kb']:,.0f} KB"
    )


if __name__ == "__main__":
    main()
