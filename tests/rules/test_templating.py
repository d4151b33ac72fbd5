"""Templates: problems found before anything runs; rendering sandboxed and never raising."""

from __future__ import annotations

import pytest

from pmo_bot.rules.templating import check_template, compile_template

KNOWN = {"item": frozenset({"key", "budget"}), "metrics": frozenset({"cpi"}), "params": frozenset({"limit"}),
         "observed": None}  # fmt: skip


@pytest.mark.parametrize(
    ("source", "messages"),
    [
        ("{{ item.key }} {{ metrics.cpi | round(2) }} {{ params.limit }} {{ observed }}", []),
        ("{% for label in item.labels %}{{ label.upper() }}{% endfor %}", ["unknown attribute 'item.labels'"]),
        ("{% set n = 3 %}{{ n }}", []),
        ("{{ metrics['cpy'] }}", ["unknown attribute 'metrics.cpy' (did you mean 'cpi'?)"]),
        ("{{ params.limt }}", ["unknown attribute 'params.limt' (did you mean 'limit'?)"]),
        ("{{ observd }}", ["unknown template variable 'observd' (did you mean 'observed'?)"]),
        ("{{ item.__class__ }}", ["unknown attribute 'item.__class__'"]),
        ("{{ item.key", ["template syntax error: unexpected end of template, expected 'end of print statement'."]),
    ],
)
def test_check_template(source: str, messages: list[str]) -> None:
    assert [p.message for p in check_template(source, KNOWN)] == messages


def test_the_line_of_a_problem_inside_a_multi_line_template() -> None:
    (problem,) = check_template("first line\nsecond {{ nope }}\n", KNOWN)

    assert problem.line == 2


def test_rendering_is_sandboxed_and_never_raises() -> None:
    escape = compile_template("{{ ''.__class__.__mro__[1].__subclasses__() }}")
    missing = compile_template("{{ item.missing }}")

    assert "could not be rendered" in escape.render({})
    assert "could not be rendered" in missing.render({"item": {}})
    assert compile_template("{{ a }} & <b>").render({"a": "<x>"}) == "<x> & <b>"  # plain text; renderers escape
