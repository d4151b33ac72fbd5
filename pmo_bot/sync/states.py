"""The ``pmo-bot.state`` issue property on Data Center, whose search cannot return issue properties.

Jira DC's ``POST /rest/api/2/search`` refuses a ``properties`` member (its SearchRequestBean has none), so the
property that tells a bot with a lost database where its comments are is read one GET at a time, and only where
it changes the plan and the store cannot tell: issues with findings that the store has no comment record of.
Issues without findings are not read (that would cost one request per clean issue on every first run); the
writer still looks for its own comment before creating one, so no duplicate is ever written.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pmo_bot import logs
from pmo_bot.atlassian.ports import STATE_PROPERTY, JiraPort
from pmo_bot.domain import Finding
from pmo_bot.errors import AuthError, RemoteError
from pmo_bot.store import Store
from pmo_bot.sync.runner import SyncReport

log = logs.get_logger(__name__)


def read_states(jira: JiraPort, keys: Sequence[str]) -> dict[str, Mapping[str, Any]]:
    """``pmo-bot.state`` of each issue, one GET each; an unreadable one is logged and left out."""
    found: dict[str, Mapping[str, Any]] = {}
    for key in keys:
        try:
            value = jira.get_issue_property(key, STATE_PROPERTY)
        except AuthError:
            raise
        except RemoteError as error:  # the writer still finds its comment by author and marker before creating
            log.warning("state_property_unread", issue_key=key, error=str(error))
            continue
        if isinstance(value, Mapping):
            found[key] = value
    return found


def with_dc_states(jira: JiraPort, store: Store, report: SyncReport, findings: Iterable[Finding]) -> SyncReport:
    """``report`` with the state properties a Data Center search could not return, where they matter."""
    if jira.flavor == "cloud":
        return report
    recorded = store.comments.all()
    wanted = sorted({f.item_key for f in findings} - set(recorded) - set(report.states))
    if not wanted:
        return report
    return dataclasses.replace(report, states={**report.states, **read_states(jira, wanted)})
