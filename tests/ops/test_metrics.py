"""Metrics: Prometheus names, label values bounded, and the HTTP seam's hooks count what really happened."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import responses
from prometheus_client.parser import text_string_to_metric_families

from pmo_bot.atlassian.polite import PoliteSession, RetryPolicy, Throttle
from pmo_bot.ops import metrics


def _sample(name: str, **labels: str) -> float:
    for family in text_string_to_metric_families(metrics.exposition().decode()):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return float(sample.value)
    return 0.0


def test_every_name_follows_prometheus_conventions() -> None:
    families = list(text_string_to_metric_families(metrics.exposition().decode()))
    names = {f.name for f in families}
    assert names >= {"pmo_bot_runs", "pmo_bot_run_duration_seconds", "pmo_bot_requests", "pmo_bot_lease_held"}
    for family in families:
        assert family.name.startswith("pmo_bot_")
        assert family.documentation
        if family.type == "counter":
            assert all(s.name.endswith(("_total", "_created")) for s in family.samples), family.name


def test_endpoint_classes_never_carry_an_issue_key_or_id() -> None:
    assert metrics.endpoint_class("/rest/api/3/issue/PAY-12/comment/10001") == "comment"
    assert metrics.endpoint_class("/rest/api/3/search/jql") == "search"
    assert metrics.endpoint_class("/rest/api/3/issue/PAY-12/properties/pmo-bot.state") == "property"
    assert metrics.endpoint_class("/wiki/api/v2/pages/123") == "page"
    assert metrics.service_of("/wiki/api/v2/pages/123") == "confluence"
    assert metrics.service_of("/rest/api/content/99/child/attachment") == "confluence"
    assert metrics.service_of("/rest/api/2/issue/PAY-1") == "jira"
    assert metrics.endpoint_class("/rest/api/3/whatever/else") == "other"


@responses.activate
def test_429s_by_reason_retries_and_statuses_are_counted_at_the_http_seam() -> None:
    url = "http://127.0.0.1:9/rest/api/3/issue/PAY-1/comment"
    limited = {"status": 429, "headers": {"Retry-After": "0", "RateLimit-Reason": "jira-burst-based"}, "json": {}}
    responses.add(responses.GET, url, **limited)  # type: ignore[arg-type]
    responses.add(responses.GET, url, status=503, json={})
    responses.add(responses.GET, url, json={"comments": []})
    before = {
        "limited": _sample("pmo_bot_rate_limited_total", service="jira", reason="jira-burst-based"),
        "retries": _sample("pmo_bot_request_retries_total", service="jira"),
        "ok": _sample("pmo_bot_requests_total", service="jira", endpoint="comment", status="200"),
        "503": _sample("pmo_bot_requests_total", service="jira", endpoint="comment", status="503"),
    }
    session = PoliteSession(
        Throttle(rate=0, sleep=lambda _s: None),
        policy=RetryPolicy(max_retries=3, base_delay=0.0),
        rng=random.Random(1),
    )
    assert session.get(url).status_code == 200
    assert _sample("pmo_bot_rate_limited_total", service="jira", reason="jira-burst-based") == before["limited"] + 1
    assert _sample("pmo_bot_request_retries_total", service="jira") == before["retries"] + 2
    assert _sample("pmo_bot_requests_total", service="jira", endpoint="comment", status="200") == before["ok"] + 1
    assert _sample("pmo_bot_requests_total", service="jira", endpoint="comment", status="503") == before["503"] + 1


def test_every_metric_is_documented_for_operators() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "deploy.md").read_text()
    for family in text_string_to_metric_families(metrics.exposition().decode()):
        name = family.name + ("_total" if family.type == "counter" else "")
        assert f"| `{name}` |" in doc, name


@responses.activate
def test_a_lost_lease_stops_writes_before_they_are_sent_but_not_reads() -> None:
    from pmo_bot.atlassian.polite import WRITE_GUARD
    from pmo_bot.errors import LeaseLost

    page = "http://127.0.0.1:9/wiki/api/v2/pages"
    responses.add(responses.POST, page, json={"id": "1"})
    responses.add(responses.GET, page, json={"results": []})

    def lost() -> None:
        raise LeaseLost("report: the run lease was lost")

    session = PoliteSession(Throttle(rate=0, sleep=lambda _s: None), policy=RetryPolicy(max_retries=2))
    token = WRITE_GUARD.set(lost)
    try:
        assert session.get(page).status_code == 200  # reads go on
        with pytest.raises(LeaseLost):
            session.post(page, json={"title": "x"})
    finally:
        WRITE_GUARD.reset(token)
    assert [c.request.method for c in responses.calls] == ["GET"]  # the write never left
    assert session.post(page, json={"title": "x"}).status_code == 200  # outside a run: no guard
