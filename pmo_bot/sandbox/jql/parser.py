"""Recursive-descent JQL parser: text in, frozen ``Query`` out, Jira's syntax errors on anything else.

Grammar (keywords case-insensitive; ``&``/``&&`` mean AND, ``|``/``||`` OR, ``!`` NOT):

    query    := [or_expr] [ORDER BY sort ("," sort)*]
    or_expr  := and_expr (OR and_expr)*
    and_expr := not_expr (AND not_expr)*
    not_expr := NOT not_expr | "(" or_expr ")" | clause
    clause   := field operator operand
    operand  := single | "(" single ("," single)* ")"
    single   := value | EMPTY | NULL | function "(" [arg ("," arg)*] ")"
"""

from __future__ import annotations

from pmo_bot.sandbox.jql.ast import (
    And,
    Clause,
    Empty,
    Function,
    Literal,
    Node,
    Not,
    Operand,
    Or,
    OrderKey,
    Query,
    ValueList,
)
from pmo_bot.sandbox.jql.errors import VALID_OPERATORS, JqlError, sandbox_unsupported, syntax
from pmo_bot.sandbox.jql.lexer import Kind, Token, tokenize

KEYWORDS = frozenset({"and", "or", "not", "in", "is", "empty", "null", "order", "by", "asc", "desc"})
# Atlassian's list of reserved JQL words (keywords above excluded): unquoted they are refused.
RESERVED_WORDS = frozenset(
    """a an abort access add after alias all alter any are as audit avg before begin between boolean break
    byte catch cf char character check checkpoint collate collation column commit connect continue count
    create current date decimal declare decrement default defaults define delete delimiter difference
    distinct divide do double drop else encoding end equals escape exclusive exec execute exists explain
    false fetch file field first float for from function go goto grant greater group having identified if
    immediate increment index initial inner inout input insert int integer intersect intersection into
    isempty isnull join last left less like limit lock long max min minus mode modify modulo more multiply
    next noaudit notin nowait number object of on option outer output power previous prior privileges
    public raise raw remainder rename resource return returns right row rowid rownum rows select session
    set share size sqrt start strict string subtract sum synonym table then to trans transaction trigger
    true uid union unique update user validate values view when whenever where while with""".split()  # noqa: SIM905
)
MAX_DEPTH = 100
# History operators: valid JQL (WAS, WAS NOT, WAS IN, WAS NOT IN, CHANGED) that the sandbox does not evaluate.
HISTORY_OPERATORS = frozenset({"was", "changed"})


def parse(text: str) -> Query:
    """Parse ``text``; raises JqlError with Jira's message and position on any syntax error."""
    return _Parser(tokenize(text)).query()


def _quote_advice(token: Token, role: str) -> str:
    return f"You must surround '{token.raw}' in quotation marks to use it as {role}."


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.index = 0
        self.depth = 0

    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[min(self.index + ahead, len(self.tokens) - 1)]

    def take(self) -> Token:
        token = self.peek()
        self.index = min(self.index + 1, len(self.tokens) - 1)
        return token

    @staticmethod
    def keyword(token: Token) -> str | None:
        if token.kind is Kind.WORD and token.text.lower() in KEYWORDS:
            return token.text.lower()
        return None

    def is_and(self) -> bool:
        return self.peek().kind is Kind.AND or self.keyword(self.peek()) == "and"

    def is_or(self) -> bool:
        return self.peek().kind is Kind.OR or self.keyword(self.peek()) == "or"

    def fail(self, expected: str, token: Token, advice: str = "") -> JqlError:
        if token.kind is Kind.EOF:
            return syntax(f"Expecting {expected} before the end of the query.")
        tail = f" {advice}" if advice else ""
        return syntax(f"Expecting {expected} but got '{token.raw}'.{tail}", token.line, token.column)

    def reserved(self, token: Token) -> JqlError | None:
        if token.kind is Kind.WORD and token.text.lower() in RESERVED_WORDS:
            text = (
                f"'{token.raw}' is a reserved JQL word. You must surround it in quotation marks to use it in a query."
            )
            return syntax(text, token.line, token.column)
        return None

    def query(self) -> Query:
        where: Node | None = None
        if self.peek().kind is not Kind.EOF and self.keyword(self.peek()) != "order":
            where = self.or_expr()
        order: tuple[OrderKey, ...] = ()
        if self.keyword(self.peek()) == "order":
            order = self.order_by()
        token = self.peek()
        if token.kind is not Kind.EOF:
            raise self.fail("either 'OR' or 'AND'", token)
        return Query(where, order)

    def or_expr(self) -> Node:
        children = [self.and_expr()]
        while self.is_or():
            self.take()
            children.append(self.and_expr())
        return children[0] if len(children) == 1 else Or(tuple(children))

    def and_expr(self) -> Node:
        children = [self.not_expr()]
        while self.is_and():
            self.take()
            children.append(self.not_expr())
        return children[0] if len(children) == 1 else And(tuple(children))

    def not_expr(self) -> Node:
        token = self.peek()
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise syntax("The query is nested too deeply.", token.line, token.column)
        try:
            if token.kind is Kind.BANG or self.keyword(token) == "not":
                self.take()
                return Not(self.not_expr())
            if token.kind is Kind.LPAREN:
                self.take()
                inner = self.or_expr()
                if self.peek().kind is not Kind.RPAREN:
                    raise self.fail("')'", self.peek())
                self.take()
                return inner
            return self.clause()
        finally:
            self.depth -= 1

    def clause(self) -> Clause:
        token = self.take()
        if token.kind not in (Kind.WORD, Kind.STRING, Kind.CUSTOM) or self.keyword(token):
            raise self.fail("a field name", token, _quote_advice(token, "a field name"))
        problem = self.reserved(token)
        if problem:
            raise problem
        operator = self.operator()
        return Clause(token.text, operator, self.operand(), token.line, token.column)

    def operator(self) -> str:
        token = self.take()
        word = self.keyword(token)
        if token.kind is Kind.OP:
            return token.text
        if word == "in":
            return "in"
        if word == "is":
            if self.keyword(self.peek()) == "not":
                self.take()
                return "is not"
            return "is"
        if word == "not" and self.keyword(self.peek()) == "in":
            self.take()
            return "not in"
        if token.kind is Kind.WORD and token.text.lower() in HISTORY_OPERATORS:
            raise JqlError([sandbox_unsupported(f"the history operator '{token.text.upper()}'")])
        if token.kind is Kind.EOF:
            raise syntax(f"Expecting operator before the end of the query. The valid operators are {VALID_OPERATORS}.")
        raise syntax(
            f"Expecting operator but got '{token.raw}'. The valid operators are {VALID_OPERATORS}.",
            token.line,
            token.column,
        )

    def operand(self) -> Operand:
        start = self.peek()
        if start.kind is not Kind.LPAREN:
            return self.single()
        self.take()
        items = [self.single()]
        while self.peek().kind is Kind.COMMA:
            self.take()
            items.append(self.single())
        if self.peek().kind is not Kind.RPAREN:
            raise self.fail("either ',' or ')'", self.peek())
        self.take()
        return ValueList(tuple(items), start.line, start.column)

    def single(self) -> Literal | Empty | Function:
        token = self.take()
        word = self.keyword(token)
        if word in ("empty", "null"):
            return Empty(token.line, token.column)
        if token.kind not in (Kind.WORD, Kind.STRING) or word:
            raise self.fail("either a value, list or function", token, _quote_advice(token, "a value"))
        problem = self.reserved(token)
        if problem:
            raise problem
        if token.kind is Kind.WORD and self.peek().kind is Kind.LPAREN:
            self.take()
            return Function(token.text, self.arguments(), token.line, token.column)
        return Literal(token.text, token.kind is Kind.STRING, token.line, token.column)

    def arguments(self) -> tuple[str, ...]:
        args: list[str] = []
        if self.peek().kind is Kind.RPAREN:
            self.take()
            return ()
        while True:
            token = self.take()
            if token.kind not in (Kind.WORD, Kind.STRING):
                raise self.fail("a function argument", token)
            args.append(token.text)
            if self.peek().kind is Kind.RPAREN:
                self.take()
                return tuple(args)
            if self.peek().kind is not Kind.COMMA:
                raise self.fail("either ',' or ')'", self.peek())
            self.take()

    def order_by(self) -> tuple[OrderKey, ...]:
        self.take()
        if self.keyword(self.peek()) != "by":
            raise self.fail("'by'", self.peek())
        self.take()
        keys: list[OrderKey] = []
        while True:
            token = self.take()
            if token.kind not in (Kind.WORD, Kind.STRING, Kind.CUSTOM) or self.keyword(token):
                raise self.fail("a field name", token, _quote_advice(token, "a field name"))
            problem = self.reserved(token)
            if problem:
                raise problem
            direction = self.keyword(self.peek())
            if direction in ("asc", "desc"):
                self.take()
            keys.append(OrderKey(token.text, direction == "desc"))
            if self.peek().kind is not Kind.COMMA:
                break
            self.take()
        if self.peek().kind is not Kind.EOF:
            raise self.fail("either 'ASC' or 'DESC'", self.peek())
        return tuple(keys)
