"""Real-site behaviours end to end, both flavours, against the sandbox: long histories, comments that would
overflow Jira's text limit, and rules scoped by JQL."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from pmo_bot.comments.content import build_content
from pmo_bot.comments.fit import JIRA_TEXT_LIMIT, measure, render
from pmo_bot.doctor import Doctor
from pmo_bot.errors import ConfigError
from pmo_bot.rules.context import EvaluationContext
from pmo_bot.rules.metrics import Metrics
from pmo_bot.sandbox.jira.records import Change, ChangeItem
from pmo_bot.sandbox.running import RunningSandbox, start_sandbox
from pmo_bot.store import open_from_settings
from pmo_bot.store.records import FindingStatus
from tests.e2e.conftest import REPO, SiteReader, settings_for
from tests.e2e.runs import assert_no_duplicates, bot_comment_counts, check

SLIPS = 100


@pytest.fixture(params=["cloud", "datacenter"])
def site(request: pytest.FixtureRequest) -> Iterator[RunningSandbox]:
    with start_sandbox(flavor=request.param, seed="demo") as running:
        yield running


def give_300_histories(site: RunningSandbox) -> tuple[str, date]:
    """An in-progress epic gets 300 histories by a person over 300 days: 150 due-date moves (100 later), then
    150 status changes, the last one into its current status 10 days ago. Returns (key, that day)."""
    state = site.sandbox.jira
    with site.sandbox.lock:
        epic = next(i for i in state.issues if i.issue_type == "Epic" and i.status == "In Progress")
        person = epic.reporter
        now = datetime.now(UTC).replace(microsecond=0)
        start = now - timedelta(days=320)
        epic.created = min(epic.created, start - timedelta(days=1))
        due = (start + timedelta(days=400)).date()
        epic.history = []
        for n in range(300):
            at = start + timedelta(days=n) if n < 299 else now - timedelta(days=10)
            items: list[ChangeItem]
            if n < 150:
                new_due = due + timedelta(days=7) if n % 3 != 2 else due - timedelta(days=1)
                items = [("duedate", "jira", "duedate", due.isoformat(), str(due), new_due.isoformat(), str(new_due))]
                due = new_due
            else:
                target = epic.status if n == 299 else ("Blocked" if n % 2 else "In Review")
                items = [("status", "jira", "status", "1", "Before", "2", target)]
            epic.history.append(Change(state.next_change_id, at, person, items))
            state.next_change_id += 1
        epic.due_date = due
        epic.updated = now - timedelta(days=10)
        state.generation += 1
    return epic.key, (now - timedelta(days=10)).date()


def test_an_epic_with_300_histories_gets_slips_and_days_in_status_right(site: RunningSandbox, database: Path) -> None:
    key, entered = give_300_histories(site)
    settings = settings_for(site, database)
    since = site.last_request_id()

    check(settings)

    with open_from_settings(settings) as store:
        (item,) = store.items.get_many([key])
    today = datetime.now(UTC).date()
    metrics = Metrics(item, (), EvaluationContext(today=today), ())
    assert metrics["due_date_slips"] == SLIPS
    assert metrics["days_in_status"] == (today - entered).days
    paths = [e["path"] for e in site.requests(since)]
    if site.flavor == "cloud":  # histories fetched apart, for the issues that changed
        assert any(p.endswith("/changelog/bulkfetch") or p.endswith("/changelog") for p in paths)


LONG = "Long finding text " * 55  # ~990 characters: each rule's message and remediation are at the 1,000 cap


def long_pack(tmp_path: Path, key: str, count: int = 51) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(REPO / "rules", folder)
    rules = "\n".join(
        f"""  - id: long-{n:02d}
    title: A deliberately wordy rule number {n}
    category: deliverables
    severity: {("error", "warning", "info")[n % 3]}
    mode: enforce
    scope: {{projects: [{key.split("-", maxsplit=1)[0]}]}}
    when: {{field: key, op: eq, value: {key}}}
    check: {{field: summary, op: absent}}
    message: "{n} {LONG}"
    remediation: "{n} {LONG}"
"""
        for n in range(count)
    )
    (folder / "long.yaml").write_text(f"version: 1\nrules:\n{rules}")
    return folder


def test_a_pack_that_would_write_a_100000_character_comment_still_comments(
    site: RunningSandbox, database: Path, tmp_path: Path
) -> None:
    key = "CRM-5"
    settings = settings_for(site, database, PMO_RULES_DIR=str(long_pack(tmp_path, key)))

    summary = check(settings)

    (planned,) = [p for p in summary.plan if p.issue_key == key]
    ours = [f for f in planned.content.findings if f.rule_id.startswith("long-")]
    assert planned.content.hidden > 0
    assert ours[0].severity == "error"  # the most severe shown in full
    with open_from_settings(settings) as store:
        findings = [f for f in store.findings.for_items([key])[key] if f.status is not FindingStatus.RESOLVED]
    unfitted = build_content(key, [f.finding for f in findings], docs_url=None, waiver_procedure="x", show=10**6)
    assert measure(render(unfitted, site.flavor, date.today())) > 100_000  # what it would have been
    assert measure(render(planned.content, site.flavor, date.today())) <= JIRA_TEXT_LIMIT
    assert key not in summary.write_failures
    reader = SiteReader(site)
    (comment,) = reader.bot_comments(key)
    text = comment["body"] if isinstance(comment["body"], str) else str(comment["body"])
    assert "more findings" in text
    assert "rules explain" in text
    assert_no_duplicates(reader, site)
    again = check(settings)  # deterministic: nothing changed, nothing written
    assert again.writes_done == {}


SCOPED = """version: 1
rules:
  - id: in-progress-crm-has-labels
    title: CRM work in progress is labelled
    category: deliverables
    severity: info
    mode: enforce
    scope:
      jql: '__JQL__'
    check: {field: key, op: absent}
    message: "{{ item.key }} matched the JQL scope."
    remediation: Nothing to do; this rule proves scope.jql.
"""


def scoped_pack(tmp_path: Path, jql: str) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "scoped.yaml").write_text(SCOPED.replace("__JQL__", jql))
    return folder


def test_a_scoped_rule_applies_exactly_to_what_jira_returns(
    site: RunningSandbox, database: Path, tmp_path: Path
) -> None:
    jql = 'status = "In Progress" AND project = CRM'
    settings = settings_for(site, database, PMO_RULES_DIR=str(scoped_pack(tmp_path, jql)))
    with site.sandbox.lock:
        expected = {i.key for i in site.sandbox.jira.issues if i.status == "In Progress" and i.project == "CRM"}
    assert expected

    summary = check(settings, dry_run=True)

    flagged = {p.issue_key for p in summary.plan if p.content.findings}
    assert flagged == expected
    (scope,) = summary.scopes
    assert scope.keys == frozenset(expected)
    assert scope.rules[0].startswith("rule 'in-progress-crm-has-labels' (")


def test_a_fragment_jira_refuses_stops_the_run_naming_the_rule_and_jiras_message(
    site: RunningSandbox, database: Path, tmp_path: Path
) -> None:
    settings = settings_for(site, database, PMO_RULES_DIR=str(scoped_pack(tmp_path, "nosuchfield = 3")))
    since = site.last_request_id()

    with pytest.raises(ConfigError) as raised:
        check(settings)

    message = str(raised.value)
    assert "scoped.yaml:3" in message
    assert "in-progress-crm-has-labels" in message
    assert "nosuchfield" in message  # Jira's own wording names the field
    assert not [e for e in site.requests(since) if e["method"] in ("PUT", "DELETE") or e["path"].endswith("/comment")]


@pytest.fixture(params=["cloud", "datacenter"])
def crm_read_only(request: pytest.FixtureRequest) -> Iterator[RunningSandbox]:
    """The bot may browse CRM but not comment there (nor edit issues); every other project as usual."""
    with start_sandbox(flavor=request.param, seed="demo", permissions={"CRM": ["BROWSE_PROJECTS"]}) as running:
        yield running


def test_a_project_the_bot_may_not_comment_in_is_reported_and_skipped(
    crm_read_only: RunningSandbox, database: Path
) -> None:
    site = crm_read_only
    settings = settings_for(site, database)
    since = site.last_request_id()

    summary = check(settings)

    skipped = summary.writes_skipped["CRM"]
    assert skipped["writes"] > 0
    assert "ADD_COMMENTS (add comments)" in skipped["reason"]
    assert summary.status.value == "succeeded"  # skipped by design, not failures
    assert not summary.write_failures
    crm_findings = [f for f in summary.plan if f.issue_key.startswith("CRM-")]
    assert not crm_findings  # set aside, not planned
    with open_from_settings(settings) as store:
        recorded = {f.finding.item_key.split("-")[0] for f in store.findings.all()}
    assert "CRM" in recorded  # findings still recorded (and so reported)
    assert summary.writes_done.get("create", 0) > 0  # other projects commented as usual
    log = site.requests(since)
    assert not [e for e in log if "/issue/CRM-" in e["path"] and e["method"] in ("POST", "PUT", "DELETE")]
    assert not [e for e in log if e["status"] == 403]
    commented = [key for key, count in bot_comment_counts(site).items() if count]
    assert not [key for key in commented if key.startswith("CRM-")]
    assert any(key.startswith(("PAY-", "OPS-", "MOB-")) for key in commented)


def test_doctor_says_which_project_lacks_which_permission(database: Path) -> None:
    with start_sandbox(
        flavor="cloud",
        seed="demo",
        permissions={"CRM": ["BROWSE_PROJECTS"], "OPS": ["BROWSE_PROJECTS", "ADD_COMMENTS", "EDIT_OWN_COMMENTS"]},
        space_permissions={"PMO": ["read:space", "create:page"]},
    ) as site:
        settings = settings_for(site, database)
        failed = {r.name: r.detail for r in Doctor(settings).run() if not r.ok}
    assert (
        "CRM lacks ADD_COMMENTS (add comments), EDIT_OWN_COMMENTS (edit its own comments), EDIT_ISSUES"
        in (failed["jira permissions"])
    )
    assert "OPS lacks EDIT_ISSUES (write the pmo-bot.state issue property (Edit issues))" in failed["jira permissions"]
    assert "PAY" not in failed["jira permissions"]
    assert failed["confluence permissions"] == "the bot may not add attachments in space PMO"
