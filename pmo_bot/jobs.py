"""The jobs the CLI and the daemon both run, built from settings: one code path for both.

The check cycle and the store (SQLAlchemy and SQLModel: a quarter of a second to import) are imported in the jobs:
``pmo-bot check`` loads its rules and sends its first request to Jira before it imports them.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pmo_bot import logs, wiring
from pmo_bot.atlassian.polite import WRITE_GUARD
from pmo_bot.config import CheckOptions, Settings
from pmo_bot.domain import Item
from pmo_bot.errors import AuthError, RemoteError, UsageError
from pmo_bot.rules import loader
from pmo_bot.rules.engine import compile_rules
from pmo_bot.rules.explain import RuleTrace, trace
from pmo_bot.rules.goals import with_commitments
from pmo_bot.sync.history import complete_histories, search_expand
from pmo_bot.sync.jqlbuild import quote
from pmo_bot.sync.jqlscope import fragments, resolve_jql_scopes, scope_keys
from pmo_bot.sync.normalize import normalize

if TYPE_CHECKING:  # the report (matplotlib, templates) loads only when a report runs; the store, see above
    from pmo_bot.check import CheckSummary
    from pmo_bot.ops.lease import RunLease
    from pmo_bot.report.job import ReportOutcome
    from pmo_bot.store import Store

log = logs.get_logger(__name__)
INTERRUPTED = "interrupted: the process running it stopped before it finished (its lease was taken over)"


def _open_store(settings: Settings) -> Store:
    """The state store, imported when a job first opens it (see the module's docstring)."""
    from pmo_bot.store import open_from_settings

    return open_from_settings(settings)


@contextmanager
def run_lease(store: Store, settings: Settings, job: str, lease: RunLease | None) -> Iterator[RunLease]:
    """The lease a run works under: the daemon's (already held), or one taken here for a manual run, waiting up
    to ``lease_wait_seconds`` and then failing with exit code 3 and who holds it."""
    from pmo_bot.ops.lease import hold
    from pmo_bot.store.records import RunKind

    with contextlib.ExitStack() as stack:
        held = lease or stack.enter_context(
            hold(store.leases, job, settings.lease_seconds, settings.lease_wait_seconds)
        )
        closed = store.runs.interrupt_running(RunKind(job), datetime.now(UTC), INTERRUPTED)
        if closed:
            log.warning("runs_interrupted", job=job, count=closed)
        yield held


# A run allocates millions of short-lived objects (parsed pages, items) that reference counting frees; with the
# collector's default thresholds it scanned the whole heap again and again: a quarter of a cold sync's CPU.
BULK_GC_THRESHOLDS = (10_000, 10, 10)


@contextmanager
def fewer_collections() -> Iterator[None]:
    before = gc.get_threshold()
    gc.set_threshold(*BULK_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def check_job(
    settings: Settings,
    options: CheckOptions | None = None,
    progress: Callable[[int, int | None], None] | None = None,
    *,
    lease: RunLease | None = None,
) -> tuple[CheckSummary, str]:
    """Run one check cycle under the check lease; returns the summary and the Jira flavour it ran against.

    The rules load first (a bad rule file fails before any request), then the client asks for serverInfo (the
    run's first request, unless ``flavor`` is set), and only then are the check cycle and the store imported."""
    bundle = loader.load([settings.rules_dir])
    session = wiring.polite_session(settings)
    client = wiring.jira_client(settings, session)
    from pmo_bot.check import CheckDeps, run_check
    from pmo_bot.ops.records import record_check_metrics

    with _open_store(settings) as store, run_lease(store, settings, "check", lease) as held:
        session.write_guard = held.ensure_held  # checked right before each write is sent
        deps = CheckDeps(jira=client, store=store, bundle=bundle, settings=settings, progress=progress)
        with fewer_collections():
            summary = run_check(deps, options or CheckOptions())
        if not summary.dry_run:
            record_check_metrics(store, summary)
        return summary, client.flavor


def report(settings: Settings, *, lease: RunLease | None = None, **options: Any) -> ReportOutcome:
    """``report_job`` under the report lease (see ``check_job``)."""
    from pmo_bot.report.job import report_job

    with _open_store(settings) as store, run_lease(store, settings, "report", lease) as held:
        token = WRITE_GUARD.set(held.ensure_held)  # every Confluence write is fenced like the check's Jira writes
        try:
            with fewer_collections():
                return report_job(settings, **options)
        finally:
            WRITE_GUARD.reset(token)


def explain_job(settings: Settings, key: str, *, fresh: bool = False) -> tuple[Item, list[RuleTrace]]:
    """Every rule's verdict on one issue, judged like ``check`` judges it (same rules, history, context)."""
    from pmo_bot.check import grace_history, zone

    bundle = loader.load([settings.rules_dir])
    tz = zone(settings.schedule.timezone)
    today = datetime.now(UTC).astimezone(tz).date()
    with _open_store(settings) as store:
        items = {item.key: item for item in store.items.all()}
        first_seen = grace_history(store, tz)
    if fresh:
        items.update((item.key, item) for item in _fetch_neighbourhood(settings, key))
    item = items.get(key)
    if item is None:
        hint = "" if fresh else " (run `pmo-bot check` first, or add --fresh to read it from Jira)"
        raise UsageError(f"issue {key} is not known{hint}")
    ctx = bundle.context(
        today,
        first_seen=first_seen,
        tz=tz,
        acceptance_markers=settings.acceptance_markers,
        jql_scopes=_jql_scopes_of(settings, bundle, item),
        locale=settings.locale,
    )
    ctx = with_commitments(ctx, list(items.values()))
    return item, trace(compile_rules(bundle.ruleset), item, list(items.values()), ctx)


def _jql_scopes_of(settings: Settings, bundle: loader.Bundle, item: Item) -> dict[str, frozenset[str]]:
    """Whether ``item`` matches each rule's ``scope.jql``, asked of Jira (one keys-only search per fragment).
    Unreachable Jira leaves them unknown: the explanation then says the search did not run."""
    if not fragments(bundle.ruleset):
        return {}
    try:
        scopes = resolve_jql_scopes(wiring.jira_client(settings), [item.project], bundle.ruleset, key=item.key)
    except AuthError:
        raise
    except RemoteError:
        return {}
    return dict(scope_keys(scopes))


def _fetch_neighbourhood(settings: Settings, key: str) -> list[Item]:
    """The issue and its children, straight from Jira (nothing is stored)."""
    jira = wiring.jira_client(settings)
    fmap = wiring.field_map(settings, jira)
    quoted = quote(key)
    jql = f"key = {quoted} OR parent = {quoted}"
    if jira.flavor == "datacenter" and fmap.id_of("epic_link"):
        jql += f' OR "Epic Link" = {quoted}'
    found: list[Item] = []
    me = jira.myself()
    for page in jira.search(jql, fmap.request_fields(), expand=search_expand(jira.flavor)):
        keys = {str(raw.get("key")) for raw in page.issues}
        raws = complete_histories(jira, page.issues, keys, fmap)  # the whole history, as check reads it
        found.extend(n.item for raw in raws if (n := normalize(raw, fmap, jira.flavor, me)).item is not None)
    return found
