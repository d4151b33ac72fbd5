"""The sandbox's JQL engine: parse once, compile against the site's fields, match and sort many issues.

    query = parse('project = PMO AND duedate < now() ORDER BY duedate')
    require_bounded(query)  # Cloud only: JqlError with UNBOUNDED_MESSAGE
    compiled = compile_query(query, resolver, now=datetime.now(UTC), tz=user_zone)
    hits = compiled.sort(issue for issue in issues if compiled.matches(issue))

Every refusal is a ``JqlError`` whose ``messages`` are Jira's ``errorMessages``.
"""

from pmo_bot.sandbox.jql.ast import Clause, Node, OrderKey, Query
from pmo_bot.sandbox.jql.errors import UNBOUNDED_MESSAGE, JqlError
from pmo_bot.sandbox.jql.evaluate import CompiledQuery, compile_query, require_bounded
from pmo_bot.sandbox.jql.fields import KINDS, FieldResolver, ValueDomain
from pmo_bot.sandbox.jql.parser import parse

__all__ = [
    "KINDS",
    "UNBOUNDED_MESSAGE",
    "Clause",
    "CompiledQuery",
    "FieldResolver",
    "JqlError",
    "Node",
    "OrderKey",
    "Query",
    "ValueDomain",
    "compile_query",
    "parse",
    "require_bounded",
]
