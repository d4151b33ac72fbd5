"""Render comment content as Atlassian Document Format (Jira Cloud, REST v3).

ADF is JSON, so issue text cannot inject markup; the rules that matter are the schema's: no empty text
nodes, list items start with a paragraph, status colours from a fixed set.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pmo_bot.comments.content import (
    MARKER,
    CommentContent,
    footer_date,
    hidden_line,
    resolved_heading,
    resolved_text,
    summary_line,
)
from pmo_bot.textsafety import neutralise

_STATUS_COLOUR = {"error": "red", "warning": "yellow", "info": "blue"}

Node = dict[str, Any]


def _text(text: str, *marks: Node) -> list[Node]:
    text = neutralise(text)  # no bidi overrides or invisible controls from issue text
    if not text:
        return []  # the ADF schema forbids empty text nodes
    node: Node = {"type": "text", "text": text}
    if marks:
        node["marks"] = list(marks)
    return [node]


def _para(*runs: list[Node]) -> Node:
    content = [node for run in runs for node in run]
    return {"type": "paragraph", "content": content} if content else {"type": "paragraph"}


def _status(severity: str) -> Node:
    return {"type": "status", "attrs": {"text": severity.upper(), "color": _STATUS_COLOUR.get(severity, "neutral")}}


def _link(text: str, href: str) -> list[Node]:
    return _text(text, {"type": "link", "attrs": {"href": href}})


def _finding_item(f: Any) -> Node:
    strong = {"type": "strong"}
    blocks: list[Node] = [
        _para([_status(f.severity), {"type": "text", "text": " "}], _text(f.title, strong), _text(f" ({f.rule_id})")),
    ]
    if f.message:
        blocks.append(_para(_text(f.message)))
    details: list[Node] = []
    for label, value in (("Observed: ", f.observed), ("Expected: ", f.expected), ("How to fix: ", f.remediation)):
        if value:
            details.append({"type": "listItem", "content": [_para(_text(label, strong), _text(value))]})
    if details:
        blocks.append({"type": "bulletList", "content": details})
    return {"type": "listItem", "content": blocks}


def _exception_line(content: CommentContent) -> Node:
    strong = {"type": "strong"}
    if not content.waiver_links:
        return _para(_text("Need an exception? ", strong), _text(content.waiver_procedure))
    runs = _text("Need an exception? ", strong) + _text("Request a waiver for ")
    for index, (rule_id, url) in enumerate(content.waiver_links):
        runs += (_text(", ") if index else []) + _link(rule_id, url)
    return _para(runs + _text("."))


def render_adf(content: CommentContent, today: date) -> Node:
    heading = resolved_heading(content) if content.resolved else "PMO compliance check"
    body: list[Node] = [{"type": "heading", "attrs": {"level": 3}, "content": _text(heading)}]
    if content.resolved:
        body.append(_para(_text(resolved_text(content))))
        if content.fixed:
            body.append(_para(_text(content.fixed)))
    else:
        body.append(_para(_text(summary_line(content))))
        body.append({"type": "bulletList", "content": [_finding_item(f) for f in content.findings]})
        if content.hidden:
            body.append(_para(_text(hidden_line(content))))
    if content.waivers:
        body.append(_para(_text("Waivers in force:", {"type": "strong"})))
        items = [{"type": "listItem", "content": [_para(_text(line))]} for line in content.waivers]
        body.append({"type": "bulletList", "content": items})
    if not content.resolved:
        body.append(_exception_line(content))
    footer = _text(footer_date(today, content) + " ")
    if content.docs_url:
        footer += _link("How PMO rules work", content.docs_url) + _text(" ")
    footer += _text(MARKER, {"type": "code"})
    body.append(_para(footer))
    return {"version": 1, "type": "doc", "content": body}
