from __future__ import annotations

import random

import pytest
import requests
import responses

from pmo_bot.atlassian.polite import PoliteSession, RetryPolicy, Throttle, endpoint_of, is_repeatable

BASE = "http://127.0.0.1:9/rest/api/3"


class FakeClock:
    """Time that only moves when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def _session(clock: FakeClock, rate: float = 0.0, retries: int = 4) -> PoliteSession:
    throttle = Throttle(rate=rate, clock=clock, sleep=clock.sleep)
    return PoliteSession(throttle, policy=RetryPolicy(max_retries=retries), rng=random.Random(7))


def _limited(reason: str, after: int = 3) -> dict[str, object]:
    return {"status": 429, "headers": {"Retry-After": str(after), "RateLimit-Reason": reason}, "json": {}}


def test_endpoint_keys_group_by_resource_not_by_issue() -> None:
    assert endpoint_of("get", f"{BASE}/issue/PAY-12/comment") == "GET /rest/api/3/issue/{id}/comment"
    assert endpoint_of("PUT", f"{BASE}/issue/10001/comment/77") == "PUT /rest/api/3/issue/{id}/comment/{id}"


def test_only_safe_requests_count_as_repeatable() -> None:
    assert is_repeatable("GET", f"{BASE}/issue/PAY-1")
    assert is_repeatable("PUT", f"{BASE}/issue/PAY-1/comment/5")
    assert is_repeatable("POST", f"{BASE}/search/jql")
    assert is_repeatable("POST", f"{BASE}/changelog/bulkfetch")  # reads histories: a cut answer is fetched again
    assert not is_repeatable("POST", f"{BASE}/issue/PAY-1/comment")


@responses.activate
def test_burst_429_is_retried_after_retry_after(clock: FakeClock) -> None:
    url = f"{BASE}/issue/PAY-1"
    responses.add(responses.GET, url, **_limited("jira-burst-based", 3))  # type: ignore[arg-type]
    responses.add(responses.GET, url, json={"key": "PAY-1"})
    session = _session(clock)
    assert session.get(url).json() == {"key": "PAY-1"}
    assert sum(clock.slept) >= 3
    assert session.retries == 1


@responses.activate
def test_quota_429_pauses_every_endpoint_until_reset(clock: FakeClock) -> None:
    responses.add(responses.GET, f"{BASE}/issue/PAY-1", **_limited("jira-quota-tenant-based", 600))  # type: ignore[arg-type]
    responses.add(responses.GET, f"{BASE}/issue/PAY-1", json={})
    responses.add(responses.GET, f"{BASE}/myself", json={})
    session = _session(clock)
    session.get(f"{BASE}/issue/PAY-1")
    start = clock.now
    session.get(f"{BASE}/myself")  # another endpoint: still inside the paused hour? no - pause already served
    assert clock.now - start < 1
    assert sum(clock.slept) >= 600


@responses.activate
def test_quota_pause_applies_to_other_endpoints_called_meanwhile(clock: FakeClock) -> None:
    responses.add(responses.GET, f"{BASE}/issue/PAY-1", **_limited("jira-quota-tenant-based", 600))  # type: ignore[arg-type]
    session = _session(clock, retries=0)
    session.get(f"{BASE}/issue/PAY-1")  # no retries allowed: the 429 comes back, the pause stays
    responses.add(responses.GET, f"{BASE}/myself", json={})
    before = clock.now
    session.get(f"{BASE}/myself")
    assert clock.now - before >= 600


@responses.activate
def test_per_issue_429_slows_writes_to_that_issue_only(clock: FakeClock) -> None:
    session = _session(clock, retries=0)
    responses.add(responses.PUT, f"{BASE}/issue/PAY-1", **_limited("jira-per-issue-on-write", 30))  # type: ignore[arg-type]
    assert session.put(f"{BASE}/issue/PAY-1", json={}).status_code == 429
    responses.add(responses.PUT, f"{BASE}/issue/PAY-2", status=204)
    before = clock.now
    session.put(f"{BASE}/issue/PAY-2", json={})
    assert clock.now - before < 1  # another issue is not held back
    responses.add(responses.PUT, f"{BASE}/issue/PAY-1", status=204)
    session.put(f"{BASE}/issue/PAY-1", json={})
    assert clock.now - before >= 30


@responses.activate
def test_server_errors_back_off_exponentially_then_return_the_last_response(clock: FakeClock) -> None:
    url = f"{BASE}/issue/PAY-1"
    for _ in range(3):
        responses.add(responses.GET, url, status=502)
    session = _session(clock, retries=2)
    assert session.get(url).status_code == 502
    assert len(responses.calls) == 3
    assert clock.slept[0] == pytest.approx(2, rel=0.31)
    assert clock.slept[1] == pytest.approx(4, rel=0.31)


@responses.activate
def test_503_retry_after_is_honoured(clock: FakeClock) -> None:
    url = f"{BASE}/myself"
    responses.add(responses.GET, url, status=503, headers={"Retry-After": "9"})
    responses.add(responses.GET, url, json={})
    _session(clock).get(url)
    assert clock.slept == [9.0]


@responses.activate
def test_comment_create_is_not_repeated_after_an_ambiguous_failure(clock: FakeClock) -> None:
    url = f"{BASE}/issue/PAY-1/comment"
    responses.add(responses.POST, url, status=500)
    assert _session(clock).post(url, json={}).status_code == 500
    assert len(responses.calls) == 1
    responses.replace(responses.POST, url, body=requests.ConnectionError("connection dropped"))
    with pytest.raises(requests.ConnectionError):
        _session(clock).post(url, json={})


@responses.activate
def test_dropped_connection_on_a_read_is_retried(clock: FakeClock) -> None:
    url = f"{BASE}/search/jql"
    responses.add(responses.POST, url, body=requests.ConnectionError("reset by peer"))
    responses.add(responses.POST, url, json={"issues": [], "isLast": True})
    assert _session(clock).post(url, json={"jql": "project = PAY"}).json()["isLast"] is True


@responses.activate
def test_request_rate_spaces_calls(clock: FakeClock) -> None:
    url = f"{BASE}/myself"
    responses.add(responses.GET, url, json={})
    session = _session(clock, rate=5)
    start = clock.now
    for _ in range(6):
        session.get(url)
    assert clock.now - start == pytest.approx(1.0)
