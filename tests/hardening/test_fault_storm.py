"""Fault storm: a synthetic 10k-issue portfolio checked cycle after cycle under seeded faults on every Jira call.

The storm mixes 429s of every reason (``Retry-After: 1``), 500/502/503, connections dropped before and after the
sandbox applies the request (a write that happened while the bot never learned it), latency, and a search index
that lags behind writes. Before each cycle but the first, people edit summaries (``TODO``/``FIXME``, two rules of
this suite), so comments get created, edited and resolved (deleted on Data Center). Then the faults stop, the index
catches up, one clean rerun, and the invariants of ``invariants.py``. What each comment must show comes from a
fault-free twin: an equal site, the same edits, the same cycles, its own database. Faults served are counted per
kind (each 429 reason, both drop modes, lagging searches), so a storm that injected nothing fails the test.

Everything is drawn from ``SEED`` (the edits, each cycle's fault seed): the faults met by a sequence of requests are
exact; which requests a run sends depends a little on timing (the sync's page-ahead thread, what the lagging index
shows), so a rerun meets nearly the same storm.
``PMO_STORM_ISSUES`` and ``PMO_STORM_SEED`` change the size and the seed, e.g. to explore other storms locally.
"""

from __future__ import annotations

import faulthandler
import os
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests

from pmo_bot.comments.content import CommentContent
from pmo_bot.config import Settings
from pmo_bot.sandbox.faults import FaultInjector, FaultSettings
from pmo_bot.sandbox.running import RunningSandbox, start_sandbox
from pmo_bot.sandbox.site import Flavor
from pmo_bot.store import open_from_settings
from pmo_bot.store.records import BotComment, RunStatus
from tests.e2e.conftest import REPO, SiteReader, settings_for
from tests.e2e.runs import VirtualTime, check, clear_faults, fast_session, faults_served, jira_writes, set_faults
from tests.hardening.invariants import assert_comments_match, assert_properties_agree, bot_comments

ISSUES = int(os.environ.get("PMO_STORM_ISSUES", "10000"))
SEED = int(os.environ.get("PMO_STORM_SEED", "12"))
CYCLES = 4  # the first is cold (every comment new), the last a full sync; people edit before each but the first
EDITS = max(20, ISSUES // 100)  # summaries edited before a cycle: half new marks, half on issues marked before
# Search shows what was written less than this long ago as it was before: people's edits made just before a cycle
# reach only the next one (the test waits for that), and the bot meets some of its own last writes late.
LAG_SECONDS = 3.0
HANG_SECONDS = 900  # a 10k storm takes 1-2 minutes per flavour on two busy cores
RETRIES = "10"  # a request fails ~12% of tries in the storm: 11 failed tries in a row is not expected in a run
REASONS = ("jira-burst-based", "jira-per-issue-on-write", "jira-quota-tenant-based")
MARKS = ("", " TODO", " FIXME", " TODO FIXME")
STORM_RULES = """rules:
  - id: storm-no-todo
    title: No TODO left in the summary
    category: hygiene
    severity: warning
    check: {field: summary, op: not-contains, value: TODO}
    message: "{{ item.key }} still says TODO"
    remediation: Finish the work, then drop TODO from the summary.
  - id: storm-no-fixme
    title: No FIXME left in the summary
    category: hygiene
    severity: error
    check: {field: summary, op: not-contains, value: FIXME}
    message: "{{ item.key }} still says FIXME"
    remediation: Fix it, then drop FIXME from the summary.
"""


def storm(seed: int) -> dict[str, Any]:
    """One cycle's faults: every Jira call may meet any of them. The bot's pauses pass on a virtual clock
    (``VirtualTime``), so the rates can be high enough that each kind is served many times at 10k issues (each
    429 reason at least ~14 times in expectation: the per-issue one, listed twice, goes to half the 429s on writes)."""
    return {
        "seed": seed,
        "rate_429": 0.04,
        "reason_429": [*REASONS, "jira-per-issue-on-write"],
        "retry_after": 1,
        "rate_500": 0.015,
        "rate_502": 0.015,
        "rate_503": 0.015,
        "drop_rate": 0.04,
        "drop_mode": ["before-apply", "after-apply"],
        "latency_ms": 2,
        "search_lag_seconds": LAG_SECONDS,
    }


def cycle_seed(cycle: int) -> int:
    return SEED * 100 + cycle


class RateLimitTap:
    """Every 429 the bot's session received, by ``RateLimit-Reason``; and each request sent again before the
    ``Retry-After`` of its 429 had passed on the bot's clock (its next answer came sooner)."""

    def __init__(self, session: requests.Session, clock: Callable[[], float]) -> None:
        self.reasons: Counter[str] = Counter()
        self.early: list[str] = []
        self._clock = clock
        self._limited: dict[tuple[str, str, bytes], tuple[float, float]] = {}  # request -> (429 at, Retry-After)
        self._lock = threading.Lock()
        session.hooks["response"].append(self._seen)

    def _seen(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        sent = response.request
        body = sent.body.encode() if isinstance(sent.body, str) else sent.body or b""
        request = (str(sent.method), str(sent.url), body)
        now = self._clock()
        with self._lock:
            if request in self._limited:
                limited_at, retry_after = self._limited.pop(request)
                if now - limited_at < retry_after:
                    self.early.append(f"{sent.method} {sent.url} again after {now - limited_at:.2f} s")
            if response.status_code == 429:
                self.reasons[response.headers.get("RateLimit-Reason", "")] += 1
                self._limited[request] = (now, float(response.headers.get("Retry-After", 0)))


class People:
    """Edit summaries between cycles as people would: new TODO/FIXME marks, and changed or removed ones. Each edit
    goes to every site given (the storm's and its fault-free twin's), so both portfolios stay equal."""

    def __init__(self, sites: Sequence[RunningSandbox], rng: random.Random) -> None:
        self.readers = [SiteReader(site) for site in sites]  # made before any fault: each reads the bot's identity
        self.rng = rng
        with sites[0].sandbox.lock:
            self.original = {issue.key: str(issue.summary) for issue in sites[0].sandbox.jira.issues}
        self.marked: dict[str, str] = {}

    def edit(self, count: int) -> None:
        unmarked = sorted(self.original.keys() - self.marked.keys())
        fresh = self.rng.sample(unmarked, k=count - min(count // 2, len(self.marked)))
        again = self.rng.sample(sorted(self.marked), k=count - len(fresh))
        for key in fresh:
            self._mark(key, self.rng.choice(MARKS[1:]))
        for key in again:
            self._mark(key, self.rng.choice([m for m in MARKS if m != self.marked[key]]))

    def _mark(self, key: str, mark: str) -> None:
        for reader in self.readers:
            reader.edit(key, {"summary": self.original[key] + mark})
        self.marked[key] = mark


def rules_dir(tmp_path: Path) -> Path:
    """The default rule pack and the storm's two summary rules."""
    rules = tmp_path / "rules"
    rules.mkdir()
    for source in (REPO / "rules").glob("*.yaml"):
        (rules / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    (rules / "storm.yaml").write_text(STORM_RULES, encoding="utf-8")
    return rules


@contextmanager
def hang_guard(seconds: float) -> Iterator[None]:
    """A hang is a finding too: past ``seconds`` every thread's stack is printed and the test process exits."""
    faulthandler.dump_traceback_later(seconds, exit=True)
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()


@contextmanager
def twin_portfolios(flavor: Flavor) -> Iterator[tuple[RunningSandbox, RunningSandbox]]:
    """Two equal synthetic sites: one for the storm, one for a fault-free twin run of the same cycles."""
    with (
        start_sandbox(flavor=flavor, seed="synthetic", issues=ISSUES) as stormy,
        start_sandbox(flavor=flavor, seed="synthetic", issues=ISSUES) as calm,
    ):
        yield stormy, calm


def assert_no_duplicates(site: RunningSandbox, cycle: int) -> None:
    duplicated = {key: len(mine) for key, mine in bot_comments(site).items() if len(mine) > 1}
    assert not duplicated, f"cycle {cycle} (seed {SEED}) left duplicate bot comments: {duplicated}"


def expected_comments(twin: Settings) -> dict[str, CommentContent]:
    """What each issue's comment must show, from the fault-free twin: a full dry run over its own database.

    Not a dry run on a fresh database: once the bot has written to an issue, a fresh database cannot tell whether
    an earlier ``updated`` without a history entry was a person's (sync/history.py), so it may judge activity,
    and so staleness, otherwise than a database that saw the issue before the bot wrote; the twin has seen it."""
    summary = check(twin, dry_run=True, full=True)
    return {p.issue_key: p.content for p in summary.plan if p.content.findings}


def stored_comments(settings: Settings) -> dict[str, BotComment]:
    with open_from_settings(settings) as store:
        return store.comments.all()


@pytest.mark.slow
@pytest.mark.parametrize(("flavor", "resolved"), [("cloud", "keep"), ("datacenter", "delete")])
def test_a_storm_of_faults_over_check_cycles_leaves_one_right_comment_where_due(
    flavor: Flavor, resolved: str, tmp_path: Path
) -> None:
    rng = random.Random(f"fault-storm-{SEED}-{flavor}")
    rules = str(rules_dir(tmp_path))
    with hang_guard(HANG_SECONDS), twin_portfolios(flavor) as (site, calm):
        people = People([site, calm], rng)
        env = {"PMO_RULES_DIR": rules, "PMO_RESOLVED_COMMENT": resolved, "PMO_MAX_RETRIES": RETRIES}
        settings = settings_for(site, tmp_path / "storm.db", **env)
        twin = settings_for(calm, tmp_path / "twin.db", **env)
        since = site.last_request_id()
        waits = VirtualTime()
        session = fast_session(settings, waits)
        tap = RateLimitTap(session, waits.clock)
        writes: Counter[str] = Counter()
        stormy, edited, adopted = 0.0, 0.0, 0
        for cycle in range(CYCLES):
            if cycle:
                time.sleep(max(0.0, edited + LAG_SECONDS - time.monotonic()))  # the last edits reach this cycle
                set_faults(site, search_lag_seconds=LAG_SECONDS)  # these edits reach the storm's search late
                people.edit(EDITS)
                edited = time.monotonic()
            set_faults(site, **storm(cycle_seed(cycle)))
            started = time.monotonic()
            summary = check(settings, session=session, full=cycle == CYCLES - 1)
            stormy += time.monotonic() - started
            assert summary.status in (RunStatus.SUCCEEDED, RunStatus.PARTIAL)
            writes.update(summary.writes_done)
            adopted += summary.adopted
            assert_no_duplicates(site, cycle)
            check(twin)

        clear_faults(site)
        time.sleep(LAG_SECONDS)  # the index catches up with the last writes
        rerun = check(settings)
        assert rerun.status is RunStatus.SUCCEEDED, rerun.write_failures

        due = expected_comments(twin)
        shown = {key: tuple(f.title for f in content.findings) for key, content in due.items()}
        stored = stored_comments(settings)
        assert_comments_match(site, stored, shown, resolved)
        assert_properties_agree(site, stored)
        for key, content in due.items():  # the findings behind each comment are the twin's, not only their titles
            which = content.fingerprint().partition(".")[0]
            assert stored[key].fingerprint.partition(".")[0] == which, f"{key}: the comment shows other findings"
        assert_comments_match(calm, stored_comments(twin), shown, resolved)  # the oracle holds to the same

        served = faults_served(site.requests(since))
        print(
            f"\n{flavor}, {ISSUES} issues, seed {SEED}: storm cycles {stormy:.0f} s, "
            f"bot's pauses {sum(waits.seconds):.0f} s on its clock, faults {dict(served)}, "
            f"429 reasons {dict(tap.reasons)}, writes under the storm {dict(writes)} ({adopted} adopted after a cut "
            f"answer), clean rerun {dict(rerun.writes_done)}"
        )
        assert_the_storm_happened(site, since, tap)
        # People's edits were written under the storm too, not only by the clean rerun.
        assert writes["create"] > 0
        assert writes["update"] > 0
        assert writes["delete" if resolved == "delete" else "resolve"] > 0


def assert_the_storm_happened(site: RunningSandbox, since: int, tap: RateLimitTap) -> None:
    entries = site.requests(since)
    served = faults_served(entries)
    on_writes = faults_served(jira_writes(entries))
    for kind in ("429", "500", "502", "503", "drop-before", "drop-after", "latency", "search-lag"):
        assert served[kind] >= 1, f"the storm served no {kind} (seed {SEED}): {dict(served)}"
    assert on_writes["drop-before"] >= 1, dict(on_writes)
    assert on_writes["drop-after"] >= 1, dict(on_writes)
    assert set(tap.reasons) == set(REASONS), dict(tap.reasons)
    assert sum(tap.reasons.values()) == served["429"]
    assert tap.early == [], "requests sent again before their Retry-After had passed"


def test_the_same_seed_makes_the_same_storm() -> None:
    """Cheap reproducibility: the decisions for a check-like request sequence, per cycle seed."""
    requests_seen = [
        ("POST", "/rest/api/3/search/jql"),
        ("GET", "/rest/api/3/issue/PAY-7/comment"),
        ("POST", "/rest/api/3/issue/PAY-7/comment"),
        ("PUT", "/rest/api/3/issue/PAY-7/properties/pmo-bot.state"),
        ("DELETE", "/rest/api/2/issue/PAY-8/comment/10001"),
    ] * 400

    def decisions(seed: int) -> list[tuple[str | None, str | None]]:
        injector = FaultInjector(FaultSettings(**storm(seed)))
        return [(d.label, d.reason) for d in (injector.decide(m, p) for m, p in requests_seen)]

    first = decisions(cycle_seed(0))
    assert decisions(cycle_seed(0)) == first
    assert decisions(cycle_seed(1)) != first
    kinds: Mapping[str | None, int] = Counter(label for label, _ in first)
    assert {"429", "500", "502", "503", "drop-before", "drop-after", "latency"} <= set(kinds)
    assert {reason for _, reason in first if reason} == set(REASONS)
