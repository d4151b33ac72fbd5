"""docs/cli.md is the CLI's own description of itself: adding or changing a command without it fails here."""

from __future__ import annotations

import os
from pathlib import Path

from pmo_bot.cli import app
from pmo_bot.clidoc import render

DOC = Path(__file__).resolve().parents[1] / "docs" / "cli.md"


def test_cli_reference_is_up_to_date() -> None:
    expected = render(app)
    if os.environ.get("PMO_UPDATE_DOCS") == "1":
        DOC.write_text(expected, encoding="utf-8")
    assert DOC.is_file(), "docs/cli.md is missing: run PMO_UPDATE_DOCS=1 pytest tests/test_cli_docs.py"
    assert DOC.read_text(encoding="utf-8") == expected, "run: PMO_UPDATE_DOCS=1 pytest tests/test_cli_docs.py"


def test_every_command_has_help_text() -> None:
    text = render(app)
    for block in text.split("\n## ")[1:]:
        title, _, body = block.partition("\n")
        assert body.strip().split("\n")[0].strip(), f"`{title}` has no help text"
