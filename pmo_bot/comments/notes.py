"""What a comment says besides its findings: the waivers in force on the issue and what was fixed.

Also the waiver warnings a check run reports: waivers naming issues that do not exist in the checked projects,
and waivers that expire within ``EXPIRY_WARNING_DAYS``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from pmo_bot.comments.content import ShownWaiver
from pmo_bot.comments.plan import ExistingComment, IssueNotes
from pmo_bot.domain import Finding, Mode
from pmo_bot.rules.context import EvaluationContext, Waiver
from pmo_bot.rules.loader import EXPIRY_WARNING_DAYS
from pmo_bot.store import Store
from pmo_bot.store.records import FindingStatus


def issue_notes(
    store: Store, findings: Sequence[Finding], existing: Mapping[str, ExistingComment], ctx: EvaluationContext
) -> dict[str, IssueNotes]:
    """Per issue: waivers in force over its failing rules, and, for a commented issue with nothing to act on any
    more, the titles of the enforced findings fixed since the comment was first written (read before this run's
    findings are recorded; a finding only switched to audit mode is not fixed)."""
    waivers: dict[str, list[ShownWaiver]] = {}
    for finding in findings:
        waiver = ctx.waiver_for(finding.rule_id, finding.item_key) if finding.waived else None
        if waiver is not None:
            shown = ShownWaiver(finding.rule_id, finding.title, waiver.approver, waiver.expires)
            waivers.setdefault(finding.item_key, []).append(shown)
    acting = {f.item_key for f in findings if not f.waived and f.mode is Mode.ENFORCE}
    open_rules: dict[str, set[str]] = {}
    for finding in findings:
        if not finding.waived:
            open_rules.setdefault(finding.item_key, set()).add(finding.rule_id)
    candidates = [key for key in existing if key not in acting]
    records = store.comments.all() if candidates else {}
    stored = store.findings.for_items(candidates) if candidates else {}
    notes: dict[str, IssueNotes] = {}
    for key in set(waivers) | set(candidates):
        record = records.get(key)
        since = record.created_at.date() if record is not None else existing[key].written if key in existing else None
        fixed = tuple(
            s.finding.title
            for s in stored.get(key, ())
            if s.finding.mode is Mode.ENFORCE
            and s.finding.rule_id not in open_rules.get(key, ())
            and (
                s.status is FindingStatus.OPEN
                or (s.status is FindingStatus.RESOLVED and s.resolved_at and since and s.resolved_at.date() >= since)
            )
        )
        notes[key] = IssueNotes(tuple(waivers.get(key, ())), fixed, since)
    return notes


def waiver_warnings(ctx: EvaluationContext, checked_keys: Iterable[str], rule_ids: Iterable[str]) -> list[str]:
    """Waivers that name an unknown issue of a checked project or an unknown rule, or that expire soon."""
    keys = set(checked_keys)
    projects = {key.rpartition("-")[0] for key in keys}
    rules = set(rule_ids)
    warnings: list[str] = []
    for waiver in ctx.waivers:
        if waiver.expired(ctx.today):
            continue
        if waiver.rule_id not in rules:
            warnings.append(f"waiver for unknown rule '{waiver.rule_id}'")
        for key in waiver.issue_keys:
            if key.rpartition("-")[0] in projects and key not in keys:
                warnings.append(f"waiver of '{waiver.rule_id}' names issue {key}, which does not exist")
        warning = expiry_warning(waiver, ctx.today)
        if warning:
            warnings.append(warning)
    return warnings


def expiry_warning(waiver: Waiver, today: date) -> str | None:
    left = (waiver.expires - today).days
    if 0 <= left <= EXPIRY_WARNING_DAYS:
        keys = ", ".join(waiver.issue_keys)
        return f"waiver of '{waiver.rule_id}' on {keys} expires on {waiver.expires.isoformat()} (in {left} days)"
    return None
