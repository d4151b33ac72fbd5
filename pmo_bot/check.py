"""The check cycle: sync -> evaluate -> record findings -> plan comments -> (cap) -> write -> record the run.

The CLI and the scheduler both call ``run_check``. Everything it needs arrives through ``CheckDeps``; tests
pass fakes or sandbox-backed adapters. Failures of single items are counted and reported; systemic failures
(authentication, configuration) fail the run with a clear message.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from pmo_bot import logs, wiring
from pmo_bot.atlassian.ports import BotIdentity, JiraPort
from pmo_bot.comments.notes import issue_notes, waiver_warnings
from pmo_bot.comments.plan import (
    Action,
    CommentPolicy,
    ExistingComment,
    PlannedComment,
    apply_cap,
    plan_comments,
    writes_in,
)
from pmo_bot.comments.writer import CommentWriter
from pmo_bot.config import CheckOptions, Settings
from pmo_bot.domain import Finding
from pmo_bot.errors import PmoError, WriteCapExceeded
from pmo_bot.evaluation import evaluate_portfolio, record_evaluation
from pmo_bot.permissions import COMMENT_WRITES, comment_blocks, read_access
from pmo_bot.portfolio import iso_week
from pmo_bot.projects import projects_in_scope
from pmo_bot.rules.loader import Bundle
from pmo_bot.store import Store
from pmo_bot.store.records import CommentState, RunKind, RunStatus
from pmo_bot.sync.jqlscope import JqlScope, require_valid, resolve_jql_scopes, scope_keys
from pmo_bot.sync.runner import SyncOptions, SyncReport, sync

log = logs.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class CheckDeps:
    jira: JiraPort
    store: Store
    bundle: Bundle
    settings: Settings
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    progress: Callable[[int, int | None], None] | None = None  # issues fetched so far, total if known


@dataclass(frozen=True, slots=True)
class CheckSummary:
    run_id: int
    status: RunStatus
    dry_run: bool
    sync: SyncReport
    items_checked: int
    findings_by_severity: Mapping[str, int]
    findings_by_category: Mapping[str, int]
    waived: int
    plan: tuple[PlannedComment, ...]
    writes_planned: int
    writes_done: Mapping[str, int]
    write_failures: Mapping[str, str]
    adopted: int
    duration_seconds: float
    projects_skipped: tuple[str, ...] = ()  # configured but unknown to Jira or invisible to the bot
    scopes: tuple[JqlScope, ...] = ()  # scope.jql fragments and the issues each matched
    writes_skipped: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # project -> writes, reason
    findings_by_rule: Mapping[str, int] = field(default_factory=dict)  # open (not waived) findings per rule id
    pending_refreshes: int = 0  # wording-only comment edits left for later runs by the write cap
    ignored_states: int = 0  # issue properties naming a comment that is not the bot's: not touched
    template_errors: Mapping[str, int] = field(default_factory=dict)  # rule id -> items whose text failed
    warnings: tuple[str, ...] = ()  # waivers for unknown issues, waivers expiring soon
    evaluation: tuple[str, int, str] = ("full", 0, "")  # kind, items evaluated now, why (see evaluation.py)

    @property
    def failed(self) -> bool:
        return self.status is RunStatus.FAILED

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "status": self.status.value,
            "dry_run": self.dry_run,
            "sync": {
                "kind": self.sync.kind,
                "fetched": self.sync.fetched,
                "inserted": self.sync.inserted,
                "changed": self.sync.changed,
                "unchanged": self.sync.unchanged,
                "bot_only": self.sync.bot_only,
                "deleted": self.sync.deleted,
                "skipped": dict(self.sync.skipped),
                "seconds": round(self.sync.seconds, 3),
            },
            "coverage": {
                "items_checked": self.items_checked,
                "skipped": sum(self.sync.skipped.values()),
                "skipped_reasons": dict(self.sync.skipped),
                "projects_skipped": list(self.projects_skipped),
            },
            "evaluation": {
                "kind": self.evaluation[0],
                "evaluated": self.evaluation[1],
                "reused": self.items_checked - self.evaluation[1],
                "reason": self.evaluation[2],
            },
            "findings": {
                "by_severity": dict(self.findings_by_severity),
                "by_category": dict(self.findings_by_category),
                "by_rule": dict(sorted(self.findings_by_rule.items())),
                "waived": self.waived,
            },
            "comments": {
                "planned": {a.value: sum(1 for p in self.plan if p.action is a) for a in Action},
                "writes_planned": self.writes_planned,
                "writes_done": dict(self.writes_done),
                "failed": dict(self.write_failures),
                "adopted": self.adopted,
                "skipped": {project: dict(entry) for project, entry in self.writes_skipped.items()},
                "pending_refreshes": self.pending_refreshes,
                "ignored_states": self.ignored_states,
            },
            "template_errors": dict(self.template_errors),
            "warnings": list(self.warnings),
            "duration_seconds": round(self.duration_seconds, 3),
            "scopes": [{"jql": s.fragment, "rules": list(s.rules), "issues": len(s.keys or ())} for s in self.scopes],
        }


def zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):
        return UTC


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def grace_history(store: Store, tz: tzinfo) -> dict[tuple[str, str], date]:
    """The first day each (rule, item) failed: the failing-since clock, else the finding's first sighting."""
    history = store.findings.first_seen_dates(tz)
    for pair, day in store.failing.dates(tz).items():
        history[pair] = min(day, history.get(pair, day))
    return history


def existing_comments(store: Store, states: Mapping[str, Mapping[str, Any]]) -> dict[str, ExistingComment]:
    """The bot's comments as the store knows them, completed from the issue properties Jira returned."""
    found: dict[str, ExistingComment] = {}
    for key, value in states.items():
        if not isinstance(value, Mapping):
            continue
        comment_id, fingerprint = value.get("commentId"), value.get("fingerprint")
        if comment_id and value.get("state") != CommentState.DELETED.value:
            # Anyone who may edit the issue can set this property: the writer verifies the comment first.
            resolved = value.get("state") == "resolved"
            written = _day(value.get("written"))
            found[key] = ExistingComment(key, str(comment_id), str(fingerprint or ""), resolved, written, trusted=False)
    for key, record in store.comments.all().items():
        if record.state is CommentState.DELETED:
            found.pop(key, None)
        else:
            resolved = record.state is CommentState.RESOLVED
            written = record.updated_at.date()
            found[key] = ExistingComment(key, record.comment_id, record.fingerprint, resolved, written)
    return found


def no_comment_yet(flavor: str, report: SyncReport, store: Store) -> frozenset[str]:
    """Issues on which the bot certainly has no comment, so a create needs no look-up first: this sync fetched
    them with their issue properties (Cloud) and found none, the store knew them before (it is not a new or
    lost database) and holds no comment record and no create in flight for them."""
    if flavor != "cloud":  # Data Center's search does not return properties
        return frozenset()
    known = set(store.comments.all()) | store.comments.intended() | set(report.states) | report.new_keys
    return frozenset(report.fetched_keys - known)


def run_check(deps: CheckDeps, options: CheckOptions) -> CheckSummary:
    started = time.monotonic()
    store = deps.store
    run = store.runs.start(RunKind.CHECK, deps.clock())
    log.info("check_started", run_id=run.id, dry_run=options.dry_run, baseline=options.baseline)
    try:
        summary = _check(deps, options, run.id, started)
    except PmoError as error:
        store.runs.finish(run.id, RunStatus.FAILED, deps.clock(), error=str(error))
        log.error("check_failed", run_id=run.id, error=str(error))
        raise
    store.runs.finish(run.id, summary.status, deps.clock(), counts=summary.as_dict())
    log.info("check_finished", run_id=run.id, status=summary.status.value, writes=sum(summary.writes_done.values()))
    return summary


def _check(deps: CheckDeps, options: CheckOptions, run_id: int, started: float) -> CheckSummary:
    store, settings, jira = deps.store, deps.settings, deps.jira
    me: BotIdentity = jira.myself()
    projects, projects_skipped = projects_in_scope(jira, options.projects or settings.projects)
    fmap = wiring.field_map(settings, jira)
    scopes = resolve_jql_scopes(jira, projects, deps.bundle.ruleset)  # before any write: a refused one stops here
    require_valid(scopes)
    comments_now = store.comments.all()
    report = sync(
        jira,
        store,
        SyncOptions(
            projects=projects,
            full=options.full,
            overlap_minutes=settings.sync_overlap_minutes,
            full_every_hours=settings.full_sync_every_hours,
            search_streams=settings.concurrent_searches,
        ),
        fmap,
        run_id=run_id,
        now=deps.clock(),
        time_zone=me.time_zone,
        bot_wrote_at=lambda key: comments_now[key].updated_at if key in comments_now else None,
        progress=deps.progress,
        bot=me,
    )
    tz = zone(settings.schedule.timezone)
    now = deps.clock()
    today = now.astimezone(tz).date()
    ctx = deps.bundle.context(
        today,
        first_seen=grace_history(store, tz),
        tz=tz,
        acceptance_markers=settings.acceptance_markers,
        jql_scopes=scope_keys(scopes),
        locale=settings.locale,
    )
    force = "--full" if options.full else "--baseline" if options.baseline else None
    evaluation = evaluate_portfolio(store, deps.bundle, ctx, projects=projects, mode=settings.mode, force_full=force)
    findings = list(evaluation.findings)
    keys = list(evaluation.keys)

    plan: list[PlannedComment] = []
    writes_skipped: dict[str, dict[str, Any]] = {}
    writes_done: dict[str, int] = {}
    failures: dict[str, str] = {}
    adopted = ignored = pending = 0
    existing = existing_comments(store, report.states)
    notes = issue_notes(store, findings, existing, ctx) if not options.baseline else {}
    if not options.dry_run:
        record_evaluation(store, evaluation, projects, now, baseline=options.baseline)
        if evaluation.weekly is not None:  # a full evaluation (at least the day's first run): this week's numbers
            for scope, numbers in evaluation.weekly.items():
                store.snapshots.record(iso_week(today), scope, numbers, now)
    if not options.baseline:
        # Planned: the issues in scope with findings or with a comment of the bot's (so that a fixed one gets its
        # comment resolved); the others have nothing to say.
        in_scope = frozenset(keys)
        by_issue: dict[str, list[Finding]] = {key: [] for key in existing if key in in_scope}
        for finding in findings:
            by_issue.setdefault(finding.item_key, []).append(finding)
        suppressed = store.findings.baselined() if settings.baseline_new_only else frozenset()
        policy = CommentPolicy(
            resolved_comment=settings.resolved_comment,
            refresh_days=settings.comment_refresh_days,
            docs_url=settings.rules_docs_url,
            waiver_procedure=settings.waiver_procedure,
            waiver_request_url=settings.waiver_request_url,
            numbers=ctx.numbers,
            supersedes=deps.bundle.ruleset.supersedes,
            flavor=jira.flavor,
        )
        plan = plan_comments(by_issue, existing, policy, suppressed, today=today, notes=notes)
        writing = [p.issue_key for p in plan if p.action.writes]
        plan, writes_skipped = _without_forbidden(jira, plan, store.items.projects_of(writing))
        try:  # raises before any write when new, changed or resolved findings alone exceed the cap
            capped = apply_cap(plan, settings.max_comment_writes)
            plan, pending = capped.plan, capped.pending_refreshes
        except WriteCapExceeded:
            if not options.dry_run:
                raise  # a dry run shows the whole plan instead
        if not options.dry_run:
            absent = no_comment_yet(jira.flavor, report, store)
            writer = CommentWriter(jira, store, me, today=today, clock=deps.clock, known_absent=absent)
            result = writer.apply(plan)
            writes_done, failures, adopted, ignored = result.done, result.failed, result.adopted, result.ignored

    status = RunStatus.PARTIAL if failures or projects_skipped else RunStatus.SUCCEEDED
    return CheckSummary(
        run_id=run_id,
        status=status,
        dry_run=options.dry_run,
        sync=report,
        items_checked=len(keys),
        evaluation=(evaluation.kind, len(evaluation.evaluated), evaluation.reason),
        findings_by_severity=dict(Counter(f.severity.value for f in findings if not f.waived)),
        findings_by_category=dict(Counter(f.category for f in findings if not f.waived)),
        findings_by_rule=dict(Counter(f.rule_id for f in findings if not f.waived)),
        waived=sum(1 for f in findings if f.waived),
        plan=tuple(plan),
        writes_planned=writes_in(plan),
        writes_done=writes_done,
        write_failures=failures,
        adopted=adopted,
        duration_seconds=time.monotonic() - started,
        projects_skipped=tuple(projects_skipped),
        scopes=scopes,
        writes_skipped=writes_skipped,
        pending_refreshes=pending,
        ignored_states=ignored,
        template_errors=dict(Counter(rule_id for rule_id, _ in evaluation.template_errors)),  # of those evaluated now
        warnings=tuple(waiver_warnings(ctx, keys, deps.bundle.ruleset.ids)),
    )


def _without_forbidden(
    jira: JiraPort, plan: list[PlannedComment], project_of: Mapping[str, str]
) -> tuple[list[PlannedComment], dict[str, dict[str, Any]]]:
    """The plan without the writes in projects where the bot may not comment, and what was set aside (asked
    only when something would be written: one ``mypermissions`` request per project with writes)."""
    writing = sorted({project_of.get(p.issue_key, "") for p in plan if p.action.writes} - {""})
    blocks = comment_blocks(read_access(jira, writing, ("BROWSE_PROJECTS", *COMMENT_WRITES))) if writing else {}
    if not blocks:
        return plan, {}
    kept: list[PlannedComment] = []
    skipped: dict[str, dict[str, Any]] = {}
    for planned in plan:
        project = project_of.get(planned.issue_key, "")
        if planned.action.writes and project in blocks:
            entry = skipped.setdefault(project, {"writes": 0, "reason": blocks[project]})
            entry["writes"] += 1
        else:
            kept.append(planned)
    for project, entry in skipped.items():
        log.warning("comment_writes_skipped", project=project, writes=entry["writes"], reason=entry["reason"])
    return kept, skipped
