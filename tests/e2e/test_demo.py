"""`make demo` runs `pmo-bot demo`: the main job against the embedded sandbox. Running it twice works."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from pmo_bot.cli import app
from pmo_bot.sandbox.server import free_port

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("flavor", ["cloud", "datacenter"])
def test_demo_runs_the_main_job_and_a_second_run_writes_nothing(flavor: str, tmp_path: Path) -> None:
    port = str(free_port())  # the same port for both runs, as `make demo` uses 8080: links stay the same
    args = ["demo", "--exit", "--port", port, "--flavor", flavor, "--dir", str(tmp_path)]
    first = CliRunner().invoke(app, args)
    assert first.exit_code == 0, first.output
    for label in ("Jira:", "Confluence:", "Credentials:", "Index:", "Issue view:", "Jira search:"):
        assert label in first.output
    assert "issues carry the bot's compliance comment" in first.output
    assert "/_sandbox/view/issue/" in first.output
    assert "published:   created" in first.output
    assert "Weekly report in the sandbox's Confluence:" in first.output
    preview = tmp_path / f"report-{flavor}.html"
    assert f"preview:     {preview.resolve()}" in first.output
    assert preview.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")

    second = CliRunner().invoke(app, args)
    assert second.exit_code == 0, second.output
    assert "0 writes planned, 0 done" in second.output
    assert "published:   unchanged" in second.output
    assert "0 files written" in second.output  # nothing on Confluence either: no version, no file, no index
    assert "index:       unchanged" in second.output
