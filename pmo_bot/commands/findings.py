"""``pmo-bot findings``: the findings the store holds, filtered, as a table, JSON or CSV (for admins)."""

from __future__ import annotations

import csv
import json
import sys
from dataclasses import asdict
from enum import StrEnum
from typing import Annotated, Any

import typer

from pmo_bot.commands.options import ConfigOption
from pmo_bot.config import load_settings
from pmo_bot.domain import Severity
from pmo_bot.store import open_from_settings
from pmo_bot.store.history import FindingFilter, FindingView
from pmo_bot.store.records import FindingStatus


class FindingsFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    CSV = "csv"


def _row(view: FindingView) -> dict[str, Any]:
    row = asdict(view)
    for key in ("first_seen", "last_seen", "resolved_at"):
        row[key] = row[key].isoformat() if row[key] else None
    return row


def findings(
    config: ConfigOption = None,
    project: Annotated[str | None, typer.Option("--project", "-p", help="Only this Jira project.")] = None,
    rule: Annotated[str | None, typer.Option("--rule", help="Only this rule id.")] = None,
    severity: Annotated[Severity | None, typer.Option("--severity", help="Only this severity.")] = None,
    state: Annotated[FindingStatus | None, typer.Option("--state", help="open, waived or resolved.")] = None,
    limit: Annotated[int | None, typer.Option("--limit", "-n", min=1, help="At most this many.")] = None,
    output: Annotated[FindingsFormat, typer.Option("--format", help="text, json or csv.")] = FindingsFormat.TEXT,
) -> None:
    """List findings (as of the last check) by project, rule, severity and state."""
    settings = load_settings(config)
    where = FindingFilter(
        project=project, rule=rule, severity=severity.value if severity else None, state=state, limit=limit
    )
    with open_from_settings(settings) as store:
        found = store.history.findings(where)
    rows = [_row(v) for v in found]
    if output is FindingsFormat.JSON:
        typer.echo(json.dumps(rows, indent=2, sort_keys=True))
        return
    if output is FindingsFormat.CSV:
        writer = csv.DictWriter(sys.stdout, fieldnames=list(FindingView.__dataclass_fields__), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return
    if not rows:
        typer.echo("No findings match.")
        return
    for view in found:  # one finding a line: greppable, never wrapped
        since = view.first_seen.date().isoformat()
        typer.echo(f"{view.item_key:<12} {view.severity:<8} {view.status:<9} {since}  {view.rule_id}: {view.message}")
    typer.echo(f"{len(rows):,} finding{'s' if len(rows) != 1 else ''}.")
