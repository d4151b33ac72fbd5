"""Fault injection: reproducible by seed, real 429/503 headers, per-issue write limits, dropped connections."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from pmo_bot.sandbox.faults import FaultInjector, FaultSettings
from pmo_bot.sandbox.running import RunningSandbox


def set_faults(site: RunningSandbox, **settings: Any) -> None:
    response = requests.put(f"{site.url}/_sandbox/faults", json=settings)
    assert response.status_code == 200, response.text


def statuses(http: requests.Session, site: RunningSandbox, count: int) -> list[int]:
    return [http.get(f"{site.url}/rest/api/2/myself").status_code for _ in range(count)]


def test_same_seed_same_faults(http: requests.Session, small_site: RunningSandbox) -> None:
    set_faults(small_site, seed=7, rate_429=0.3, rate_500=0.1, rate_503=0.2)
    first = statuses(http, small_site, 30)
    set_faults(small_site, seed=7, rate_429=0.3, rate_500=0.1, rate_503=0.2)
    assert statuses(http, small_site, 30) == first
    assert {429, 500, 503, 200} <= set(first)
    set_faults(small_site, seed=8, rate_429=0.3, rate_500=0.1, rate_503=0.2)
    assert statuses(http, small_site, 30) != first


def test_429_carries_atlassians_headers(http: requests.Session, small_site: RunningSandbox) -> None:
    set_faults(small_site, rate_429=1, reason_429="jira-quota-tenant-based", retry_after=7)
    response = http.get(f"{small_site.url}/rest/api/2/myself")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "7"
    assert response.headers["RateLimit-Reason"] == "jira-quota-tenant-based"
    assert response.headers["X-RateLimit-Remaining"] == "0"
    assert int(response.headers["X-RateLimit-Limit"]) > 0
    assert response.headers["X-RateLimit-Reset"].endswith("Z")


def test_503_carries_retry_after_and_filters_apply(http: requests.Session, small_site: RunningSandbox) -> None:
    set_faults(small_site, rate_503=1, retry_after=2, methods=["PUT"], path_pattern="/issue/")
    assert http.get(f"{small_site.url}/rest/api/2/issue/ALP-2").status_code == 200
    response = http.put(f"{small_site.url}/rest/api/2/issue/ALP-2", json={"fields": {"labels": []}})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "2"


def test_per_issue_write_limit() -> None:
    injector = FaultInjector(FaultSettings(per_issue_write_limits=True))
    path = "/rest/api/3/issue/ALP-2/comment"
    results = [injector.decide("POST", path, clock=100.0 + n * 0.01).status for n in range(21)]
    assert results[:20] == [None] * 20
    assert results[20] == 429
    limited = injector.decide("POST", path, clock=100.5)
    assert dict(limited.headers)["RateLimit-Reason"] == "jira-per-issue-on-write"
    assert injector.decide("POST", "/rest/api/3/issue/ALP-3/comment", clock=100.5).status is None  # other issue
    assert injector.decide("GET", path, clock=100.5).status is None  # reads are not limited
    assert injector.decide("POST", path, clock=103.0).status is None  # the 2 s window has passed
    for n in range(79):  # 100 writes within 30 s trip the second window
        injector.decide("POST", path, clock=104.0 + n * 0.2)
    assert injector.decide("POST", path, clock=125.0).status == 429


@pytest.mark.parametrize(("mode", "applied"), [("after-apply", 1), ("before-apply", 0)])
def test_dropped_connection_before_or_after_the_write(
    http: requests.Session, small_site: RunningSandbox, mode: str, applied: int
) -> None:
    set_faults(small_site, drop_rate=1, drop_mode=mode, methods=["POST"])
    with pytest.raises(requests.RequestException):
        http.post(f"{small_site.url}/rest/api/2/issue/ALP-3/comment", json={"body": "did it land?"})
    set_faults(small_site)
    listed = http.get(f"{small_site.url}/rest/api/2/issue/ALP-3/comment").json()
    assert listed["total"] == applied


def test_request_log_counts_what_clients_sent(http: requests.Session, small_site: RunningSandbox) -> None:
    cursor = small_site.last_request_id()
    http.get(f"{small_site.url}/rest/api/2/issue/ALP-2", params={"fields": "summary"})
    http.get(f"{small_site.url}/rest/api/2/issue/NOPE-1")
    logged = requests.get(f"{small_site.url}/_sandbox/requests", params={"since": cursor}).json()["requests"]
    jira = [(r["method"], r["path"], r["query"], r["status"]) for r in logged if r["path"].startswith("/rest/")]
    assert jira == [
        ("GET", "/rest/api/2/issue/ALP-2", "fields=summary", 200),
        ("GET", "/rest/api/2/issue/NOPE-1", "", 404),
    ]
