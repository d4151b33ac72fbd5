"""What one consolidated compliance comment says, independent of the markup it is written in.

The fingerprint covers exactly what a reader sees apart from the date, so an unchanged set of findings
produces an unchanged fingerprint and no write. Every number and date is formatted here, once, in the
configured locale (``pmo_bot.wording``); the renderers only lay the texts out.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from urllib.parse import quote

from pmo_bot.domain import Finding
from pmo_bot.wording import Numbers

MARKER = "pmo-bot:v1"
MAX_FINDINGS_SHOWN = 25  # readability; ``comments.fit`` shows fewer when Jira's length limit requires it
SEVERITY_ORDER = ("error", "warning", "info")
MAX_TEXT = 1_000  # per text field, after which it is cut with an ellipsis
WAIVER_URL_FIELDS = ("rule", "issue")  # the placeholders a waiver_request_url may use

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def clean_text(text: str | None, limit: int = MAX_TEXT) -> str:
    """Remove control characters and cap the length of issue-derived or rule-rendered text."""
    text = _ILLEGAL.sub("", text or "").strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def waiver_link(template: str, rule_id: str, issue_key: str) -> str:
    """``waiver_request_url`` with the rule id and issue key filled in, URL-encoded."""
    return template.format(rule=quote(rule_id, safe=""), issue=quote(issue_key, safe=""))


@dataclass(frozen=True, slots=True)
class ShownWaiver:
    """A waiver in force on the issue, covering one of its failing rules."""

    rule_id: str
    title: str
    approver: str
    expires: date


@dataclass(frozen=True, slots=True)
class CommentFinding:
    rule_id: str
    title: str
    severity: str
    message: str
    observed: str
    expected: str
    remediation: str


@dataclass(frozen=True, slots=True)
class CommentContent:
    """The findings to show (empty: the resolved note) and the fixed texts around them.

    ``waivers`` and ``fixed`` are finished sentences; ``waiver_links`` pairs each shown rule id with the
    URL that requests a waiver for it on this issue (empty without a ``waiver_request_url``).
    """

    issue_key: str
    findings: tuple[CommentFinding, ...]
    hidden: int  # findings not shown in full (beyond MAX_FINDINGS_SHOWN, or cut by ``comments.fit``)
    docs_url: str | None
    waiver_procedure: str
    hidden_by_severity: tuple[tuple[str, int], ...] = ()  # ("warning", 3), most severe first
    waiver_links: tuple[tuple[str, str], ...] = ()
    waivers: tuple[str, ...] = ()
    fixed: str | None = None  # "Fixed since Nov 24, 2026: ..." on the resolved note
    held: int = 0  # open findings not shown (audit mode, baseline): the note then never says "all checks pass"
    checked_on: str = ""  # the footer's date, in the configured locale

    @property
    def resolved(self) -> bool:
        return not self.findings

    def fingerprint(self) -> str:
        """``<which findings>.<their wording>``: the first part changes when a finding appears, goes or
        changes severity; the second also when only its text moves (a day count, an amount)."""
        hidden = [str(self.hidden), *(f"{s}={n}" for s, n in self.hidden_by_severity)]
        which = [self.issue_key, *(f"{f.rule_id}:{f.severity}" for f in self.findings), *hidden]
        parts = [*which, self.docs_url or "", self.waiver_procedure, *(url for _, url in self.waiver_links)]
        parts.extend((*self.waivers, self.fixed or "", str(self.held)))
        for f in self.findings:
            parts.extend((f.title, f.message, f.observed, f.expected, f.remediation))
        return f"{_digest(which, 16)}.{_digest(parts, 16)}"


def _digest(parts: list[str], size: int) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:size]


def build_content(
    issue_key: str,
    findings: Iterable[Finding],
    *,
    docs_url: str | None,
    waiver_procedure: str,
    waiver_request_url: str | None = None,
    waivers: Sequence[ShownWaiver] = (),
    fixed: Sequence[str] = (),
    fixed_since: date | None = None,
    held: int = 0,
    today: date | None = None,
    numbers: Numbers | None = None,
    show: int = MAX_FINDINGS_SHOWN,
) -> CommentContent:
    """Order findings by severity (errors first), then rule id, and list the first ``show`` in full."""
    numbers = numbers or Numbers()
    ordered = sorted(findings, key=lambda f: (-f.severity.rank, f.rule_id))
    rest = ordered[show:]
    shown = tuple(
        CommentFinding(
            rule_id=f.rule_id,
            title=clean_text(f.title, 200),
            severity=f.severity.value,
            message=clean_text(f.message),
            observed=clean_text(f.observed, 300),
            expected=clean_text(f.expected, 300),
            remediation=clean_text(f.remediation),
        )
        for f in ordered[:show]
    )
    links = (
        tuple((f.rule_id, waiver_link(waiver_request_url, f.rule_id, issue_key)) for f in shown)
        if waiver_request_url
        else ()
    )
    return CommentContent(
        issue_key=issue_key,
        findings=shown,
        hidden=len(rest),
        docs_url=docs_url,
        waiver_procedure=clean_text(waiver_procedure, 500),
        hidden_by_severity=tuple(
            (s, n) for s in SEVERITY_ORDER if (n := sum(1 for f in rest if f.severity.value == s))
        ),
        waiver_links=links,
        waivers=tuple(_waiver_line(w, today, numbers) for w in sorted(waivers, key=lambda w: (w.expires, w.rule_id))),
        fixed=_fixed_line(fixed, fixed_since, numbers),
        held=held,
        checked_on=numbers.date(today) if today is not None else "",
    )


def _waiver_line(waiver: ShownWaiver, today: date | None, numbers: Numbers) -> str:
    left = (waiver.expires - today).days if today is not None else None
    when = "" if left is None else " (expires today)" if left == 0 else f" (expires in {numbers.days(left)})"
    title = clean_text(waiver.title, 200)
    approver = clean_text(waiver.approver, 100)
    return f"{title} ({waiver.rule_id}): waived, approved by {approver} until {numbers.date(waiver.expires)}{when}."


def _fixed_line(fixed: Sequence[str], since: date | None, numbers: Numbers) -> str | None:
    if not fixed:
        return None
    titles = ", ".join(clean_text(title, 200) for title in sorted(set(fixed)))
    return f"Fixed since {numbers.date(since)}: {titles}." if since is not None else f"Fixed: {titles}."


def summary_line(content: CommentContent) -> str:
    counts: dict[str, int] = dict(content.hidden_by_severity)
    for f in content.findings:
        counts[f.severity] = counts.get(f.severity, 0) + 1
    total = len(content.findings) + content.hidden
    parts = [f"{counts[s]} {s}" for s in SEVERITY_ORDER if counts.get(s)]
    noun = "finding" if total == 1 else "findings"
    return f"{total} open PMO {noun}" + (f" ({', '.join(parts)})" if parts else "") + "."


def resolved_heading(content: CommentContent) -> str:
    if content.held:
        return "PMO compliance: nothing to act on now"
    return "PMO compliance: no open findings" if content.waivers else "PMO compliance: all checks pass"


def resolved_text(content: CommentContent) -> str:
    if content.held:
        count = "1 other finding is" if content.held == 1 else f"{content.held} other findings are"
        return (
            f"Nothing on this issue needs action now. {count} recorded for the PMO without a request to act yet "
            "(a rule on trial, or an accepted backlog); the weekly PMO report lists them."
        )
    if content.waivers:
        return "No PMO finding is open on this issue; the exceptions below are approved."
    return "Every PMO rule that applies to this issue now passes. Thank you!"


def hidden_line(content: CommentContent) -> str:
    """The one line that stands for the findings not shown in full (deterministic: counts only)."""
    noun = "finding" if content.hidden == 1 else "findings"
    counts = ", ".join(f"{n} {s}" for s, n in content.hidden_by_severity)
    return (
        f"… and {content.hidden} more {noun}"
        + (f": {counts}" if counts else "")
        + f" — run `pmo-bot rules explain {content.issue_key}` or see the weekly PMO report."
    )


def footer_date(today: date, content: CommentContent | None = None) -> str:
    shown = content.checked_on if content is not None and content.checked_on else today.isoformat()
    return f"Checked by pmo-bot on {shown}."
