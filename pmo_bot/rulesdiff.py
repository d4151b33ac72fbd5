"""``pmo-bot rules diff``: evaluate the current rule files and another version of them on the stored portfolio.

The other version is a directory, or a git ref whose copy of the rules directory is read with ``git`` into a
temporary directory. Items, grace history and settings come from the state database; Jira is never called.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

from pmo_bot.check import grace_history, zone
from pmo_bot.comments.plan import CommentPolicy, plan_comments
from pmo_bot.config import Settings
from pmo_bot.domain import Finding
from pmo_bot.errors import UsageError
from pmo_bot.rules import loader
from pmo_bot.rules.diff import RuleDiff, compare
from pmo_bot.rules.engine import evaluate
from pmo_bot.rules.goals import with_commitments
from pmo_bot.store import open_from_settings
from pmo_bot.wording import Numbers


@contextmanager
def rules_version(rules_dir: Path, against: str) -> Iterator[Path]:
    """``against`` as a directory of rule files: itself when it is one, else the git ref's copy of ``rules_dir``."""
    candidate = Path(against)
    if candidate.is_dir():
        yield candidate
        return
    with tempfile.TemporaryDirectory(prefix="pmo-rules-") as tmp:
        names = _git(rules_dir, against, "ls-tree", "-r", "--name-only", against, "--", ".").decode().split("\n")
        for name in filter(None, names):
            target = Path(tmp) / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(_git(rules_dir, against, "show", f"{against}:./{name}"))
        if not any(Path(tmp).iterdir()):
            raise UsageError(f"{against}: no rule files under {rules_dir} at that git ref")
        yield Path(tmp)


def _git(cwd: Path, ref: str, *args: str) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False, timeout=60)  # noqa: S603, S607
    except (OSError, subprocess.TimeoutExpired) as error:
        raise UsageError(f"cannot run git to read the rules at that ref: {error}") from error
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip().splitlines()
        raise UsageError(
            f"'{ref}' is neither a directory nor a git ref of {cwd}: {message[-1] if message else 'git failed'}"
        )
    return done.stdout


def diff_job(settings: Settings, rules_dir: Path, against: str, *, examples: int = 5) -> RuleDiff:
    tz = zone(settings.schedule.timezone)
    today = datetime.now(UTC).astimezone(tz).date()
    with open_from_settings(settings) as store:
        items = store.items.all(settings.projects)
        first_seen = grace_history(store, tz)
    if not items:
        raise UsageError("the state database holds no issues yet: run `pmo-bot check` (or a dry run) first")
    current = loader.load([rules_dir], today=today)
    with rules_version(rules_dir, against) as other_dir:
        base = loader.load([other_dir], today=today)

    def run(bundle: loader.Bundle) -> tuple[list[Finding], dict[str, str]]:
        ctx = bundle.context(
            today, first_seen=first_seen, tz=tz, acceptance_markers=settings.acceptance_markers, locale=settings.locale
        )
        ctx = with_commitments(ctx, items)
        findings = evaluate(bundle.ruleset, items, ctx, mode=settings.mode)
        return findings, _comments(findings, bundle, settings, ctx.numbers, today)

    base_findings, base_comments = run(base)
    new_findings, new_comments = run(current)
    jql = sorted({r.id for b in (base, current) for r in b.ruleset.rules if r.scope.jql})
    return replace(
        compare(
            base_findings,
            new_findings,
            base_comments,
            new_comments,
            items=len(items),
            base_rules=base.ruleset.ids,
            changed_rules=current.ruleset.ids,
            examples=examples,
        ),
        unevaluated=tuple(jql),
    )


def _comments(
    findings: list[Finding], bundle: loader.Bundle, settings: Settings, numbers: Numbers, today: date
) -> dict[str, str]:
    """Issue key -> the fingerprint of the comment these findings lead to (issues with something to show): a
    changed fingerprint is a comment the next check would edit, wording included."""
    by_issue: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_issue[finding.item_key].append(finding)
    policy = CommentPolicy(
        docs_url=settings.rules_docs_url,
        waiver_procedure=settings.waiver_procedure,
        waiver_request_url=settings.waiver_request_url,
        supersedes=bundle.ruleset.supersedes,
        numbers=numbers,
    )
    plan = plan_comments(by_issue, {}, policy, today=today)
    return {p.issue_key: p.content.fingerprint() for p in plan if p.content.findings}
