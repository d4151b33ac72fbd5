"""Data Center: the state property is read per issue, only where it matters (its search cannot return it)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from pmo_bot.errors import AuthError, RemoteError
from pmo_bot.sync.runner import SyncReport
from pmo_bot.sync.states import with_dc_states
from tests.factories import make_finding

STATE = {"commentId": "900", "fingerprint": "abc", "state": "open"}


class PropertyReader:
    def __init__(self, flavor: str, values: dict[str, Any], fail: dict[str, Exception] | None = None) -> None:
        self.flavor = flavor
        self.values = values
        self.fail = fail or {}
        self.read: list[str] = []

    def get_issue_property(self, key: str, name: str) -> Any:
        assert name == "pmo-bot.state"
        self.read.append(key)
        if key in self.fail:
            raise self.fail[key]
        return self.values.get(key)


def report(states: dict[str, Any] | None = None) -> SyncReport:
    return SyncReport("full", "project = PAY", 4, 4, 0, 0, 0, 0, states=states or {})


def store(recorded: set[str]) -> Any:
    return SimpleNamespace(comments=SimpleNamespace(all=lambda: dict.fromkeys(recorded)))


def test_reads_only_issues_with_findings_the_store_has_no_comment_of() -> None:
    jira = PropertyReader("datacenter", {"PAY-1": STATE, "PAY-2": None})
    findings = [make_finding(item_key=k) for k in ("PAY-1", "PAY-2", "PAY-3", "PAY-1")]
    done = with_dc_states(jira, store({"PAY-3"}), report(), findings)  # type: ignore[arg-type]
    assert jira.read == ["PAY-1", "PAY-2"]  # not PAY-3 (recorded), not clean issues, once each
    assert done.states == {"PAY-1": STATE}


def test_cloud_reads_nothing_its_search_returned_them() -> None:
    jira = PropertyReader("cloud", {"PAY-1": STATE})
    given = report({"PAY-9": STATE})
    assert with_dc_states(jira, store(set()), given, [make_finding()]) is given  # type: ignore[arg-type]
    assert jira.read == []


def test_an_unreadable_property_is_skipped_but_bad_credentials_fail_the_run() -> None:
    jira = PropertyReader("datacenter", {"PAY-2": STATE}, fail={"PAY-1": RemoteError("HTTP 500", status=500)})
    findings = [make_finding(item_key="PAY-1"), make_finding(item_key="PAY-2")]
    assert with_dc_states(jira, store(set()), report(), findings).states == {"PAY-2": STATE}  # type: ignore[arg-type]
    denied = PropertyReader("datacenter", {}, fail={"PAY-1": AuthError("HTTP 401", status=401)})
    with pytest.raises(AuthError):
        with_dc_states(denied, store(set()), report(), findings)  # type: ignore[arg-type]
