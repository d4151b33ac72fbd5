"""Atlassian Document Format -> HTML, for the sandbox's issue view. Unknown nodes keep their text only."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from pmo_bot.sandbox.render.safe import esc, safe_colour, safe_url

_SIMPLE = {
    "paragraph": "p", "bulletList": "ul", "orderedList": "ol", "listItem": "li", "blockquote": "blockquote",
    "table": "table", "tableRow": "tr", "tableHeader": "th", "tableCell": "td", "taskList": "ul",
    "decisionList": "ul",
}  # fmt: skip
_MARKS = {"strong": "strong", "em": "em", "code": "code", "strike": "s", "underline": "u"}
_PANEL_TYPES = {"info", "note", "warning", "success", "error", "tip"}
_STATUS_COLOURS = {
    "neutral": "grey",
    "purple": "purple",
    "blue": "blue",
    "red": "red",
    "yellow": "yellow",
    "green": "green",
}


def _attrs(node: Mapping[str, Any]) -> Mapping[str, Any]:
    attrs = node.get("attrs")
    return attrs if isinstance(attrs, Mapping) else {}


def _text(node: Mapping[str, Any]) -> str:
    out = esc(node.get("text", ""))
    for mark in reversed(node.get("marks") or []):
        if not isinstance(mark, Mapping):
            continue
        kind, attrs = mark.get("type"), _attrs(mark)
        if kind in _MARKS:
            tag = _MARKS[str(kind)]
            out = f"<{tag}>{out}</{tag}>"
        elif kind == "link":
            out = f'<a href="{esc(safe_url(str(attrs.get("href", "#"))))}" rel="noopener noreferrer">{out}</a>'
        elif kind == "textColor":
            colour = safe_colour(str(attrs.get("color", "")))
            out = f'<span style="color:{colour}">{out}</span>' if colour else out
        elif kind == "subsup":
            tag = "sub" if attrs.get("type") == "sub" else "sup"
            out = f"<{tag}>{out}</{tag}>"
    return out


def _children(node: Mapping[str, Any]) -> str:
    content = node.get("content")
    if not isinstance(content, list):
        return ""
    return "".join(_node(child) for child in content if isinstance(child, Mapping))


def _node(node: Mapping[str, Any]) -> str:
    kind = node.get("type")
    attrs = _attrs(node)
    if kind == "text":
        return _text(node)
    if kind in _SIMPLE:
        tag = _SIMPLE[str(kind)]
        span = "".join(
            f' {name}="{int(attrs[key])}"'
            for key, name in (("colspan", "colspan"), ("rowspan", "rowspan"))
            if isinstance(attrs.get(key), int)
        )
        return f"<{tag}{span}>{_children(node)}</{tag}>"
    if kind == "heading":
        level = attrs.get("level", 1)
        level = level if isinstance(level, int) and 1 <= level <= 6 else 1
        return f"<h{level}>{_children(node)}</h{level}>"
    if kind == "codeBlock":
        return f"<pre><code>{_children(node)}</code></pre>"
    if kind == "rule":
        return "<hr>"
    if kind == "hardBreak":
        return "<br>"
    if kind == "panel":
        panel = str(attrs.get("panelType", "info"))
        panel = panel if panel in _PANEL_TYPES else "info"
        return f'<div class="panel panel-{panel}"><div class="panel-body">{_children(node)}</div></div>'
    if kind == "mention":
        return f'<span class="mention">{esc(attrs.get("text") or "@" + str(attrs.get("id", "user")))}</span>'
    if kind == "emoji":
        return esc(attrs.get("text") or attrs.get("shortName", ""))
    if kind == "status":
        colour = _STATUS_COLOURS.get(str(attrs.get("color", "neutral")), "grey")
        return f'<span class="status status-{colour}">{esc(str(attrs.get("text", "")).upper())}</span>'
    if kind == "date":
        try:
            day = datetime.fromtimestamp(int(attrs.get("timestamp", 0)) / 1000, UTC).date().isoformat()
        except (TypeError, ValueError, OverflowError):
            day = str(attrs.get("timestamp", ""))
        return f"<time>{esc(day)}</time>"
    if kind in ("inlineCard", "blockCard", "embedCard"):
        url = str(attrs.get("url", ""))
        return f'<a href="{esc(safe_url(url))}" rel="noopener noreferrer">{esc(url)}</a>'
    if kind in ("expand", "nestedExpand"):
        return (
            f'<details class="expand"><summary>{esc(attrs.get("title") or "Details")}</summary>'
            f"{_children(node)}</details>"
        )
    if kind in ("taskItem", "decisionItem"):
        done = attrs.get("state") in ("DONE", "DECIDED")
        return f'<li class="task{" done" if done else ""}">{"☑" if done else "☐"} {_children(node)}</li>'
    if kind in ("mediaSingle", "mediaGroup", "media"):
        return '<div class="media-placeholder">[attached media]</div>' if kind != "media" else ""
    return _children(node)


def adf_to_html(doc: Mapping[str, Any]) -> str:
    """Render an ADF document (``{"type": "doc", "version": 1, "content": [...]}``)."""
    return _children(doc) if isinstance(doc, Mapping) else ""
