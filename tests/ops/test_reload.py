"""Hot reload: a valid change applies from the next run, an invalid one keeps the last good set and says where."""

from __future__ import annotations

import os
import shutil
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from markupsafe import escape
from typer.testing import CliRunner

from pmo_bot.cli import app
from pmo_bot.config import load_settings
from pmo_bot.ops import metrics
from pmo_bot.ops.refused import Refused, notes, refused
from pmo_bot.ops.reload import LiveSettings, current_problems
from pmo_bot.report.collect import collect
from pmo_bot.report.model import build_report
from pmo_bot.report.render import render_storage
from pmo_bot.rules import loader
from pmo_bot.store import open_store
from tests.e2e.conftest import REPO


def _touch(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    later = time.time() + 2  # a distinct mtime even on coarse file systems
    os.utime(path, (later, later))


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(REPO / "rules", tmp_path / "rules")
    shutil.copytree(REPO / "report_templates", tmp_path / "templates")
    (tmp_path / "pmo-bot.toml").write_text(
        f'database_url = "sqlite:///{tmp_path / "bot.db"}"\nrules_dir = "rules"\ntemplates_dir = "templates"\n'
        "max_comment_writes = 50\n"
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_valid_changes_apply_and_invalid_ones_keep_the_last_good_set(workdir: Path) -> None:
    store = open_store(f"sqlite:///{workdir / 'bot.db'}")
    live = LiveSettings(None, load_settings, store)
    try:
        assert live.problems == []
        first = live.settings
        assert first.rules_dir != workdir / "rules"  # the jobs read a private snapshot
        assert live.poll() is False  # nothing changed

        alignment = workdir / "rules" / "alignment.yaml"
        good = alignment.read_text()
        _touch(alignment, good.replace("severity: error", "severity: warning", 1))
        assert live.poll() is True
        applied = live.settings
        assert "severity: warning" in (applied.rules_dir / "alignment.yaml").read_text()
        assert loader.load([applied.rules_dir]).ruleset.get("epic-linked-to-goal").severity.value == "warning"

        broken = good.replace("    check:\n      metric: goal_known", "    check:\n      metrik: goal_known", 1)
        _touch(alignment, broken)
        assert live.poll() is False
        assert live.settings == applied  # still the last good set
        assert live.problems
        assert live.problems[0].startswith("rules/alignment.yaml:20:7: ")  # file:line:column, then what is wrong
        assert "unknown key 'metrik' (did you mean 'metric'?)" in live.problems[0]
        assert metrics.RULE_FILE_ERRORS._value.get() == len(live.problems)
        assert current_problems(store) == live.problems  # what `runs` and the weekly report show
        first_refusal = refused(store).since
        assert first_refusal is not None

        _touch(alignment, broken.replace("severity: error", "severity: eror", 1))  # still invalid, differently
        assert live.poll() is False
        assert refused(store).problems == tuple(live.problems)
        assert refused(store).since == first_refusal  # "refused since" the first bad edit, not the latest

        # The next weekly report is built from the last good set and names the refused files.
        report = build_report(collect(store, loader.load([live.settings.rules_dir]), live.settings, "2026-W48",
                                      datetime.now(UTC)))  # fmt: skip
        page = render_storage(report, {})
        assert "Rule, template or config files refused since" in page
        assert escape(live.problems[0]) in page
        assert "keeps running the last valid rules" in page

        listed = CliRunner().invoke(app, ["runs"])
        assert listed.exit_code == 0, listed.output
        assert "rejected" in listed.stdout
        assert live.problems[0] in listed.stdout

        _touch(alignment, good)
        assert live.poll() is True
        assert live.problems == []
        assert current_problems(store) == []
        assert refused(store) == Refused((), None)
        cleared = build_report(collect(store, loader.load([live.settings.rules_dir]), live.settings, "2026-W48",
                                       datetime.now(UTC)))  # fmt: skip
        assert "files refused" not in render_storage(cleared, {})
        assert metrics.RULE_FILE_ERRORS._value.get() == 0
    finally:
        live.close()
        store.close()


def test_config_and_template_changes(workdir: Path) -> None:
    store = open_store(f"sqlite:///{workdir / 'bot.db'}")
    live = LiveSettings(None, load_settings, store)
    try:
        config = workdir / "pmo-bot.toml"
        text = config.read_text()
        _touch(config, text.replace("max_comment_writes = 50", "max_comment_writes = 7"))
        assert live.poll() is True
        assert live.settings.max_comment_writes == 7

        _touch(config, text.replace("max_comment_writes = 50", "max_comment_writes = -1"))
        assert live.poll() is False
        assert live.settings.max_comment_writes == 7
        assert any("max_comment_writes" in p for p in live.problems)
        _touch(config, text.replace("max_comment_writes = 50", "max_comment_writes = 7"))
        assert live.poll() is True

        page = workdir / "templates" / "storage" / "page.xml.j2"
        good = page.read_text()
        _touch(page, good + "\n{% if report %}\n  unclosed\n")
        assert live.poll() is False
        assert any(p.startswith("templates/storage/page.xml.j2:") for p in live.problems), live.problems
        _touch(page, good)
        assert live.poll() is True
        assert (live.settings.templates_dir / "storage" / "page.xml.j2").read_text() == good
    finally:
        live.close()
        store.close()


def test_snapshots_of_killed_processes_are_removed(workdir: Path) -> None:
    import subprocess
    import sys
    import tempfile

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    orphan = Path(tempfile.gettempdir()) / f"pmo-bot-live-{dead.pid}-abc"
    (orphan / "1").mkdir(parents=True)
    live = LiveSettings(None, load_settings)
    try:
        assert not orphan.exists()
        assert live.settings.rules_dir.is_dir()
    finally:
        live.close()
    assert not live.settings.rules_dir.exists()


def test_the_first_refusal_time_is_kept_while_the_files_stay_invalid() -> None:
    first = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
    recorded = notes(Refused((), None), ["rules/a.yaml:1:1: bad"], first)
    assert recorded["since"] == first.isoformat()
    later = notes(Refused(("rules/a.yaml:1:1: bad",), first), ["rules/a.yaml:2:1: worse"], first + timedelta(hours=1))
    assert (later["problems"], later["since"]) == (["rules/a.yaml:2:1: worse"], first.isoformat())
    assert notes(Refused(("rules/a.yaml:1:1: bad",), first), [], first + timedelta(hours=2)) == {}
