"""Plan the comment writes of one run: pure, so ``--dry-run`` shows exactly what the real run will do.

One comment per issue. Create it when an issue first has findings to show, edit it in place when they change,
turn it into an "all checks pass" note (or delete it) when they are gone, and write nothing otherwise.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from pmo_bot.comments.content import CommentContent
from pmo_bot.comments.fit import JIRA_TEXT_LIMIT, fit_content
from pmo_bot.domain import Finding, Mode
from pmo_bot.errors import WriteCapExceeded


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
    """The bot's comment on an issue as last written (from the store or recovered from Jira)."""

    issue_key: str
    comment_id: str
    fingerprint: str
    resolved: bool
    written: date | None = None  # when it was last written; None: unknown (refresh when wording drifts)


@dataclass(frozen=True, slots=True)
class PlannedComment:
    issue_key: str
    action: Action
    content: CommentContent
    existing: ExistingComment | None


@dataclass(frozen=True, slots=True)
class CommentPolicy:
    resolved_comment: str = "keep"  # "keep": edit to an all-pass note; "delete": remove the comment
    refresh_days: int = 7  # wording-only changes (day counts, amounts) are written at most this often
    docs_url: str | None = None
    waiver_procedure: str = "Ask the PMO for a waiver (rule id, reason, approver, expiry date)."
    flavor: str = "cloud"  # how a body is measured against ``max_chars`` (see comments.fit)
    max_chars: int = JIRA_TEXT_LIMIT


def visible_findings(findings: Iterable[Finding], suppressed: Collection[tuple[str, str]] = ()) -> list[Finding]:
    """Findings a comment shows: in enforce mode (the rule's own, else the global one), not waived, not
    baselined. The engine has already resolved each finding's effective mode."""
    return [
        f for f in findings if f.mode is Mode.ENFORCE and not f.waived and (f.rule_id, f.item_key) not in suppressed
    ]


def needs_update(current: ExistingComment, fingerprint: str, policy: CommentPolicy, today: date) -> bool:
    """Edit at once when the findings shown change; when only their wording drifts (an overdue count grows
    every day), edit at most every ``refresh_days``, so time alone never churns comments daily."""
    if current.fingerprint == fingerprint:
        return False
    which, _, _ = current.fingerprint.partition(".")
    if which != fingerprint.partition(".")[0] or current.written is None:
        return True
    return (today - current.written).days >= policy.refresh_days


def plan_comments(
    findings_by_issue: Mapping[str, Iterable[Finding]],
    existing: Mapping[str, ExistingComment],
    policy: CommentPolicy,
    suppressed: Collection[tuple[str, str]] = (),
    *,
    today: date,
) -> list[PlannedComment]:
    """Decide, for every evaluated issue, what happens to its comment. Issues absent from
    ``findings_by_issue`` were not evaluated this run and are left alone."""
    plan: list[PlannedComment] = []
    for key in sorted(findings_by_issue):
        shown = visible_findings(findings_by_issue[key], suppressed)
        content = fit_content(
            key,
            shown,
            docs_url=policy.docs_url,
            waiver_procedure=policy.waiver_procedure,
            flavor=policy.flavor,
            today=today,
            limit=policy.max_chars,
        )
        current = existing.get(key)
        if shown:
            if current is None:
                action = Action.CREATE
            elif needs_update(current, content.fingerprint(), policy, today):
                action = Action.UPDATE
            else:
                action = Action.UNCHANGED
        elif current is None:
            continue  # compliant and never commented: nothing to say
        elif policy.resolved_comment == "delete":
            action = Action.DELETE
        elif current.resolved and current.fingerprint == content.fingerprint():
            action = Action.UNCHANGED
        else:
            action = Action.RESOLVE
        plan.append(PlannedComment(key, action, content, current))
    return plan


def writes_in(plan: Iterable[PlannedComment]) -> int:
    return sum(1 for p in plan if p.action.writes)


def enforce_cap(plan: list[PlannedComment], cap: int) -> None:
    """Abort before the first write when the plan exceeds the per-run cap."""
    planned = writes_in(plan)
    if planned > cap:
        raise WriteCapExceeded(
            f"this run would write {planned} comments but max_comment_writes is {cap}; nothing was written. "
            "Review the plan with `pmo-bot check --dry-run`, then raise PMO_MAX_COMMENT_WRITES for one run, "
            "or record the current backlog without commenting with `pmo-bot check --baseline`."
        )
