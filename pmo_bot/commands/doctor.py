"""``pmo-bot doctor``: a pass/fail table of everything a run needs."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from pmo_bot.commands.options import ConfigOption
from pmo_bot.config import load_settings
from pmo_bot.doctor import Doctor


def doctor(config: ConfigOption = None) -> None:
    """Check configuration, rules, database, Jira and Confluence. Exit 1 if anything fails."""
    results = Doctor(load_settings(config)).run()
    table = Table(show_edge=False)
    table.add_column("check")
    table.add_column("result")
    table.add_column("detail", overflow="fold")
    for result in results:
        table.add_row(result.name, "[green]pass[/green]" if result.ok else "[red]FAIL[/red]", result.detail)
    Console(highlight=False).print(table)
    if not all(r.ok for r in results):
        raise typer.Exit(1)
