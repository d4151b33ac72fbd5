"""The ``pmo-bot`` command line: a root Typer app, an explicit registry of subcommands, one error handler.

Each subcommand lives in ``pmo_bot/commands/<name>.py``. Expected failures are ``PmoError``s and map to exit
codes here; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import importlib
import sys
from typing import Annotated

import typer

from pmo_bot import __version__, logs
from pmo_bot.errors import PmoError, RuleError

# name -> (module, attribute, kind). "group" attributes are Typer apps, "command" ones are functions.
# Hand-written on purpose (no discovery magic): this is the table of contents of the CLI.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "sandbox": ("pmo_bot.commands.sandbox", "app", "group"),
    "db": ("pmo_bot.commands.db", "app", "group"),
    "check": ("pmo_bot.commands.check", "check", "command"),
    "doctor": ("pmo_bot.commands.doctor", "doctor", "command"),
    "report": ("pmo_bot.commands.report", "report", "command"),
    "serve": ("pmo_bot.commands.serve", "serve", "command"),
    "runs": ("pmo_bot.commands.runs", "runs", "command"),
    "findings": ("pmo_bot.commands.findings", "findings", "command"),
    "rules": ("pmo_bot.commands.rules", "app", "group"),
    "demo": ("pmo_bot.commands.demo", "demo", "command"),
}

app = typer.Typer(
    name="pmo-bot",
    help="Policy-as-code for a Project Management Office over Jira and Confluence.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"pmo-bot {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
    log_level: Annotated[str, typer.Option("--log-level", envvar="PMO_LOG_LEVEL", help="DEBUG, INFO...")] = "INFO",
    log_json: Annotated[
        bool | None, typer.Option("--log-json/--log-console", help="Force JSON or console logs (default: by TTY).")
    ] = None,
) -> None:
    logs.configure(level=log_level, json=log_json)


def _register() -> None:
    for name, (module_name, attribute, kind) in COMMANDS.items():
        target = getattr(importlib.import_module(module_name), attribute)
        if kind == "group":
            app.add_typer(target, name=name)
        else:
            app.command(name)(target)


_register()


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point. Click reports usage errors itself (exit 2); our errors become a message
    and their exit code; anything else is a bug and keeps its traceback."""
    try:
        app(args=argv, prog_name="pmo-bot")
    except PmoError as error:
        if isinstance(error, RuleError):
            for problem in error.problems:
                typer.echo(problem, err=True)
        typer.echo(f"error: {logs.redact_text(str(error))}", err=True)
        sys.exit(error.exit_code)
