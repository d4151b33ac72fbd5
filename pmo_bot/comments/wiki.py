"""Render comment content as Jira wiki markup (Data Center, and Cloud's REST v2).

Every piece of issue- or rule-derived text goes through ``escape``: a summary such as ``*urgent* {panel}``
must show literally, not as bold text and a macro.
"""

from __future__ import annotations

import re
from datetime import date

from pmo_bot.comments.content import (
    MARKER,
    CommentContent,
    CommentFinding,
    footer_date,
    hidden_line,
    resolved_heading,
    resolved_text,
    summary_line,
)
from pmo_bot.textsafety import neutralise

_SPECIAL = re.compile(r"([\\*_\-+^~?{}\[\]|!])")
_COLOUR = {"error": "#de350b", "warning": "#ff991f", "info": "#0052cc"}


def escape(text: str) -> str:
    """Escape wiki markup so text renders literally; newlines become spaces (they would end list items)."""
    one_line = " ".join(neutralise(text).split())
    return _SPECIAL.sub(r"\\\1", one_line)


def _finding(f: CommentFinding) -> list[str]:
    colour = _COLOUR.get(f.severity, "#42526e")
    lines = [f"* {{color:{colour}}}*{f.severity.upper()}*{{color}} *{escape(f.title)}* ({escape(f.rule_id)})"]
    if f.message:
        lines.append(f"** {escape(f.message)}")
    for label, value in (("Observed", f.observed), ("Expected", f.expected), ("How to fix", f.remediation)):
        if value:
            lines.append(f"** _{label}:_ {escape(value)}")
    return lines


def _url(url: str) -> str:
    return url.replace("|", "%7C").replace("]", "%5D").replace("[", "%5B").replace(" ", "%20")


def _exception_line(content: CommentContent) -> str:
    if not content.waiver_links:
        return f"*Need an exception?* {escape(content.waiver_procedure)}"
    links = ", ".join(f"[{escape(rule_id)}|{_url(url)}]" for rule_id, url in content.waiver_links)
    return f"*Need an exception?* Request a waiver for {links}."


def render_wiki(content: CommentContent, today: date) -> str:
    if content.resolved:
        lines = [f"h3. {resolved_heading(content)}", escape(resolved_text(content))]
        if content.fixed:
            lines.append(escape(content.fixed))
    else:
        lines = ["h3. PMO compliance check", escape(summary_line(content))]
        for f in content.findings:
            lines.extend(_finding(f))
        if content.hidden:
            lines.append(escape(hidden_line(content)))
    if content.waivers:
        lines.append("*Waivers in force:*")
        lines.extend(f"* {escape(line)}" for line in content.waivers)
    if not content.resolved:
        lines.append(_exception_line(content))
    footer = escape(footer_date(today, content))
    if content.docs_url:
        footer += f" [How PMO rules work|{_url(content.docs_url)}]"
    lines.append(f"{footer} {{{{{MARKER}}}}}")
    return "\n".join(lines)
