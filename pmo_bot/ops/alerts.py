"""Alerts to a Slack-compatible webhook (``alert_webhook_url``): a run failed, failures repeat, it recovered.

One message per change of state, never one per run: the first failure, the ``alert_after_failures``-th failure
in a row, and the first success after failures. The failure streak lives in the state database, so only the
replica that ran the job sends, once. Messages carry the job, the host and the redacted error, never a secret.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

import requests

from pmo_bot import logs
from pmo_bot.ops import metrics

log = logs.get_logger(__name__)

Post = Callable[..., Any]


def alert_text(job: str, status: str, failures_in_a_row: int, before: int, after: int, error: str | None) -> str | None:
    """The message for this outcome, or None when nothing changed worth telling."""
    host = socket.gethostname()
    if status == "failed":
        reason = logs.redact_text(error or "see the log")
        if failures_in_a_row == 1:
            return f":warning: pmo-bot {job} failed on {host}: {reason}"
        if failures_in_a_row == after:
            return f":rotating_light: pmo-bot {job} has failed {failures_in_a_row} times in a row on {host}: {reason}"
        return None
    if before > 0:
        return f":white_check_mark: pmo-bot {job} recovered on {host} after {before} failed run(s)."
    return None


class Alerter:
    def __init__(self, url: str | None, after_failures: int, post: Post = requests.post) -> None:
        self._url, self._after, self._post = url, after_failures, post

    def observe(self, job: str, status: str, failures_in_a_row: int, before: int, error: str | None) -> None:
        if not self._url:
            return
        text = alert_text(job, status, failures_in_a_row, before, self._after, error)
        if text is None:
            return
        kind = "recovered" if status != "failed" else ("failed" if failures_in_a_row == 1 else "repeated")
        try:
            response = self._post(self._url, json={"text": text}, timeout=10)
            response.raise_for_status()
        except requests.RequestException as problem:  # the URL is a secret: name the failure, never the request
            metrics.ALERTS.labels(kind, "error").inc()
            log.warning("alert_failed", job=job, kind=kind, error=type(problem).__name__)
            return
        metrics.ALERTS.labels(kind, "sent").inc()
        log.info("alert_sent", job=job, kind=kind)
