"""``pmo-bot runs``: what the bot did, run by run, for admins (from the state database)."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from pmo_bot.commands.options import ConfigOption, FormatOption, OutputFormat
from pmo_bot.config import load_settings
from pmo_bot.ops.lease import describe
from pmo_bot.ops.reload import current_problems
from pmo_bot.store import open_from_settings
from pmo_bot.store.records import Run, RunKind


class Job(StrEnum):
    CHECK = "check"
    REPORT = "report"


def run_view(run: Run) -> dict[str, Any]:
    """One run as admins read it; the JSON output's shape."""
    counts = dict(run.counts)
    comments = counts.get("comments") or {}
    findings = counts.get("findings") or {}
    duration = (run.finished_at - run.started_at).total_seconds() if run.finished_at else None
    return {
        "id": run.id,
        "job": run.kind.value,
        "status": run.status.value,
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "duration_seconds": round(duration, 3) if duration is not None else None,
        "items_checked": (counts.get("coverage") or {}).get("items_checked"),
        "findings": sum((findings.get("by_severity") or {}).values()) if findings else None,
        "writes": dict(comments.get("writes_done") or {}),
        "item_failures": dict(comments.get("failed") or {}),
        "dry_run": counts.get("dry_run", False),
        "error": run.error,
    }


def _when(value: str) -> str:
    return datetime.fromisoformat(value).strftime("%Y-%m-%d %H:%M:%S")


def runs(
    config: ConfigOption = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="How many runs, newest first.")] = 20,
    job: Annotated[Job | None, typer.Option("--job", help="Only runs of this job.")] = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Recent runs: started, duration, status, items, findings, writes by action, item failures with reasons.

    Also shows who holds a run lease now, and rule, template or config files a running daemon refused to load."""
    settings = load_settings(config)
    with open_from_settings(settings) as store:
        found = store.runs.recent(RunKind(job.value) if job else None, limit=limit)
        problems = current_problems(store)
        holders = {name: store.leases.held(name) for name in ("check", "report")}
    views = [run_view(r) for r in found]
    if output is OutputFormat.JSON:
        leases = {name: describe(info) if info else None for name, info in holders.items()}
        payload = {"runs": views, "rejected_files": problems, "leases": leases}
        typer.echo(json.dumps(payload, indent=2, sort_keys=True))
        return
    console = Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 200)
    for name, info in holders.items():
        if info is not None:
            console.print(f"{name}: running now - {describe(info).removeprefix('another run holds the lease ')}")
    if problems:
        console.print(
            f"[red]Rule/template/config files rejected ({len(problems)} problems); the daemon keeps "
            "running the last good set:[/red]"
        )
        for problem in problems:
            console.print(f"  {problem}", markup=False)
    if not views:
        console.print("No runs yet.")
        return
    table = Table(show_edge=False)
    for column in ("id", "job", "started", "duration", "status", "items", "findings", "writes"):
        table.add_column(column, justify="right" if column in ("id", "items", "findings") else "left")
    for view in views:
        writes = ", ".join(f"{a} {n}" for a, n in view["writes"].items() if n) or "-"
        duration = f"{view['duration_seconds']:.1f}s" if view["duration_seconds"] is not None else "-"
        table.add_row(
            str(view["id"]),
            view["job"],
            _when(view["started_at"]),
            duration,
            view["status"] + (" (dry run)" if view["dry_run"] else ""),
            "-" if view["items_checked"] is None else f"{view['items_checked']:,}",
            "-" if view["findings"] is None else f"{view['findings']:,}",
            writes,
        )
    console.print(table)
    for view in views:
        if view["error"]:
            console.print(f"run {view['id']} error: {view['error']}", markup=False)
        failures = list(view["item_failures"].items())
        for key, reason in failures[:10]:
            console.print(f"run {view['id']} failed {key}: {reason}", markup=False)
        if len(failures) > 10:
            console.print(f"run {view['id']}: and {len(failures) - 10} more item failures (--format json lists all)")
