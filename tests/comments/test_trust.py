"""Comments a project manager can trust: no false all-clear, root causes, roll-outs under the cap, and a
forged ``pmo-bot.state`` property or a wording drift that never steers the bot's writes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from pmo_bot.atlassian.ports import BotIdentity, RemoteComment
from pmo_bot.check import existing_comments
from pmo_bot.comments.content import MARKER, ShownWaiver, build_content
from pmo_bot.comments.plan import (
    Action,
    CommentPolicy,
    ExistingComment,
    IssueNotes,
    PlannedComment,
    apply_cap,
    plan_comments,
)
from pmo_bot.comments.wiki import render_wiki
from pmo_bot.comments.writer import CommentWriter
from pmo_bot.domain import Mode, Severity
from pmo_bot.errors import WriteCapExceeded
from pmo_bot.store import Store, open_store
from pmo_bot.store.records import CommentState
from tests.factories import make_finding

TODAY = date(2026, 12, 1)
NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
ENFORCE = CommentPolicy()
ME = BotIdentity(account_id="bot", name=None, key=None, display_name="PMO Bot")


def _existing(key: str, *findings: Any, written: date | None = TODAY, **kw: Any) -> ExistingComment:
    fingerprint = build_content(key, findings, docs_url=None, waiver_procedure=ENFORCE.waiver_procedure).fingerprint()
    return ExistingComment(key, "c-" + key, fingerprint, False, written, **kw)


# --- never a false all-clear --------------------------------------------------------------------------------


def test_switching_a_rule_to_audit_leaves_the_comment_as_it_is() -> None:
    shown = make_finding("epic-has-budget")
    existing = {"PAY-1": _existing("PAY-1", shown)}
    audited = make_finding("epic-has-budget", mode=Mode.AUDIT)

    (planned,) = plan_comments({"PAY-1": [audited]}, existing, ENFORCE, today=TODAY)

    assert planned.action is Action.UNCHANGED


def test_an_issue_whose_only_finding_is_in_audit_mode_gets_no_comment() -> None:
    assert plan_comments({"PAY-1": [make_finding(mode=Mode.AUDIT)]}, {}, ENFORCE, today=TODAY) == []


def test_fixed_findings_with_an_audit_finding_still_open_never_say_all_checks_pass() -> None:
    existing = {"PAY-1": _existing("PAY-1", make_finding("epic-has-due-date"))}
    notes = {"PAY-1": IssueNotes(fixed=("Epics have a due date",), fixed_since=date(2026, 11, 24))}
    still_open = make_finding("spi-above-threshold", mode=Mode.AUDIT)

    (planned,) = plan_comments({"PAY-1": [still_open]}, existing, ENFORCE, today=TODAY, notes=notes)
    body = render_wiki(planned.content, TODAY)

    assert planned.action is Action.RESOLVE
    assert "all checks pass" not in body
    assert "h3. PMO compliance: nothing to act on now" in body
    assert "1 other finding is recorded for the PMO" in body
    assert "Fixed since Nov 24, 2026: Epics have a due date." in body


def test_the_all_clear_lists_what_was_fixed_and_when() -> None:
    existing = {"PAY-1": _existing("PAY-1", make_finding("epic-has-budget"), make_finding("epic-has-due-date"))}
    notes = {
        "PAY-1": IssueNotes(fixed=("Epics have a due date", "Epics have a budget"), fixed_since=date(2026, 11, 24))
    }

    (planned,) = plan_comments({"PAY-1": []}, existing, ENFORCE, today=TODAY, notes=notes)
    body = render_wiki(planned.content, TODAY)

    assert planned.action is Action.RESOLVE
    assert "h3. PMO compliance: all checks pass" in body
    assert "Fixed since Nov 24, 2026: Epics have a budget, Epics have a due date." in body


def test_a_waived_issue_lists_its_waivers_instead_of_an_all_clear() -> None:
    waived = make_finding("cpi-above-threshold", waiver="vendor contract (approved by jane, until 2026-12-10)")
    existing = {"PAY-1": _existing("PAY-1", make_finding("cpi-above-threshold"))}
    notes = {"PAY-1": IssueNotes(waivers=(ShownWaiver("cpi-above-threshold", "CPI", "jane", date(2026, 12, 10)),))}

    (planned,) = plan_comments({"PAY-1": [waived]}, existing, ENFORCE, today=TODAY, notes=notes)
    body = render_wiki(planned.content, TODAY)

    assert "all checks pass" not in body
    assert "* CPI (cpi\\-above\\-threshold): waived, approved by jane until Dec 10, 2026 (expires in 9 days)." in body


# --- root causes ----------------------------------------------------------------------------------------------


def test_a_superseding_finding_hides_its_echoes_unless_it_is_waived() -> None:
    policy = CommentPolicy(supersedes={"cost-within-budget": frozenset({"cpi-above-threshold"})})
    cost, cpi = make_finding("cost-within-budget"), make_finding("cpi-above-threshold", severity=Severity.WARNING)

    (planned,) = plan_comments({"PAY-1": [cost, cpi]}, {}, policy, today=TODAY)
    assert [f.rule_id for f in planned.content.findings] == ["cost-within-budget"]

    waived_cost = make_finding("cost-within-budget", waiver="approved")
    (planned,) = plan_comments({"PAY-1": [waived_cost, cpi]}, {}, policy, today=TODAY)
    assert [f.rule_id for f in planned.content.findings] == ["cpi-above-threshold"]


# --- wording roll-out under the cap ---------------------------------------------------------------------------


def _refresh_plan() -> list[PlannedComment]:
    old = date(2026, 11, 1)
    existing = {
        key: ExistingComment(key, "c-" + key, fp.partition(".")[0] + ".stale", False, old + timedelta(days=i))
        for i, (key, fp) in enumerate(
            (
                k,
                build_content(
                    k, [make_finding(item_key=k)], docs_url=None, waiver_procedure=ENFORCE.waiver_procedure
                ).fingerprint(),
            )
            for k in ("PAY-1", "PAY-2", "PAY-3")
        )
    }
    findings = {k: [make_finding(item_key=k)] for k in ("PAY-1", "PAY-2", "PAY-3", "PAY-4")}
    return plan_comments(findings, existing, ENFORCE, today=TODAY)


def test_wording_only_refreshes_roll_out_within_the_cap_oldest_first() -> None:
    plan = _refresh_plan()
    assert [(p.issue_key, p.action, p.refresh) for p in plan if p.action.writes] == [
        ("PAY-1", Action.UPDATE, True),
        ("PAY-2", Action.UPDATE, True),
        ("PAY-3", Action.UPDATE, True),
        ("PAY-4", Action.CREATE, False),
    ]

    capped = apply_cap(plan, 2)

    assert {p.issue_key: p.action for p in capped.plan if p.action.writes} == {
        "PAY-1": Action.UPDATE,  # the oldest refresh
        "PAY-4": Action.CREATE,  # a new finding is never deferred
    }
    assert capped.pending_refreshes == 2


def test_a_cap_hit_by_new_findings_stops_before_the_first_write_with_the_command_to_proceed() -> None:
    findings = {f"PAY-{i}": [make_finding(item_key=f"PAY-{i}")] for i in range(1, 4)}
    plan = plan_comments(findings, {}, ENFORCE, today=TODAY)

    with pytest.raises(WriteCapExceeded) as raised:
        apply_cap(plan, 2)

    assert "would write 3 comments but max_comment_writes is 2; nothing was written" in str(raised.value)
    assert "`PMO_MAX_COMMENT_WRITES=3 pmo-bot check`" in str(raised.value)


# --- comment_refresh_days -------------------------------------------------------------------------------------


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(f"sqlite:///{tmp_path / 'trust.db'}") as opened:
        yield opened


def test_comment_refresh_days_holds_back_a_wording_drift_written_recently(store: Store) -> None:
    overdue = make_finding("epic-not-overdue", message="PAY-1 is 16 days overdue.")
    first = build_content("PAY-1", [overdue], docs_url=None, waiver_procedure=ENFORCE.waiver_procedure)
    store.comments.record(
        "PAY-1", "c-1", fingerprint=first.fingerprint(), body_hash="h", state=CommentState.OPEN, now=NOW
    )
    a_day_later = make_finding("epic-not-overdue", message="PAY-1 is 17 days overdue.")

    existing = existing_comments(store, {})
    assert existing["PAY-1"].written == NOW.date()

    tomorrow = plan_comments({"PAY-1": [a_day_later]}, existing, ENFORCE, today=TODAY + timedelta(days=1))
    a_week_later = plan_comments({"PAY-1": [a_day_later]}, existing, ENFORCE, today=TODAY + timedelta(days=7))
    assert tomorrow[0].action is Action.UNCHANGED
    assert a_week_later[0].action is Action.UPDATE


# --- a forged pmo-bot.state property --------------------------------------------------------------------------


class CommentsJira:
    """Just enough of Jira for the writer: comments by id, and a record of every write."""

    flavor = "datacenter"

    def __init__(self) -> None:
        self.stored: dict[str, list[RemoteComment]] = {
            "PAY-1": [RemoteComment("900", {"accountId": "human"}, "Please look at the budget first.")]
        }
        self.writes: list[tuple[str, str, str]] = []
        self.properties: dict[str, Any] = {}

    def comments(self, key: str) -> list[RemoteComment]:
        return list(self.stored.get(key, []))

    def add_comment(self, key: str, body: Any) -> str:
        comment = RemoteComment(str(1000 + len(self.writes)), {"accountId": "bot"}, f"{MARKER} {body}")
        self.stored.setdefault(key, []).append(comment)
        self.writes.append(("add", key, comment.id))
        return comment.id

    def edit_comment(self, key: str, comment_id: str, body: Any) -> None:
        self.writes.append(("edit", key, comment_id))

    def delete_comment(self, key: str, comment_id: str) -> None:
        self.writes.append(("delete", key, comment_id))

    def set_issue_property(self, key: str, name: str, value: Any) -> None:
        self.properties[key] = value


def _forged(key: str = "PAY-1") -> dict[str, Any]:
    return {key: {"commentId": "900", "fingerprint": "x.y", "state": "open", "written": "2026-11-01", "version": 1}}


@pytest.mark.parametrize("resolved_comment", ["keep", "delete"])
def test_a_forged_state_property_never_touches_a_human_comment_nor_posts_an_all_clear(
    store: Store, resolved_comment: str
) -> None:
    jira = CommentsJira()
    existing = existing_comments(store, _forged())
    assert existing["PAY-1"].trusted is False
    policy = CommentPolicy(resolved_comment=resolved_comment)
    plan = plan_comments({"PAY-1": []}, existing, policy, today=TODAY)  # an issue that never had findings

    result = CommentWriter(jira, store, ME, today=TODAY, clock=lambda: NOW).apply(plan)  # type: ignore[arg-type]

    assert jira.writes == []  # no edit, no delete of comment 900, and no "all checks pass" comment
    assert result.ignored == 1
    assert jira.properties["PAY-1"]["state"] == "deleted"  # the forged value is neutralised for later runs


def test_a_forged_state_property_on_an_issue_with_findings_gets_the_bots_own_comment(store: Store) -> None:
    jira = CommentsJira()
    plan = plan_comments({"PAY-1": [make_finding()]}, existing_comments(store, _forged()), ENFORCE, today=TODAY)
    assert plan[0].action is Action.UPDATE

    CommentWriter(jira, store, ME, today=TODAY, clock=lambda: NOW).apply(plan)  # type: ignore[arg-type]

    assert [w[0] for w in jira.writes] == ["add"]
    assert all(w[2] != "900" for w in jira.writes)
    assert store.comments.get("PAY-1") is not None
    assert store.comments.get("PAY-1").comment_id != "900"  # type: ignore[union-attr]


def test_a_state_property_naming_the_bots_own_comment_is_still_used(store: Store) -> None:
    jira = CommentsJira()
    jira.stored["PAY-1"].append(RemoteComment("901", {"accountId": "bot"}, f"PMO compliance check {MARKER}"))
    state = {"PAY-1": {"commentId": "901", "fingerprint": "x.y", "state": "open", "version": 1}}
    plan = plan_comments({"PAY-1": [make_finding()]}, existing_comments(store, state), ENFORCE, today=TODAY)

    CommentWriter(jira, store, ME, today=TODAY, clock=lambda: NOW).apply(plan)  # type: ignore[arg-type]

    assert jira.writes == [("edit", "PAY-1", "901")]


# --- waiver warnings ------------------------------------------------------------------------------------------


def test_check_warns_about_waivers_for_unknown_issues_and_rules_and_those_expiring_soon() -> None:
    from pmo_bot.comments.notes import waiver_warnings
    from pmo_bot.rules.context import EvaluationContext, Waiver

    ctx = EvaluationContext(
        today=TODAY,
        waivers=(
            Waiver("cpi-above-threshold", ("PAY-1", "PAY-404"), "r", "jane", date(2027, 3, 31)),
            Waiver("cpi-above-threshold", ("PAY-2",), "r", "jane", date(2026, 12, 10)),
            Waiver("gone-rule", ("OPS-1",), "r", "jane", date(2027, 3, 31)),  # OPS is not checked: not a typo
            Waiver("cpi-above-threshold", ("PAY-3",), "r", "jane", date(2026, 11, 30)),  # expired: validate's job
        ),
    )

    warnings = waiver_warnings(ctx, ["PAY-1", "PAY-2", "PAY-3"], ["cpi-above-threshold"])

    assert warnings == [
        "waiver of 'cpi-above-threshold' names issue PAY-404, which does not exist",
        "waiver of 'cpi-above-threshold' on PAY-2 expires on 2026-12-10 (in 9 days)",
        "waiver for unknown rule 'gone-rule'",
    ]
