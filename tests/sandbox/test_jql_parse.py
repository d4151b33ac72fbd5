"""JQL syntax: what parses into which tree, and Jira's error text (with line and character) for what does not."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmo_bot.sandbox.jql import JqlError, compile_query, parse
from pmo_bot.sandbox.jql.ast import And, Clause, Empty, Function, Literal, Not, Or, OrderKey, Query, ValueList
from tests.sandbox.jql_fakes import FakeResolver


def test_tree_of_a_typical_query() -> None:
    query = parse('project = PMO AND status in (Done, "In Progress") ORDER BY duedate DESC, key')
    assert query == Query(
        And(
            (
                Clause("project", "=", Literal("PMO", False, 1, 11), 1, 1),
                Clause(
                    "status",
                    "in",
                    ValueList((Literal("Done", False, 1, 30), Literal("In Progress", True, 1, 36)), 1, 29),
                    1,
                    19,
                ),
            )
        ),
        (OrderKey("duedate", descending=True), OrderKey("key")),
    )
    assert query.is_bounded


@pytest.mark.parametrize(
    ("jql", "operator"),
    [
        ("a1 = x", "="),
        ("a1 != x", "!="),
        ("a1 < x", "<"),
        ("a1 <= x", "<="),
        ("a1 > x", ">"),
        ("a1 >= x", ">="),
        ("a1 ~ x", "~"),
        ("a1 !~ x", "!~"),
        ("a1 IN (x)", "in"),
        ("a1 Not In (x)", "not in"),
        ("a1 is EMPTY", "is"),
        ("a1 IS NOT null", "is not"),
    ],
)
def test_operators(jql: str, operator: str) -> None:
    where = parse(jql).where
    assert isinstance(where, Clause)
    assert where.operator == operator


def test_precedence_not_and_or() -> None:
    where = parse("x1 = 1 OR NOT x2 = 2 AND x3 = 3").where
    assert isinstance(where, Or)
    left, right = where.children
    assert isinstance(left, Clause)
    assert isinstance(right, And)
    assert isinstance(right.children[0], Not)


def test_values_functions_and_custom_fields() -> None:
    where = parse('cf[10011] in (EMPTY, \'it\\\'s\', startOfDay(-1), "a\\"b") and "Epic Link" = X-1').where
    assert isinstance(where, And)
    first, second = where.children
    assert isinstance(first, Clause)
    assert first.field == "cf[10011]"
    assert isinstance(first.operand, ValueList)
    kinds = [type(item) for item in first.operand.items]
    assert kinds == [Empty, Literal, Function, Literal]
    assert [getattr(item, "text", None) for item in first.operand.items] == [None, "it's", None, 'a"b']
    assert isinstance(second, Clause)
    assert second.field == "Epic Link"


def test_escapes_in_strings_and_words() -> None:
    where = parse(r"""summary ~ "tab\there \u00e9 \\ \' \ x" and labels = a\u002db""").where
    assert isinstance(where, And)
    text, label = where.children
    assert isinstance(text, Clause)
    assert isinstance(text.operand, Literal)
    assert text.operand.text == "tab\there é \\ '  x"
    assert isinstance(label, Clause)
    assert isinstance(label.operand, Literal)
    assert label.operand.text == "a-b"


@pytest.mark.parametrize("jql", ["", "   ", "ORDER BY created", "order by key desc, updated asc"])
def test_unbounded_queries(jql: str) -> None:
    assert not parse(jql).is_bounded


SYNTAX_ERRORS = [
    (
        "project = AND",
        "Expecting either a value, list or function but got 'AND'. You must surround 'AND' in quotation marks "
        "to use it as a value. (line 1, character 11)",
    ),
    (
        "project = PMO AND\n  status = ",
        "Expecting either a value, list or function before the end of the query.",
    ),
    (
        'project = PMO\nAND summary ~ "abc',
        "The quoted string 'abc' has not been completed. (line 2, character 15)",
    ),
    (
        "labels = a@b",
        "The character '@' is a reserved JQL character. You must enclose it in a string or use the escape "
        "'\\u0040' instead. (line 1, character 11)",
    ),
    (
        "fixVersion = v1.2",
        "The character '.' is a reserved JQL character. You must enclose it in a string or use the escape "
        "'\\u002e' instead. (line 1, character 16)",
    ),
    (
        "project PMO",
        "Expecting operator but got 'PMO'. The valid operators are '=', '!=', '<', '>', '<=', '>=', '~', '!~', "
        "'IN', 'NOT IN', 'IS' and 'IS NOT'. (line 1, character 9)",
    ),
    (
        "project",
        "Expecting operator before the end of the query. The valid operators are '=', '!=', '<', '>', '<=', "
        "'>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'.",
    ),
    ("project = PMO status = Done", "Expecting either 'OR' or 'AND' but got 'status'. (line 1, character 15)"),
    ("(project = PMO", "Expecting ')' before the end of the query."),
    (
        "status = End",
        "'End' is a reserved JQL word. You must surround it in quotation marks to use it in a query. "
        "(line 1, character 10)",
    ),
    (
        "project = PMO AND OR x = 1",
        "Expecting a field name but got 'OR'. You must surround 'OR' in quotation marks to use it as a field "
        "name. (line 1, character 19)",
    ),
    ("project = PMO ORDER created", "Expecting 'by' but got 'created'. (line 1, character 21)"),
    (
        "project = PMO ORDER BY created updated",
        "Expecting either 'ASC' or 'DESC' but got 'updated'. (line 1, character 32)",
    ),
    ("key in (A-1, A-2", "Expecting either ',' or ')' before the end of the query."),
    (
        'summary ~ "a\\qb"',
        "'\\q' is an illegal JQL escape sequence. The valid escape sequences are \\', \\\", \\t, \\n, \\r, "
        "\\\\, '\\ ' and \\uXXXX. (line 1, character 13)",
    ),
]


@pytest.mark.parametrize(("jql", "message"), SYNTAX_ERRORS)
def test_syntax_errors_use_jira_wording_and_position(jql: str, message: str) -> None:
    with pytest.raises(JqlError) as caught:
        parse(jql)
    assert caught.value.messages == [f"Error in the JQL Query: {message}"]


def test_deep_nesting_is_a_jql_error_not_a_crash() -> None:
    with pytest.raises(JqlError):
        parse("(" * 5000 + "a1 = b" + ")" * 5000)
    with pytest.raises(JqlError):
        parse("NOT " * 5000 + "a1 = b")


_PIECES = st.sampled_from(
    [
        "project", "status", "key", "duedate", "summary", "labels", "Budget", "cf[10010]", '"Epic Link"',
        "=", "!=", "<", ">=", "~", "!~", "in", "not", "is", "empty", "null", "and", "or", "&&", "||", "!",
        "(", ")", ",", "order", "by", "asc", "desc", "PMO", "PMO-1", "-7d", "'2026/11/20 09:58'", "now()",
        "startOfDay(-1)", "currentUser()", "1.5", '"x', "\\", "@", ".", "\n", "end", "Done", "'a b'",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=40), st.lists(_PIECES, max_size=12).map(" ".join)))
def test_any_text_either_works_or_raises_jql_error(text: str) -> None:
    messages: list[str] | None = None
    try:
        compiled = compile_query(parse(text), FakeResolver(), datetime(2026, 11, 28, tzinfo=UTC))
        compiled.sort([])
    except JqlError as error:
        messages = error.messages
    if messages is not None:
        assert messages
        assert all(isinstance(message, str) and message for message in messages)
