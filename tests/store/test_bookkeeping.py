"""Bot comments, sync watermarks, weekly snapshots and report pages; and that no secret reaches a table."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from pmo_bot.config import load_settings
from pmo_bot.store import Store
from pmo_bot.store.models import metadata
from pmo_bot.store.records import CommentState, ReportPage, RunKind, RunStatus
from tests.factories import T0, make_finding, make_item

T1 = T0 + timedelta(hours=1)
T2 = T0 + timedelta(hours=2)


def test_a_comment_record_keeps_its_creation_time_while_the_comment_id_stays(store: Store) -> None:
    made = store.comments.record("PAY-1", "10001", fingerprint="f1", body_hash="b1", state=CommentState.OPEN, now=T0)
    edited = store.comments.record(
        "PAY-1", "10001", fingerprint="f2", body_hash="b2", state=CommentState.RESOLVED, now=T1
    )
    assert (edited.created_at, edited.updated_at, edited.fingerprint, edited.state) == (
        T0,
        T1,
        "f2",
        CommentState.RESOLVED,
    )
    assert store.comments.get("PAY-1") == edited
    assert made.created_at == T0
    replaced = store.comments.record(
        "PAY-1", "10050", fingerprint="f3", body_hash="b3", state=CommentState.OPEN, now=T2
    )
    assert replaced.created_at == T2
    assert list(store.comments.all()) == ["PAY-1"]
    assert store.comments.forget("PAY-1") is True
    assert store.comments.forget("PAY-1") is False
    assert store.comments.get("PAY-1") is None


def test_a_watermark_never_moves_backwards(store: Store) -> None:
    assert store.watermarks.get("jql:abc") is None
    first = store.watermarks.advance("jql:abc", T1, T1, full_sync=True)
    assert (first.last_updated, first.last_full_sync_at) == (T1, T1)
    later = store.watermarks.advance("jql:abc", T0, T2, full_sync=False)  # an out-of-order, older page
    assert (later.last_updated, later.last_full_sync_at) == (T1, T1)
    empty = store.watermarks.advance("jql:abc", None, T2, full_sync=True)
    assert (empty.last_updated, empty.last_full_sync_at) == (T1, T2)
    store.watermarks.reset("jql:abc")
    assert store.watermarks.get("jql:abc") is None


def test_weekly_snapshots_upsert_per_week_and_scope_and_give_history_oldest_first(store: Store) -> None:
    for week, score in [("2026-W45", 0.7), ("2026-W46", 0.75), ("2026-W47", 0.8), ("2026-W48", 0.1)]:
        store.snapshots.record(week, "portfolio", {"compliance": score}, T0)
    store.snapshots.record("2026-W48", "portfolio", {"compliance": 0.9, "open": {"error": 2}}, T1)  # rerun wins
    store.snapshots.record("2026-W48", "PAY", {"compliance": 0.5}, T1)
    history = store.snapshots.history("portfolio", "2026-W48", weeks=3)
    assert [(s.week, s.metrics["compliance"]) for s in history] == [
        ("2026-W46", 0.75),
        ("2026-W47", 0.8),
        ("2026-W48", 0.9),
    ]
    latest = store.snapshots.get("2026-W48", "portfolio")
    assert latest is not None
    assert dict(latest.metrics) == {"compliance": 0.9, "open": {"error": 2}}
    assert store.snapshots.scopes("2026-W48") == ["PAY", "portfolio"]
    assert store.snapshots.history("portfolio", "2026-W44") == []


@pytest.mark.parametrize("week", ["2026-48", "2026-W54", "26-W01", "2026-W00"])
def test_weeks_must_be_iso_weeks(store: Store, week: str) -> None:
    with pytest.raises(ValueError, match="ISO week"):
        store.snapshots.record(week, "portfolio", {}, T0)


def test_a_report_page_record_is_replaced_per_week(store: Store) -> None:
    page = ReportPage("2026-W48", "98765", "Portfolio report — 2026-W48", 1, "c1", {"trend.png": "h1"}, T0)
    assert store.pages.record(page) == page
    newer = ReportPage("2026-W48", "98765", page.title, 2, "c2", {"trend.png": "h2", "all.csv": "h3"}, T1)
    store.pages.record(newer)
    assert store.pages.get("2026-W48") == newer
    assert store.pages.get("2026-W47") is None
    assert [p.version for p in store.pages.all()] == [2]


def test_no_configured_secret_ever_reaches_a_table(store: Store) -> None:
    settings = load_settings(None, {"PMO_JIRA_TOKEN": "tok-Zq81-never-stored", "PMO_CONFLUENCE_TOKEN": "conf-77x"})
    assert settings.jira_token is not None
    run = store.runs.start(RunKind.CHECK, T0)
    store.items.upsert([make_item("PAY-1")], run.id)
    store.findings.reconcile([make_finding()], ["PAY-1"], T0)
    store.runs.finish(run.id, RunStatus.FAILED, T1, {"seen": 1}, error="GET failed with token=tok-Zq81-never-stored")
    with store.db.engine.connect() as connection:
        dump = " ".join(
            str(row) for name in metadata.tables for row in connection.execute(text(f"SELECT * FROM {name}"))
        )
    assert "PAY-1" in dump
    assert "tok-Zq81-never-stored" not in dump
    assert "conf-77x" not in dump
