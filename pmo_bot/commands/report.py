"""``pmo-bot report``: build the weekly portfolio report from the store and publish it to Confluence."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pmo_bot.commands.options import ConfigOption, DryRunOption
from pmo_bot.config import load_settings
from pmo_bot.jobs import check_job
from pmo_bot.jobs import report as report_under_lease


def report(
    config: ConfigOption = None,
    week: Annotated[
        str | None,
        typer.Option(
            "--week",
            help="ISO week, e.g. 2026-W48 (default: this week). A past week is shown as it was published, from its "
            "stored snapshot; a week never published is refused.",
        ),
    ] = None,
    dry_run: DryRunOption = False,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Also write a standalone HTML preview to this file.")
    ] = None,
    refresh: Annotated[bool, typer.Option("--refresh", help="Run a check first (sync and evaluate).")] = False,
) -> None:
    """Publish (or, with --dry-run, show) the weekly page. Exit codes as for `check`."""
    settings = load_settings(config)
    if refresh:
        check_job(settings)
    outcome = report_under_lease(settings, week=week, dry_run=dry_run, output=output)
    for line in outcome.describe():
        typer.echo(line)
