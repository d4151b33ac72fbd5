"""Confluence storage format -> HTML for the sandbox's page view.

Only whitelisted HTML elements and attributes pass; every text node and attribute value is escaped; macros are
rendered to plain HTML (status lozenges, panels, expand as <details>, toc from the headings, code, jira badges,
chart data tables). Anything unknown keeps its text and loses its markup, so page text can never inject HTML.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from urllib.parse import quote

from pmo_bot.sandbox.confluence.storage import AC_NS, RI_NS, StorageFormatError, ac, parse_storage, ri
from pmo_bot.sandbox.render.safe import esc, safe_url, slug

UrlFor = Callable[[str], str]

_TAGS = {
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "b", "em", "i", "u", "s", "del", "strike", "sub", "sup",
    "code", "pre", "blockquote", "ul", "ol", "li", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
    "colgroup", "col", "br", "hr", "span", "div", "small", "cite", "q", "dl", "dt", "dd", "time", "a",
}  # fmt: skip
_VOID = {"br", "hr", "col"}
_ATTRS = {"colspan", "rowspan", "title", "datetime"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_PANELS = {"info", "warning", "note", "tip", "panel"}
_STATUS_COLOURS = {"grey", "red", "yellow", "green", "blue", "purple"}
_EMOTICONS = {
    "smile": "🙂", "sad": "🙁", "cheeky": "😛", "laugh": "😀", "wink": "😉", "thumbs-up": "👍",
    "thumbs-down": "👎", "information": "ℹ️", "tick": "✅", "cross": "❌", "warning": "⚠️", "plus": "➕",
    "minus": "➖", "question": "❓", "light-on": "💡", "light-off": "💡", "yellow-star": "⭐", "red-star": "⭐",
    "green-star": "⭐", "blue-star": "⭐",
}  # fmt: skip


def _default_issue_url(key: str) -> str:
    return f"/_sandbox/view/issue/{quote(key)}"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _ns(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


class _Renderer:
    def __init__(self, attachment_url: UrlFor, page_url: UrlFor, issue_url: UrlFor, headings: list[ET.Element]):
        self.attachment_url, self.page_url, self.issue_url = attachment_url, page_url, issue_url
        self.heading_ids: dict[int, str] = {}
        self.toc_entries: list[tuple[int, str, str]] = []
        used: dict[str, int] = {}
        for h in headings:
            base = slug("".join(h.itertext()))
            used[base] = used.get(base, 0) + 1
            anchor = f"h-{base}" if used[base] == 1 else f"h-{base}-{used[base]}"
            self.heading_ids[id(h)] = anchor
            self.toc_entries.append((int(_local(h.tag)[1]), anchor, "".join(h.itertext()).strip()))

    # ---- tree walk ---------------------------------------------------------------------------------------
    def children(self, elem: ET.Element) -> str:
        parts = [esc(elem.text or "")]
        for child in elem:
            parts.append(self.node(child))
            parts.append(esc(child.tail or ""))
        return "".join(parts)

    def node(self, elem: ET.Element) -> str:
        ns, name = _ns(elem.tag), _local(elem.tag)
        if ns == AC_NS:
            return self.ac_node(elem, name)
        if ns == RI_NS:
            return ""  # resource identifiers only mean something inside links and images
        if name not in _TAGS:
            return self.children(elem)
        attrs = "".join(f' {k}="{esc(v)}"' for k, v in elem.attrib.items() if k in _ATTRS)
        if name == "a":
            attrs += f' href="{esc(safe_url(elem.get("href", "#")))}" rel="noopener noreferrer"'
        if name in _HEADINGS and id(elem) in self.heading_ids:
            attrs += f' id="{esc(self.heading_ids[id(elem)])}"'
        if name in _VOID:
            return f"<{name}{attrs}>"
        return f"<{name}{attrs}>{self.children(elem)}</{name}>"

    def ac_node(self, elem: ET.Element, name: str) -> str:
        if name in ("structured-macro", "macro"):
            return self.macro(elem)
        if name == "image":
            return self.image(elem)
        if name == "link":
            return self.link(elem)
        if name == "emoticon":
            return esc(_EMOTICONS.get(elem.get(ac("name"), ""), "•"))
        if name == "task-list":
            items = []
            for task in elem.findall(ac("task")):
                done = (task.findtext(ac("task-status")) or "").strip() == "complete"
                body = task.find(ac("task-body"))
                text = self.children(body) if body is not None else ""
                items.append(f'<li class="task{" done" if done else ""}">{"☑" if done else "☐"} {text}</li>')
            return f'<ul class="tasks">{"".join(items)}</ul>'
        if name in ("layout", "layout-section", "layout-cell"):
            return f'<div class="{esc(name)}">{self.children(elem)}</div>'
        if name in ("placeholder", "parameter"):
            return ""
        return self.children(elem)

    # ---- macros ------------------------------------------------------------------------------------------
    @staticmethod
    def params(elem: ET.Element) -> dict[str, str]:
        return {p.get(ac("name"), ""): "".join(p.itertext()).strip() for p in elem.findall(ac("parameter"))}

    def rich_body(self, elem: ET.Element) -> str:
        body = elem.find(ac("rich-text-body"))
        return self.children(body) if body is not None else ""

    def macro(self, elem: ET.Element) -> str:
        name = (elem.get(ac("name")) or "").lower()
        params = self.params(elem)
        if name == "status":
            colour = params.get("colour", params.get("color", "Grey")).lower()
            colour = colour if colour in _STATUS_COLOURS else "grey"
            subtle = " subtle" if params.get("subtle", "").lower() == "true" else ""
            return f'<span class="status status-{colour}{subtle}">{esc(params.get("title", "").upper())}</span>'
        if name in _PANELS:
            title = params.get("title", "")
            head = f'<div class="panel-title">{esc(title)}</div>' if title else ""
            return f'<div class="panel panel-{name}">{head}<div class="panel-body">{self.rich_body(elem)}</div></div>'
        if name == "expand":
            title = params.get("title") or "Click here to expand..."
            return f'<details class="expand"><summary>{esc(title)}</summary>{self.rich_body(elem)}</details>'
        if name == "toc":
            return self.toc(params)
        if name in ("code", "noformat"):
            title = params.get("title", "")
            head = f'<div class="code-title">{esc(title)}</div>' if title else ""
            text = elem.findtext(ac("plain-text-body")) or ""
            return f'<div class="code-block">{head}<pre><code>{esc(text)}</code></pre></div>'
        if name == "jira":
            return self.jira(params)
        if name == "chart":
            title = params.get("title", "Chart")
            kind = params.get("type", "pie")
            return (
                f'<figure class="chart"><figcaption>{esc(title)} <small>({esc(kind)} chart data)</small>'
                f"</figcaption>{self.rich_body(elem)}</figure>"
            )
        if name in ("excerpt", "section", "column", "div", "details", "excerpt-include"):
            return f"<div>{self.rich_body(elem)}</div>"
        if name == "anchor":
            return f'<a id="{esc(slug(params.get("", "anchor")))}"></a>'
        return f'<div class="unknown-macro">Unknown macro: {esc(name or "?")}</div>'

    def toc(self, params: dict[str, str]) -> str:
        low = int(params["minLevel"]) if params.get("minLevel", "").isdigit() else 1
        high = int(params["maxLevel"]) if params.get("maxLevel", "").isdigit() else 6
        entries = [(level, anchor, text) for level, anchor, text in self.toc_entries if low <= level <= high]
        top = min((level for level, _, _ in entries), default=1)  # indent relative to the highest heading
        items = [
            f'<li class="toc-l{level - top + 1}"><a href="#{esc(anchor)}">{esc(text)}</a></li>'
            for level, anchor, text in entries
        ]
        return f'<nav class="toc"><div class="toc-title">Contents</div><ul>{"".join(items)}</ul></nav>'

    def jira(self, params: dict[str, str]) -> str:
        key = params.get("key")
        if key:
            return f'<a class="jira-badge" href="{esc(self.issue_url(key))}">{esc(key)}</a>'
        jql = params.get("jqlQuery", "")
        count = " (count)" if params.get("count", "").lower() == "true" else ""
        return f'<div class="jira-query"><span class="jira-badge">Jira</span> <code>{esc(jql)}</code>{count}</div>'

    # ---- links and images --------------------------------------------------------------------------------
    def image(self, elem: ET.Element) -> str:
        src = "#"
        target = elem.find(ri("attachment"))
        if target is not None:
            src = self.attachment_url(target.get(ri("filename"), ""))
        url = elem.find(ri("url"))
        if url is not None:
            src = safe_url(url.get(ri("value"), ""))
        width = elem.get(ac("width"), "")
        size = f' width="{esc(width)}"' if width.isdigit() else ""
        alt = elem.get(ac("alt")) or elem.get(ac("title")) or ""
        return f'<img src="{esc(src)}" alt="{esc(alt)}"{size} class="attached-image">'

    def link(self, elem: ET.Element) -> str:
        href, label = "#", ""
        page, attachment, user = elem.find(ri("page")), elem.find(ri("attachment")), elem.find(ri("user"))
        if page is not None:
            label = page.get(ri("content-title"), "")
            href = self.page_url(label)
        elif attachment is not None:
            label = attachment.get(ri("filename"), "")
            href = self.attachment_url(label)
        elif user is not None:
            who = user.get(ri("account-id")) or user.get(ri("username")) or user.get(ri("userkey")) or "user"
            return f'<span class="mention">@{esc(who)}</span>'
        anchor = elem.get(ac("anchor"))
        if anchor:
            href = f"{href if href != '#' else ''}#{slug(anchor)}"
            label = label or anchor
        plain = elem.find(ac("plain-text-link-body"))
        rich = elem.find(ac("link-body"))
        if rich is not None:
            text = self.children(rich)
        else:
            text = esc(plain.text if plain is not None and plain.text else label)
        return f'<a href="{esc(href)}">{text}</a>'


def storage_to_html(
    storage: str, attachment_url: UrlFor, page_url: UrlFor, *, issue_url: UrlFor = _default_issue_url
) -> str:
    """Render a storage-format body; a malformed body is shown escaped under an explanation."""
    try:
        root = parse_storage(storage)
    except StorageFormatError as exc:
        return (
            f'<div class="render-error">This body is not well-formed storage format: {esc(exc)}</div>'
            f"<pre>{esc(storage)}</pre>"
        )
    headings = [e for e in root.iter() if _ns(e.tag) == "" and e.tag in _HEADINGS]
    return _Renderer(attachment_url, page_url, issue_url, headings).children(root)
