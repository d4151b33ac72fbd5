"""The whole cycle on each state database: SQLite always, PostgreSQL when PMO_TEST_DATABASE_URL is set (CI)."""

from __future__ import annotations

from datetime import UTC, datetime

from pmo_bot.jobs import check_job
from pmo_bot.report.job import report_job
from pmo_bot.sandbox.running import RunningSandbox
from pmo_bot.store import open_from_settings
from tests.e2e.conftest import settings_for


def test_check_and_report_on_this_backend(dc_sandbox: RunningSandbox, db_url: str) -> None:
    settings = settings_for(dc_sandbox, None, PMO_DATABASE_URL=db_url)
    first, _ = check_job(settings)
    assert first.writes_done.get("create", 0) > 0
    second, _ = check_job(settings)
    assert second.writes_done == {}
    now = datetime.now(UTC)
    assert report_job(settings, now=now).published is not None
    again = report_job(settings, now=now)
    assert again.published is not None
    assert again.published.action == "unchanged"
    with open_from_settings(settings) as store:
        items = store.items.all()
        assert len(items) == first.items_checked
        assert all(item.updated.tzinfo is not None for item in items)  # UTC round trip on this backend
        assert len(store.comments.all()) == first.writes_done["create"]
