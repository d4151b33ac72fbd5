"""The weekly report, end to end: collect -> model -> render -> publish (or preview), recorded as a run."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from pmo_bot import logs, wiring
from pmo_bot.config import Flavor, Settings
from pmo_bot.errors import PmoError, UsageError
from pmo_bot.portfolio import iso_week
from pmo_bot.report import archive
from pmo_bot.report.collect import collect, parse_week
from pmo_bot.report.context import PortfolioReport
from pmo_bot.report.model import build
from pmo_bot.report.publish import Published, Publisher, RenderedPage
from pmo_bot.report.render import IndexEntry, render_html, render_index, rendered_page
from pmo_bot.report.weekstate import WeekState
from pmo_bot.rules import loader
from pmo_bot.store import Store, open_from_settings
from pmo_bot.store.records import RunKind, RunStatus

log = logs.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class ReportOutcome:
    week: str
    page: RenderedPage
    published: Published | None  # None on --dry-run
    index_action: str | None
    preview: Path | None
    space: str
    parent_title: str

    def describe(self) -> list[str]:
        size = len(self.page.body.encode())
        files = ", ".join(f"{f.filename} ({len(f.data):,} B)" for f in self.page.files) or "none"
        lines = [
            f"page:        {self.page.title!r} under {self.parent_title!r} in space {self.space}",
            f"body:        {size:,} bytes of storage format",
            f"attachments: {files}",
            f"labels:      {', '.join(self.page.labels) or 'none'}",
        ]
        if self.published is not None:
            p = self.published
            lines.append(f"published:   {p.action} (version {p.version}, {p.files_written} files written) {p.url}")
            lines.append(f"index:       {self.index_action}")
            if p.edited_by_others:
                lines.append(f"NOTE:        {p.edited_by_others}")
        else:
            lines.append("DRY RUN - nothing was written to Confluence.")
        if self.preview is not None:
            lines.append(f"preview:     {self.preview.resolve()}")
        return lines


def confluence_flavor(settings: Settings) -> Literal["cloud", "datacenter"]:
    if settings.flavor is Flavor.CLOUD:
        return "cloud"
    if settings.flavor is Flavor.DATACENTER:
        return "datacenter"
    if settings.jira_url and settings.jira_token:
        return wiring.jira_client(settings).flavor
    return "cloud" if (settings.confluence_url or "").rstrip("/").endswith("/wiki") else "datacenter"


@dataclass(frozen=True, slots=True)
class Built:
    report: PortfolioReport
    state: WeekState | None  # None when the week was rendered from its stored snapshot (a past week)
    page: RenderedPage
    preview: bytes


def this_week(settings: Settings, now: datetime) -> str:
    return iso_week(now.astimezone(ZoneInfo(settings.schedule.timezone)).date())


def stored_report(store: Store, week: str) -> PortfolioReport:
    """A past week exactly as it was published, or a clear refusal when it never was."""
    snapshot = store.reports.get(week)
    if snapshot is None:
        earliest = store.reports.earliest()
        known = f"earliest: {earliest}" if earliest else "no week has been published yet"
        raise UsageError(f"no snapshot for {week} ({known}): a past week is shown as it was published")
    return archive.load_report(snapshot.report, week)


def build_page(store: Store, settings: Settings, week: str, now: datetime) -> Built:
    """The week's report, its page and its HTML preview: live for this week, from the stored snapshot for a
    past one (never rebuilt from today's data)."""
    state: WeekState | None = None
    if week < this_week(settings, now):
        report = stored_report(store, week)
    else:
        bundle = loader.load([settings.rules_dir])
        report, state = build(collect(store, bundle, settings, week, now), settings.rag)
    page = rendered_page(
        report,
        title_pattern=settings.report_title_pattern,
        label_patterns=settings.report_labels,
        templates_dir=settings.templates_dir,
    )
    charts = {f.filename: f.data for f in page.files if f.media_type == "image/png"}
    return Built(report, state, page, render_html(report, charts, settings.templates_dir).encode())


def report_job(
    settings: Settings,
    *,
    week: str | None = None,
    dry_run: bool = False,
    output: Path | None = None,
    now: datetime | None = None,
) -> ReportOutcome:
    now = now or datetime.now(UTC)
    week = week or this_week(settings, now)
    year, number = parse_week(week)
    week = f"{year}-W{number:02d}"
    settings.require("confluence_space")
    space = settings.confluence_space or ""
    with open_from_settings(settings) as store:
        run = store.runs.start(RunKind.REPORT, now)
        try:
            built = build_page(store, settings, week, now)
            page = built.page
            if output is not None:
                output.write_bytes(built.preview)
            published: Published | None = None
            index_action: str | None = None
            if not dry_run:
                confluence = wiring.confluence_client(settings, confluence_flavor(settings))
                publisher = Publisher(confluence, store, space=space, parent_title=settings.confluence_parent_title)
                published = publisher.publish_week(week, page, now)
                if built.state is not None:  # this week's snapshot: what a later --week and "what changed" read
                    store.reports.record(week, archive.dump_report(built.report), archive.dump_state(built.state), now)
                entries = [IndexEntry(p.week, p.title, p.published_at.date()) for p in store.pages.all()]
                latest = max(e.week for e in entries)
                if latest == week:  # the index shows the newest week's headline
                    body = render_index(entries, built.report, settings.templates_dir)
                    _, index_action = publisher.publish_index(RenderedPage(publisher.index_title(), body))
                else:
                    index_action = "unchanged (a newer week is the latest)"
        except PmoError as error:
            store.runs.finish(run.id, RunStatus.FAILED, datetime.now(UTC), error=str(error))
            raise
        counts = {
            "week": week,
            "dry_run": dry_run,
            "action": published.action if published else None,
            "edited_by_others": published.edited_by_others if published else None,
        }
        store.runs.finish(run.id, RunStatus.SUCCEEDED, datetime.now(UTC), counts=counts)
    log.info("report_finished", week=week, dry_run=dry_run, action=counts["action"])
    return ReportOutcome(week, page, published, index_action, output, space, settings.confluence_parent_title)
