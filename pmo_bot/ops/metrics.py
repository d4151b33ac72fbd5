"""Prometheus metrics: the one home of prometheus-client. Served by ``serve --http-port`` at ``/metrics``.

Everything is registered in ``REGISTRY`` (not the library's global one) so the exposition holds pmo-bot's
metrics only. The recording helpers are cheap no-ops for a CLI run nobody scrapes; the list of names is
documented in ``docs/deploy.md`` and checked by a test.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, disable_created_metrics, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

disable_created_metrics()  # type: ignore[no-untyped-call]  # no *_created series: they double the exposition and nobody alerts on them
REGISTRY = CollectorRegistry(auto_describe=True)
CONTENT_TYPE = CONTENT_TYPE_LATEST

RUNS = Counter("pmo_bot_runs", "Runs finished, by job and status.", ["job", "status"], registry=REGISTRY)
RUN_DURATION = Histogram(
    "pmo_bot_run_duration_seconds",
    "Wall time of a run, by job.",
    ["job"],
    buckets=(1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600),
    registry=REGISTRY,
)
LAST_SUCCESS = Gauge(
    "pmo_bot_last_success_timestamp_seconds", "When a run of the job last succeeded.", ["job"], registry=REGISTRY
)
ITEMS_CHECKED = Gauge("pmo_bot_items_checked", "Issues evaluated by the last check.", registry=REGISTRY)
ITEMS_SKIPPED = Gauge("pmo_bot_items_skipped", "Issues the last check could not evaluate.", registry=REGISTRY)
FINDINGS = Gauge(
    "pmo_bot_findings",
    "Open findings after the last check, by severity and category.",
    ["severity", "category"],
    registry=REGISTRY,
)
WAIVED = Gauge("pmo_bot_findings_waived", "Waived findings after the last check.", registry=REGISTRY)
COMMENT_WRITES = Counter(
    "pmo_bot_comment_writes",
    "Comment writes done, by action (create, update, resolve...).",
    ["action"],
    registry=REGISTRY,
)
COMMENT_FAILURES = Counter("pmo_bot_comment_write_failures", "Issues whose comment write failed.", registry=REGISTRY)
REQUESTS = Counter(
    "pmo_bot_requests",
    "HTTP requests to Jira and Confluence, by service, endpoint class and status.",
    ["service", "endpoint", "status"],
    registry=REGISTRY,
)
RATE_LIMITED = Counter(
    "pmo_bot_rate_limited", "429 answers, by service and RateLimit-Reason.", ["service", "reason"], registry=REGISTRY
)
RETRIES = Counter(
    "pmo_bot_request_retries", "Requests retried after a 429, 5xx or network failure.", ["service"], registry=REGISTRY
)
LEASE_HELD = Gauge("pmo_bot_lease_held", "1 while this process holds the job's run lease.", ["job"], registry=REGISTRY)
LEASE_TAKEOVERS = Counter(
    "pmo_bot_lease_takeovers", "Leases taken from a holder that died or stopped renewing.", ["job"], registry=REGISTRY
)
LEASE_BUSY = Counter(
    "pmo_bot_lease_busy", "Due runs left to another process that held the lease.", ["job"], registry=REGISTRY
)
RULE_FILE_ERRORS = Gauge(
    "pmo_bot_rule_file_errors",
    "Problems in the rule, template and config files on disk (0: the live set is valid).",
    registry=REGISTRY,
)
RELOADS = Counter(
    "pmo_bot_reloads", "Reloads of rules, templates and config, by result.", ["result"], registry=REGISTRY
)
MISSED_RUNS = Counter(
    "pmo_bot_missed_runs",
    "Scheduled runs given up because they were older than the grace period.",
    ["job"],
    registry=REGISTRY,
)
ALERTS = Counter(
    "pmo_bot_alerts_sent", "Alert webhook messages, by kind and outcome.", ["kind", "outcome"], registry=REGISTRY
)

_CONFLUENCE = re.compile(r"/wiki/|/rest/api/content|/api/v2/|/rest/api/space|/download/attachments")
_CLASSES = (
    ("search", re.compile(r"/search")),
    ("comment", re.compile(r"/comment")),
    ("property", re.compile(r"/properties")),
    ("attachment", re.compile(r"/attachment|/child/attachment|/download/")),
    ("label", re.compile(r"/label")),
    ("page", re.compile(r"/content|/pages")),
    ("space", re.compile(r"/space")),
    ("field", re.compile(r"/field")),
    ("project", re.compile(r"/project")),
    ("identity", re.compile(r"/myself|/user")),
    ("server", re.compile(r"/serverInfo")),
    ("issue", re.compile(r"/issue")),
)


def service_of(path: str) -> str:
    return "confluence" if _CONFLUENCE.search(path) else "jira"


def endpoint_class(path: str) -> str:
    """A small, fixed set of label values (never an issue key or id: label cardinality stays bounded)."""
    return next((name for name, pattern in _CLASSES if pattern.search(path)), "other")


def request_done(path: str, status: int | None) -> None:
    REQUESTS.labels(service_of(path), endpoint_class(path), str(status) if status is not None else "error").inc()


def rate_limited(path: str, reason: str) -> None:
    RATE_LIMITED.labels(service_of(path), reason or "unspecified").inc()


def retried(path: str) -> None:
    RETRIES.labels(service_of(path)).inc()


def run_finished(job: str, status: str, seconds: float, finished_at: float) -> None:
    RUNS.labels(job, status).inc()
    RUN_DURATION.labels(job).observe(seconds)
    if status in ("succeeded", "partial"):
        LAST_SUCCESS.labels(job).set(finished_at)


def check_summary(
    items: int,
    skipped: int,
    findings: Mapping[tuple[str, str], int],
    waived: int,
    writes: Mapping[str, int],
    failures: int,
) -> None:
    ITEMS_CHECKED.set(items)
    ITEMS_SKIPPED.set(skipped)
    FINDINGS.clear()
    for (severity, category), count in findings.items():
        FINDINGS.labels(severity, category).set(count)
    WAIVED.set(waived)
    for action, count in writes.items():
        COMMENT_WRITES.labels(action).inc(count)
    COMMENT_FAILURES.inc(failures)


def exposition() -> bytes:
    return generate_latest(REGISTRY)
