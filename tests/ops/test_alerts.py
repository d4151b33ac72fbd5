"""Alerts reach a Slack-compatible receiver once per change of state: failed, failing repeatedly, recovered."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from pmo_bot import logs
from pmo_bot.errors import RemoteError
from pmo_bot.ops.alerts import Alerter
from pmo_bot.ops.daemon import DueRunner, JobPlan
from pmo_bot.ops.lease import RunLease
from pmo_bot.store import Store
from tests.ops.receiver import Receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as running:
        yield running


def test_one_message_per_change_of_state_never_one_per_run(store: Store, receiver: Receiver) -> None:
    logs.register_secret("sup3r-secret-token")
    outcomes = iter(["fail", "fail", "fail", "fail", "ok", "ok", "fail", "ok"])

    def job(lease: RunLease) -> str:
        lease.ensure_held()
        if next(outcomes) == "fail":
            raise RemoteError("Jira answered 503 (token=sup3r-secret-token)")
        return "succeeded"

    plan = JobPlan("check", "0 0 1 1 *", "UTC", timedelta(days=1), 30)
    runner = DueRunner(store, lambda: plan, job, lambda: Alerter(receiver.url, after_failures=3))
    statuses = []
    for _ in range(8):
        runner.force_next = True
        statuses.append(runner.poll())
    assert statuses == ["failed"] * 4 + ["succeeded"] * 2 + ["failed", "succeeded"]
    texts = [body["text"] for body in receiver.bodies]
    assert len(texts) == 5, texts  # failed, 3 in a row, recovered, failed, recovered
    assert "check failed" in texts[0]
    assert "failed 3 times in a row" in texts[1]
    assert "recovered" in texts[2]
    assert "after 4 failed run(s)" in texts[2]
    assert "check failed" in texts[3]
    assert "recovered" in texts[4]
    assert all(set(body) == {"text"} for body in receiver.bodies)  # Slack's incoming-webhook shape
    assert not any("sup3r-secret-token" in text or "s3cr3t-hook" in text for text in texts)
    assert store.jobs.get("check").failures_in_a_row == 0


def test_no_webhook_no_message_and_a_dead_receiver_does_not_fail_the_run(store: Store) -> None:
    plan = JobPlan("report", "0 0 1 1 *", "UTC", timedelta(days=1), 30)

    def failing(_lease: RunLease) -> str:
        raise RemoteError("Confluence answered 500")

    dead = Alerter("http://127.0.0.1:9/hook", after_failures=2)
    runner = DueRunner(store, lambda: plan, failing, lambda: dead)
    runner.force_next = True
    assert runner.poll() == "failed"  # logged, counted; the daemon goes on
    assert Alerter(None, 3).observe("report", "failed", 1, 0, "x") is None
