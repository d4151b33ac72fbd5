"""What one consolidated compliance comment says, independent of the markup it is written in.

The fingerprint covers exactly what a reader sees apart from the date, so an unchanged set of findings
produces an unchanged fingerprint and no write.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from pmo_bot.domain import Finding

MARKER = "pmo-bot:v1"
MAX_FINDINGS_SHOWN = 25  # readability; ``comments.fit`` shows fewer when Jira's length limit requires it
SEVERITY_ORDER = ("error", "warning", "info")
MAX_TEXT = 1_000  # per text field, after which it is cut with an ellipsis

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def clean_text(text: str | None, limit: int = MAX_TEXT) -> str:
    """Remove control characters and cap the length of issue-derived or rule-rendered text."""
    text = _ILLEGAL.sub("", text or "").strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


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
    """The findings to show (empty: the "all checks pass" note) and the fixed texts around them."""

    issue_key: str
    findings: tuple[CommentFinding, ...]
    hidden: int  # findings not shown in full (beyond MAX_FINDINGS_SHOWN, or cut by ``comments.fit``)
    docs_url: str | None
    waiver_procedure: str
    hidden_by_severity: tuple[tuple[str, int], ...] = ()  # ("warning", 3), most severe first

    @property
    def resolved(self) -> bool:
        return not self.findings

    def fingerprint(self) -> str:
        """``<which findings>.<their wording>``: the first part changes when a finding appears, goes or
        changes severity; the second also when only its text moves (a day count, an amount)."""
        hidden = [str(self.hidden), *(f"{s}={n}" for s, n in self.hidden_by_severity)]
        which = [self.issue_key, *(f"{f.rule_id}:{f.severity}" for f in self.findings), *hidden]
        parts = [*which, self.docs_url or "", self.waiver_procedure]
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
    show: int = MAX_FINDINGS_SHOWN,
) -> CommentContent:
    """Order findings by severity (errors first), then rule id, and list the first ``show`` in full."""
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
    return CommentContent(
        issue_key=issue_key,
        findings=shown,
        hidden=len(rest),
        docs_url=docs_url,
        waiver_procedure=clean_text(waiver_procedure, 500),
        hidden_by_severity=tuple(
            (s, n) for s in SEVERITY_ORDER if (n := sum(1 for f in rest if f.severity.value == s))
        ),
    )


def summary_line(content: CommentContent) -> str:
    counts: dict[str, int] = dict(content.hidden_by_severity)
    for f in content.findings:
        counts[f.severity] = counts.get(f.severity, 0) + 1
    total = len(content.findings) + content.hidden
    parts = [f"{counts[s]} {s}" for s in SEVERITY_ORDER if counts.get(s)]
    noun = "finding" if total == 1 else "findings"
    return f"{total} open PMO {noun}" + (f" ({', '.join(parts)})" if parts else "") + "."


def hidden_line(content: CommentContent) -> str:
    """The one line that stands for the findings not shown in full (deterministic: counts only)."""
    noun = "finding" if content.hidden == 1 else "findings"
    counts = ", ".join(f"{n} {s}" for s, n in content.hidden_by_severity)
    return (
        f"… and {content.hidden} more {noun}"
        + (f": {counts}" if counts else "")
        + f" — run `pmo-bot rules explain {content.issue_key}` or see the weekly PMO report."
    )


def footer_date(today: date) -> str:
    return f"Checked by pmo-bot on {today.isoformat()}."
