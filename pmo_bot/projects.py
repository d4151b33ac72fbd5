"""Which configured projects a run can cover: an unknown or invisible one is reported and skipped, not fatal.

Jira refuses a whole search whose JQL names a project it does not know (``project in (PAY, NOPE)`` is a 400),
so one typo in ``projects`` would stop every run. The bot keeps the projects it can see, logs and counts the
rest, and fails only when none is left.
"""

from __future__ import annotations

from collections.abc import Sequence

from pmo_bot import logs
from pmo_bot.atlassian.ports import JiraPort
from pmo_bot.errors import ConfigError

log = logs.get_logger(__name__)


def projects_in_scope(jira: JiraPort, wanted: Sequence[str]) -> tuple[list[str], list[str]]:
    """``(kept, skipped)``: the wanted projects the bot can see (every visible one when none is wanted)."""
    visible = jira.projects()
    if not wanted:
        if not visible:
            raise ConfigError(
                "no Jira projects in scope: set `projects` (PMO_PROJECTS) or grant the bot Browse Projects"
            )
        return list(visible), []
    seen = set(visible)
    kept = [p for p in wanted if p in seen]
    skipped = [p for p in wanted if p not in seen]
    if skipped:
        log.warning("projects_skipped", projects=skipped, reason="not found or not visible to the bot")
    if not kept:
        raise ConfigError(
            f"none of the configured projects exists or is visible to the bot: {', '.join(skipped)} "
            "(check `projects` and the bot's Browse Projects permission)"
        )
    return kept, skipped
