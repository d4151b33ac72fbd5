"""Commands import only what they use: ``pmo-bot --help`` and ``check`` never load the sandbox, the report's
charts (matplotlib), the web stack or Alembic (a current database is recognised without it). Checked in a fresh
interpreter (``sys.modules``), not by timing."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from pmo_bot.cli import COMMANDS, load_command

HEAVY = (
    "matplotlib",
    "starlette",
    "uvicorn",
    "alembic",
    "pmo_bot.sandbox",
    "pmo_bot.report.job",
    "pmo_bot.report.charts",
)


def _loaded_after(code: str) -> list[str]:
    probe = f"""
import json, sys
{code}
heavy = {HEAVY!r}
print(json.dumps(sorted(m for m in sys.modules if any(m == h or m.startswith(h + ".") for h in heavy))))
"""
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True)
    loaded: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


def test_importing_the_cli_loads_no_command() -> None:
    assert _loaded_after("import pmo_bot.cli") == []


def test_help_lists_every_command_without_importing_them() -> None:
    code = """
import contextlib, io
from pmo_bot.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
    main(["--help"])
assert all(name in out.getvalue() for name in ("check", "report", "sandbox", "demo")), out.getvalue()
"""
    assert _loaded_after(code) == []


def test_the_check_command_loads_neither_sandbox_nor_charts() -> None:
    assert _loaded_after("from pmo_bot.cli import load_command; load_command('check')") == []


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_registry_summary_is_the_commands_own_summary(name: str) -> None:
    """What ``--help`` listed when it still imported every command: the first sentence of its help."""
    assert COMMANDS[name][3] == load_command(name).get_short_help_str(limit=10_000)
