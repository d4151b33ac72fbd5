"""Jira wiki markup -> HTML, for the sandbox's issue view (Data Center and v2 bodies).

Text is escaped first; inline markup is then recognised in the escaped text, so no input can produce a tag the
renderer did not write. Links keep only http(s), mailto and relative targets; colours only names and hex values.
"""

from __future__ import annotations

import re

from pmo_bot.sandbox.render.safe import esc, safe_colour, safe_url

_HEADING = re.compile(r"^h([1-6])\.\s+(.*)$")
_LIST = re.compile(r"^([*#]+|-)\s+(.*)$")
_VERBATIM_OPEN = re.compile(r"^\s*\{(code|noformat)(?::([^}]*))?\}(.*)$")
_BLOCK_OPEN = re.compile(r"^\s*\{(panel|quote)(?::([^}]*))?\}(.*)$")
_CELL = re.compile(r"(\|\|?)((?:\[[^\]]*\]|\{\{.*?\}\}|[^|])*)")
_STASH = "\x00{}\x00"

_INLINE: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])"), "strong"),
    (re.compile(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])"), "em"),
    (re.compile(r"(?<![\w-])-(?=\S)(.+?)(?<=\S)-(?![\w-])"), "del"),
    (re.compile(r"(?<![\w+])\+(?=\S)(.+?)(?<=\S)\+(?![\w+])"), "u"),
    (re.compile(r"(?<![\w^])\^(?=\S)(.+?)(?<=\S)\^(?![\w^])"), "sup"),
    (re.compile(r"(?<![\w~])~(?=\S)(.+?)(?<=\S)~(?![\w~])"), "sub"),
    (re.compile(r"\?\?(?=\S)(.+?)(?<=\S)\?\?"), "cite"),
]


def _inline(text: str) -> str:
    stash: list[str] = []

    def keep(html: str) -> str:
        stash.append(html)
        return _STASH.format(len(stash) - 1)

    out = esc(text.replace("\x00", ""))
    out = re.sub(r"\{\{(.+?)\}\}", lambda m: keep(f"<code>{m.group(1)}</code>"), out)
    out = re.sub(r"\[~([^\]]+)\]", lambda m: keep(f'<span class="mention">@{m.group(1)}</span>'), out)
    out = re.sub(
        r"\[([^\]|]*)\|([^\]]+)\]",
        lambda m: keep(f'<a href="{safe_url(m.group(2))}" rel="noopener noreferrer">{m.group(1) or m.group(2)}</a>'),
        out,
    )
    out = re.sub(
        r"\[((?:https?://|mailto:)[^\]]+)\]",
        lambda m: keep(f'<a href="{safe_url(m.group(1))}" rel="noopener noreferrer">{m.group(1)}</a>'),
        out,
    )

    def colour(m: re.Match[str]) -> str:
        value = safe_colour(m.group(1))
        return f'<span style="color:{value}">{m.group(2)}</span>' if value else m.group(2)

    out = re.sub(r"\{color:([^}]*)\}(.*?)\{color\}", colour, out, flags=re.S)
    for pattern, tag in _INLINE:
        out = pattern.sub(lambda m, t=tag: f"<{t}>{m.group(1)}</{t}>", out)  # type: ignore[misc]
    out = out.replace("\\\\", "<br>")
    while "\x00" in out:
        out = re.sub(r"\x00(\d+)\x00", lambda m: stash[int(m.group(1))], out)
    return out


def _params(raw: str | None) -> dict[str, str]:
    found: dict[str, str] = {}
    for part in (raw or "").split("|"):
        key, _, value = part.partition("=")
        if key.strip():
            found[key.strip()] = value.strip()
    return found


def _collect(lines: list[str], i: int, first: str, name: str) -> tuple[list[str], int]:
    """Lines up to the closing ``{name}``; returns (inner lines, index after the block)."""
    closing = "{" + name + "}"
    inner: list[str] = []
    current = first
    while True:
        if closing in current:
            inner.append(current[: current.index(closing)])
            return inner, i + 1
        inner.append(current)
        i += 1
        if i >= len(lines):
            return inner, i
        current = lines[i]


def _list_html(items: list[tuple[str, str]]) -> str:
    out: list[str] = []
    stack: list[str] = []
    for marker, text in items:
        kinds = ["ol" if c == "#" else "ul" for c in marker.replace("-", "*")]
        while len(stack) > len(kinds) or (stack and stack != kinds[: len(stack)]):
            out.append(f"</li></{stack.pop()}>")
        if len(stack) == len(kinds):
            out.append("</li>")
        while len(stack) < len(kinds):
            stack.append(kinds[len(stack)])
            out.append(f"<{stack[-1]}>")
        out.append(f"<li>{_inline(text)}")
    while stack:
        out.append(f"</li></{stack.pop()}>")
    return "".join(out)


def _table_html(rows: list[str]) -> str:
    html_rows = []
    for row in rows:
        cells = []
        found = _CELL.findall(row.strip())
        if found and found[-1][1] == "":
            found.pop()  # the closing bar(s) of the row
        for sep, content in found:
            tag = "th" if sep == "||" else "td"
            cells.append(f"<{tag}>{_inline(content.strip())}</{tag}>")
        html_rows.append(f"<tr>{''.join(cells)}</tr>")
    return f"<table>{''.join(html_rows)}</table>"


def _blocks(lines: list[str]) -> str:
    out: list[str] = []
    para: list[str] = []

    def flush() -> None:
        if para:
            out.append(f"<p>{'<br>'.join(_inline(line) for line in para)}</p>")
            para.clear()

    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if m := _VERBATIM_OPEN.match(line):
            inner, i = _collect(lines, i, m.group(3), m.group(1))
            flush()
            title = _params(m.group(2)).get("title")
            head = f'<div class="code-title">{esc(title)}</div>' if title else ""
            out.append(
                f'<div class="code-block">{head}<pre><code>{esc(chr(10).join(inner).strip(chr(10)))}</code></pre></div>'
            )
            continue
        if m := _BLOCK_OPEN.match(line):
            inner, i = _collect(lines, i, m.group(3), m.group(1))
            flush()
            if m.group(1) == "quote":
                out.append(f"<blockquote>{_blocks(inner)}</blockquote>")
            else:
                title = _params(m.group(2)).get("title")
                head = f'<div class="panel-title">{esc(title)}</div>' if title else ""
                out.append(f'<div class="panel panel-panel">{head}<div class="panel-body">{_blocks(inner)}</div></div>')
            continue
        if m := _HEADING.match(stripped):
            flush()
            out.append(f"<h{m.group(1)}>{_inline(m.group(2))}</h{m.group(1)}>")
        elif stripped.startswith("bq. "):
            flush()
            out.append(f"<blockquote>{_inline(stripped[4:])}</blockquote>")
        elif re.fullmatch(r"-{4,}", stripped):
            flush()
            out.append("<hr>")
        elif _LIST.match(stripped):
            flush()
            items = []
            while i < len(lines) and (lm := _LIST.match(lines[i].strip())):
                items.append((lm.group(1), lm.group(2)))
                i += 1
            out.append(_list_html(items))
            continue
        elif stripped.startswith("|"):
            flush()
            rows = []
            while i < len(lines) and lines[i].strip().startswith("|"):
                rows.append(lines[i])
                i += 1
            out.append(_table_html(rows))
            continue
        elif not stripped:
            flush()
        else:
            para.append(line)
        i += 1
    flush()
    return "".join(out)


def wiki_to_html(text: str) -> str:
    """Render Jira wiki markup to HTML."""
    return _blocks(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
