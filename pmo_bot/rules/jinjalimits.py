"""Bounds on what a template may cost: time, loop iterations, output size, and the size of what it builds.

Jinja's ``SandboxedEnvironment`` keeps templates away from Python internals but lets them run as long and as
big as they like: ``{% for i in range(100000) %}{% for j in range(100000) %}`` or ``{{ 'x' * 10**9 }}``.
``BoundedEnvironment`` adds the sandbox's own hooks (``call_binop``, ``call``, attribute access) and wraps every
``for`` loop's iterable, so each render draws on one budget and stops with ``TemplateLimitError`` when it is
spent. ``static_problems`` finds the same excesses in constant expressions before anything runs, so that
``rules validate`` reports them at their line.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import math
import re
import time
import weakref
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from jinja2 import nodes
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment

MAX_SECONDS = 1.0  # one render
MAX_ITERATIONS = 100_000  # loop steps in one render, all loops together
MAX_OUTPUT = 32_768  # characters of output (Jira's comment limit)
MAX_SIZE = 100_000  # length of a string or list a template builds; numbers given to filters and methods
MAX_TEXT_ARGUMENT = 1_000  # characters of a text given to a filter or method (a join separator, a replacement)
MAX_POWER_BITS = 1_024  # 2 ** 1024 is plenty for a message
_LOOP_FILTER = "pmo_bounded_loop"
_HUGE_FORMAT = re.compile(r"%[-#0 +]*(\*|\d{6,})|\.(\*|\d{6,})|\{[^{}]*\d{6,}[^{}]*\}")


class TemplateLimitError(SecurityError):
    """A template went over one of the limits above."""


@dataclass(slots=True)
class _Budget:
    deadline: float
    iterations: int = 0

    def tick(self, steps: int = 0) -> None:
        self.iterations += steps
        if self.iterations > MAX_ITERATIONS:
            raise TemplateLimitError(f"the template's loops ran more than {MAX_ITERATIONS:,} times")
        if time.monotonic() > self.deadline:
            raise TemplateLimitError(f"the template took longer than {MAX_SECONDS:g} s")


MAX_TIMEOUTS = 3
_TIMEOUTS: weakref.WeakKeyDictionary[Any, int] = weakref.WeakKeyDictionary()
_BUDGET: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar("pmo_template_budget", default=None)


def _tick(steps: int = 0) -> None:
    budget = _BUDGET.get()
    if budget is not None:
        budget.tick(steps)


def _size(value: Any) -> int | None:
    return len(value) if isinstance(value, str | list | tuple) else None


def check_binop(operator: str, left: Any, right: Any) -> None:
    """Refuse an operation whose result would be too large, before Python builds it."""
    numbers = (int, float)
    if operator == "*":
        for seq, count in ((left, right), (right, left)):
            size = _size(seq)
            if size is not None and isinstance(count, int) and size * max(count, 0) > MAX_SIZE:
                raise TemplateLimitError(f"'*' would build {size * count:,} elements (limit {MAX_SIZE:,})")
        if isinstance(left, int) and isinstance(right, int) and left.bit_length() + right.bit_length() > MAX_POWER_BITS:
            raise TemplateLimitError("'*' would build a number too large for a message")
    elif operator == "**" and isinstance(left, numbers) and isinstance(right, int) and abs(left) > 1:
        if right * math.log2(abs(left)) > MAX_POWER_BITS:
            raise TemplateLimitError(f"'**' would build a number of more than {MAX_POWER_BITS:,} bits")
    elif operator == "+":
        sizes = (_size(left), _size(right))
        if sizes[0] is not None and sizes[1] is not None and sizes[0] + sizes[1] > MAX_SIZE:
            raise TemplateLimitError(f"'+' would build {sizes[0] + sizes[1]:,} elements (limit {MAX_SIZE:,})")
    elif operator == "%" and isinstance(left, str) and _HUGE_FORMAT.search(left):
        raise TemplateLimitError("a format width or precision over 5 digits is not allowed")


def check_arguments(args: Iterable[Any]) -> None:
    for arg in args:
        if isinstance(arg, int) and not isinstance(arg, bool) and abs(arg) > MAX_SIZE:
            raise TemplateLimitError(f"the number {arg:,} is too large for a filter or method (limit {MAX_SIZE:,})")
        if isinstance(arg, str) and len(arg) > MAX_TEXT_ARGUMENT:
            raise TemplateLimitError(f"a text of {len(arg):,} characters given to a filter or method (limit 1,000)")


def _bounded_loop(iterable: Any) -> Iterator[Any]:
    for element in iterable:
        _tick(1)
        yield element


def _bounded_filter(fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)  # keeps Jinja's pass_context / pass_environment markers
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _tick()
        check_arguments([*args[1:], *kwargs.values()])
        if fn.__name__ == "do_format" and args and isinstance(args[-1], str):
            check_binop("%", args[-1], None)  # "%09999999d"|format(1)
        return fn(*args, **kwargs)

    return wrapper


class BoundedEnvironment(SandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.filters = {name: _bounded_filter(fn) for name, fn in self.filters.items()}
        self.filters[_LOOP_FILTER] = _bounded_loop

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        _tick()
        check_binop(operator, left, right)
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        _tick()
        check_arguments([*args, *kwargs.values()])
        return super().call(__context, __obj, *args, **kwargs)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        receiver = getattr(value, "__self__", None)  # "{:>999999999}".format(1)
        if isinstance(receiver, str) and _HUGE_FORMAT.search(receiver) and value.__name__.startswith("format"):
            raise TemplateLimitError("a format width or precision over 5 digits is not allowed")
        return super().wrap_str_format(value)

    def getattr(self, obj: Any, attribute: str) -> Any:
        _tick()
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        _tick()
        return super().getitem(obj, argument)

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        for loop in tree.find_all(nodes.For):  # every loop step is counted against the render's budget
            loop.iter = nodes.Filter(loop.iter, _LOOP_FILTER, [], [], None, None, lineno=loop.lineno)
        return tree


def render_bounded(template: Any, variables: Any) -> str:
    """Render a template compiled by a ``BoundedEnvironment`` within the time, loop and output limits.

    A template that runs out of time ``MAX_TIMEOUTS`` times is not run again (the compiled rules of one run, or
    of one rules reload in the daemon): 100,000 issues x 1 s would otherwise still be a day.
    """
    if _TIMEOUTS.get(template, 0) >= MAX_TIMEOUTS:
        raise TemplateLimitError(f"the template ran out of time {MAX_TIMEOUTS} times; it is not rendered again")
    token = _BUDGET.set(_Budget(deadline=time.monotonic() + MAX_SECONDS))
    try:
        chunks: list[str] = []
        length = 0
        for chunk in template.generate(variables):
            length += len(chunk)
            if length > MAX_OUTPUT:
                raise TemplateLimitError(f"the template wrote more than {MAX_OUTPUT:,} characters")
            chunks.append(chunk)
        return "".join(chunks)
    except TemplateLimitError as error:
        if "took longer" in str(error):
            _TIMEOUTS[template] = _TIMEOUTS.get(template, 0) + 1
        raise
    finally:
        _BUDGET.reset(token)


# -- the same limits, found in constant expressions before anything runs ----------------------------------


class _NotConstant(Exception):
    pass


def _evaluate(node: nodes.Node) -> Any:
    if isinstance(node, nodes.Const):
        return node.value
    if isinstance(node, nodes.Neg):
        return -_evaluate(node.node)
    if isinstance(node, nodes.BinExpr):
        left, right = _evaluate(node.left), _evaluate(node.right)
        check_binop(node.operator, left, right)
        try:
            return _OPERATORS[node.operator](left, right)
        except (ArithmeticError, TypeError, ValueError):
            raise _NotConstant from None
    raise _NotConstant


_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "//": lambda a, b: a // b,
    "%": lambda a, b: a % b,
    "**": lambda a, b: a**b,
}


def _range_size(node: nodes.Node) -> int | None:
    """Steps of ``range(<constants>)``, or None when not a constant range."""
    if isinstance(node, nodes.Filter) and node.name == _LOOP_FILTER and node.node is not None:
        node = node.node
    if not (isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name) and node.node.name == "range"):
        return None
    try:
        bounds = [_evaluate(arg) for arg in node.args]
        return len(range(*bounds))
    except (_NotConstant, TypeError, ValueError, TemplateLimitError):
        return None


def static_problems(tree: nodes.Template) -> list[tuple[str, int]]:
    """``(message, line)`` for every limit a constant part of the template already breaks."""
    problems: list[tuple[str, int]] = []
    for node in tree.find_all((nodes.BinExpr, nodes.Call, nodes.Filter, nodes.Getattr)):
        try:
            if isinstance(node, nodes.Getattr):
                constant = node.node.value if isinstance(node.node, nodes.Const) else None
                if node.attr.startswith("format") and isinstance(constant, str):
                    check_binop("%", constant, None)  # the same width check as for '%'
            elif isinstance(node, nodes.BinExpr):
                _evaluate(node)
            else:
                check_arguments(_constant_arguments(node))  # type: ignore[arg-type]
        except TemplateLimitError as error:
            problems.append((str(error), node.lineno or 1))
        except _NotConstant:
            pass
    problems.extend(_loop_problems(tree, 1))
    unique = dict.fromkeys(problems)  # a nested expression is found once per enclosing one
    return list(unique)


def _constant_arguments(node: nodes.Call | nodes.Filter) -> list[Any]:
    values = []
    for arg in [*node.args, *(kw.value for kw in node.kwargs)]:
        with contextlib.suppress(_NotConstant):
            values.append(_evaluate(arg))
    return values


def _loop_problems(node: nodes.Node, outer: int) -> list[tuple[str, int]]:
    problems = []
    for child in node.iter_child_nodes():
        steps = outer
        if isinstance(child, nodes.For):
            size = _range_size(child.iter)
            steps = outer * size if size is not None else outer
            if steps > MAX_ITERATIONS:
                problems.append((f"nested loops would run {steps:,} times (limit {MAX_ITERATIONS:,})", child.lineno))
                continue
        problems.extend(_loop_problems(child, steps))
    return problems
