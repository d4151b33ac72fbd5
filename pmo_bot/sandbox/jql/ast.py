"""The parsed shape of a JQL query: frozen nodes, no knowledge of fields or issues."""

from __future__ import annotations

from dataclasses import dataclass

# Operators as the parser normalises them (lower case, single spaces).
OPERATORS = ("=", "!=", "<", "<=", ">", ">=", "~", "!~", "in", "not in", "is", "is not")


@dataclass(frozen=True, slots=True)
class Literal:
    """A single value. ``quoted`` matters: an unquoted ``EMPTY`` is the empty marker, a quoted one a text."""

    text: str
    quoted: bool
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class Empty:
    """``EMPTY`` or ``NULL``."""

    line: int
    column: int


@dataclass(frozen=True, slots=True)
class Function:
    name: str  # as written
    args: tuple[str, ...]
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class ValueList:
    items: tuple[Literal | Empty | Function, ...]
    line: int
    column: int


Operand = Literal | Empty | Function | ValueList


@dataclass(frozen=True, slots=True)
class Clause:
    field: str  # as written, quotes removed; custom fields as cf[NNNNN]
    operator: str  # one of OPERATORS
    operand: Operand
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Not:
    child: Node


Node = Clause | And | Or | Not


@dataclass(frozen=True, slots=True)
class OrderKey:
    field: str
    descending: bool = False


@dataclass(frozen=True, slots=True)
class Query:
    where: Node | None
    order_by: tuple[OrderKey, ...] = ()

    @property
    def is_bounded(self) -> bool:
        """Whether the query restricts anything. Cloud's enhanced search refuses queries that do not."""
        return self.where is not None
