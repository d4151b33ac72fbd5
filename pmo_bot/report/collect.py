"""Gather ``ReportInputs`` for an ISO week from the store and the rule files. The only I/O of the report."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pmo_bot.config import Settings
from pmo_bot.errors import UsageError
from pmo_bot.ops.refused import refused
from pmo_bot.report import archive
from pmo_bot.report.inputs import ReportInputs
from pmo_bot.rules.loader import Bundle
from pmo_bot.store import Store
from pmo_bot.store.records import FindingStatus, RunKind

RECENT_DAYS = 14


def parse_week(text: str) -> tuple[int, int]:
    try:
        year, week = text.upper().split("-W")
        monday = date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        raise UsageError(f"--week {text!r}: expected an ISO week such as 2026-W48") from None
    return monday.isocalendar()[0], monday.isocalendar()[1]


def as_of(week: str, today: date) -> date:
    """Today for the current (or a future) week; that week's Sunday for a past one."""
    year, number = parse_week(week)
    sunday = date.fromisocalendar(year, number, 7)
    return min(today, sunday)


def collect(store: Store, bundle: Bundle, settings: Settings, week: str, now: datetime) -> ReportInputs:
    tz = ZoneInfo(settings.schedule.timezone)
    day = as_of(week, now.astimezone(tz).date())
    since = datetime.combine(day - timedelta(days=RECENT_DAYS), time(), tzinfo=UTC)
    items = tuple(store.items.all(settings.projects))
    keys = {item.key for item in items}
    active = store.findings.all((FindingStatus.OPEN, FindingStatus.WAIVED))
    resolved = store.findings.all((FindingStatus.RESOLVED,), since=since)
    findings = tuple(f for f in (*active, *resolved) if f.finding.item_key in keys)
    scopes = ["portfolio", *sorted({item.project for item in items})]
    history = {scope: tuple(store.snapshots.history(scope, week)) for scope in scopes}
    jira_url = (settings.jira_url or "").rstrip("/")
    earlier = store.reports.before(week)
    rejected = refused(store)
    return ReportInputs(
        week=week,
        today=day,
        items=items,
        findings=findings,
        ruleset=bundle.ruleset,
        context=bundle.context(day, tz=tz, acceptance_markers=settings.acceptance_markers),
        waivers=bundle.waivers,
        last_check=store.runs.latest(RunKind.CHECK),
        history=history,
        jira_browse_url=f"{jira_url}/browse",
        jira_server_id=settings.jira_server_id,
        top_n=settings.report_top_n,
        epic_order=settings.report_epic_order,
        locale=settings.locale,
        refused_files=rejected.problems,
        refused_since=rejected.since,
        previous=archive.load_state(earlier.state, earlier.week) if earlier is not None else None,
    )
