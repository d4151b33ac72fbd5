"""The check cycle under the sandbox's fault injection: rate limits of every reason, 5xx, dropped connections.

Whatever goes wrong, a run either completes (item failures counted, status ``partial``) or fails clearly with
a ``PmoError``, and no issue on the site ever carries two bot comments. The expected comments come from a
fault-free dry run against a separate database, so a fault that made the bot miss an issue would show.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pmo_bot.config import Settings
from pmo_bot.errors import AuthError, PmoError, RemoteError
from pmo_bot.sandbox.running import RunningSandbox, start_sandbox
from pmo_bot.sandbox.site import Flavor
from pmo_bot.store import open_from_settings
from pmo_bot.store.records import RunKind, RunStatus
from tests.e2e.conftest import SiteReader, settings_for
from tests.e2e.runs import (
    Waits,
    assert_no_duplicates,
    assert_one_comment_where_due,
    check,
    clear_faults,
    commented,
    fast_session,
    faults_served,
    jira_writes,
    set_faults,
    site_keys,
)

PROJECT = "CRM"  # one demo project: ~135 issues, ~8 of them non-compliant, so each run takes about a second
READS = r"/(search(/jql)?|changelog/bulkfetch|serverInfo|myself|field|project)$"
COMMENT_AND_PROPERTY_WRITES = r"/issue/[^/]+/(comment|properties)"


@pytest.fixture(params=["cloud", "datacenter"])
def site(request: pytest.FixtureRequest) -> Iterator[RunningSandbox]:
    with start_sandbox(flavor=request.param, seed="demo") as running:
        yield running


@pytest.fixture
def reader(site: RunningSandbox) -> SiteReader:
    """Made before any fault is switched on: it reads the bot's identity once."""
    return SiteReader(site)


@pytest.fixture
def due(site: RunningSandbox, tmp_path: Path) -> set[str]:
    """Issues that should end up with a bot comment, from a fault-free dry run on a separate database."""
    keys = commented(check(settings_for(site, tmp_path / "reference.db", PMO_PROJECTS=PROJECT), dry_run=True))
    assert keys, "the demo project has non-compliant issues"
    return keys


def scoped(site: RunningSandbox, database: Path, **env: str) -> Settings:
    return settings_for(site, database, PMO_PROJECTS=PROJECT, **env)


def last_run_status(site: RunningSandbox, database: Path) -> tuple[RunStatus, str | None]:
    with open_from_settings(settings_for(site, database)) as store:
        run = store.runs.recent(RunKind.CHECK)[0]
    return run.status, run.error


@pytest.mark.slow
@pytest.mark.parametrize(
    ("flavor", "reason"),
    [
        ("cloud", "jira-burst-based"),
        ("cloud", "jira-per-issue-on-write"),
        ("cloud", "jira-quota-tenant-based"),
        ("datacenter", "jira-burst-based"),
    ],
)
def test_rate_limits_of_every_reason_are_waited_out(
    flavor: Flavor, reason: str, database: Path, tmp_path: Path
) -> None:
    with start_sandbox(flavor=flavor, seed="demo") as site:
        due = commented(check(settings_for(site, tmp_path / "ref.db", PMO_PROJECTS=PROJECT), dry_run=True))
        reader = SiteReader(site)
        settings = settings_for(site, database, PMO_PROJECTS=PROJECT, PMO_MAX_RETRIES="4")
        faults: dict[str, object] = {"seed": 5, "rate_429": 0.1, "reason_429": reason, "retry_after": 1}
        if reason == "jira-per-issue-on-write":
            faults |= {"methods": ["POST", "PUT", "DELETE"], "path_pattern": r"/issue/"}
        set_faults(site, **faults)
        since = site.last_request_id()
        waits = Waits()

        summary = check(settings, session=fast_session(settings, waits))

        limited = faults_served(site.requests(since))["429"]
        assert limited >= 1, "the fault injector answered no 429; the test would prove nothing"
        # Every 429 was followed by a wait of its Retry-After (1 s) before that request went out again.
        assert sum(1 for w in waits.seconds if w >= 0.9) >= limited
        assert summary.status is RunStatus.SUCCEEDED, summary.write_failures
        assert summary.items_checked == len(site_keys(site, [PROJECT]))
        assert summary.writes_done == {"create": len(due)}
        assert_one_comment_where_due(reader, site, due)


@pytest.mark.parametrize(
    ("site", "fault"),
    [("cloud", "rate_500"), ("datacenter", "rate_502"), ("cloud", "rate_503"), ("datacenter", "drop_rate")],
    indirect=["site"],
)
def test_failing_reads_are_retried_and_nothing_is_missed(
    site: RunningSandbox, reader: SiteReader, due: set[str], database: Path, fault: str
) -> None:
    settings = scoped(site, database, PMO_MAX_RETRIES="5")
    set_faults(site, seed=11, retry_after=0, path_pattern=READS, **{fault: 0.5})
    since = site.last_request_id()

    summary = check(settings)

    assert faults_served(site.requests(since)), "no fault was injected; the test would prove nothing"
    assert summary.status is RunStatus.SUCCEEDED
    assert summary.sync.fetched == summary.items_checked == len(site_keys(site, [PROJECT]))
    assert_one_comment_where_due(reader, site, due)


@pytest.mark.parametrize(
    ("site", "status"), [("datacenter", 500), ("cloud", 502), ("datacenter", 503)], indirect=["site"]
)
def test_server_errors_on_writes_fail_only_those_issues_and_heal_on_the_next_run(
    site: RunningSandbox, reader: SiteReader, due: set[str], database: Path, status: int
) -> None:
    settings = scoped(site, database)
    set_faults(
        site,
        seed=3,
        retry_after=0,
        methods=["POST", "PUT", "DELETE"],
        path_pattern=COMMENT_AND_PROPERTY_WRITES,
        **{f"rate_{status}": 0.4},
    )
    since = site.last_request_id()

    first = check(settings)

    assert faults_served(site.requests(since))[str(status)] >= 1
    counts = assert_no_duplicates(reader, site)
    failed = set(first.write_failures)
    # A 5xx answer means Jira did not store the comment: the failed issues have none, every other due one has.
    assert {k for k, n in counts.items() if n} == due - failed
    assert first.status is (RunStatus.PARTIAL if failed else RunStatus.SUCCEEDED)
    assert first.as_dict()["comments"]["failed"] == first.write_failures
    assert last_run_status(site, database)[0] is first.status

    clear_faults(site)
    second = check(settings)
    assert second.status is RunStatus.SUCCEEDED
    assert_one_comment_where_due(reader, site, due)


@pytest.mark.parametrize("site", ["datacenter"], indirect=True)
def test_a_comment_that_cannot_be_created_is_counted_and_the_run_is_partial(
    site: RunningSandbox, reader: SiteReader, due: set[str], database: Path
) -> None:
    victim = sorted(due)[0]
    set_faults(site, rate_500=1.0, methods=["POST"], path_pattern=rf"/issue/{victim}/comment$")

    summary = check(scoped(site, database))

    assert set(summary.write_failures) == {victim}
    assert "HTTP 500" in summary.write_failures[victim]
    assert summary.status is RunStatus.PARTIAL
    assert summary.writes_done == {"create": len(due) - 1}
    assert last_run_status(site, database)[0] is RunStatus.PARTIAL
    assert_one_comment_where_due(reader, site, due - {victim})


def test_connections_dropped_after_jira_stored_the_comment_never_duplicate_it(
    site: RunningSandbox, reader: SiteReader, due: set[str], database: Path
) -> None:
    """The dangerous case: every comment create is applied, then the connection breaks before the answer."""
    set_faults(site, drop_rate=1.0, drop_mode="after-apply", methods=["POST"], path_pattern=r"/comment$")
    since = site.last_request_id()

    summary = check(scoped(site, database))

    assert faults_served(site.requests(since))["drop-after"] == len(due)
    assert summary.status is RunStatus.SUCCEEDED
    assert summary.adopted == len(due)  # each was verified on Jira and adopted, not created a second time
    assert summary.writes_done == {"create": len(due)}
    assert_one_comment_where_due(reader, site, due)

    clear_faults(site)
    again = check(scoped(site, database))
    assert again.writes_done == {}  # the adopted comments were recorded like any other


def test_connections_dropped_before_jira_stored_the_comment_fail_those_issues_then_heal(
    site: RunningSandbox, reader: SiteReader, due: set[str], database: Path
) -> None:
    set_faults(site, drop_rate=1.0, drop_mode="before-apply", methods=["POST"], path_pattern=r"/comment$")

    summary = check(scoped(site, database))

    assert set(summary.write_failures) == due
    assert summary.status is RunStatus.PARTIAL
    assert summary.writes_done == {}
    assert_one_comment_where_due(reader, site, set())

    clear_faults(site)
    healed = check(scoped(site, database))
    assert healed.status is RunStatus.SUCCEEDED
    assert_one_comment_where_due(reader, site, due)


@pytest.mark.slow
def test_mixed_faults_over_several_runs_never_leave_two_bot_comments(
    site: RunningSandbox, reader: SiteReader, due: set[str], database: Path
) -> None:
    """Drops, 5xx and 429s on every Jira call for three runs: each run completes or fails as a PmoError."""
    settings = scoped(site, database, PMO_MAX_RETRIES="4")
    outcomes: list[str] = []
    for seed in (1, 2, 3):
        set_faults(
            site,
            seed=seed,
            rate_429=0.05,
            rate_500=0.1,
            retry_after=0,
            drop_rate=0.25,
            drop_mode="after-apply" if seed != 2 else "before-apply",
            path_pattern=r"^/rest/api/",
        )
        message = None
        try:
            outcomes.append(check(settings, full=seed == 3).status.value)
        except PmoError as error:  # systemic (e.g. search exhausted its retries): a clear failure, recorded
            outcomes.append("failed")
            message = str(error)
        if message is not None:
            assert last_run_status(site, database) == (RunStatus.FAILED, message)
        assert_no_duplicates(reader, site)
    clear_faults(site)
    final = check(settings)
    assert final.status is RunStatus.SUCCEEDED, outcomes
    assert_one_comment_where_due(reader, site, due)


def test_a_wrong_token_fails_the_run_clearly(site: RunningSandbox, database: Path) -> None:
    token = "wrong-token-5f3e9a"  # a deliberately wrong credential
    flavor = site.flavor  # forced, so that the run itself (not flavour detection) meets the 401
    settings = scoped(site, database, PMO_JIRA_TOKEN=token, PMO_FLAVOR=flavor)
    since = site.last_request_id()

    with pytest.raises(AuthError) as refused:
        check(settings)

    assert "HTTP 401" in str(refused.value)
    assert token not in str(refused.value)
    status, error = last_run_status(site, database)
    assert status is RunStatus.FAILED
    assert error is not None
    assert "401" in error
    assert not jira_writes(site.requests(since))


def test_a_search_that_keeps_failing_fails_the_run_and_writes_nothing(site: RunningSandbox, database: Path) -> None:
    set_faults(site, rate_503=1.0, retry_after=0, path_pattern=r"/search(/jql)?$")
    since = site.last_request_id()

    with pytest.raises(RemoteError) as failed:
        check(scoped(site, database, PMO_MAX_RETRIES="2"))

    assert "503" in str(failed.value)
    assert faults_served(site.requests(since))["503"] == 3  # the first try and two retries
    assert last_run_status(site, database)[0] is RunStatus.FAILED
    assert not jira_writes(site.requests(since))


@pytest.mark.parametrize("site", ["datacenter"], indirect=True)
def test_a_sub_second_request_timeout_works(
    site: RunningSandbox, reader: SiteReader, due: set[str], database: Path
) -> None:
    """atlassian-python-api truncates its timeout to whole seconds; 0.5 must not become 0 (urllib3 refuses 0)."""
    summary = check(scoped(site, database, PMO_REQUEST_TIMEOUT_SECONDS="0.5"))

    assert summary.status is RunStatus.SUCCEEDED
    assert_one_comment_where_due(reader, site, due)
