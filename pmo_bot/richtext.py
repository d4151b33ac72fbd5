"""Flatten Jira rich text (an ADF document or a wiki-markup/plain string) to plain text."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_BLOCKS = frozenset(
    {"paragraph", "heading", "listItem", "tableRow", "codeBlock", "blockquote", "panel", "rule", "mediaSingle"}
)


def plain_text(value: Any) -> str:
    """Plain text of a Jira rich-text value; ``None`` and odd shapes give ``""`` rather than an error."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        parts: list[str] = []
        _walk(value, parts, depth=0)
        return "".join(parts).strip()
    return str(value)


def _walk(node: Mapping[str, Any], out: list[str], depth: int) -> None:
    if depth > 64:  # hostile nesting: stop rather than recurse without bound
        return
    kind = node.get("type")
    if kind == "text":
        out.append(str(node.get("text", "")))
    elif kind == "hardBreak":
        out.append("\n")
    elif kind in ("mention", "emoji", "status", "date", "inlineCard"):
        attrs = node.get("attrs") or {}
        out.append(str(attrs.get("text") or attrs.get("shortName") or attrs.get("url") or ""))
    for child in node.get("content") or ():
        if isinstance(child, Mapping):
            _walk(child, out, depth + 1)
    if kind in _BLOCKS:
        out.append("\n")
