"""Hostile rule files: each ends in a bounded, clear error at file:line — never a hang, a traceback or code run.

Time bounds here are generous ceilings against a hang (the unbounded versions take minutes or never end),
not speed targets.
"""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from pmo_bot.domain import Mode
from pmo_bot.rules.context import EvaluationContext
from pmo_bot.rules.engine import evaluate
from pmo_bot.rules.loader import check, load
from pmo_bot.rules.templating import compile_template
from tests.factories import make_item

HEADER = "rules:\n  - id: the-rule\n    title: The rule\n    category: budget\n    severity: error\n"
# Nine levels of nine-fold aliases: 342 bytes that expand to 9^9 = 387 million strings.
ALIAS_BOMB = "".join(
    [f'{chr(97)}: &{chr(97)} ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n']
    + [f"{chr(97 + n)}: &{chr(97 + n)} [{','.join([f'*{chr(96 + n)}'] * 9)}]\n" for n in range(1, 9)]
)


def rule_file(tmp_path: Path, body: str, name: str = "hostile.yaml") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    started = time.monotonic()
    _, problems = check([path])
    assert time.monotonic() - started < 30, "validation must be bounded"
    return [str(p) for p in problems if not p.warning]


def test_catastrophic_regex_is_linear_against_a_long_summary(tmp_path: Path) -> None:
    path = rule_file(
        tmp_path,
        HEADER + "    check: {field: summary, op: regex, value: '^(a+)+$'}\n"
        "    message: '{{ item.key }} summary'\n    remediation: Fix it.\n",
    )
    ruleset = load([path]).ruleset
    items = [make_item("PAY-1", summary="a" * 100_000 + "!"), make_item("PAY-2", summary="a" * 50_000)]
    started = time.monotonic()
    findings = evaluate(ruleset, items, EvaluationContext(today=date(2026, 12, 1)))
    assert time.monotonic() - started < 5  # backtracking `re` needs longer than the universe has
    # The check is "summary matches": PAY-1 (ends with '!') fails it, PAY-2 passes.
    assert [f.item_key for f in findings] == ["PAY-1"]
    assert findings[0].mode in (Mode.AUDIT, Mode.ENFORCE)


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("(?=PAY)PAY-1", "invalid perl operator: (?="),
        ("(a)\\\\1", "invalid escape sequence: \\1"),
        ("(a{999}){999}", "repetition"),
    ],
)
def test_rules_validate_reports_patterns_the_engine_refuses(tmp_path: Path, pattern: str, reason: str) -> None:
    path = rule_file(
        tmp_path,
        HEADER + f'    check: {{field: summary, op: regex, value: "{pattern}"}}\n'
        "    message: '{{ item.key }}'\n    remediation: Fix it.\n",
    )
    (problem,) = problems_of(path)
    assert problem.startswith(f"{path}:6:")
    assert "is not supported by the linear-time engine" in problem
    assert reason in problem


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        (
            "{% for i in range(100000) %}{% for j in range(100000) %}{{ i }}{% endfor %}{% endfor %}",
            "template limit: nested loops would run 10,000,000,000 times (limit 100,000)",
        ),
        ("{{ 'x' * 10**9 }}", "template limit: '*' would build 1,000,000,000 elements (limit 100,000)"),
        ("{{ item.key|center(10**9) }}", "the number 1,000,000,000 is too large for a filter or method"),
        ("{{ '%0999999999d' % 1 }}", "a format width or precision over 5 digits is not allowed"),
        ("{{ '{:>999999999}'.format(1) }}", "a format width or precision over 5 digits is not allowed"),
    ],
)
def test_template_excesses_found_by_validate_at_their_line(tmp_path: Path, template: str, expected: str) -> None:
    path = rule_file(
        tmp_path,
        HEADER + f'    check: {{field: budget, op: present}}\n    message: "{template}"\n    remediation: Fix it.\n',
    )
    problems = problems_of(path)
    assert problems, "the excess must be reported before anything runs"
    assert all(p.startswith(f"{path}:7:") for p in problems)
    assert any(expected in p for p in problems), problems


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        # Not constant, so only the render can see it: stopped by the shared loop budget.
        (
            "{% for i in range(item.budget|int) %}{% for j in range(item.budget|int) %}{% endfor %}{% endfor %}",
            "loops ran more than 100,000 times",
        ),
        ("{% for c in item.summary * 1000 %}{% endfor %}", "'*' would build"),
        ("{{ range(99999)|join(item.summary) }}", "a text of 1,001 characters given to a filter"),
        ("{% for c in 'x' * 90000 %}{% for d in 'x' * 90000 %}{% endfor %}{% endfor %}", "loops ran more than"),
        ("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", "RecursionError"),
        ("{{ range(99999)|join('y' * 999) }}", "wrote more than 32,768 characters"),
        ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "unsafe"),
        ("{{ item.__init__.__globals__ }}", "unsafe"),
        ("{{ cycler.__init__.__globals__.os.popen('id').read() }}", "could not be rendered"),
    ],
)
def test_template_excesses_at_render_end_in_a_placeholder(template: str, expected: str) -> None:
    item = {"budget": 100_000, "summary": "s" * 1_001, "key": "PAY-1"}
    started = time.monotonic()
    out = compile_template(template).render({"item": item})
    assert time.monotonic() - started < 10
    assert "[could not be rendered:" in out
    assert expected in out
    assert "uid=" not in out


def test_a_normal_template_still_renders() -> None:
    out = compile_template("{% for i in range(3) %}{{ i }},{% endfor %} {{ 'ab' * 2 }} {{ '%05d' % 42 }}").render({})
    assert out == "0,1,2, abab 00042"


def test_alias_bomb_stops_at_its_place(tmp_path: Path) -> None:
    path = rule_file(tmp_path, ALIAS_BOMB + HEADER)
    assert len(ALIAS_BOMB) < 800
    (problem,) = problems_of(path)
    assert problem.startswith(f"{path}:")
    assert "the document expands to more than 200,000 values (aliases re-used too often)" in problem


def test_a_50_mb_rule_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    line = "# " + "x" * 98 + "\n"
    with path.open("w") as out:
        out.write(HEADER)
        for _ in range(50 * 1024 * 1024 // len(line)):
            out.write(line)
    started = time.monotonic()
    (problem,) = problems_of(path)
    assert time.monotonic() - started < 2
    size = path.stat().st_size
    assert size > 50_000_000
    assert problem == f"{path}:1:1: the file is {size:,} bytes; rule files are limited to 1,000,000 bytes (split it up)"


@pytest.mark.parametrize(
    "body",
    [
        "rules: " + "[" * 10_000 + "]" * 10_000 + "\n",
        "rules:\n" + "".join("  " * depth + f"k{depth}:\n" for depth in range(1, 2_000)),
        "rules: " + "{a: " * 10_000 + "1" + "}" * 10_000 + "\n",
    ],
    ids=["flow-lists", "block-mappings", "flow-mappings"],
)
def test_deep_nesting_is_a_clear_error(tmp_path: Path, body: str) -> None:
    path = rule_file(tmp_path, body)
    (problem,) = problems_of(path)
    assert problem.startswith(f"{path}:")
    assert "nesting deeper than 60 levels" in problem or "rule files are limited" in problem
    assert ":1:1:" not in problem or "limited" in problem


@pytest.mark.slow
def test_rules_validate_cli_prints_no_traceback(tmp_path: Path) -> None:
    rule_file(tmp_path, ALIAS_BOMB + HEADER, "bomb.yaml")
    rule_file(tmp_path, "rules: " + "[" * 10_000 + "]" * 10_000 + "\n", "deep.yaml")
    rule_file(
        tmp_path,
        HEADER.replace("the-rule", "bad-regex") + "    check: {field: summary, op: regex, value: '(?<=x)y'}\n"
        "    message: '{{ item.key }}'\n    remediation: Fix it.\n",
        "regex.yaml",
    )
    done = subprocess.run(
        [sys.executable, "-m", "pmo_bot", "rules", "validate", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr + done.stdout
    output = done.stderr + done.stdout
    assert f"{tmp_path / 'bomb.yaml'}:" in output
    assert f"{tmp_path / 'deep.yaml'}:1:" in output
    assert f"{tmp_path / 'regex.yaml'}:6:" in output


def test_a_template_that_keeps_running_out_of_time_is_not_run_again() -> None:
    """1 s per render is a bound per issue; over 100,000 issues the run would still take a day."""

    class Slow:
        @property
        def a(self) -> str:
            time.sleep(0.001)
            return ""

    template = compile_template("{% for i in range(99999) %}{{ item.slow.a }}{% endfor %}")
    started = time.monotonic()
    outputs = [template.render({"item": {"slow": Slow()}}) for _ in range(20)]
    assert time.monotonic() - started < 3 * 1.0 + 3  # three timed-out renders, then none
    assert sum("took longer than 1 s" in out for out in outputs) == 3
    assert all("it is not rendered again" in out for out in outputs[3:])
