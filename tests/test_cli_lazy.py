"""Commands import only what they use: ``pmo-bot --help`` and ``check`` never load the sandbox, the report's
charts (matplotlib), the web stack or Alembic (a current database is recognised without it), and ``check`` loads
the store (SQLAlchemy) only once its first request is out. Checked in a fresh interpreter (``sys.modules``), not by
timing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

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
    "sqlalchemy",
    "pmo_bot.store",
    "pmo_bot.check",
)


def _loaded_after(code: str, env: dict[str, str] | None = None, modules: str = "sys.modules") -> list[str]:
    """The heavy modules among ``modules`` (an expression) after ``code`` ran in a fresh interpreter."""
    probe = f"""
import json, sys
{code}
heavy = {HEAVY!r}
print(json.dumps(sorted(m for m in {modules} if any(m == h or m.startswith(h + ".") for h in heavy))))
"""
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True, env=env
    )
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


def test_check_sends_its_first_request_before_importing_the_store(tmp_path: Path) -> None:
    """The rules load, then serverInfo goes out; the check cycle and the store are imported after the answer (here:
    none, the listener hangs up and the run fails). What was imported is noted when the request arrives."""
    code = """
import contextlib, os, socket, threading
listener = socket.create_server(("127.0.0.1", 0))
os.environ["PMO_JIRA_URL"] = f"http://127.0.0.1:{listener.getsockname()[1]}"
loaded_at_request = []
def hang_up():
    connection, _ = listener.accept()
    connection.recv(1)
    loaded_at_request.extend(sys.modules)  # the main thread waits for the answer meanwhile
    connection.close()
threading.Thread(target=hang_up, daemon=True).start()
from pmo_bot.cli import main
with contextlib.suppress(SystemExit):
    main(["check"])
assert loaded_at_request, "no request arrived"
"""
    rules = Path(__file__).resolve().parent.parent / "rules"
    env = {
        **os.environ,
        "PMO_JIRA_USER": "bot@example.com",
        "PMO_JIRA_TOKEN": "dummy-token",
        "PMO_RULES_DIR": str(rules),
        "PMO_DATABASE_URL": f"sqlite:///{tmp_path / 'state.db'}",
        "PMO_MAX_RETRIES": "0",
    }
    assert _loaded_after(code, env, modules="loaded_at_request") == []
