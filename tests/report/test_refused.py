"""Files the daemon refused to reload are named on the next weekly page, escaped, and absent when there are none."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from pmo_bot.config import Settings
from pmo_bot.ops.refused import RELOAD_JOB, Refused, notes
from pmo_bot.report import archive
from pmo_bot.report.collect import collect
from pmo_bot.report.model import build_report
from pmo_bot.report.render import render_html, render_storage
from pmo_bot.rules import loader
from pmo_bot.store import open_store
from tests.report import builders
from tests.report.test_render import CHARTS, parse, tags

REPO = Path(__file__).resolve().parents[2]
SINCE = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
PROBLEM = "rules/budget.yaml:12:3: unknown key 'metrik' (did you mean 'metric'?)"
TITLE = "Rule, template or config files refused"


def test_the_model_carries_the_refused_files_and_nothing_when_there_are_none() -> None:
    refused = build_report(builders.inputs(refused_files=(PROBLEM,), refused_since=SINCE)).refused_files
    assert refused is not None
    assert refused.problems == (PROBLEM,)
    assert refused.since == SINCE
    assert build_report(builders.inputs()).refused_files is None


def test_the_page_names_each_problem_with_file_and_line_and_says_the_last_valid_set_runs() -> None:
    report = build_report(builders.inputs(refused_files=(PROBLEM, "templates/x.j2:4: unexpected '}'"),
                                          refused_since=SINCE))  # fmt: skip
    for body in (render_storage(report, CHARTS), render_html(report, CHARTS)):
        assert f"{TITLE} since Nov 24, 2026 09:30 UTC" in body
        assert "2 problems" in body
        assert "keeps running the last valid rules, templates and config" in body
        assert "rules/budget.yaml:12:3: unknown key &#39;metrik&#39;" in body
        assert "templates/x.j2:4: unexpected &#39;}&#39;" in body
    storage = render_storage(report, CHARTS)
    assert storage.index(TITLE) < storage.index("PMO commentary")  # near the top, not buried


def test_no_refused_files_no_notice() -> None:
    report = build_report(builders.inputs())
    for body in (render_storage(report, CHARTS), render_html(report, CHARTS)):
        assert TITLE not in body
        assert "last valid" not in body


def test_hostile_text_in_a_problem_is_escaped_in_storage_format() -> None:
    hostile = 'rules/x.yaml:1:1: <ac:structured-macro ac:name="html"><script>alert(1)</script>]]>&amp;\x00'
    report = build_report(builders.inputs(refused_files=(hostile,), refused_since=SINCE))
    plain = build_report(builders.inputs(refused_files=("rules/x.yaml:1:1: bad",), refused_since=SINCE))
    body = render_storage(report, CHARTS)
    assert tags(body) == tags(render_storage(plain, CHARTS))  # the text added no element
    assert "<script>" not in body
    assert "&lt;ac:structured-macro ac:name=&#34;html&#34;&gt;&lt;script&gt;" in body
    items = [li.text for li in parse(body).iter("li") if li.text and li.text.startswith("rules/x.yaml")]
    assert items == ['rules/x.yaml:1:1: <ac:structured-macro ac:name="html"><script>alert(1)</script>]]>&amp;']
    html = render_html(report, CHARTS)
    assert "<script>" not in html
    assert "\x00" not in html


def test_collect_reads_what_the_reload_recorded(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'bot.db'}", rules_dir=REPO / "rules")
    bundle = loader.load([settings.rules_dir])
    now = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
    with open_store(settings.database_url) as store:
        clean = collect(store, bundle, settings, "2026-W48", now)
        assert (clean.refused_files, clean.refused_since) == ((), None)
        store.jobs.note(RELOAD_JOB, notes(Refused((), None), [PROBLEM], SINCE), SINCE)
        inputs = collect(store, bundle, settings, "2026-W48", now)
    assert inputs.refused_files == (PROBLEM,)
    assert inputs.refused_since == SINCE


def test_a_past_week_shows_the_notice_it_was_published_with() -> None:
    report = build_report(builders.inputs(refused_files=(PROBLEM,), refused_since=SINCE))
    stored = archive.load_report(json.loads(json.dumps(archive.dump_report(report))), "2026-W48")
    assert stored.refused_files == report.refused_files
    assert render_storage(stored, CHARTS) == render_storage(report, CHARTS)
    older = archive.dump_report(build_report(builders.inputs()))
    del older["report"]["refused_files"]  # a snapshot stored before the field existed
    assert archive.load_report(older, "2026-W47").refused_files is None
