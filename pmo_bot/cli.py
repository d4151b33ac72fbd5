"""The ``pmo-bot`` command line: a root Typer app, an explicit registry of subcommands, one error handler.

Each subcommand lives in ``pmo_bot/commands/<name>.py`` and is imported only when it runs (or is documented):
``pmo-bot --help`` lists them from the registry, so it never loads the sandbox, matplotlib or the store.
Expected failures are ``PmoError``s and map to exit codes here; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import importlib
import sys
import traceback
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from pmo_bot import __version__, logs
from pmo_bot.errors import PmoError, RuleError

# name -> (module, attribute, kind, summary). "group" attributes are Typer apps, "command" ones are functions.
# Hand-written on purpose (no discovery magic): this is the table of contents of the CLI. The summary is what
# ``pmo-bot --help`` shows without importing the command; tests/test_cli_lazy.py keeps it equal to the
# command's own short help.
COMMANDS: dict[str, tuple[str, str, str, str]] = {
    "sandbox": ("pmo_bot.commands.sandbox", "app", "group", "The built-in Jira + Confluence sandbox."),
    "db": ("pmo_bot.commands.db", "app", "group", "The state database: show its schema revision, upgrade it."),
    "check": (
        "pmo_bot.commands.check",
        "check",
        "command",
        "Check the portfolio against the PMO rules and reconcile the bot's comments.",
    ),
    "doctor": (
        "pmo_bot.commands.doctor",
        "doctor",
        "command",
        "Check configuration, rules, database, Jira and Confluence.",
    ),
    "report": ("pmo_bot.commands.report", "report", "command", "Publish (or, with --dry-run, show) the weekly page."),
    "serve": (
        "pmo_bot.commands.serve",
        "serve",
        "command",
        "Run until stopped: `check` and `report` on their cron schedules (the `schedule` settings).",
    ),
    "runs": (
        "pmo_bot.commands.runs",
        "runs",
        "command",
        "Recent runs: started, duration, status, items, findings, writes by action, item failures with reasons.",
    ),
    "findings": (
        "pmo_bot.commands.findings",
        "findings",
        "command",
        "List findings (as of the last check) by project, rule, severity and state.",
    ),
    "rules": (
        "pmo_bot.commands.rules",
        "app",
        "group",
        "Rule files: validate, test, list, and the JSON Schema for editors.",
    ),
    "demo": (
        "pmo_bot.commands.demo",
        "demo",
        "command",
        "Run pmo-bot's main job against the embedded sandbox: check (enforce), then the weekly report.",
    ),
}


def load_command(name: str) -> Any:
    """Import one registered subcommand and build its Click command (a group for Typer apps)."""
    module_name, attribute, kind, _ = COMMANDS[name]
    target = getattr(importlib.import_module(module_name), attribute)
    holder = typer.Typer(add_completion=False, context_settings={"help_option_names": ["-h", "--help"]})
    if kind == "group":
        holder.add_typer(target, name=name)
        return typer.main.get_group(holder).commands[name]
    holder.command(name)(target)
    return typer.main.get_command(holder)


class LazyCommands(TyperGroup):
    """The root group: subcommands come from ``COMMANDS`` and are imported on first use."""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        """The loaded command, or for help listings a stand-in that carries only the registry summary."""
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        if cmd_name not in COMMANDS:
            return None
        return typer.core.TyperCommand(cmd_name, help=COMMANDS[cmd_name][3])

    def load(self, cmd_name: str) -> Any:
        if cmd_name not in self.commands:
            self.commands[cmd_name] = load_command(cmd_name)
        return self.commands[cmd_name]

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if args and args[0] in COMMANDS:
            self.load(args[0])
        return super().resolve_command(ctx, args)


app = typer.Typer(
    cls=LazyCommands,
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


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point. Click reports usage errors itself (exit 2); our errors become a message
    and their exit code; anything else is a bug and keeps its traceback (secrets masked)."""
    try:
        app(args=argv, prog_name="pmo-bot")
    except PmoError as error:
        if isinstance(error, RuleError):
            for problem in error.problems:
                typer.echo(problem, err=True)
        typer.echo(f"error: {logs.redact_text(str(error))}", err=True)
        sys.exit(error.exit_code)
    except Exception:  # a bug: keep its traceback for the report, with every known secret masked
        typer.echo(logs.redact_text(traceback.format_exc()), err=True)
        sys.exit(1)
