"""``pmo-bot check``: sync Jira, evaluate the rules, keep one compliance comment per issue, record the run."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from pmo_bot.commands.options import ConfigOption, DryRunOption, FormatOption, OutputFormat
from pmo_bot.comments.fit import render
from pmo_bot.config import CheckOptions, load_settings
from pmo_bot.jobs import check_job
from pmo_bot.richtext import plain_text

if TYPE_CHECKING:  # the check cycle and the store are imported once Jira was contacted (pmo_bot/jobs.py)
    from pmo_bot.check import CheckSummary


def check(
    config: ConfigOption = None,
    dry_run: DryRunOption = False,
    baseline: Annotated[
        bool, typer.Option("--baseline", help="Record current findings without commenting (first enable).")
    ] = False,
    full: Annotated[bool, typer.Option("--full", help="Full sync instead of incremental.")] = False,
    project: Annotated[
        list[str] | None, typer.Option("--project", "-p", help="Only this project (repeatable).")
    ] = None,
    output: FormatOption = OutputFormat.TEXT,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="With --dry-run: print comment bodies.")] = False,
) -> None:
    """Check the portfolio against the PMO rules and reconcile the bot's comments.

    Exit codes: 0 success (item failures are listed), 1 the run failed, 2 usage or configuration error, 3 another
    run holds the lease (waited lease_wait_seconds).
    """
    settings = load_settings(config)
    options = CheckOptions(dry_run=dry_run, baseline=baseline, full=full, projects=tuple(project or ()))
    with fetch_progress() as progress:
        summary, flavor = check_job(settings, options, progress)
    if output is OutputFormat.JSON:
        typer.echo(json.dumps(summary.as_dict(), indent=2, sort_keys=True))
    else:
        print_summary(summary, verbose=verbose, flavor=flavor)
    if summary.failed:
        raise typer.Exit(1)


@contextmanager
def fetch_progress() -> Iterator[Callable[[int, int | None], None] | None]:
    """A progress bar while issues are fetched, on a terminal only (logs and pipes stay clean)."""
    if not sys.stderr.isatty():
        yield None
        return
    with Progress(
        TextColumn("fetching issues"), BarColumn(), MofNCompleteColumn(), console=Console(stderr=True), transient=True
    ) as bar:
        task = bar.add_task("fetch", total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


def print_summary(summary: CheckSummary, *, verbose: bool, flavor: str) -> None:
    console = Console(highlight=False, soft_wrap=True)  # a log or pipe gets whole lines, not 80 columns
    data = summary.as_dict()
    sync = data["sync"]
    head = "DRY RUN - nothing was written. " if summary.dry_run else ""
    console.print(
        f"{head}Checked {summary.items_checked:,} issues, {data['coverage']['skipped']} skipped "
        f"({sync['kind']} sync: {sync['fetched']} fetched, {sync['changed'] + sync['inserted']} new or changed, "
        f"{sync['deleted']} gone) in {summary.duration_seconds:.1f}s."
    )
    for reason, count in data["coverage"]["skipped_reasons"].items():
        console.print(f"  skipped {count}: {reason}")
    for project in summary.projects_skipped:
        console.print(f"  skipped project {project}: not found or not visible to the bot")
    for scope in summary.scopes:
        console.print(f"Rule scope: {scope.describe()}", markup=False)
    table = Table(title="Open findings", show_edge=False)
    table.add_column("severity")
    table.add_column("count", justify="right")
    for severity in ("error", "warning", "info"):
        table.add_row(severity, str(summary.findings_by_severity.get(severity, 0)))
    table.add_row("waived", str(summary.waived))
    console.print(table)
    if summary.findings_by_category:
        cats = ", ".join(f"{k} {v}" for k, v in sorted(summary.findings_by_category.items()))
        console.print(f"By category: {cats}")
    if summary.findings_by_rule:
        rules = Table(title="Open findings by rule", show_edge=False)
        rules.add_column("rule")
        rules.add_column("count", justify="right")
        for rule, count in sorted(summary.findings_by_rule.items(), key=lambda kv: (-kv[1], kv[0])):
            rules.add_row(rule, str(count))
        console.print(rules)
    planned = data["comments"]["planned"]
    console.print(
        "Comments: "
        + ", ".join(f"{action} {n}" for action, n in planned.items() if n)
        + f" - {summary.writes_planned} writes planned, {sum(summary.writes_done.values())} done"
        + (f", {summary.adopted} existing bot comments adopted" if summary.adopted else "")
        if any(planned.values())
        else "Comments: nothing to write."
    )
    for project, entry in summary.writes_skipped.items():
        console.print(f"  [yellow]skipped[/yellow] {entry['writes']} comment writes in {project}: {entry['reason']}")
    for key, reason in summary.write_failures.items():
        console.print(f"  [red]failed[/red] {key}: {reason}")
    _print_notes(console, summary)
    if summary.dry_run:
        for planned_comment in summary.plan:
            if planned_comment.action.writes:
                console.print(f"  {planned_comment.action.value:<8} {planned_comment.issue_key}")
                if verbose:
                    body = render(planned_comment.content, flavor, _today())
                    text = body if isinstance(body, str) else plain_text(body)
                    console.print("    " + text.replace("\n", "\n    "), markup=False)


def _print_notes(console: Console, summary: CheckSummary) -> None:
    """Roll-outs in progress, rule-template failures and waiver warnings: what an admin should know."""
    if summary.pending_refreshes:
        console.print(
            f"{summary.pending_refreshes} comments await a wording refresh (same findings, new words); later runs "
            "write them within max_comment_writes."
        )
    if summary.ignored_states:
        console.print(
            f"[yellow]{summary.ignored_states} issue properties named a comment that is not the bot's; "
            "left untouched.[/yellow]"
        )
    for rule_id, count in sorted(summary.template_errors.items()):
        console.print(
            f"[yellow]rule '{rule_id}': its message or remediation failed to render on {count} issues; the "
            "comments show a neutral text (see the template_failed log lines).[/yellow]"
        )
    for warning in summary.warnings:
        console.print(f"[yellow]warning:[/yellow] {warning}", markup=True)


def _today() -> date:
    return datetime.now(UTC).date()
