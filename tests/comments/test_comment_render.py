from __future__ import annotations

import json
from datetime import date
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmo_bot.comments.adf import render_adf
from pmo_bot.comments.content import MARKER, MAX_FINDINGS_SHOWN, build_content
from pmo_bot.comments.wiki import escape, render_wiki
from pmo_bot.domain import Severity
from tests.factories import make_finding
from tests.specs import adf_schema

TODAY = date(2026, 11, 28)
HOSTILE = 'Fix <script>alert(1)</script> & "quotes" *bold* {panel} [link|http://evil] ]]> \x00\x07 — ünïcode 🚀'


@pytest.fixture(scope="module")
def adf_validator() -> jsonschema.Draft7Validator:
    schema = adf_schema()
    return jsonschema.Draft7Validator({**schema, "$ref": "#/definitions/doc_node"})


def _content(*findings: Any) -> Any:
    return build_content("PAY-1", findings, docs_url="https://pmo.example.com/rules", waiver_procedure="Ask the PMO.")


def test_adf_comment_is_valid_against_the_official_schema(adf_validator: jsonschema.Draft7Validator) -> None:
    doc = render_adf(_content(make_finding(), make_finding("epic-overdue", severity=Severity.WARNING)), TODAY)
    errors = sorted(adf_validator.iter_errors(doc), key=str)
    assert not errors, errors[0].message


def test_resolved_adf_note_is_valid_and_says_all_pass(adf_validator: jsonschema.Draft7Validator) -> None:
    doc = render_adf(_content(), TODAY)
    assert not list(adf_validator.iter_errors(doc))
    assert "all checks pass" in json.dumps(doc)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_adf_stays_valid_for_any_text(adf_validator: jsonschema.Draft7Validator, text: str) -> None:
    finding = make_finding(title=text or "t", message=text, observed=text, expected=text, remediation=text)
    doc = render_adf(_content(finding), TODAY)
    assert not list(adf_validator.iter_errors(doc))


def test_adf_carries_hostile_text_as_data_without_control_characters() -> None:
    doc = render_adf(_content(make_finding(message=HOSTILE)), TODAY)
    dumped = json.dumps(doc, ensure_ascii=False)
    assert "<script>alert(1)</script>" in dumped  # ADF is JSON: text stays text
    assert "\\u0000" not in dumped
    assert "\\u0007" not in dumped


def test_wiki_escape_neutralises_markup() -> None:
    escaped = escape("*bold* {panel} [x|http://e] -strike- line\nh1. heading")
    assert "\\*bold\\*" in escaped
    assert "\\{panel\\}" in escaped
    assert "\\[x\\|http://e\\]" in escaped
    assert "\n" not in escaped  # a newline would end the list item and start "h1." as markup


def test_wiki_comment_lists_findings_with_observed_expected_and_marker() -> None:
    body = render_wiki(_content(make_finding(observed="budget is 0", expected="budget > 0")), TODAY)
    assert body.startswith("h3. PMO compliance check")
    assert "_Observed:_ budget is 0" in body
    assert "_Expected:_ budget > 0" in body
    assert f"{{{{{MARKER}}}}}" in body
    assert "[How PMO rules work|https://pmo.example.com/rules]" in body


def test_wiki_comment_escapes_hostile_summary_text() -> None:
    body = render_wiki(_content(make_finding(title=HOSTILE)), TODAY)
    assert "{panel}" not in body
    assert "[link|http://evil]" not in body
    assert "\x00" not in body


def test_long_lists_are_capped_with_a_count_of_the_rest() -> None:
    findings = [make_finding(f"rule-{i:02d}") for i in range(MAX_FINDINGS_SHOWN + 7)]
    content = _content(*findings)
    assert len(content.findings) == MAX_FINDINGS_SHOWN
    assert content.hidden == 7
    assert "and 7 more" in render_wiki(content, TODAY)


def test_errors_are_listed_before_warnings() -> None:
    content = _content(make_finding("a-warning", severity=Severity.WARNING), make_finding("z-error"))
    assert [f.rule_id for f in content.findings] == ["z-error", "a-warning"]


def test_fingerprint_ignores_the_date_but_not_the_findings() -> None:
    first = _content(make_finding(observed="budget is 0"))
    same = _content(make_finding(observed="budget is 0"))
    changed = _content(make_finding(observed="budget is 10"))
    assert first.fingerprint() == same.fingerprint()
    assert first.fingerprint() != changed.fingerprint()
