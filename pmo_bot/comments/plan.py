"""Plan the comment writes of one run: pure, so ``--dry-run`` shows exactly what the real run will do.

One comment per issue. Create it when an issue first has findings to show, edit it in place when they change,
turn it into a resolved note (or delete it) when *every* finding is gone, and write nothing otherwise.

Never a false all-clear: the comment says "all checks pass" only when nothing is open on the issue. When the
findings it shows are merely no longer shown (their rule, or the global mode, switched to audit), the comment is
left exactly as it is. When they were fixed but other findings stay open unseen (audit mode, baseline), it
becomes a "nothing to act on now" note that says so and lists what was fixed. Approved waivers are listed.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from pmo_bot.comments.content import CommentContent, ShownWaiver
from pmo_bot.comments.fit import JIRA_TEXT_LIMIT, fit_content
from pmo_bot.domain import Finding, Mode
from pmo_bot.errors import WriteCapExceeded
from pmo_bot.rules.supersede import superseded
from pmo_bot.wording import Numbers


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    RESOLVE = "resolve"
    DELETE = "delete"
    UNCHANGED = "unchanged"

    @property
    def writes(self) -> bool:
        return self is not Action.UNCHANGED


@dataclass(frozen=True, slots=True)
class ExistingComment:
    """The bot's comment on an issue as last written (from the store or recovered from Jira).

    ``trusted`` is False when the comment id comes only from the issue property ``pmo-bot.state``, which anyone
    who may edit the issue can set: the writer then checks author and marker before touching that comment.
    """

    issue_key: str
    comment_id: str
    fingerprint: str
    resolved: bool
    written: date | None = None  # when it was last written; None: unknown (refresh when wording drifts)
    trusted: bool = True


@dataclass(frozen=True, slots=True)
class PlannedComment:
    issue_key: str
    action: Action
    content: CommentContent
    existing: ExistingComment | None
    refresh: bool = False  # an edit that only moves wording (the same findings, other words or numbers)


@dataclass(frozen=True, slots=True)
class IssueNotes:
    """What a comment says besides its findings: waivers in force and what was fixed since it was opened."""

    waivers: tuple[ShownWaiver, ...] = ()
    fixed: tuple[str, ...] = ()
    fixed_since: date | None = None


@dataclass(frozen=True, slots=True)
class CommentPolicy:
    resolved_comment: str = "keep"  # "keep": edit to an all-pass note; "delete": remove the comment
    refresh_days: int = 7  # wording-only changes (day counts, amounts) are written at most this often
    docs_url: str | None = None
    waiver_procedure: str = "Ask the PMO for a waiver (rule id, reason, approver, expiry date)."
    waiver_request_url: str | None = None
    numbers: Numbers = field(default_factory=Numbers)
    supersedes: Mapping[str, frozenset[str]] = field(default_factory=dict)  # rule id -> rule ids it hides
    flavor: str = "cloud"  # how a body is measured against ``max_chars`` (see comments.fit)
    max_chars: int = JIRA_TEXT_LIMIT


def visible_findings(
    findings: Iterable[Finding],
    suppressed: Collection[tuple[str, str]] = (),
    supersedes: Mapping[str, frozenset[str]] | None = None,
) -> list[Finding]:
    """Findings a comment shows: in enforce mode (the rule's own, else the global one), not waived, not
    baselined, and not superseded by a stronger finding shown on the same item. The engine has already
    resolved each finding's effective mode."""
    shown = [
        f for f in findings if f.mode is Mode.ENFORCE and not f.waived and (f.rule_id, f.item_key) not in suppressed
    ]
    if supersedes:
        hidden = superseded(shown, supersedes)
        shown = [f for f in shown if (f.rule_id, f.item_key) not in hidden]
    return shown


def needs_update(current: ExistingComment, fingerprint: str, policy: CommentPolicy, today: date) -> bool:
    """Edit at once when the findings shown change; when only their wording drifts (an overdue count grows
    every day), edit at most every ``refresh_days``, so time alone never churns comments daily."""
    if current.fingerprint == fingerprint:
        return False
    if not _same_findings(current.fingerprint, fingerprint) or current.written is None:
        return True
    return (today - current.written).days >= policy.refresh_days


def _same_findings(old: str, new: str) -> bool:
    return old.partition(".")[0] == new.partition(".")[0]


def plan_comments(
    findings_by_issue: Mapping[str, Iterable[Finding]],
    existing: Mapping[str, ExistingComment],
    policy: CommentPolicy,
    suppressed: Collection[tuple[str, str]] = (),
    *,
    today: date,
    notes: Mapping[str, IssueNotes] | None = None,
) -> list[PlannedComment]:
    """Decide, for every evaluated issue, what happens to its comment. Issues absent from
    ``findings_by_issue`` were not evaluated this run and are left alone."""
    plan: list[PlannedComment] = []
    notes = notes or {}
    for key in sorted(findings_by_issue):
        findings = list(findings_by_issue[key])
        shown = visible_findings(findings, suppressed, policy.supersedes)
        current = existing.get(key)
        if not shown and current is None:
            continue  # nothing shown and never commented: nothing to say (most issues: no comment rendered)
        held = 0 if shown else sum(1 for f in findings if not f.waived)  # open, not shown (audit, baseline)
        note = notes.get(key, IssueNotes())
        content = fit_content(
            key,
            shown,
            docs_url=policy.docs_url,
            waiver_procedure=policy.waiver_procedure,
            flavor=policy.flavor,
            today=today,
            limit=policy.max_chars,
            waiver_request_url=policy.waiver_request_url,
            waivers=note.waivers,
            fixed=() if shown else note.fixed,
            fixed_since=note.fixed_since,
            held=held,
            numbers=policy.numbers,
        )
        refresh = False
        if current is None:
            action = Action.CREATE  # findings shown (the others were skipped above)
        elif shown:
            if needs_update(current, content.fingerprint(), policy, today):
                action = Action.UPDATE
                refresh = not current.resolved and _same_findings(current.fingerprint, content.fingerprint())
            else:
                action = Action.UNCHANGED
        elif held and not note.fixed:
            action = Action.UNCHANGED  # still open, only no longer shown (mode switched to audit): left as it is
        elif policy.resolved_comment == "delete":
            action = Action.DELETE
        elif current.resolved and needs_update(current, content.fingerprint(), policy, today):
            action, refresh = Action.RESOLVE, _same_findings(current.fingerprint, content.fingerprint())
        elif current.resolved:
            action = Action.UNCHANGED
        else:
            action = Action.RESOLVE
        plan.append(PlannedComment(key, action, content, current, refresh))
    return plan


def writes_in(plan: Iterable[PlannedComment]) -> int:
    return sum(1 for p in plan if p.action.writes)


def enforce_cap(plan: list[PlannedComment], cap: int) -> None:
    """Abort before the first write when the plan exceeds the per-run cap (wording refreshes included)."""
    planned = writes_in(plan)
    if planned > cap:
        raise WriteCapExceeded(_cap_message(planned, cap))


@dataclass(frozen=True, slots=True)
class CappedPlan:
    plan: list[PlannedComment]
    pending_refreshes: int  # wording-only edits left for later runs


def apply_cap(plan: list[PlannedComment], cap: int) -> CappedPlan:
    """Fit a plan under the per-run cap by spreading wording-only refreshes over later runs.

    New, changed, resolved and deleted comments are never deferred: when they alone exceed the cap, the run
    stops before its first write (``WriteCapExceeded``, with the command to proceed). Refreshes are written
    oldest first within what the cap leaves; the rest are planned again, and so written, by later runs.
    """
    essential = sum(1 for p in plan if p.action.writes and not p.refresh)
    if essential > cap:
        raise WriteCapExceeded(_cap_message(essential, cap))
    refreshes = sorted(
        (p for p in plan if p.action.writes and p.refresh),
        key=lambda p: (p.existing.written if p.existing and p.existing.written else date.min, p.issue_key),
    )
    allowed = {p.issue_key for p in refreshes[: cap - essential]}
    capped = [
        replace(p, action=Action.UNCHANGED) if p.refresh and p.action.writes and p.issue_key not in allowed else p
        for p in plan
    ]
    return CappedPlan(capped, max(0, len(refreshes) - len(allowed)))


def _cap_message(planned: int, cap: int) -> str:
    return (
        f"this run would write {planned} comments but max_comment_writes is {cap}; nothing was written. They are "
        "new, changed or resolved findings (wording-only refreshes alone never stop a run). Review the plan with "
        f"`pmo-bot check --dry-run`, then proceed once with `PMO_MAX_COMMENT_WRITES={planned} pmo-bot check`, or "
        "record the current backlog without commenting with `pmo-bot check --baseline`."
    )
