"""Compile a parsed query once into plain closures, then match many issues without re-reading the query.

Semantics follow Jira: an empty field never satisfies ``=``, ``!=``, ``~``, ``!~``, ``in``, ``not in`` or a
range (``assignee != bob`` skips unassigned issues); ``NOT`` is pushed down onto the operators (De Morgan),
so ``NOT assignee = bob`` equals ``assignee != bob``. A date-only field's value is that day's midnight in
the query's time zone; datetimes compare at minute precision for ``=`` and ``!=``.
"""

from __future__ import annotations

import operator as operator_module
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from pmo_bot.sandbox.jql import errors
from pmo_bot.sandbox.jql.ast import And, Clause, Empty, Function, Node, Not, Query, ValueList
from pmo_bot.sandbox.jql.fields import SUPPORTED_OPERATORS, FieldResolver
from pmo_bot.sandbox.jql.operands import KEY, OperandReader, Targets
from pmo_bot.sandbox.jql.sorting import build_sorter
from pmo_bot.sandbox.jql.text import compile_text

Predicate = Callable[[Any], bool]
NEGATED = {
    "=": "!=",
    "!=": "=",
    "in": "not in",
    "not in": "in",
    "~": "!~",
    "!~": "~",
    "is": "is not",
    "is not": "is",
    "<": ">=",
    ">=": "<",
    ">": "<=",
    "<=": ">",
}
_POSITIVE = frozenset({"=", "in", "~"})
# Jira's own JQL fields (Atlassian's "JQL fields" reference, Jira Software's sprint and rank included) that the
# sandbox does not model: a query naming one is valid on a real site, so it is refused as unsupported here.
JIRA_FIELDS_NOT_MODELLED = frozenset(
    """affectedversion approvals attachments category cycle development environment filter issuelinktype
    lastviewed level rank request savedfilter searchrequest sprint subtasks voter votes watcher watchers
    workratio""".split()  # noqa: SIM905
)
_RANGES: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator_module.lt,
    "<=": operator_module.le,
    ">": operator_module.gt,
    ">=": operator_module.ge,
}


def _never(_issue: Any) -> bool:
    return False


def _always(_issue: Any) -> bool:
    return True


@dataclass(frozen=True, slots=True)
class CompiledQuery:
    """``matches(issue)`` tests one issue; ``sort(issues)`` applies ORDER BY (empty values last ascending,
    first descending; ties by issue key in numeric order). Both are plain closures: calling them adds no
    method layer in the per-issue path."""

    query: Query
    matches: Predicate
    sort: Callable[[Iterable[Any]], list[Any]]


def compile_query(
    query: Query,
    resolver: FieldResolver,
    now: datetime,
    tz: tzinfo = UTC,
    *,
    current_user: str | None = None,
) -> CompiledQuery:
    """Validate ``query`` against the fields and build its matcher; raises JqlError listing every problem."""
    problems: list[str] = []
    compiler = _Compiler(resolver, OperandReader(resolver, now, tz, current_user, problems), tz, problems)
    predicate = _always if query.where is None else compiler.node(query.where, negated=False)
    sorter = build_sorter(query.order_by, resolver, problems)
    if problems:
        raise errors.JqlError(list(dict.fromkeys(problems)))
    return CompiledQuery(query, predicate, sorter)


def require_bounded(query: Query) -> None:
    """Refuse a query without restriction, as Jira Cloud's enhanced search and approximate count do."""
    if not query.is_bounded:
        raise errors.JqlError([errors.UNBOUNDED_MESSAGE])


class _Compiler:
    def __init__(self, resolver: FieldResolver, reader: OperandReader, tz: tzinfo, problems: list[str]) -> None:
        self.resolver = resolver
        self.reader = reader
        self.tz = tz
        self.problems = problems

    def node(self, node: Node, negated: bool) -> Predicate:
        if isinstance(node, Not):
            return self.node(node.child, not negated)
        if isinstance(node, Clause):
            return self.clause(node, negated)
        parts = [self.node(child, negated) for child in node.children]
        conjunction = isinstance(node, And) != negated  # De Morgan
        return _all(parts) if conjunction else _any(parts)

    def clause(self, clause: Clause, negated: bool) -> Predicate:
        field_id = self.resolver.canonical(clause.field)
        if field_id is None:
            if " ".join(clause.field.split()).lower() in JIRA_FIELDS_NOT_MODELLED:
                self.problems.append(errors.sandbox_unsupported(f"the field '{clause.field}'"))
            else:
                self.problems.append(errors.unknown_field(clause.field))
            return _never
        kind = self.resolver.kind(field_id)
        if clause.operator not in SUPPORTED_OPERATORS.get(kind, frozenset()):
            self.problems.append(errors.unsupported_operator(clause.operator, clause.field))
            return _never
        if not self.shape_ok(clause):
            return _never
        targets = self.reader.read(clause, field_id, kind)
        operator = NEGATED[clause.operator] if negated else clause.operator
        values = self.resolver.values
        if operator in ("is", "is not") or (not targets.values and targets.empty):
            want = operator in ("is", "=", "in", "~")
            return lambda issue: (not values(issue, field_id)) == want
        if operator in ("~", "!~"):
            return self.text(clause, field_id, targets, operator == "~")
        return self.compare(field_id, kind, operator, targets)

    def shape_ok(self, clause: Clause) -> bool:
        operand, operator = clause.operand, clause.operator
        if operator in ("is", "is not") and not isinstance(operand, Empty):
            self.problems.append(errors.is_needs_empty(operator, clause.field))
            return False
        if operator in _RANGES and isinstance(operand, Empty):
            self.problems.append(errors.range_with_empty(operator, clause.field))
            return False
        if isinstance(operand, ValueList) and operator not in ("in", "not in"):
            self.problems.append(errors.list_not_supported(operator, clause.field))
            return False
        if operator in ("in", "not in") and not isinstance(operand, ValueList | Function):
            self.problems.append(errors.list_required(operator, clause.field))
            return False
        return True

    def text(self, clause: Clause, field_id: str, targets: Targets, positive: bool) -> Predicate:
        found = compile_text(" ".join(str(v) for v in targets.values))
        if found is None:
            self.problems.append(errors.empty_text(clause.field))
            return _never
        values = self.resolver.values
        if positive:
            return lambda issue: any(found(v) for v in values(issue, field_id))

        def absent(issue: Any) -> bool:
            present = values(issue, field_id)
            return bool(present) and not any(found(v) for v in present)

        return absent

    def compare(self, field_id: str, kind: str, operator: str, targets: Targets) -> Predicate:
        values = self.resolver.values
        if operator in _RANGES:
            if not targets.values:  # e.g. currentUser() when anonymous
                return _never
            return self.range(field_id, kind, operator, targets.values[0])
        wanted, normalise = self.equality_set(kind, targets.values)
        if operator in _POSITIVE:
            with_empty = targets.empty

            def member(issue: Any) -> bool:
                present = values(issue, field_id)
                if not present:
                    return with_empty
                return not wanted.isdisjoint(map(normalise, present) if normalise else present)

            return member

        def non_member(issue: Any) -> bool:
            present = values(issue, field_id)
            return bool(present) and wanted.isdisjoint(map(normalise, present) if normalise else present)

        return non_member

    def equality_set(self, kind: str, targets: list[Any]) -> tuple[frozenset[Any], Callable[[Any], Any] | None]:
        """The targets as a set, and how to bring an issue's value into the same form (None: as it is)."""
        if kind == "date":
            local = [t.astimezone(self.tz) for t in targets]
            return frozenset(t.date() for t in local if t.time() == datetime.min.time()), None
        if kind == "datetime":
            return frozenset(_minute(t) for t in targets), _minute
        if kind == "number":
            return frozenset(targets), None
        if kind in ("key", "issue"):
            return frozenset(targets), str.upper
        # The resolver hands over strings for every other kind, so str.lower applies directly.
        return frozenset(str(t).lower() for t in targets), str.lower

    def range(self, field_id: str, kind: str, operator: str, target: Any) -> Predicate:
        values = self.resolver.values
        test = _RANGES[operator]
        if kind == "key":
            parts = KEY.fullmatch(target)
            if parts is None:
                return _never
            project, number = parts.group(1).upper(), int(parts.group(2))

            def key_in_range(issue: Any) -> bool:
                for value in values(issue, field_id):
                    head, _, tail = str(value).rpartition("-")
                    if head.upper() == project and tail.isdigit():
                        return test(int(tail), number)
                return False

            return key_in_range
        if kind == "date":
            target = _date_threshold(target.astimezone(self.tz), operator)

        def in_range(issue: Any) -> bool:
            present = values(issue, field_id)
            if len(present) == 1:
                return test(present[0], target)
            return any(test(v, target) for v in present)

        return in_range


def _date_threshold(local: datetime, operator: str) -> date:
    """The calendar day to compare a date-only value with: midnight(d) OP local  <=>  d OP threshold."""
    midnight = local.time() == datetime.min.time()
    if operator in ("<", ">=") and not midnight:
        return local.date() + timedelta(days=1)
    return local.date()


def _all(parts: list[Predicate]) -> Predicate:
    if len(parts) == 2:
        first, second = parts
        return lambda issue: first(issue) and second(issue)

    def every(issue: Any) -> bool:
        for part in parts:  # noqa: SIM110 - a plain loop skips all()'s generator in the per-issue path
            if not part(issue):
                return False
        return True

    return every


def _any(parts: list[Predicate]) -> Predicate:
    if len(parts) == 2:
        first, second = parts
        return lambda issue: first(issue) or second(issue)

    def some(issue: Any) -> bool:
        for part in parts:  # noqa: SIM110 - as above
            if part(issue):
                return True
        return False

    return some


def _minute(value: Any) -> Any:
    return value.replace(second=0, microsecond=0)
