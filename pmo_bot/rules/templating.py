"""Message and remediation templates: the one home of Jinja2.

Templates run in Jinja's sandbox (no access to Python internals) with ``StrictUndefined``, bounded in time,
loop steps and output size (``pmo_bot.rules.jinjalimits``).
``check_template`` finds syntax errors and unknown names before anything runs, so a typo in a template is a
validation error, not a broken comment. Output is plain text: renderers downstream escape it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Set
from dataclasses import dataclass
from typing import Any

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, nodes, pass_context
from jinja2.meta import find_undeclared_variables

from pmo_bot.rules.jinjalimits import BoundedEnvironment, render_bounded, static_problems
from pmo_bot.rules.problems import did_you_mean
from pmo_bot.wording import Numbers

VARIABLES: Mapping[str, str] = {
    "item": "the item: its fields, e.g. item.key, item.due_date, item.extra.sponsor",
    "metrics": "the item's metrics, e.g. metrics.cpi",
    "rule": "rule.id, rule.title, rule.category, rule.severity, rule.owner, rule.docs",
    "params": "the rule's parameters",
    "observed": "what was observed",
    "expected": "what was expected",
    "today": "the evaluation date",
}
RULE_ATTRIBUTES = frozenset({"id", "title", "category", "severity", "owner", "docs", "description", "mode"})

_ENV = BoundedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)
NUMBERS_VARIABLE = "_numbers"  # the engine passes the run's formatters (locale, currency) under this name


def _numbers(context: Any) -> Numbers:
    found = context.get(NUMBERS_VARIABLE)
    return found if isinstance(found, Numbers) else Numbers()


@pass_context
def _money(context: Any, value: Any, cents: bool = False) -> str:
    return _numbers(context).money(value, cents)


@pass_context
def _percent(context: Any, value: Any, digits: int = 0) -> str:
    return _numbers(context).percent(value, digits)


@pass_context
def _days(context: Any, value: Any) -> str:
    return _numbers(context).days(value)


@pass_context
def _date(context: Any, value: Any) -> str:
    return _numbers(context).date(value)


# People's words for rule authors (docs/rules.md, "Template filters"): formatted as comments and the report do.
_ENV.filters.update({"money": _money, "percent": _percent, "days": _days, "date": _date})


@dataclass(frozen=True, slots=True)
class TemplateProblem:
    message: str
    line: int  # 1-based line inside the template


def check_template(source: str, attributes: Mapping[str, Set[str] | None]) -> list[TemplateProblem]:
    """Syntax errors and unknown names in a template.

    ``attributes`` maps each variable to the attribute names it offers (``None``: any, e.g. ``params`` of a
    rule is checked against its declared parameters, ``item.extra`` against nothing).
    """
    try:
        tree = _ENV.parse(source)
    except TemplateSyntaxError as error:
        return [TemplateProblem(f"template syntax error: {error.message}", error.lineno or 1)]
    problems = [TemplateProblem(f"template limit: {message}", line) for message, line in static_problems(tree)]
    unknown: list[TemplateProblem] = []
    for used in tree.find_all(nodes.Filter):
        if used.name not in _ENV.filters:
            hint = did_you_mean(used.name, _ENV.filters)
            unknown.append(TemplateProblem(f"unknown template filter '{used.name}'{hint}", used.lineno or 1))
    for test in tree.find_all(nodes.Test):
        if test.name not in _ENV.tests:
            hint = did_you_mean(test.name, _ENV.tests)
            unknown.append(TemplateProblem(f"unknown template test '{test.name}'{hint}", test.lineno or 1))
    if unknown:
        return problems + unknown  # Jinja's name analysis below cannot run past an unknown filter or test
    for name in sorted(find_undeclared_variables(tree)):
        if name not in attributes:
            hint = did_you_mean(name, attributes)
            problems.append(TemplateProblem(f"unknown template variable '{name}'{hint}", _line_of(tree, name)))
    for node in _attribute_reads(tree):
        known = attributes.get(node.node.name) if isinstance(node.node, nodes.Name) else None
        if known is not None and node.attr not in known and isinstance(node.node, nodes.Name):
            hint = did_you_mean(node.attr, known)
            problems.append(
                TemplateProblem(f"unknown attribute '{node.node.name}.{node.attr}'{hint}", node.lineno or 1)
            )
    return problems


def _attribute_reads(tree: nodes.Template) -> Iterator[nodes.Getattr]:
    # `item.budjet` and `metrics['cpy']` alike: a plain name followed by a constant attribute or key.
    yield from tree.find_all(nodes.Getattr)
    for sub in tree.find_all(nodes.Getitem):
        if isinstance(sub.arg, nodes.Const) and isinstance(sub.arg.value, str):
            yield nodes.Getattr(sub.node, sub.arg.value, sub.ctx, lineno=sub.lineno)


def _line_of(tree: nodes.Template, name: str) -> int:
    for node in tree.find_all(nodes.Name):
        if node.name == name:
            return node.lineno or 1
    return 1


@dataclass(frozen=True, slots=True)
class Template:
    """A compiled template. ``render`` never raises: a failure becomes a readable placeholder."""

    source: str
    compiled: Any

    def render(self, variables: Mapping[str, Any]) -> str:
        text, error = self.render_checked(variables)
        return text if error is None else f"{self.source.strip()} [could not be rendered: {error}]"

    def render_checked(self, variables: Mapping[str, Any]) -> tuple[str, str | None]:
        """``(text, None)``, or ``("", why)`` when the template fails for these values."""
        try:
            return render_bounded(self.compiled, variables).strip(), None
        except (TemplateError, ArithmeticError, TypeError, ValueError, AttributeError, KeyError) as error:
            return "", f"{type(error).__name__}: {error}"
        except (RecursionError, MemoryError) as error:  # a macro calling itself; a build no limit foresaw
            return "", type(error).__name__


def compile_template(source: str) -> Template:
    """Compile a template that ``check_template`` accepted."""
    return Template(source, _ENV.from_string(source))
