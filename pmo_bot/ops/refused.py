"""The rule, template and config files a running daemon refused to load, as recorded in the state database.

Apart from ``reload`` (which needs Jinja, the rule loader and Prometheus) so that ``pmo-bot runs`` and the weekly
report read the record without importing any of that.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pmo_bot.store import Store

RELOAD_JOB = "reload"


@dataclass(frozen=True, slots=True)
class Refused:
    problems: tuple[str, ...]  # "file:line:column: what was expected"; empty when the files on disk are in use
    since: datetime | None  # the first refusal since the files were last valid


def refused(store: Store) -> Refused:
    state = store.jobs.get(RELOAD_JOB)
    notes = state.notes if state else {}
    problems = tuple(str(p) for p in notes.get("problems", []))
    stamp = notes.get("since") or notes.get("at")
    return Refused(problems, datetime.fromisoformat(stamp) if problems and isinstance(stamp, str) else None)


def notes(previous: Refused, problems: Sequence[str], at: datetime) -> dict[str, Any]:
    """What to record after a reload: nothing once valid; else the problems, keeping the time of the first refusal
    while the files stay invalid (a second bad edit does not make the problem look newer)."""
    if not problems:
        return {}
    since = previous.since if previous.problems and previous.since else at
    return {"problems": list(problems), "at": at.isoformat(), "since": since.isoformat()}
