"""Crash suite: seeded SIGKILLs of ``check`` (50) and ``report`` (20) at the moments that matter, then one clean
rerun, then the invariants: exactly one bot comment per non-compliant issue and none elsewhere, contents that
match the findings, the store agreeing with Jira, one page per week and no orphan or missing attachment.

Each trial kills a child process at the n-th matching write (seeded: which writes, which n, before or after
the sandbox applies it) — see ``crash.py``. Between trials the issues change, so every run has writes to do:
creates, edits, resolutions and (on Data Center, ``resolved_comment = "delete"``) deletions.
"""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from pmo_bot.config import Settings, load_settings
from pmo_bot.demo import sandbox_env
from pmo_bot.jobs import check_job
from pmo_bot.report.job import report_job
from pmo_bot.sandbox.running import RunningSandbox
from pmo_bot.store import open_from_settings
from tests.e2e.conftest import SiteReader
from tests.hardening.crash import (
    KillSwitch,
    any_write,
    check_child,
    comment_write,
    confluence_write,
    crash_site,
    property_write,
    report_child,
    run_and_maybe_kill,
)
from tests.hardening.invariants import assert_comments_match

pytestmark = pytest.mark.slow

ISSUES = 24
RULE = """rules:
  - id: no-todo
    title: No TODO left in the summary
    category: hygiene
    severity: warning
    check: {field: summary, op: not-contains, value: TODO}
    message: "{{ item.key }} still says: {{ item.summary }}"
    remediation: Finish the work, then drop TODO from the summary.
"""
MATCHES = {"comment": comment_write, "property": property_write, "any": any_write}


def _env(site: RunningSandbox, tmp_path: Path, resolved: str) -> dict[str, str]:
    rules = tmp_path / "rules"
    rules.mkdir(exist_ok=True)
    (rules / "todo.yaml").write_text(RULE, encoding="utf-8")
    env = sandbox_env(site, f"sqlite:///{tmp_path / 'state.db'}")
    env.update(
        {
            "PMO_RULES_DIR": str(rules),
            "PMO_MODE": "enforce",
            "PMO_MAX_COMMENT_WRITES": "100000",
            "PMO_REQUEST_RATE": "1000",
            "PMO_MAX_RETRIES": "0",
            "PMO_RESOLVED_COMMENT": resolved,
            "PMO_LEASE_SECONDS": "30",  # a killed holder on this host is replaced at once
            "PMO_LEASE_WAIT_SECONDS": "10",
        }
    )
    return env


def _mutate(reader: SiteReader, keys: list[str], rng: random.Random, trial: int) -> None:
    for key in rng.sample(keys, k=max(3, len(keys) // 4)):
        todo = " TODO" if rng.random() < 0.5 else ""
        reader.edit(key, {"summary": f"{key} task v{trial}{todo}"})


def _summaries(site: RunningSandbox) -> dict[str, str]:
    return {issue.key: str(issue.summary) for issue in site.sandbox.jira.issues}


def assert_check_invariants(site: RunningSandbox, settings: Settings, resolved: str) -> None:
    summary, _ = check_job(settings)  # the one clean rerun
    assert summary.write_failures == {}
    with open_from_settings(settings) as store:
        stored = store.comments.all()
    # The finding each comment shows is its issue's; its wording may lag a summary edit by design (a wording-only
    # change waits for comment_refresh_days), so the words after "v" are not compared.
    due = {
        key: ("No TODO left in the summary", f"{key} still says: {key} task v")
        for key, text in _summaries(site).items()
        if "TODO" in text
    }
    assert_comments_match(site, stored, due, resolved)


@pytest.mark.parametrize(("flavor", "resolved"), [("cloud", "keep"), ("datacenter", "delete")])
def test_check_killed_25_times_per_flavour_then_one_clean_rerun(flavor: Any, resolved: str, tmp_path: Path) -> None:
    rng = random.Random(f"check-crash-{flavor}")
    kills, trial, moments = 0, 0, set()
    with crash_site(flavor, ISSUES) as (site, switch):
        env = _env(site, tmp_path, resolved)
        settings = load_settings(None, env=env)
        reader = SiteReader(site)
        keys = sorted(_summaries(site))
        while kills < 25:
            trial += 1
            assert trial < 80, "too few trials reached their kill point"
            _mutate(reader, keys, rng, trial)
            kind = rng.choice(sorted(MATCHES))
            before = rng.random() < 0.5
            if run_and_maybe_kill(switch, check_child, (env,), MATCHES[kind], rng.randint(1, 5), before=before):
                kills += 1
                moments.add((kind, before, switch.at[0] if switch.at else ""))
            if trial % 6 == 0:
                assert_check_invariants(site, settings, resolved)
        assert_check_invariants(site, settings, resolved)
    # Both sides of a comment write and of its property were hit.
    assert {(k, b) for k, b, _ in moments} >= {("comment", True), ("comment", False), ("property", False)}


class Wiki:
    def __init__(self, site: RunningSandbox) -> None:
        self.http = SiteReader(site).http
        self.api = f"{site.confluence_url}/rest/api"

    def pages(self) -> list[dict[str, Any]]:
        params: dict[str, str | int] = {
            "spaceKey": "PMO",
            "type": "page",
            "limit": 200,
            "expand": "body.storage,ancestors",
        }
        return list(self.http.get(f"{self.api}/content", params=params, timeout=10).json()["results"])

    def attachments(self, page_id: str) -> list[str]:
        found = self.http.get(f"{self.api}/content/{page_id}/child/attachment", params={"limit": 200}, timeout=10)
        return sorted(a["title"] for a in found.json()["results"])


def assert_report_invariants(site: RunningSandbox, settings: Settings, weeks: list[datetime]) -> None:
    outcomes = [report_job(settings, now=now) for now in weeks]  # one clean rerun of each week
    published = {o.published.page_id: o for o in outcomes if o.published is not None}
    assert len(published) == len(weeks)
    weekly = [p for p in Wiki(site).pages() if p["title"].startswith("Portfolio report — ")]
    titles = [p["title"] for p in weekly]
    assert len(titles) == len(set(titles)), f"more than one page for a week: {sorted(titles)}"
    for page in weekly:
        body = page["body"]["storage"]["value"]
        referenced = set(re.findall(r'ri:filename="([^"]+)"', body))
        attached = set(Wiki(site).attachments(page["id"]))
        assert referenced <= attached, f"{page['title']}: missing attachments {sorted(referenced - attached)}"
        outcome = published.get(page["id"])
        expected = {f.filename for f in outcome.page.files} if outcome is not None else attached
        assert attached == expected, f"{page['title']}: orphan attachments {sorted(attached - expected)}"


@pytest.mark.parametrize("flavor", ["cloud", "datacenter"])
def test_report_killed_10_times_per_flavour_then_one_clean_rerun(flavor: Any, tmp_path: Path) -> None:
    rng = random.Random(f"report-crash-{flavor}")
    kills, trial = 0, 0
    monday = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
    with crash_site(flavor, ISSUES) as (site, switch):
        env = _env(site, tmp_path, "keep")
        settings = load_settings(None, env=env)
        reader = SiteReader(site)
        keys = sorted(_summaries(site))
        weeks = [monday, monday - timedelta(weeks=1)]
        while kills < 10:
            trial += 1
            assert trial < 40, "too few trials reached their kill point"
            _mutate(reader, keys, rng, trial)
            check_job(settings)  # new findings: the page content (and its charts) change
            now = rng.choice(weeks)
            nth = rng.randint(1, 6)
            before = rng.random() < 0.5
            args = (env, now.isoformat())
            kills += run_and_maybe_kill(switch, report_child, args, confluence_write, nth, before=before)
            if trial % 8 == 0:  # mid-way too: the state after a rerun is the start of later trials
                assert_report_invariants(site, settings, weeks)
        assert_report_invariants(site, settings, weeks)


def test_the_kill_switch_kills_before_and_after_the_write(tmp_path: Path) -> None:
    """The harness itself: 'before' leaves Jira unchanged, 'after' leaves the write applied."""
    with crash_site("cloud", 6) as (site, switch):
        env = _env(site, tmp_path, "keep")
        reader = SiteReader(site)
        key = sorted(_summaries(site))[0]
        reader.edit(key, {"summary": f"{key} TODO"})
        assert run_and_maybe_kill(switch, check_child, (env,), comment_write, 1, before=True)
        assert all(reader.bot_comments(k) == [] for k in _summaries(site))
        assert run_and_maybe_kill(switch, check_child, (env,), comment_write, 1, before=False)
        assert sum(len(reader.bot_comments(k)) for k in _summaries(site)) == 1
        assert isinstance(switch, KillSwitch)
