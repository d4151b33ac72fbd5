"""Jira's length limits on the text the bot writes, measured per flavour as the real products measure them.

Jira limits every text field (comment bodies, description, worklog comments, multi-line text custom fields) to
32,767 characters by default (DC: the ``jira.text.field.character.limit`` setting; Cloud: fixed). Data Center
counts the wiki markup as sent; Cloud counts the document's text: for ADF, the text of its text nodes and of
inline nodes that show text (mention, emoji, status, date, card), one line break per hard break and per block;
a wiki-markup string sent to Cloud's REST v2 is counted as sent. Java counts UTF-16 code units, so an emoji
counts twice. Summaries are limited to 255 characters. Longer values are a 400 naming the field, in Jira's
``errors`` shape.
"""

from __future__ import annotations

from typing import Any

from pmo_bot.sandbox.jira.errors import bad_request

TEXT_LIMIT = 32767
SUMMARY_LIMIT = 255


def text_too_long(limit: int = TEXT_LIMIT) -> str:
    return f"The entered text is too long. It exceeds the allowed limit of {limit} characters."


_BLOCKS = frozenset(
    {"paragraph", "heading", "listItem", "tableRow", "codeBlock", "blockquote", "panel", "rule", "mediaSingle"}
)
_INLINE_TEXT = frozenset({"mention", "emoji", "status", "date", "inlineCard"})


def _java_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _document_text(node: Any, out: list[str]) -> None:
    if not isinstance(node, dict):
        return
    kind = node.get("type")
    attrs = node.get("attrs")
    attrs = attrs if isinstance(attrs, dict) else {}
    if kind == "text":
        out.append(str(node.get("text", "")))
    elif kind == "hardBreak":
        out.append("\n")
    elif kind in _INLINE_TEXT:
        out.append(str(attrs.get("text") or attrs.get("shortName") or attrs.get("url") or ""))
    for child in node.get("content") or ():
        _document_text(child, out)
    if kind in _BLOCKS:
        out.append("\n")


def text_length(body: Any) -> int:
    """Characters Jira counts against the limit: a string as sent, an ADF document by its text."""
    if isinstance(body, str):
        return _java_length(body)
    parts: list[str] = []
    _document_text(body, parts)
    return _java_length("".join(parts).strip())


def check_text(field: str, body: Any, limit: int = TEXT_LIMIT) -> None:
    if body is not None and text_length(body) > limit:
        raise bad_request(errors={field: text_too_long(limit)})


def check_summary(summary: str) -> None:
    if len(summary) > SUMMARY_LIMIT:
        raise bad_request(errors={"summary": f"Summary must be less than {SUMMARY_LIMIT} characters."})
