"""Render the CLI reference (``docs/cli.md``) from the command tree itself, so it cannot fall behind.

``tests/test_cli_docs.py`` fails when the file differs; ``PMO_UPDATE_DOCS=1 pytest tests/test_cli_docs.py``
rewrites it.
"""

from __future__ import annotations

from typing import Any

import typer

HEADER = """# Command-line reference

Generated from `pmo-bot --help` by `pmo_bot/clidoc.py`; do not edit by hand
(`PMO_UPDATE_DOCS=1 pytest tests/test_cli_docs.py` regenerates it). Every command also takes `--help`.

## pmo-bot

Options that come before any command (`pmo-bot --log-level DEBUG check`):
"""


def _option_row(param: Any) -> str:
    names = ", ".join(f"`{n}`" for n in [*param.opts, *param.secondary_opts])
    help_text = getattr(param, "help", None) or ""
    default = param.default
    shown = "" if default in (None, False, (), []) or callable(default) else f" (default: `{default}`)"
    return f"| {names} | {' '.join(help_text.split())}{shown} |"


def _section(path: list[str], command: Any) -> list[str]:
    ctx = command.context_class(command, info_name=" ".join(path))
    lines = [f"## {' '.join(path)}", "", (command.help or "").strip(), "", "```", command.get_usage(ctx), "```", ""]
    options = [p for p in command.params if p.param_type_name == "option" and not p.hidden]
    arguments = [p for p in command.params if p.param_type_name == "argument"]
    if arguments:
        lines += ["Arguments: " + ", ".join(f"`{(a.metavar or a.name or '').upper()}`" for a in arguments), ""]
    if options:
        lines += ["| option | meaning |", "|---|---|", *(_option_row(p) for p in options), ""]
    return lines


def render(app: typer.Typer) -> str:
    root = typer.main.get_command(app)
    lines = [HEADER]

    def walk(path: list[str], command: Any) -> None:
        if hasattr(command, "commands"):  # a group (Typer vendors its own Click, so no isinstance)
            if len(path) > 1:
                lines.extend([f"## {' '.join(path)}", "", (command.help or "").strip(), ""])
            load = getattr(command, "load", None)  # the root loads its subcommands lazily (pmo_bot.cli)
            names = command.list_commands(None) if load else command.commands
            for name in sorted(names):
                walk([*path, name], load(name) if load else command.commands[name])
        else:
            lines.extend(_section(path, command))

    options = [p for p in root.params if p.param_type_name == "option" and not getattr(p, "hidden", False)]
    lines += ["", "| option | meaning |", "|---|---|", *(_option_row(p) for p in options), ""]
    walk(["pmo-bot"], root)
    return "\n".join(line.rstrip() for line in lines).rstrip() + "\n"
