"""Hostile Jira data: whatever an issue says, comments are valid ADF or escaped wiki markup, and the page and its
preview are well-formed with no live macro, link or script — and no text that reorders what readers see.

Each output is compared with the same output for harmless text: hostile text may change the words, never the
structure (the elements, macros, links and images).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from pmo_bot.comments.adf import render_adf
from pmo_bot.comments.content import build_content
from pmo_bot.comments.wiki import escape, render_wiki
from pmo_bot.domain import Severity
from pmo_bot.jobs import check_job
from pmo_bot.report.charts import COMPLIANCE_TREND
from pmo_bot.report.model import build_report
from pmo_bot.report.render import IndexEntry, render_html, render_index, render_storage
from pmo_bot.sandbox.markup import adf_errors
from pmo_bot.sandbox.running import RunningSandbox
from pmo_bot.textsafety import is_neutral, neutralise
from tests.e2e.conftest import SiteReader, settings_for
from tests.factories import make_finding
from tests.report import builders

DOCS = "https://pmo.example.com/rules"
EVIL = "evil.example"
HOSTILE: dict[str, str] = {
    "100kb": "Quarterly plan " + "lorem ipsum dolor " * 5_700,
    "controls": "a\x00b\x01c\x07d\x08e\x0bf\x0cg\x1bh\x7fi\x85j\x9fk",
    "surrogates": "lone \ud800 halves \udfff of \ude00\ud83d a pair",  # JSON may escape them; no text holds them
    "bidi": "Budget \u202eexe.txt\u202c approved \u2066isolate\u2069 \u202dLRO\u202c \u061c\u200b\ufeff\u2028end",
    "wiki": (
        "*bold* _it_ -strike- +under+ ^sup^ ~sub~ ??cite?? {{mono}} h1. head\n* item\n|| th ||\n| td |\n"
        f"{{panel:title=pwn}}x{{panel}} [click|http://{EVIL}/] [http://{EVIL}/a] !http://{EVIL}/x.png! "
        f"{{html}}<script>alert(1)</script>{{html}} [~admin] {{color:red}}red{{color}} \\\\ {{code}}c{{code}} ----"
    ),
    "adf": (
        '{"type":"doc","version":1,"content":[{"type":"paragraph","content":[{"type":"inlineCard",'
        f'"attrs":{{"url":"http://{EVIL}/"}}}},{{"type":"text","text":"x","marks":[{{"type":"link",'
        f'"attrs":{{"href":"http://{EVIL}/"}}}}]}}]}}]}}'
    ),
    "html": (
        f'<a href="http://{EVIL}/">x</a><script>alert(1)</script><img src=x onerror=alert(1)>'
        f'<iframe src="http://{EVIL}/"></iframe><style>*{{display:none}}</style>&lt;&amp;&#0;"\''
    ),
    "confluence": (
        '<ac:structured-macro ac:name="html"><ac:plain-text-body><![CDATA[<script>x</script>]]>'
        '</ac:plain-text-body></ac:structured-macro><ri:url ri:value="http://evil.example/"/>'
        '<ac:link><ri:page ri:content-title="Secret"/></ac:link>]]><![CDATA['
    ),
}
IDS = list(HOSTILE)


def _hostile_findings(text: str) -> list[Any]:
    return [
        make_finding(
            "epic-has-budget",
            "PAY-1",
            title=text[:200],
            message=f"PAY-1 {text}",
            observed=f"summary = {text}",
            expected=text,
            remediation=text,
        ),
        make_finding("second-rule", "PAY-1", severity=Severity.WARNING, message=text),
    ]


def _content(text: str) -> Any:
    return build_content("PAY-1", _hostile_findings(text), docs_url=DOCS, waiver_procedure="Ask " + text)


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for child in node.get("content") or ():
            yield from _walk(child)


def _structure_adf(doc: dict[str, Any]) -> set[tuple[str, ...]]:
    shape = set()
    for node in _walk(doc):
        marks = tuple(sorted(m["type"] for m in node.get("marks") or ()))
        shape.add((node["type"], *marks))
    return shape


@pytest.mark.parametrize("name", IDS)
def test_cloud_comment_is_valid_adf_with_no_link_but_ours(name: str) -> None:
    doc = render_adf(_content(HOSTILE[name]), date(2026, 12, 1))
    plain = render_adf(_content("harmless words"), date(2026, 12, 1))
    assert adf_errors(doc) == []
    assert _structure_adf(doc) <= _structure_adf(plain)
    hrefs = [m["attrs"]["href"] for node in _walk(doc) for m in node.get("marks") or () if m["type"] == "link"]
    assert hrefs == [DOCS]
    texts = [node["text"] for node in _walk(doc) if node["type"] == "text"]
    assert all(is_neutral(t) for t in texts)
    assert len(str(doc)) < 32_767  # Jira's body limit: long text is cut, not sent whole


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, tuple[tuple[str, str | None], ...]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        kept = tuple((k, v) for k, v in attrs if k in ("href", "src", "class", "style", "on", "data-macro"))
        kept += tuple((k, v) for k, v in attrs if k.startswith("on"))
        self.found.append((tag, kept))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _elements(html: str) -> _Elements:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser


_WIKI_SPECIAL = re.compile(r"(?<!\\)((?:\\\\)*)([*_\-+^~?{}\[\]|!])")


def _unescaped(text: str) -> list[str]:
    """Wiki special characters not preceded by an escaping backslash."""
    return [m.group(2) for m in _WIKI_SPECIAL.finditer(text)]


def _lead(line: str) -> str:
    """The block markup a wiki line starts with: heading, list bullets, table bars, a macro, a quote."""
    match = re.match(r"(h\d\.\s|[*#-]+\s|\|\|?|\{[a-z]+|bq\.\s)?", line)
    return match.group(0) if match else ""


@pytest.mark.parametrize("name", IDS)
def test_data_center_comment_escapes_every_markup(name: str) -> None:
    text = HOSTILE[name]
    wiki = render_wiki(_content(text), date(2026, 12, 1))
    plain = render_wiki(_content("harmless words"), date(2026, 12, 1))
    # The same lines with the same leading markup: text can start no list item, heading, table or macro.
    assert [_lead(line) for line in wiki.splitlines()] == [_lead(line) for line in plain.splitlines()]
    assert _unescaped(escape(text)) == []
    assert f"|http://{EVIL}/]" not in wiki
    assert "{panel" not in wiki.replace("\\{panel", "")
    assert is_neutral(wiki)


NAMESPACES = 'xmlns:ac="http://atlassian.com/content" xmlns:ri="http://atlassian.com/resource/identifier"'
CHARTS = {COMPLIANCE_TREND: b"\x89PNG fake"}


def _storage_shape(body: str) -> list[tuple[str, tuple[tuple[str, str], ...]]]:
    root = ET.fromstring(f"<root {NAMESPACES}>{body}</root>")
    shape = []
    for element in root.iter():
        attrs = tuple(sorted((k, v) for k, v in element.attrib.items() if re.search(r"name|href|url|value|key", k)))
        shape.append((element.tag, attrs))
    return shape


@pytest.fixture(scope="module")
def plain_report() -> Any:
    return build_report(builders.inputs())


@pytest.mark.parametrize("name", IDS)
def test_weekly_page_and_preview_keep_their_structure(name: str, plain_report: Any) -> None:
    text = HOSTILE[name]
    report = build_report(builders.inputs(lambda default: default + " " + text))
    body = render_storage(report, CHARTS)
    # Same elements, macros (by ac:name), links and attachments as for harmless text: nothing live was added.
    hostile_shape = [(t, a) for t, a in _storage_shape(body) if not any(EVIL in v for _, v in a)]
    assert hostile_shape == _storage_shape(body)
    assert {t for t, _ in _storage_shape(body)} == {t for t, _ in _storage_shape(render_storage(plain_report, CHARTS))}
    macros = set(re.findall(r'<ac:structured-macro ac:name="([^"]+)"', body))
    assert "html" not in macros
    assert is_neutral(_without_own_joiners(body))
    html = render_html(report, CHARTS)
    plain_html = _elements(render_html(plain_report, CHARTS))
    hostile_html = _elements(html)
    assert {tag for tag, _ in hostile_html.found} == {tag for tag, _ in plain_html.found}
    assert not [attrs for _, attrs in hostile_html.found if EVIL in str(attrs)]
    assert not any(key.startswith("on") for _, attrs in hostile_html.found for key, _ in attrs)
    assert html.count("<script") == render_html(plain_report, CHARTS).count("<script")
    assert is_neutral(_without_own_joiners(html))
    index = render_index([IndexEntry("2026-W48", "Portfolio report " + text)], report)
    plain_index = render_index([IndexEntry("2026-W48", "Portfolio report")], plain_report)
    assert [t for t, _ in _storage_shape(index)] == [t for t, _ in _storage_shape(plain_index)]
    assert is_neutral(_without_own_joiners(index))


def _without_own_joiners(page: str) -> str:
    """The page less the word joiners the report itself puts after hyphens to keep keys and dates on one line
    (untrusted text loses its own before they are added)."""
    return page.replace("-\u2060", "-").replace("\u2212\u2060", "\u2212")


def test_neutralise_keeps_ordinary_text_of_every_script() -> None:
    text = "Budget für Q3 — مرحبا بالعالم שלום 漢字 🙂 👨\u200d👩\u200d👧 \u200fRLM\u200e tab\tnewline\n"
    assert neutralise(text) == text
    assert neutralise("a\u202eb\u2066c\u2069d\x00e") == "abcde"


@pytest.mark.parametrize("flavor_fixture", ["cloud_sandbox", "dc_sandbox"])
def test_hostile_summaries_end_to_end(flavor_fixture: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    """Through the real pipeline: a rule quoting the summary, hostile summaries in Jira, comments read back."""
    site: RunningSandbox = request.getfixturevalue(flavor_fixture)
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "quote.yaml").write_text(
        "rules:\n  - id: summary-is-tidy\n    title: Summary is tidy\n    category: hygiene\n    severity: warning\n"
        "    check: {field: summary, op: regex, value: '^[A-Za-z0-9 ]+$'}\n"
        "    message: 'The summary \"{{ item.summary }}\" has odd characters.'\n"
        "    remediation: 'Rewrite \"{{ item.summary|truncate(80) }}\".'\n",
        encoding="utf-8",
    )
    reader = SiteReader(site)
    keys = [issue.key for issue in site.sandbox.jira.issues[: len(HOSTILE)]]
    for key, text in zip(keys, HOSTILE.values(), strict=True):
        summary = "⚠ " + text[:250].replace("\n", " ").replace("\x00", "")  # Jira's own limits; fails the rule
        reader.edit(key, {"summary": summary})
    settings = settings_for(site, tmp_path / "state.db", PMO_RULES_DIR=str(rules))
    summary, _ = check_job(settings)
    assert summary.write_failures == {}
    for key in keys:
        (comment,) = reader.bot_comments(key)
        body = comment["body"]
        if site.flavor == "cloud":
            assert adf_errors(body) == []
            links = [m for node in _walk(body) for m in node.get("marks") or () if m["type"] == "link"]
            assert all(EVIL not in str(m) for m in links)
            assert all(is_neutral(node["text"]) for node in _walk(body) if node["type"] == "text")
        else:
            assert f"|http://{EVIL}/]" not in body
            assert re.search(r"(?<!\\)\{(panel|html)", body) is None
            assert is_neutral(_without_own_joiners(body))
