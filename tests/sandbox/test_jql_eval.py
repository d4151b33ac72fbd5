"""The JQL engine over a small portfolio: which issues each query finds, ORDER BY, time zones and EMPTY."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from pmo_bot.sandbox.jql import JqlError, compile_query, parse, require_bounded
from tests.sandbox.jql_fakes import ISSUES, DomainResolver, FakeResolver

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
SYDNEY = ZoneInfo("Australia/Sydney")  # UTC+11 in November


def found(jql: str, *, now: datetime = NOW, tz: ZoneInfo | None = None, user: str | None = None) -> set[str]:
    compiled = compile_query(parse(jql), FakeResolver(), now, tz or UTC, current_user=user)
    return {issue.key for issue in ISSUES if compiled.matches(issue)}


def ordered(jql: str) -> list[str]:
    compiled = compile_query(parse(jql), FakeResolver(), NOW)
    return [issue.key for issue in compiled.sort(i for i in ISSUES if compiled.matches(i))]


ALL = {issue.key for issue in ISSUES}

CASES = [
    # projects, types, statuses: by key or name, any case
    ("project = PMO", {"PMO-1", "PMO-2", "PMO-10"}),
    ('project = "Operations"', {"OPS-3", "OPS-12"}),
    ("project in (pmo, OPS) AND issuetype = Epic", {"PMO-1", "OPS-12"}),
    ("type = epic", {"PMO-1", "OPS-12"}),
    ('status = "In Progress"', {"PMO-1"}),
    ("status != Done", ALL - {"PMO-2"}),
    ("status not in (Done, Cancelled)", {"PMO-1", "PMO-10", "OPS-3", "DC-1"}),
    ("statusCategory = Done", {"PMO-2", "OPS-12"}),
    ("statusCategory = indeterminate", {"PMO-1", "OPS-3", "DC-1"}),
    ('statusCategory in ("To Do", done)', {"PMO-2", "PMO-10", "OPS-12"}),
    ("PROJECT = pmo and STATUS IN (done)", {"PMO-2"}),
    # labels: multi-valued; != and NOT IN never match an empty field
    ("labels = pmo-risk", {"PMO-1", "PMO-10"}),
    ("labels != pmo-risk", {"OPS-3"}),
    ("labels in (ops, pmo-risk)", {"PMO-1", "PMO-10", "OPS-3"}),
    ("labels not in (ops)", {"PMO-1"}),
    ("labels is EMPTY", {"PMO-2", "OPS-12", "DC-1"}),
    ("labels = pmo\\u002drisk", {"PMO-1", "PMO-10"}),
    # epics and parents, Cloud and Data Center style
    ("parent = PMO-1", {"PMO-2", "PMO-10"}),
    ("parent in (pmo-1, OPS-12)", {"PMO-2", "PMO-10"}),
    ('"Epic Link" = OPS-12', {"DC-1"}),
    ("cf[10014] is not EMPTY", {"DC-1"}),
    # users and EMPTY
    ("assignee is EMPTY", {"PMO-10"}),
    ("assignee = EMPTY", {"PMO-10"}),
    ("assignee is null", {"PMO-10"}),
    ("assignee != alice", {"PMO-2", "OPS-12", "DC-1"}),
    ("assignee in (alice, EMPTY)", {"PMO-1", "PMO-10", "OPS-3"}),
    ("assignee not in (alice, EMPTY)", {"PMO-2", "OPS-12", "DC-1"}),
    ("assignee != EMPTY", ALL - {"PMO-10"}),
    # NOT is pushed onto the operators, as Jira does: NOT a = x means a != x
    ("NOT assignee = alice", {"PMO-2", "OPS-12", "DC-1"}),
    ("not (assignee = alice or labels = ops)", set()),
    ("!(project = PMO)", {"OPS-3", "OPS-12", "DC-1"}),
    ("NOT NOT project = OPS", {"OPS-3", "OPS-12"}),
    # precedence: AND binds tighter than OR; symbols and line breaks
    ("project = OPS OR project = PMO AND labels = ops", {"OPS-3", "OPS-12", "PMO-10"}),
    ("(project = OPS OR project = PMO) AND labels = ops", {"OPS-3", "PMO-10"}),
    ("project = PMO && labels = ops", {"PMO-10"}),
    ("project = OPS || key = PMO-1", {"OPS-3", "OPS-12", "PMO-1"}),
    ("project = PMO\n  AND\tassignee = bob", {"PMO-2"}),
    # keys: numeric order within the project
    ("key = PMO-10", {"PMO-10"}),
    ("issuekey in (pmo-1, OPS-3)", {"PMO-1", "OPS-3"}),
    ("key > PMO-2", {"PMO-10"}),
    ("key >= PMO-1 and key < PMO-10", {"PMO-1", "PMO-2"}),
    ("key != PMO-1 AND project = PMO", {"PMO-2", "PMO-10"}),
    # due dates (date only): midnight of that day in the query's zone
    ('duedate < "2026-11-28"', {"PMO-1", "OPS-12"}),
    ('duedate <= "2026-11-28"', {"PMO-1", "OPS-12", "PMO-10"}),
    ("duedate < now()", {"PMO-1", "OPS-12", "PMO-10"}),
    ("duedate < startOfDay()", {"PMO-1", "OPS-12"}),
    ('duedate = "2026/11/28"', {"PMO-10"}),
    ("duedate = 2026-11-28", {"PMO-10"}),
    ('duedate > "2026-11-27 10:00"', {"PMO-10", "OPS-3"}),
    ('duedate >= "2026-11-27 10:00"', {"PMO-10", "OPS-3"}),
    ('duedate >= "2026-11-27"', {"OPS-12", "PMO-10", "OPS-3"}),
    ("duedate >= endOfDay()", {"OPS-3"}),
    ("due is EMPTY", {"PMO-2", "DC-1"}),
    ("duedate in (2026-11-20, 2026-12-01)", {"PMO-1", "OPS-3"}),
    # datetimes and relative periods from the fixed now (2026-11-28 12:00 UTC)
    ("updated >= -1d", {"PMO-2", "PMO-10"}),
    ("updated >= -4h", {"PMO-10"}),
    ("updated > -4h", set()),
    ("updated >= -241m", {"PMO-10"}),
    ('updated >= "-2w 3d"', ALL),
    ('updated >= "-1w 6d"', ALL - {"OPS-12"}),
    ("created >= -1w", {"DC-1"}),
    ("createdDate < 2026-10-01", {"OPS-12"}),
    ('updated = "2026-11-27 23:30"', {"PMO-2"}),
    ("resolved >= startOfDay(-1)", {"PMO-2"}),
    ("resolutiondate is not empty", {"PMO-2", "OPS-12"}),
    # 2026-11-28 is a Saturday; Jira's default week starts on Sunday the 22nd
    ("updated >= startOfMonth() AND updated < startOfWeek()", {"OPS-3", "OPS-12"}),
    # resolution: Unresolved is the empty resolution
    ("resolution = Unresolved", {"PMO-1", "PMO-10", "OPS-3", "DC-1"}),
    ("resolution != Unresolved", {"PMO-2", "OPS-12"}),
    ('resolution = "Won\'t Do"', {"OPS-12"}),
    ("resolution in (Fixed, Unresolved) AND project = PMO", {"PMO-1", "PMO-2", "PMO-10"}),
    # versions, options, numbers
    ("fixVersion = 1.0", {"PMO-1"}),
    ('fixVersion in ("1.0", "2.0")', {"PMO-1", "OPS-3"}),
    ("priority = high", {"PMO-1"}),
    ("Budget > 500", {"PMO-1", "OPS-3"}),
    ("cf[10010] >= 250.5", {"PMO-1", "PMO-10", "OPS-3"}),
    ("budget <= 1000 and budget > -1", {"PMO-1", "PMO-10"}),
    ("Budget is EMPTY", {"PMO-2", "OPS-12", "DC-1"}),
    ("Budget != 1000", {"PMO-10", "OPS-3"}),
    ('"Strategic Goal" = growth', {"PMO-1", "OPS-3"}),
    ("'strategic goal' in (Growth, Efficiency)", {"PMO-1", "PMO-10", "OPS-3"}),
    ("cf[10011] is EMPTY", {"PMO-2", "OPS-12", "DC-1"}),
    # text search: words, plurals, prefixes, phrases; stop words ignored
    ("summary ~ budget", {"PMO-1", "PMO-2"}),
    ('summary ~ "window"', {"PMO-10", "OPS-3"}),
    ("summary ~ win", set()),
    ('summary ~ "win*"', {"PMO-10", "OPS-3"}),
    ('summary ~ "\\"new ledger\\""', {"PMO-2"}),
    ("summary ~ 'the migration'", {"PMO-1"}),
    ('summary ~ "budget ledger"', {"PMO-2"}),
    ("summary !~ budget", {"PMO-10", "OPS-3", "OPS-12", "DC-1"}),
    ("text ~ ledger", {"PMO-2"}),
    ("text ~ cut-over", {"PMO-2"}),
    ("description is EMPTY", ALL - {"PMO-2"}),
]


@pytest.mark.parametrize(("jql", "expected"), CASES)
def test_query_finds_expected_issues(jql: str, expected: set[str]) -> None:
    assert found(jql) == expected


def test_current_user() -> None:
    assert found("assignee = currentUser()", user="alice") == {"PMO-1", "OPS-3"}
    assert found("assignee = currentUser()") == set()  # anonymous matches nobody


def test_query_in_users_zone_across_midnight() -> None:
    # PMO-2 was updated 2026-11-27 23:30 UTC, which is 2026-11-28 10:30 in Sydney.
    assert found('updated >= "2026-11-28"') == {"PMO-10"}
    assert found('updated >= "2026-11-28"', tz=SYDNEY) == {"PMO-2", "PMO-10"}
    # 14:00 UTC is already 01:00 on the 29th in Sydney: PMO-10, due on the 28th, is overdue there only.
    late = datetime(2026, 11, 28, 14, 0, tzinfo=UTC)
    assert found("duedate < startOfDay()", now=late) == {"PMO-1", "OPS-12"}
    assert found("duedate < startOfDay()", now=late, tz=SYDNEY) == {"PMO-1", "OPS-12", "PMO-10"}


def test_order_by_empty_last_ascending_first_descending() -> None:
    assert ordered("project in (PMO, OPS, DC) ORDER BY duedate ASC") == [
        "PMO-1", "OPS-12", "PMO-10", "OPS-3", "DC-1", "PMO-2"
    ]  # fmt: skip
    assert ordered("project in (PMO, OPS, DC) ORDER BY duedate DESC") == [
        "DC-1", "PMO-2", "OPS-3", "PMO-10", "OPS-12", "PMO-1"
    ]  # fmt: skip


def test_order_by_several_keys_and_key_order() -> None:
    assert ordered("updated > -52w ORDER BY project ASC, key DESC") == [
        "DC-1", "OPS-12", "OPS-3", "PMO-10", "PMO-2", "PMO-1"
    ]  # fmt: skip
    assert ordered("project = PMO ORDER BY key") == ["PMO-1", "PMO-2", "PMO-10"]
    # no budget comes first when descending; among those, status ascending decides
    assert ordered("updated > -52w ORDER BY Budget DESC, status") == [
        "OPS-12", "PMO-2", "DC-1", "OPS-3", "PMO-1", "PMO-10"
    ]  # fmt: skip
    assert ordered("project = PMO ORDER BY labels, created DESC") == ["PMO-10", "PMO-1", "PMO-2"]


def test_without_order_by_issues_come_in_key_order() -> None:
    assert ordered("project = PMO OR project = DC") == ["DC-1", "PMO-1", "PMO-2", "PMO-10"]


def test_compiles_once_and_reads_only_needed_fields() -> None:
    resolver = FakeResolver()
    compiled = compile_query(parse("project = PMO AND labels = ops"), resolver, NOW)
    hits = [issue.key for issue in ISSUES if compiled.matches(issue)]
    assert hits == ["PMO-10"]
    # short-circuit: labels are read only for the three PMO issues
    assert resolver.calls == len(ISSUES) + 3


VALIDATION_ERRORS = [
    ("budjet > 5", "Field 'budjet' does not exist or you do not have permission to view it."),
    ("project ~ PMO", "The operator '~' is not supported by the 'project' field."),
    ("summary = x", "The operator '=' is not supported by the 'summary' field."),
    ("key is EMPTY", "The operator 'is' is not supported by the 'key' field."),
    ("status > Done", "The operator '>' is not supported by the 'status' field."),
    (
        'created > "2026-13-01"',
        "Date value '2026-13-01' for field 'created' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', "
        "'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.",
    ),
    ("parent = foo", "The issue key 'foo' for field 'parent' is invalid."),
    ("created > yesterday()", "Unable to find JQL function 'yesterday()'."),
    ("Budget > lots", "Value 'lots' is invalid for the 'Budget' field."),
    ("project = PMO ORDER BY rnak", "Field 'rnak' does not exist or you do not have permission to view it."),
]


@pytest.mark.parametrize(("jql", "message"), VALIDATION_ERRORS)
def test_validation_errors_use_jira_wording(jql: str, message: str) -> None:
    with pytest.raises(JqlError) as caught:
        compile_query(parse(jql), FakeResolver(), NOW)
    assert caught.value.messages == [message]


@pytest.mark.parametrize(
    "jql",
    [
        "status = now()",
        "duedate < startOfDay(1, 2)",
        "duedate < startOfDay(soon)",
        "assignee is alice",
        "status = (Done, Cancelled)",
        "status in Done",
        "summary ~ '!!'",
        "assignee = currentUser(x)",
        "duedate < EMPTY",
    ],
)
def test_other_misuse_is_refused(jql: str) -> None:
    with pytest.raises(JqlError) as caught:
        compile_query(parse(jql), FakeResolver(), NOW)
    assert len(caught.value.messages) == 1


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(JqlError) as caught:
        compile_query(parse("budjet = 1 AND project ~ X ORDER BY nope"), FakeResolver(), NOW)
    assert caught.value.messages == [
        "Field 'budjet' does not exist or you do not have permission to view it.",
        "The operator '~' is not supported by the 'project' field.",
        "Field 'nope' does not exist or you do not have permission to view it.",
    ]


def test_unknown_values_refused_when_the_resolver_knows_the_domain() -> None:
    with pytest.raises(JqlError) as caught:
        compile_query(parse("project in (PMO, NOPE) AND status = done"), DomainResolver(), NOW)
    assert caught.value.messages == ["The value 'NOPE' does not exist for the field 'project'."]
    with pytest.raises(JqlError) as caught:
        compile_query(parse("key = PMO-999 OR parent in (PMO-1, OPS-404)"), DomainResolver(), NOW)
    assert caught.value.messages == [
        "An issue with key 'PMO-999' does not exist for field 'key'.",
        "An issue with key 'OPS-404' does not exist for field 'parent'.",
    ]
    compiled = compile_query(parse("project = portfolio"), DomainResolver(), NOW)
    assert {i.key for i in ISSUES if compiled.matches(i)} == {"PMO-1", "PMO-2", "PMO-10"}


def test_unbounded_queries_are_refused_with_clouds_message() -> None:
    with pytest.raises(JqlError) as caught:
        require_bounded(parse("ORDER BY created DESC"))
    assert caught.value.messages == [
        "Unbounded JQL queries are not allowed here. Please add a search restriction to your query."
    ]
    require_bounded(parse("updated >= -1m ORDER BY created DESC"))
