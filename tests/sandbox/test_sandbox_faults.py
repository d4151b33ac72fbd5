"""Fault injection: reproducible by seed, real 429/503 headers, per-issue write limits, dropped connections."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

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


STORM_REQUESTS = [
    ("POST", "/rest/api/3/search/jql"),
    ("GET", "/rest/api/3/issue/ALP-2/comment"),
    ("POST", "/rest/api/3/issue/ALP-2/comment"),
    ("PUT", "/rest/api/3/issue/ALP-2/properties/pmo-bot.state"),
] * 150
EVERY_REASON = ("jira-burst-based", "jira-per-issue-on-write", "jira-quota-tenant-based")


def drawn(settings: FaultSettings) -> list[tuple[int | None, str | None, str | None]]:
    injector = FaultInjector(settings)
    return [(d.status, d.reason, d.drop) for d in (injector.decide(m, p) for m, p in STORM_REQUESTS)]


def test_several_reasons_and_drop_modes_are_drawn_by_seed_without_shifting_the_faults() -> None:
    rates: dict[str, Any] = {"seed": 4, "rate_429": 0.3, "rate_503": 0.1, "drop_rate": 0.3}
    single = drawn(FaultSettings(**rates))
    mixed = drawn(FaultSettings(**rates, reason_429=EVERY_REASON, drop_mode=("before-apply", "after-apply")))

    assert mixed == drawn(FaultSettings(**rates, reason_429=EVERY_REASON, drop_mode=("before-apply", "after-apply")))
    # The same requests fail with the same statuses, and the same ones are dropped: only reason and mode vary.
    assert [(status, drop is None) for status, _, drop in mixed] == [(s, d is None) for s, _, d in single]
    assert {reason for _, reason, _ in single} == {None, "jira-burst-based"}
    served = {(method, reason) for (method, _), (_, reason, _) in zip(STORM_REQUESTS, mixed, strict=True) if reason}
    assert {reason for _, reason in served} == set(EVERY_REASON)
    # Jira limits per issue only writes to an issue; reads and searches are limited for the other reasons.
    assert {method for method, reason in served if reason == "jira-per-issue-on-write"} == {"POST", "PUT"}
    assert ("GET", "jira-burst-based") in served
    assert {drop for _, _, drop in mixed} == {None, "before-apply", "after-apply"}
    assert drawn(FaultSettings(**rates | {"seed": 5}, reason_429=EVERY_REASON)) != mixed


def test_lists_of_reasons_and_modes_round_trip_and_an_empty_list_is_refused(small_site: RunningSandbox) -> None:
    set_faults(small_site, rate_429=0.5, reason_429=list(EVERY_REASON), drop_mode=["before-apply", "after-apply"])
    shown = requests.get(f"{small_site.url}/_sandbox/faults").json()
    assert shown["reason_429"] == list(EVERY_REASON)
    assert shown["drop_mode"] == ["before-apply", "after-apply"]
    refused = requests.put(f"{small_site.url}/_sandbox/faults", json={"reason_429": []})
    assert refused.status_code == 400


def test_a_search_answered_from_a_lagging_index_is_named_in_the_request_log(
    http: requests.Session, small_site: RunningSandbox
) -> None:
    site = small_site
    search = f"{site.url}/rest/api/3/search/jql" if site.flavor == "cloud" else f"{site.url}/rest/api/2/search"
    set_faults(site, search_lag_seconds=0.5, latency_ms=1)
    assert http.put(f"{site.url}/rest/api/2/issue/ALP-2", json={"fields": {"summary": "Renamed"}}).ok
    cursor = site.last_request_id()

    def summary() -> str:
        found = http.get(search, params={"jql": "key = ALP-2", "fields": "summary"}).json()
        return str(found["issues"][0]["fields"]["summary"])

    assert summary() != "Renamed"
    time.sleep(0.6)  # the index catches up
    assert summary() == "Renamed"
    deadline = time.monotonic() + 5
    while len(logged := [r["fault"] for r in site.requests(cursor) if r["path"] == urlsplit(search).path]) < 2:
        assert time.monotonic() < deadline, logged
        time.sleep(0.01)  # a request is logged just after its answer went out
    assert logged == ["search-lag", "latency"]
