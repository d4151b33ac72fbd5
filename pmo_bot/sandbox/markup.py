"""Rich text in one place: plain text <-> Jira wiki markup <-> ADF, and ADF validation.

The sandbox stores each body once (wiki string or ADF dict) and converts on the way out: REST v3 serves ADF,
REST v2 serves wiki markup. The converters cover what the bot and the seed data use (paragraphs, headings,
lists, code, panels, links, bold/italic/code marks, status lozenges, emoji, mentions); anything else degrades
to its text rather than failing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any

import fastjsonschema
from jsonschema import Draft4Validator

Body = str | dict[str, Any]
_HEADING = re.compile(r"^h([1-6])\.\s+(.*)$")
_INLINE = re.compile(
    r"\{\{(.+?)\}\}|\[([^\]|]+)\|([^\]]+)\]|(?<![\w*])\*(\S(?:.*?\S)?)\*(?![\w*])|(?<![\w_])_(\S(?:.*?\S)?)_(?![\w_])"
)


@cache
def _schema() -> dict[str, Any]:
    text = resources.files("pmo_bot.sandbox").joinpath("schemas/adf.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _validator() -> Draft4Validator:
    return Draft4Validator(_schema())


@cache
def _fast_check() -> Callable[[Any], Any]:
    return fastjsonschema.compile(_schema())


def adf_errors(doc: Any) -> list[str]:
    """Why ``doc`` is not a valid ADF document (empty when it is).

    jsonschema is the reference, but the ADF schema costs it ~120 ms a document; a compiled check accepts valid
    documents in under a millisecond, and only what it rejects goes to jsonschema for the verdict and messages.
    """
    try:
        _fast_check()(doc)
    except fastjsonschema.JsonSchemaException:
        pass
    else:
        return []
    errors = sorted(_validator().iter_errors(doc), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(map(str, e.absolute_path)) or 'doc'}: {e.message[:200]}" for e in errors[:5]]


# -- wiki -> ADF -------------------------------------------------------------------------------------------
def _text(text: str, marks: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    node: dict[str, Any] = {"type": "text", "text": text}
    if marks:
        node["marks"] = marks
    return node


def _inline(text: str) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = []
    position = 0
    for match in _INLINE.finditer(text):
        if match.start() > position:
            nodes.append(_text(text[position : match.start()]))
        code, link_text, href, bold, italic = match.groups()
        if code is not None:
            nodes.append(_text(code, [{"type": "code"}]))
        elif link_text is not None:
            nodes.append(_text(link_text, [{"type": "link", "attrs": {"href": href}}]))
        elif bold is not None:
            nodes.append(_text(bold, [{"type": "strong"}]))
        else:
            nodes.append(_text(italic, [{"type": "em"}]))
        position = match.end()
    if position < len(text):
        nodes.append(_text(text[position:]))
    return nodes


def _paragraph(lines: list[str]) -> dict[str, Any]:
    content: list[dict[str, Any]] = []
    for number, line in enumerate(lines):
        if number:
            content.append({"type": "hardBreak"})
        content.extend(_inline(line))
    return {"type": "paragraph", "content": content} if content else {"type": "paragraph"}


def _list_item(text: str) -> dict[str, Any]:
    return {"type": "listItem", "content": [_paragraph([text])]}


def wiki_to_adf(text: str) -> dict[str, Any]:
    """Jira wiki markup (or plain text) as an ADF document."""
    blocks: list[dict[str, Any]] = []
    paragraph: list[str] = []
    lines = text.replace("\r\n", "\n").split("\n")
    index = 0

    def flush() -> None:
        if paragraph:
            blocks.append(_paragraph(paragraph))
            paragraph.clear()

    while index < len(lines):
        line = lines[index].rstrip()
        stripped = line.strip()
        heading = _HEADING.match(stripped)
        if stripped.startswith("{code"):
            flush()
            end = next((j for j in range(index + 1, len(lines)) if lines[j].strip() == "{code}"), len(lines))
            code = "\n".join(lines[index + 1 : end])
            blocks.append({"type": "codeBlock", "content": [_text(code)]} if code else {"type": "codeBlock"})
            index = end + 1
            continue
        if not stripped:
            flush()
        elif heading:
            flush()
            blocks.append(
                {
                    "type": "heading",
                    "attrs": {"level": int(heading.group(1))},
                    "content": _inline(heading.group(2)) or [_text(" ")],
                }
            )
        elif stripped == "----":
            flush()
            blocks.append({"type": "rule"})
        elif stripped[:2] in ("* ", "- ", "# "):
            flush()
            kind = "orderedList" if stripped[0] == "#" else "bulletList"
            items = []
            while index < len(lines) and lines[index].strip()[:2] == stripped[:2]:
                items.append(_list_item(lines[index].strip()[2:].strip() or " "))
                index += 1
            blocks.append({"type": kind, "content": items})
            continue
        else:
            paragraph.append(line)
        index += 1
    flush()
    return {"version": 1, "type": "doc", "content": blocks}


# -- ADF -> wiki / plain -----------------------------------------------------------------------------------
def _marked(text: str, marks: list[dict[str, Any]]) -> str:
    for mark in marks:
        kind = mark.get("type")
        if kind == "strong":
            text = f"*{text}*"
        elif kind == "em":
            text = f"_{text}_"
        elif kind == "code":
            text = f"{{{{{text}}}}}"
        elif kind == "strike":
            text = f"-{text}-"
        elif kind == "link":
            text = f"[{text}|{mark.get('attrs', {}).get('href', '')}]"
    return text


def _inline_wiki(nodes: list[dict[str, Any]]) -> str:
    parts: list[str] = []
    for node in nodes:
        kind = node.get("type")
        attrs = node.get("attrs", {})
        if kind == "text":
            parts.append(_marked(node.get("text", ""), node.get("marks", [])))
        elif kind == "hardBreak":
            parts.append("\n")
        elif kind == "status":
            parts.append(f"*[{attrs.get('text', '')}]*")
        elif kind == "emoji":
            parts.append(attrs.get("text") or attrs.get("shortName", ""))
        elif kind == "mention":
            parts.append(f"[~accountid:{attrs.get('id', '')}]")
        elif kind in ("inlineCard", "blockCard"):
            parts.append(f"[{attrs.get('url', '')}]")
        elif kind == "date":
            parts.append(str(attrs.get("timestamp", "")))
        else:
            parts.append(_inline_wiki(node.get("content", [])))
    return "".join(parts)


def _block_wiki(node: dict[str, Any], bullet: str = "") -> list[str]:
    kind = node.get("type")
    content = node.get("content", [])
    attrs = node.get("attrs", {})
    if kind == "paragraph":
        return [_inline_wiki(content)]
    if kind == "heading":
        return [f"h{attrs.get('level', 1)}. {_inline_wiki(content)}"]
    if kind in ("bulletList", "orderedList"):
        marker = bullet + ("*" if kind == "bulletList" else "#")
        lines: list[str] = []
        for item in content:
            first, *rest = item.get("content", [{}]) or [{}]
            lines.append(f"{marker} {' '.join(_block_wiki(first, marker))}")
            for child in rest:
                lines.extend(_block_wiki(child, marker))
        return lines
    if kind == "codeBlock":
        return ["{code}", _inline_wiki(content), "{code}"]
    if kind == "rule":
        return ["----"]
    if kind == "panel":
        inner = [line for child in content for line in _block_wiki(child)]
        return [f"{{panel:title={attrs.get('panelType', 'info')}}}", *inner, "{panel}"]
    if kind == "blockquote":
        return ["{quote}", *[line for child in content for line in _block_wiki(child)], "{quote}"]
    if kind == "table":
        rows = []
        for row in content:
            cells = row.get("content", [])
            header = all(cell.get("type") == "tableHeader" for cell in cells)
            sep = "||" if header else "|"
            texts = [" ".join(line for c in cell.get("content", []) for line in _block_wiki(c)) for cell in cells]
            rows.append(sep + sep.join(texts) + sep)
        return rows
    if content:
        return [line for child in content for line in _block_wiki(child, bullet)]
    return [_inline_wiki([node])] if kind else []


def adf_to_wiki(doc: dict[str, Any]) -> str:
    blocks = [_block_wiki(node) for node in doc.get("content", [])]
    return "\n\n".join("\n".join(lines) for lines in blocks if lines)


def to_adf(body: Body) -> dict[str, Any]:
    return body if isinstance(body, dict) else wiki_to_adf(body)


def to_wiki(body: Body) -> str:
    return adf_to_wiki(body) if isinstance(body, dict) else body


def to_plain(body: Body | None) -> str:
    """Searchable text: what JQL's ``~`` and the human views match against."""
    if body is None:
        return ""
    if isinstance(body, str):
        return body
    parts: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "text":
                parts.append(node.get("text", ""))
            elif node.get("type") == "status":
                parts.append(node.get("attrs", {}).get("text", ""))
            for child in node.get("content", []):
                walk(child)
            if node.get("type") in ("paragraph", "heading", "listItem", "codeBlock"):
                parts.append("\n")

    walk(body)
    return "".join(parts).strip()
