"""``pmo-bot rules diff``: the impact of a rule change on the stored portfolio, against a directory or a git ref,
as text or Markdown, exit 0 for no change and 1 for a change; Jira is not called."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pmo_bot.cli import app, main
from pmo_bot.jobs import check_job
from pmo_bot.sandbox.running import RunningSandbox
from tests.e2e.conftest import REPO, settings_for


@pytest.fixture
def checked(dc_sandbox: RunningSandbox, database: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository holding a copy of the default rules (committed), and a store filled by one check."""
    repo = tmp_path / "repo"
    shutil.copytree(REPO / "rules", repo / "rules")
    git = ["git", "-c", "user.email=pmo@example.com", "-c", "user.name=PMO"]
    subprocess.run([*git, "init", "-q", str(repo)], check=True)
    subprocess.run([*git, "-C", str(repo), "add", "."], check=True)
    subprocess.run([*git, "-C", str(repo), "commit", "-qm", "rules"], check=True)
    settings = settings_for(dc_sandbox, database, PMO_RULES_DIR=str(repo / "rules"))
    check_job(settings)
    monkeypatch.setenv("PMO_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("PMO_RULES_DIR", str(repo / "rules"))
    monkeypatch.setenv("PMO_MODE", "enforce")
    return repo / "rules"


def test_no_change_against_the_committed_rules_exits_0_without_calling_jira(
    checked: Path, dc_sandbox: RunningSandbox
) -> None:
    since = dc_sandbox.last_request_id()
    result = CliRunner().invoke(app, ["rules", "diff", "--against", "HEAD"])

    assert result.exit_code == 0, result.output
    assert "no change" in result.output
    assert dc_sandbox.requests(since) == []  # the stored portfolio only


def test_a_stricter_threshold_shows_opened_findings_and_comments_and_exits_1(checked: Path, tmp_path: Path) -> None:
    budget = checked / "budget.yaml"
    budget.write_text(budget.read_text().replace("min_cpi: 0.9", "min_cpi: 1.5"), encoding="utf-8")
    base = tmp_path / "base"
    subprocess.run(["git", "-C", str(checked), "worktree", "add", "-q", str(base), "HEAD"], check=True)

    text = CliRunner().invoke(app, ["rules", "diff", "--against", "HEAD", "--examples", "2"])
    markdown = CliRunner().invoke(app, ["rules", "diff", "--against", str(base / "rules"), "--format", "markdown"])

    assert text.exit_code == 1, text.output
    assert "cpi-above-threshold: +" in text.output
    assert "opened (" in text.output
    assert "Comments:" in text.output
    assert markdown.exit_code == 1, markdown.output
    assert "| `cpi-above-threshold` |" in markdown.output
    assert "| comments | issues |" in markdown.output


def test_an_unknown_ref_is_a_clear_error_with_its_own_exit_code(
    checked: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["rules", "diff", "--against", "no-such-ref"])

    assert exited.value.code == 2  # neither "no change" (0) nor "changes" (1): CI fails loudly
    assert "'no-such-ref' is neither a directory nor a git ref" in capsys.readouterr().err
