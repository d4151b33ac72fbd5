"""``serve --http-port`` as an operator runs it: /healthz, /readyz with its reasons, /metrics parsed with
prometheus-client's own parser, and the failure alert of a run that cannot reach Jira."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from pmo_bot.sandbox.running import RunningSandbox, start_sandbox
from pmo_bot.sandbox.server import free_port
from tests.ops.procs import Bot, bot_env
from tests.ops.receiver import Receiver

pytestmark = pytest.mark.slow

NEVER = "0 0 1 1 *"


@pytest.fixture
def site() -> Iterator[RunningSandbox]:
    with start_sandbox(flavor="datacenter", seed="demo") as running:
        yield running


def _get(url: str, timeout: float = 30) -> requests.Response:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return requests.get(url, timeout=5)
        except requests.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_health_readiness_metrics_and_alerts(site: RunningSandbox, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    schedule = {
        "PMO_SCHEDULE__CHECK": NEVER,
        "PMO_SCHEDULE__REPORT": NEVER,
        "PMO_SCHEDULE__POLL_SECONDS": "0.5",
        "PMO_PROJECTS": "CRM",
    }
    with Receiver() as receiver:
        # 1. Jira unreachable: the run fails, readiness says why, the webhook hears about it once.
        port = free_port()
        broken = bot_env(
            site,
            url,
            PMO_JIRA_URL="http://127.0.0.1:9",
            PMO_ALERT_WEBHOOK_URL=receiver.url,
            PMO_MAX_RETRIES="0",
            **schedule,
        )
        bot = Bot(["serve", "--run-now", "--http-port", str(port)], broken, tmp_path)
        try:
            assert _get(f"http://127.0.0.1:{port}/healthz").json() == {"status": "ok"}
            bot.wait_for("job_finished", timeout=60)
            ready = _get(f"http://127.0.0.1:{port}/readyz")
            assert ready.status_code == 503
            assert ready.json()["reason"] == "no check has succeeded yet"
            assert ready.json()["last_status"] == "failed"
        finally:
            assert bot.stop() == 0, bot.log()
        assert len(receiver.bodies) == 1
        assert "pmo-bot check failed" in receiver.bodies[0]["text"]
        assert "s3cr3t-hook" not in bot.log()

        # 2. Jira back: the run succeeds, readiness turns 200, then 503 once the success is older than allowed.
        port = free_port()
        healthy = bot_env(
            site,
            url,
            PMO_ALERT_WEBHOOK_URL=receiver.url,
            PMO_READY_MAX_AGE_MINUTES="0.1",
            PMO_HTTP_PORT=str(port),
            **schedule,
        )
        bot = Bot(["serve", "--run-now"], healthy, tmp_path)
        try:
            bot.wait_for("job_finished", timeout=120)
            ready = _get(f"http://127.0.0.1:{port}/readyz")
            assert ready.status_code == 200, ready.text
            assert ready.json()["ready"] is True
            page = _get(f"http://127.0.0.1:{port}/metrics")
            assert page.headers["content-type"].startswith("text/plain")
            samples = _samples(page.text)
            time.sleep(6.5)
            stale = _get(f"http://127.0.0.1:{port}/readyz")
        finally:
            assert bot.stop() == 0, bot.log()
        assert stale.status_code == 503
        assert stale.json()["reason"].startswith("the last successful check was ")
        assert "recovered" in receiver.bodies[-1]["text"]
        assert len(receiver.bodies) == 2

    def value(name: str, **labels: str) -> float:
        return samples.get((name, tuple(sorted(labels.items()))), 0.0)

    assert value("pmo_bot_runs_total", job="check", status="succeeded") == 1
    assert value("pmo_bot_run_duration_seconds_count", job="check") == 1
    assert value("pmo_bot_items_checked") > 20
    assert value("pmo_bot_comment_writes_total", action="create") > 0
    assert value("pmo_bot_requests_total", service="jira", endpoint="search", status="200") > 0
    assert value("pmo_bot_lease_held", job="check") == 0  # released after the run
    assert abs(value("pmo_bot_last_success_timestamp_seconds", job="check") - time.time()) < 120
    assert value("pmo_bot_rule_file_errors") == 0
    findings = {labels: v for (name, labels), v in samples.items() if name == "pmo_bot_findings"}
    assert findings
    assert {dict(labels)["severity"] for labels in findings} <= {"error", "warning", "info"}
