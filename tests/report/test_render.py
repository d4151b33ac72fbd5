"""Rendering: well-formed storage XML whatever the text, Confluence features, overrides, strictness, size."""

from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmo_bot.errors import ConfigError
from pmo_bot.report import render
from pmo_bot.report.charts import COMPLIANCE_TREND
from pmo_bot.report.context import PortfolioReport
from pmo_bot.report.model import build_report
from pmo_bot.report.render import IndexEntry, render_html, render_index, render_storage, rendered_page
from pmo_bot.store.records import FindingStatus, StoredFinding
from tests.factories import make_finding, make_item
from tests.report import builders

NAMESPACES = 'xmlns:ac="http://atlassian.com/content" xmlns:ri="http://atlassian.com/resource/identifier"'
CHARTS = {COMPLIANCE_TREND: b"\x89PNG fake"}
HOSTILE = [
    "<", ">", "&", "&amp;", "&#0;", '"', "'", "]]>", "<![CDATA[", "\x00", "\x07", "\x0b", "\x1f", "\x7f", "\x85",
    "\ud800", "\ufffe", "é", "漢字", "🙂", "\u202e", '<ac:structured-macro ac:name="html">',
    '<ac:parameter ac:name="title">x</ac:parameter>', "</ac:rich-text-body>", "<script>alert(1)</script>",
    "{{ report }}", "{% raw %}", "$x$",
]  # fmt: skip
hostile_text = st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=8)), min_size=1, max_size=6).map("".join)


def parse(body: str) -> ET.Element:
    return ET.fromstring(f"<root {NAMESPACES}>{body}</root>")


def tags(body: str) -> list[str]:
    return [element.tag for element in parse(body).iter()]


@pytest.fixture(scope="module")
def report() -> PortfolioReport:
    return build_report(builders.inputs())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=hostile_text)
def test_storage_is_well_formed_and_text_never_becomes_markup(text: str) -> None:
    plain = build_report(builders.inputs())
    hostile = build_report(builders.inputs(lambda default: default + text))
    body = render_storage(hostile, CHARTS)
    assert tags(body) == tags(render_storage(plain, CHARTS))  # same elements: the text added none
    html = render_html(hostile, CHARTS)
    assert "<script>" not in html
    assert "\x00" not in html
    index = render_index([IndexEntry("2026-W48", "Portfolio report " + text)], hostile)
    assert tags(index) == tags(render_index([IndexEntry("2026-W48", "Portfolio report")], plain))


def test_control_characters_are_stripped_and_cdata_split() -> None:
    assert render.cdata("a]]>b\x00") == "<![CDATA[a]]]]><![CDATA[>b]]>"
    body = render_index([IndexEntry("2026-W48", "x]]>y\x01")], None)
    link = parse(body).find(".//ac:plain-text-link-body", {"ac": "http://atlassian.com/content"})
    assert link is not None
    assert link.text == "x]]>y"


def test_confluence_features(report: PortfolioReport) -> None:
    body = render_storage(report, CHARTS)
    assert '<ac:structured-macro ac:name="toc">' in body
    assert body.count('<ac:parameter ac:name="title">OFF TRACK</ac:parameter>') == 2  # the portfolio and PAY
    assert '<ac:parameter ac:name="colour">Red</ac:parameter>' in body
    assert '<ac:structured-macro ac:name="warning">' in body  # headline panel of a red portfolio
    assert '<ac:structured-macro ac:name="expand">' in body
    assert f'<ri:attachment ri:filename="{COMPLIANCE_TREND}"/>' in body
    assert "budget-by-goal.png" not in body  # only charts that were rendered are shown
    assert '<a href="https://jira.example.com/browse/PAY-1">PAY-1</a>' in body
    assert "<th>Compliance</th>" in body
    assert "€30,000" in body
    assert "87.5%" in body


def test_jira_macro_when_a_server_id_is_configured() -> None:
    report = build_report(builders.inputs(jira_server_id="1234-abcd"))
    body = render_storage(report, CHARTS)
    assert '<ac:parameter ac:name="serverId">1234-abcd</ac:parameter><ac:parameter ac:name="key">PAY-1' in body


def test_cut_lists_say_how_many_more_and_link_the_csv() -> None:
    report = build_report(builders.inputs(top_n=1))
    body = render_storage(report, CHARTS)
    assert "Showing 1 of 2: 1 more open findings in" in body
    assert '<ri:attachment ri:filename="findings-aging.csv"/>' in body
    page = rendered_page(report)
    assert {f.filename for f in page.files} >= {"findings-aging.csv", COMPLIANCE_TREND}
    assert page.title == "Portfolio report — 2026-W48"
    assert page.labels == ("pmo-report", "pmo-report-2026-48")


def test_html_preview_embeds_images(report: PortfolioReport) -> None:
    html = render_html(report, CHARTS)
    assert html.startswith("<!DOCTYPE html>")
    assert 'src="data:image/png;base64,iVBORyBmYWtl"' in html
    assert "ri:attachment" not in html


def test_index_lists_weeks_newest_first_with_the_latest_headline(report: PortfolioReport) -> None:
    body = render_index([IndexEntry("2026-W47", "Report 47"), IndexEntry("2026-W48", "Report 48")], report)
    titles = re.findall(r'ri:content-title="([^"]+)"', body)
    assert titles == ["Report 48", "Report 47"]
    assert "Latest: week 2026-W48" in body
    assert "OFF TRACK" in body
    assert "No weekly report" in render_index([], None)


def test_admin_override_extends_the_packaged_template(tmp_path: Path, report: PortfolioReport) -> None:
    (tmp_path / "storage").mkdir()
    (tmp_path / "storage" / "page.xml.j2").write_text(
        '{% extends "default:storage/page.xml.j2" %}{% block waivers %}<p>Waivers: see {{ report.week }}</p>'
        "{% endblock %}"
    )
    body = render_storage(report, CHARTS, tmp_path)
    assert "<p>Waivers: see 2026-W48</p>" in body
    assert "<h2>Projects</h2>" in body
    assert "<h2>Waivers</h2>" not in body
    parse(body)


def test_an_override_of_one_section_is_picked_up_everywhere(tmp_path: Path, report: PortfolioReport) -> None:
    (tmp_path / "sections").mkdir()
    (tmp_path / "sections" / "trends.j2").write_text("<p>No trends here</p>")
    assert "No trends here" in render_storage(report, CHARTS, tmp_path)
    assert "No trends here" in render_html(report, CHARTS, tmp_path)


def test_undefined_names_fail_loudly(tmp_path: Path, report: PortfolioReport) -> None:
    (tmp_path / "sections").mkdir()
    (tmp_path / "sections" / "trends.j2").write_text("<p>{{ report.headline.complaince }}</p>")
    with pytest.raises(ConfigError, match=r"report template storage/page.xml.j2 .* failed: .*complaince"):
        render_storage(report, CHARTS, tmp_path)
    with pytest.raises(ConfigError, match="is not a directory"):
        render_storage(report, CHARTS, tmp_path / "missing")


def test_a_big_portfolio_stays_far_under_the_page_limit() -> None:
    items = tuple(
        make_item(f"BIG-{n}", issue_type="Epic", hierarchy_level=1, summary="<&> " * 50, budget=1000.0,
                  due_date=builders.TODAY.replace(day=1))
        for n in range(1, 3001)
    )  # fmt: skip
    found = tuple(
        StoredFinding(make_finding(f"rule-{r}", i.key, message="m" * 400), FindingStatus.OPEN,
                               builders.NOW, builders.NOW)
        for i in items for r in range(3)
    )  # fmt: skip
    report = build_report(builders.inputs(items=items, findings=found, top_n=25))
    page = rendered_page(report)
    assert len(page.body.encode()) < 1_000_000  # 5 MB is Confluence's limit; top-N keeps it a small fraction
    assert report.aging.total == 9000
    assert "Showing 25 of 9,000: 8,975 more open findings in" in page.body
    assert {"epics-at-risk.csv", "deliverables-overdue.csv", "findings-aging.csv"} <= {f.filename for f in page.files}


@pytest.mark.parametrize(
    "attack",
    [
        "{{ cycler.__init__.__globals__.os.popen('echo pwned').read() }}",
        "{{ report.__class__.__mro__[1].__subclasses__() }}",
        "{{ report.headline.reasons.__len__() }}",
        "{% set d = {} %}{{ d.update({'a': 1}) }}",
        "{{ lipsum.__globals__['os'].environ }}",
    ],
)
def test_report_templates_run_in_the_sandbox(tmp_path: Path, report: PortfolioReport, attack: str) -> None:
    (tmp_path / "sections").mkdir()
    (tmp_path / "sections" / "trends.j2").write_text(attack)
    with pytest.raises(ConfigError, match=r"report template storage/page.xml.j2 .*failed"):
        render_storage(report, CHARTS, tmp_path)


def test_the_fingerprint_leaves_out_only_the_volatile_text(report: PortfolioReport) -> None:
    later = dataclasses.replace(report, today=report.today.replace(day=report.today.day + 1))
    assert render_storage(report, CHARTS) != render_storage(later, CHARTS)  # "as of" moved on the page...
    assert "As of" not in render_storage(report, CHARTS, fingerprinting=True)
    # ...but not in the content the fingerprint covers; a real change (one more open finding) is in it.
    assert render_storage(report, CHARTS, fingerprinting=True) == render_storage(later, CHARTS, fingerprinting=True)
    more = dataclasses.replace(report, headline=dataclasses.replace(report.headline, open_findings=99))
    assert render_storage(report, CHARTS, fingerprinting=True) != render_storage(more, CHARTS, fingerprinting=True)
