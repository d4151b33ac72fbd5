"""Comments always fit Jira's 32,767-character limit, measured the flavour's way, deterministically."""

from __future__ import annotations

from datetime import date

import pytest

from pmo_bot.comments.content import MAX_FINDINGS_SHOWN
from pmo_bot.comments.fit import JIRA_TEXT_LIMIT, fit_content, java_length, measure, render
from pmo_bot.comments.plan import Action, CommentPolicy, ExistingComment, plan_comments
from pmo_bot.domain import Finding, Severity
from tests.factories import make_finding

TODAY = date(2026, 11, 28)
LONG = "x" * 990


def _long_findings(count: int, key: str = "PAY-1") -> list[Finding]:
    """``count`` findings of ~2,600 characters each: errors first, then warnings, then infos."""
    severities = [Severity.ERROR] * 5 + [Severity.WARNING] * (count // 3) + [Severity.INFO] * count
    return [
        make_finding(
            f"rule-{i:03d}",
            item_key=key,
            severity=severities[i],
            message=f"{i} {LONG}",
            remediation=f"fix {i} {LONG}",
            observed="o" * 290,
            expected="e" * 290,
        )
        for i in range(count)
    ]


@pytest.mark.parametrize("flavor", ["cloud", "datacenter"])
def test_a_comment_that_would_overflow_keeps_the_most_severe_in_full_and_counts_the_rest(flavor: str) -> None:
    findings = _long_findings(24)
    unfitted = fit_content("PAY-1", findings, docs_url=None, waiver_procedure="Ask.", flavor=flavor, today=TODAY,
                           limit=10**9)  # fmt: skip
    assert measure(render(unfitted, flavor, TODAY)) > JIRA_TEXT_LIMIT  # the case this is about

    content = fit_content("PAY-1", findings, docs_url=None, waiver_procedure="Ask.", flavor=flavor, today=TODAY)
    body = render(content, flavor, TODAY)
    assert measure(body) <= JIRA_TEXT_LIMIT
    shown = [f.rule_id for f in content.findings]
    assert shown == [f"rule-{i:03d}" for i in range(len(shown))]  # the most severe first, in rule-id order
    assert 5 <= len(shown) < 24
    assert content.hidden == 24 - len(shown)
    assert sum(n for _, n in content.hidden_by_severity) == content.hidden
    text = body if isinstance(body, str) else str(body)
    hidden_counts = ", ".join(f"{n} {s}" for s, n in content.hidden_by_severity)
    assert f"and {content.hidden} more findings: {hidden_counts}" in text
    command = "pmo-bot rules explain PAY-1" if flavor == "cloud" else r"pmo\-bot rules explain PAY\-1"  # escaped
    assert command in text
    assert "24 open PMO findings (5 error" in text  # the summary still counts every finding


def test_fitting_is_deterministic_so_an_unchanged_portfolio_writes_nothing() -> None:
    findings = _long_findings(30)
    first = fit_content("PAY-1", findings, docs_url=None, waiver_procedure="Ask.", flavor="cloud", today=TODAY)
    again = fit_content("PAY-1", list(reversed(findings)), docs_url=None, waiver_procedure="Ask.", flavor="cloud",
                        today=TODAY)  # fmt: skip
    assert first == again
    policy = CommentPolicy(flavor="cloud", waiver_procedure="Ask.")
    existing = {"PAY-1": ExistingComment("PAY-1", "10", first.fingerprint(), False)}
    plan = plan_comments({"PAY-1": findings}, existing, policy, today=TODAY)
    assert [p.action for p in plan] == [Action.UNCHANGED]


def test_a_comment_that_fits_is_left_as_the_comments_renderer_made_it() -> None:
    findings = [make_finding("a"), make_finding("b", severity=Severity.WARNING)]
    content = fit_content("PAY-1", findings, docs_url=None, waiver_procedure="Ask.", flavor="datacenter", today=TODAY)
    assert [f.rule_id for f in content.findings] == ["a", "b"]
    assert content.hidden == 0
    assert "more finding" not in render(content, "datacenter", TODAY)


def test_the_readability_cap_still_summarises_beyond_it() -> None:
    findings = [make_finding(f"r{i:02d}", severity=Severity.INFO) for i in range(MAX_FINDINGS_SHOWN + 3)]
    content = fit_content("PAY-1", findings, docs_url=None, waiver_procedure="Ask.", flavor="cloud", today=TODAY)
    assert len(content.findings) == MAX_FINDINGS_SHOWN
    assert content.hidden_by_severity == (("info", 3),)


@pytest.mark.parametrize("flavor", ["cloud", "datacenter"])
def test_no_issue_is_left_without_a_comment_even_under_a_tiny_limit(flavor: str) -> None:
    findings = _long_findings(10)
    content = fit_content(
        "PAY-1",
        findings,
        docs_url="https://pmo.example.com/" + "d" * 5000,
        waiver_procedure="Ask.",
        flavor=flavor,
        today=TODAY,
        limit=1_000,
    )
    assert content.findings == ()
    assert content.hidden == 10
    if flavor == "datacenter":  # wiki markup counts the link's address; ADF keeps it out of the text
        assert content.docs_url is None  # dropped as a last resort, never the comment
    assert measure(render(content, flavor, TODAY)) <= 1_000


def test_lengths_are_counted_in_utf16_units_as_java_does() -> None:
    assert java_length("🚀") == 2
    assert java_length("é") == 1
    rocket = [make_finding(f"r{i}", message="🚀" * 990, remediation="🚀" * 990) for i in range(12)]
    content = fit_content("PAY-1", rocket, docs_url=None, waiver_procedure="Ask.", flavor="datacenter", today=TODAY)
    body = render(content, "datacenter", TODAY)
    assert len(body) <= JIRA_TEXT_LIMIT // 2 + 2000  # far fewer code points than the limit
    assert java_length(body) <= JIRA_TEXT_LIMIT
    assert content.hidden > 0


def test_the_planner_fits_with_the_flavour_and_limit_of_its_policy() -> None:
    findings = _long_findings(8)
    plan = plan_comments({"PAY-1": findings}, {}, CommentPolicy(flavor="datacenter", max_chars=6_000), today=TODAY)
    (planned,) = plan
    assert planned.action is Action.CREATE
    assert measure(render(planned.content, "datacenter", TODAY)) <= 6_000
    assert planned.content.hidden > 0
