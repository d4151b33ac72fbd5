"""``pmo-bot rules``: validate, test, list the rule files and print their JSON Schema.

``explain KEY`` (why a ticket fails) joins this group with the check cycle: it reuses ``load_bundle``.
"""

from __future__ import annotations

import json
from datetime import date
from importlib.resources import files
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from pmo_bot.config import load_settings
from pmo_bot.errors import RuleError
from pmo_bot.jobs import explain_job
from pmo_bot.rules.diff import render_markdown, render_text
from pmo_bot.rules.engine import compile_rules
from pmo_bot.rules.fixtures import fixture_schema
from pmo_bot.rules.loader import Bundle, check
from pmo_bot.rules.problems import Problem
from pmo_bot.rules.schema import rates_schema, rule_file_schema, strategy_schema, waivers_schema
from pmo_bot.rules.testing import coverage_gaps, load_fixtures, run_fixture
from pmo_bot.rulesdiff import diff_job

app = typer.Typer(help="Rule files: validate, test, list, and the JSON Schema for editors.", no_args_is_help=True)

PathsArgument = Annotated[
    list[Path] | None,
    typer.Argument(help="Rules directories or files (default: ./rules, else the packaged default rules)."),
]
TodayOption = Annotated[
    str | None, typer.Option("--today", help="Judge expiry dates as of this day (YYYY-MM-DD; default: today).")
]
_SCHEMAS = {
    "rules": rule_file_schema,
    "strategy": strategy_schema,
    "rates": rates_schema,
    "waivers": waivers_schema,
    "tests": fixture_schema,
}


def default_paths() -> list[Path]:
    local = Path("rules")
    if local.is_dir():
        return [local]
    return [Path(str(files("pmo_bot") / "_data" / "rules"))]


def _today(value: str | None) -> date:
    if value is None:
        return date.today()  # the CLI is the edge: the engine itself never reads the clock
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise typer.BadParameter(f"expected YYYY-MM-DD, got {value!r}", param_hint="--today") from error


def load_bundle(paths: list[Path] | None, today: date, *, with_tests: bool = False) -> tuple[Bundle, list[Problem]]:
    """Load and validate everything (rule tests too when asked); raises ``RuleError`` listing every problem."""
    bundle, problems = check(paths or default_paths(), today=today)
    if bundle is not None and with_tests:
        _, found = load_fixtures(bundle, list(bundle.fixtures))
        problems.extend(found)
    errors = [p for p in problems if not p.warning]
    if bundle is None or errors:
        raise RuleError([str(problem) for problem in sorted(problems)])
    return bundle, problems


@app.command()
def validate(paths: PathsArgument = None, today: TodayOption = None) -> None:
    """Check rules, strategy, rates, waivers and rule tests; print every problem as file:line:col."""
    bundle, warnings = load_bundle(paths, _today(today), with_tests=True)
    for warning in sorted(warnings):
        typer.echo(str(warning), err=True)
    typer.echo(
        f"ok: {len(bundle.ruleset.rules)} rules, {len(bundle.strategy.goals)} goals, "
        f"{len(bundle.waivers)} waivers, {len(bundle.fixtures)} rule test files"
    )


@app.command()
def schema(
    kind: Annotated[str, typer.Option("--kind", help="rules, strategy, rates, waivers or tests.")] = "rules",
) -> None:
    """Print the JSON Schema of a file kind (for yaml-language-server: `# yaml-language-server: $schema=...`)."""
    if kind not in _SCHEMAS:
        raise typer.BadParameter(f"expected one of {', '.join(_SCHEMAS)}", param_hint="--kind")
    typer.echo(json.dumps(_SCHEMAS[kind](), indent=2, sort_keys=False))


@app.command("test")
def run_tests(
    paths: PathsArgument = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="List passing cases too.")] = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="Also fail when a rule lacks a case where it fires or stays quiet.")
    ] = False,
) -> None:
    """Run the rule tests (rules/tests/*.yaml), show a diff for each failing expectation, list untested rules."""
    bundle, _ = load_bundle(paths, date.today())
    fixtures, problems = load_fixtures(bundle, list(bundle.fixtures))
    if problems:
        raise RuleError([str(problem) for problem in sorted(problems)])
    compiled = compile_rules(bundle.ruleset)
    passed = failed = 0
    for fixture in fixtures:
        for result in run_fixture(bundle, fixture, compiled):
            if result.passed:
                passed += 1
                if verbose:
                    typer.echo(f"PASS {result.file} :: {result.case}")
                continue
            failed += 1
            typer.echo(f"FAIL {result.file} :: {result.case}")
            for failure in result.failures:
                typer.echo(f"  {failure}")
    gaps = coverage_gaps(bundle, fixtures)
    for gap in gaps:
        typer.echo(f"untested: {gap}", err=True)
    typer.echo(f"{passed} passed, {failed} failed ({len(fixtures)} files)")
    if failed or not fixtures or (strict and gaps):
        if not fixtures:
            typer.echo("no rule tests found (rules/tests/*.yaml)", err=True)
        raise typer.Exit(1)


@app.command("list")
def list_rules(paths: PathsArgument = None) -> None:
    """A table of the rules: id, category, severity, mode and scope."""
    bundle, _ = load_bundle(paths, date.today())
    table = Table("id", "category", "severity", "mode", "scope", title=f"{len(bundle.ruleset.rules)} rules")
    for rule in sorted(bundle.ruleset.rules, key=lambda r: (r.category, r.id)):
        mode = str(rule.mode) if rule.mode else "(global)"
        table.add_row(rule.id, rule.category, str(rule.severity), mode, rule.scope.describe())
    Console(width=160).print(table)


@app.command()
def diff(
    against: Annotated[
        str, typer.Option("--against", help="The other rules: a directory, or a git ref (main, origin/main, a tag).")
    ],
    paths: Annotated[
        Path | None, typer.Argument(help="The rules directory (default: rules_dir of the configuration).")
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="Config file (default: ./pmo-bot.toml).")
    ] = None,
    output: Annotated[str, typer.Option("--format", help="text, or markdown for a pull-request comment.")] = "text",
    examples: Annotated[int, typer.Option("--examples", min=0, help="Example issues listed per line.")] = 5,
) -> None:
    """What changing the rules would change on the stored portfolio: findings opened/closed per rule, comments
    created, edited or resolved. No Jira calls. Exit 0 when nothing changes, 1 when something does."""
    if output not in ("text", "markdown"):
        raise typer.BadParameter("expected text or markdown", param_hint="--format")
    settings = load_settings(config)
    rules_dir = paths or settings.rules_dir
    result = diff_job(settings, rules_dir, against, examples=examples)
    render = render_markdown if output == "markdown" else render_text
    typer.echo(render(result, against))
    if result.changed or result.added_rules or result.removed_rules:
        raise typer.Exit(1)


_VERDICT_STYLE = {"fails": "red", "in-grace": "yellow", "too-young": "yellow", "waived": "cyan", "passes": "green"}


@app.command()
def explain(
    key: Annotated[str, typer.Argument(help="Issue key, e.g. PAY-12.")],
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="Config file (default: ./pmo-bot.toml).")
    ] = None,
    fresh: Annotated[bool, typer.Option("--fresh", help="Read the issue from Jira now instead of the store.")] = False,
    show_all: Annotated[bool, typer.Option("--all", help="Also list rules that do not apply to this issue.")] = False,
) -> None:
    """Why an issue passes or fails: every rule's verdict, with what was observed and expected."""
    item, traces = explain_job(load_settings(config), key.upper(), fresh=fresh)
    table = Table("rule", "verdict", "why", title=f"{item.key}: {item.summary} ({item.issue_type}, {item.status})")
    for found in traces:
        if found.verdict in ("out-of-scope", "not-applicable") and not show_all:
            continue
        why = "; ".join(f"observed {o}, expected {e}" for o, e in found.reasons) or found.detail
        style = _VERDICT_STYLE.get(found.verdict, "")
        verdict = f"[{style}]{found.verdict}[/{style}]" if style else found.verdict
        table.add_row(found.rule_id, verdict, why)
    Console(width=160, highlight=False).print(table)
    hidden = sum(1 for t in traces if t.verdict in ("out-of-scope", "not-applicable"))
    if hidden and not show_all:
        typer.echo(f"({hidden} rules do not apply to this issue; --all lists them)")
