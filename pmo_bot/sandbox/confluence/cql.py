"""A CQL subset: what a PMO bot and atlassian-python-api send, parsed for real; anything else is refused.

Fields: ``id``, ``parent``, ``ancestor``, ``space`` (``space.key``), ``title``, ``type``, ``label``.
Operators: ``=``, ``!=``, ``~`` (title contains), ``in (...)``, ``not in (...)``. ``AND``, ``OR``, ``NOT``,
parentheses, and a trailing ``ORDER BY id|title|created [ASC|DESC]``. Values are bare words or quoted strings.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from pmo_bot.sandbox.confluence.model import BadRequest, Page
from pmo_bot.sandbox.confluence.state import ConfluenceState

Predicate = Callable[[Page], bool]

_TOKEN = re.compile(
    r"""\s*(?:(?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|(?P<op>!=|=|~|\(|\)|,)|(?P<word>[^\s=!~(),"']+))"""
)
_FIELDS = {"id", "parent", "ancestor", "space", "space.key", "title", "type", "label"}
_ORDER_KEYS = {"id", "title", "created"}


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: str  # "str" | "op" | "word"
    text: str


@dataclass(frozen=True, slots=True)
class Query:
    matches: Predicate
    order_by: str = "id"
    descending: bool = False


class CqlError(BadRequest):
    """Confluence's wording for every CQL it cannot parse."""

    def __init__(self, cql: str) -> None:
        super().__init__(f"Could not parse cql : {cql}")


def _tokens(cql: str) -> list[_Tok]:
    found: list[_Tok] = []
    pos = 0
    while pos < len(cql):
        if cql[pos:].strip() == "":
            break
        match = _TOKEN.match(cql, pos)
        if match is None or match.end() == pos:
            raise CqlError(cql)
        kind = match.lastgroup or "word"
        text = match.group(kind)
        if kind == "str":
            text = re.sub(r"\\(.)", r"\1", text[1:-1])
        found.append(_Tok(kind, text))
        pos = match.end()
    return found


class _Parser:
    def __init__(self, cql: str, state: ConfluenceState) -> None:
        self.cql, self.state = cql, state
        self.toks = _tokens(cql)
        self.i = 0

    def peek_word(self, *words: str) -> bool:
        tok = self.toks[self.i] if self.i < len(self.toks) else None
        return tok is not None and tok.kind == "word" and tok.text.lower() in words

    def next(self) -> _Tok:
        if self.i >= len(self.toks):
            raise CqlError(self.cql)
        self.i += 1
        return self.toks[self.i - 1]

    def expect_op(self, op: str) -> None:
        tok = self.next()
        if tok.kind != "op" or tok.text != op:
            raise CqlError(self.cql)

    def parse(self) -> Query:
        if not self.toks:
            raise CqlError(self.cql)
        predicate = self.or_expr()
        order, descending = "id", False
        if self.peek_word("order"):
            self.next()
            if not self.peek_word("by"):
                raise CqlError(self.cql)
            self.next()
            order = self.next().text.lower()
            if order not in _ORDER_KEYS:
                raise CqlError(self.cql)
            if self.peek_word("asc", "desc"):
                descending = self.next().text.lower() == "desc"
        if self.i != len(self.toks):
            raise CqlError(self.cql)
        return Query(predicate, order, descending)

    def or_expr(self) -> Predicate:
        parts = [self.and_expr()]
        while self.peek_word("or"):
            self.next()
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else (lambda p: any(f(p) for f in parts))

    def and_expr(self) -> Predicate:
        parts = [self.unary()]
        while self.peek_word("and"):
            self.next()
            parts.append(self.unary())
        return parts[0] if len(parts) == 1 else (lambda p: all(f(p) for f in parts))

    def unary(self) -> Predicate:
        if self.peek_word("not"):
            self.next()
            inner = self.unary()
            return lambda p: not inner(p)
        tok = self.toks[self.i] if self.i < len(self.toks) else None
        if tok is not None and tok.kind == "op" and tok.text == "(":
            self.next()
            inner = self.or_expr()
            self.expect_op(")")
            return inner
        return self.clause()

    def clause(self) -> Predicate:
        field = self.next()
        if field.kind != "word" or field.text.lower() not in _FIELDS:
            raise CqlError(self.cql)
        name = field.text.lower()
        negate = False
        if self.peek_word("not"):
            self.next()
            negate = True
            if not self.peek_word("in"):
                raise CqlError(self.cql)
        if self.peek_word("in"):
            self.next()
            values = self.value_list()
            test = self.field_test(name, values)
            return (lambda p: not test(p)) if negate else test
        op = self.next()
        if op.kind != "op" or op.text not in ("=", "!=", "~"):
            raise CqlError(self.cql)
        value = self.value()
        if op.text == "~":
            if name != "title":
                raise CqlError(self.cql)
            needle = value.casefold()
            return lambda p: needle in p.title.casefold()
        test = self.field_test(name, [value])
        return (lambda p: not test(p)) if op.text == "!=" else test

    def value(self) -> str:
        tok = self.next()
        if tok.kind == "op":
            raise CqlError(self.cql)
        return tok.text

    def value_list(self) -> list[str]:
        self.expect_op("(")
        values = [self.value()]
        while True:
            tok = self.next()
            if tok.kind == "op" and tok.text == ")":
                return values
            if tok.kind != "op" or tok.text != ",":
                raise CqlError(self.cql)
            values.append(self.value())

    def field_test(self, name: str, values: list[str]) -> Predicate:
        wanted = set(values)
        state = self.state
        if name in ("space", "space.key"):
            return lambda p: p.space_key in wanted
        if name == "title":
            folded = {v.casefold() for v in values}
            return lambda p: p.title.casefold() in folded
        if name == "type":
            return lambda _p: "page" in {v.lower() for v in values}
        if name == "label":
            lowered = {v.lower() for v in values}
            return lambda p: any(lb.name in lowered for lb in p.labels)
        if name == "id":
            return lambda p: p.id in wanted
        if name == "parent":
            return lambda p: p.parent_id in wanted
        # ancestor
        return lambda p: any(a.id in wanted for a in state.ancestors(p))


def parse_cql(cql: str, state: ConfluenceState) -> Query:
    return _Parser(cql, state).parse()


def search(cql: str, state: ConfluenceState) -> list[Page]:
    query = parse_cql(cql, state)
    pages = [p for p in state.all_pages() if query.matches(p)]
    keys: dict[str, Callable[[Page], object]] = {
        "id": lambda p: int(p.id),
        "title": lambda p: p.title.casefold(),
        "created": lambda p: (p.created, int(p.id)),
    }
    return sorted(pages, key=keys[query.order_by], reverse=query.descending)  # type: ignore[arg-type]
