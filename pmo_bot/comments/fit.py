"""Fit a consolidated comment into Jira's text-field limit, by re-rendering rather than cutting.

Jira refuses a comment body longer than 32,767 characters (``jira.text.field.character.limit``; HTTP 400 "The
entered text is too long"): the wiki markup on Data Center and Cloud's REST v2, the document's text on Cloud's
REST v3 (ADF). When the findings would overflow, the comment keeps the most severe ones in full and one line
counts the rest ("… and 12 more findings: 3 warning, 9 info — run `pmo-bot rules explain KEY`"). The result is
a pure function of the findings, so an unchanged portfolio renders (and fingerprints) the same and writes
nothing. Even with no finding shown in full, the comment is small, so no issue is left without one.

Lengths are counted as Java does, in UTF-16 code units: an emoji counts twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from pmo_bot.comments.adf import render_adf
from pmo_bot.comments.content import MAX_FINDINGS_SHOWN, CommentContent, build_content
from pmo_bot.comments.wiki import render_wiki
from pmo_bot.domain import Finding
from pmo_bot.richtext import plain_text

JIRA_TEXT_LIMIT = 32_767  # Jira's default for comment bodies and other text fields, both flavours


def render(content: CommentContent, flavor: str, today: date) -> Any:
    """The comment body as the flavour's API takes it: ADF on Cloud (REST v3), wiki markup on Data Center."""
    return render_adf(content, today) if flavor == "cloud" else render_wiki(content, today)


def java_length(text: str) -> int:
    """Length in UTF-16 code units, which is what Jira's Java limit counts."""
    return len(text.encode("utf-16-le")) // 2


def measure(body: Any) -> int:
    """A rendered body's length the way Jira checks it: wiki markup as written, an ADF document by its text."""
    return java_length(body if isinstance(body, str) else plain_text(body))


def fit_content(
    issue_key: str,
    findings: Sequence[Finding],
    *,
    docs_url: str | None,
    waiver_procedure: str,
    flavor: str,
    today: date,
    limit: int = JIRA_TEXT_LIMIT,
    **options: Any,
) -> CommentContent:
    """The comment content for ``findings`` whose rendering fits ``limit``, showing as many of the most severe
    findings in full as fit (at most ``MAX_FINDINGS_SHOWN``) and summarising the rest in one line. ``options``
    go to ``build_content`` unchanged (waivers, the fixed list, formatting...)."""

    def build(show: int, url: str | None = docs_url) -> CommentContent:
        return build_content(
            issue_key, findings, docs_url=url, waiver_procedure=waiver_procedure, show=show, today=today, **options
        )

    def fits(content: CommentContent) -> bool:
        return measure(render(content, flavor, today)) <= limit

    full = build(MAX_FINDINGS_SHOWN)
    if fits(full):
        return full
    # Longest prefix (by severity, then rule id) that fits: a binary search over how many are shown in full.
    best: CommentContent | None = None
    low, high = 0, len(full.findings) - 1
    while low <= high:
        middle = (low + high) // 2
        candidate = build(middle)
        if fits(candidate):
            best, low = candidate, middle + 1
        else:
            high = middle - 1
    if best is not None:
        return best
    # Only an enormous configured docs link can make the bare summary overflow: drop it, never the comment.
    return build(0, url=None)
