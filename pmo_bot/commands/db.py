"""``pmo-bot db``: the state database's schema revision (``current``) and migrations (``upgrade``)."""

from __future__ import annotations

import typer

from pmo_bot.commands.options import ConfigOption
from pmo_bot.config import load_settings
from pmo_bot.errors import StoreError
from pmo_bot.store import schema_status, upgrade_schema
from pmo_bot.store.db import describe

app = typer.Typer(help="The state database: show its schema revision, upgrade it.", no_args_is_help=True)


@app.command()
def upgrade(config: ConfigOption = None) -> None:
    """Create the tables, or migrate them to this pmo-bot's newest schema revision."""
    settings = load_settings(config)
    before, after = upgrade_schema(settings.database_url)
    where = describe(settings.database_url)
    if before == after:
        typer.echo(f"{where}: already at revision {after} (the newest this pmo-bot knows)")
    else:
        typer.echo(f"{where}: upgraded from revision {before or '(empty)'} to {after}")


@app.command()
def current(config: ConfigOption = None) -> None:
    """Show the database's schema revision and whether it needs `pmo-bot db upgrade`."""
    settings = load_settings(config)
    found = schema_status(settings.database_url)
    typer.echo(f"database: {describe(settings.database_url)}")
    typer.echo(f"current revision: {found.current or '(empty)'}")
    typer.echo(f"newest known revision: {found.head}")
    if not found.known:
        raise StoreError(f"revision {found.current} is newer than this pmo-bot: upgrade pmo-bot")
    typer.echo("status: up to date" if found.up_to_date else "status: run `pmo-bot db upgrade`")
