from __future__ import annotations

from datetime import date, timedelta

import pytest

from pmo_bot.comments.content import build_content
from pmo_bot.comments.plan import (
    Action,
    CommentPolicy,
    ExistingComment,
    enforce_cap,
    plan_comments,
    writes_in,
)
from pmo_bot.domain import Mode
from pmo_bot.errors import WriteCapExceeded
from tests.factories import make_finding

ENFORCE = CommentPolicy()
TODAY = date(2026, 11, 28)


def _fingerprint(key: str, *findings: object) -> str:
    policy = ENFORCE
    return build_content(
        key, findings, docs_url=policy.docs_url, waiver_procedure=policy.waiver_procedure
    ).fingerprint()  # type: ignore[arg-type]


def test_first_findings_create_one_comment_per_issue() -> None:
    plan = plan_comments(
        {"PAY-1": [make_finding(), make_finding("epic-overdue")], "PAY-2": []}, {}, ENFORCE, today=TODAY
    )
    assert [(p.issue_key, p.action) for p in plan] == [("PAY-1", Action.CREATE)]
    assert len(plan[0].content.findings) == 2


def test_unchanged_findings_write_nothing() -> None:
    finding = make_finding()
    existing = {"PAY-1": ExistingComment("PAY-1", "100", _fingerprint("PAY-1", finding), resolved=False)}
    plan = plan_comments({"PAY-1": [finding]}, existing, ENFORCE, today=TODAY)
    assert [p.action for p in plan] == [Action.UNCHANGED]
    assert writes_in(plan) == 0


def test_changed_findings_update_the_existing_comment() -> None:
    old = make_finding(observed="budget is empty")
    existing = {"PAY-1": ExistingComment("PAY-1", "100", _fingerprint("PAY-1", old), resolved=False)}
    plan = plan_comments({"PAY-1": [make_finding(observed="budget is 0")]}, existing, ENFORCE, today=TODAY)
    assert plan[0].action is Action.UPDATE
    assert plan[0].existing is not None
    assert plan[0].existing.comment_id == "100"


def test_fixed_issue_gets_the_resolved_note_once() -> None:
    existing = {"PAY-1": ExistingComment("PAY-1", "100", "old", resolved=False)}
    plan = plan_comments({"PAY-1": []}, existing, ENFORCE, today=TODAY)
    assert plan[0].action is Action.RESOLVE
    resolved = {"PAY-1": ExistingComment("PAY-1", "100", plan[0].content.fingerprint(), resolved=True)}
    assert plan_comments({"PAY-1": []}, resolved, ENFORCE, today=TODAY)[0].action is Action.UNCHANGED


def test_resolved_comment_can_be_deleted_instead() -> None:
    existing = {"PAY-1": ExistingComment("PAY-1", "100", "old", resolved=False)}
    policy = CommentPolicy(resolved_comment="delete")
    assert plan_comments({"PAY-1": []}, existing, policy, today=TODAY)[0].action is Action.DELETE


def test_findings_in_audit_mode_are_not_commented() -> None:
    assert plan_comments({"PAY-1": [make_finding(mode=Mode.AUDIT)]}, {}, ENFORCE, today=TODAY) == []


def test_audit_rules_waived_and_baselined_findings_are_not_shown() -> None:
    findings = [
        make_finding("audit-rule", mode=Mode.AUDIT),
        make_finding("waived-rule", waiver="approved by CFO until 2026-12-31"),
        make_finding("baselined-rule"),
    ]
    plan = plan_comments({"PAY-1": findings}, {}, ENFORCE, suppressed={("baselined-rule", "PAY-1")}, today=TODAY)
    assert plan == []


def test_issues_not_evaluated_this_run_are_left_alone() -> None:
    existing = {"PAY-9": ExistingComment("PAY-9", "900", "fp", resolved=False)}
    assert plan_comments({"PAY-1": []}, existing, ENFORCE, today=TODAY) == []


def test_cap_aborts_before_any_write_and_says_how_to_proceed() -> None:
    plan = plan_comments(
        {f"PAY-{i}": [make_finding(item_key=f"PAY-{i}")] for i in range(1, 6)}, {}, ENFORCE, today=TODAY
    )
    enforce_cap(plan, 5)
    with pytest.raises(WriteCapExceeded, match=r"would write 5 comments but max_comment_writes is 4.*--baseline"):
        enforce_cap(plan, 4)


def test_wording_drift_alone_is_refreshed_weekly_not_daily() -> None:
    yesterday = make_finding("epic-not-overdue", observed="days_overdue = 22")
    today = make_finding("epic-not-overdue", observed="days_overdue = 23")
    written = _fingerprint("PAY-1", yesterday)
    recent = {"PAY-1": ExistingComment("PAY-1", "100", written, resolved=False, written=TODAY - timedelta(days=1))}
    assert plan_comments({"PAY-1": [today]}, recent, ENFORCE, today=TODAY)[0].action is Action.UNCHANGED
    week_old = {"PAY-1": ExistingComment("PAY-1", "100", written, resolved=False, written=TODAY - timedelta(days=7))}
    assert plan_comments({"PAY-1": [today]}, week_old, ENFORCE, today=TODAY)[0].action is Action.UPDATE


def test_a_new_finding_updates_the_comment_at_once() -> None:
    first = make_finding("epic-not-overdue")
    written = _fingerprint("PAY-1", first)
    recent = {"PAY-1": ExistingComment("PAY-1", "100", written, resolved=False, written=TODAY)}
    plan = plan_comments({"PAY-1": [first, make_finding("epic-has-budget")]}, recent, ENFORCE, today=TODAY)
    assert plan[0].action is Action.UPDATE
