"""What the bot may do in each project (``GET mypermissions``), for ``doctor`` and for the check's writes.

A project the bot may browse but not comment in keeps its findings (recorded, reported); its comment writes
are skipped with a message naming the missing permission and counted in the run summary, while the other
projects are written as usual. Where Jira cannot say (an old Data Center without the ``permissions``
parameter), the bot assumes it may, and any 403 is counted per issue as before.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pmo_bot import logs
from pmo_bot.atlassian.ports import JiraPort
from pmo_bot.errors import AuthError, RemoteError

log = logs.get_logger(__name__)

# The project permissions a run uses, and what each is for (Jira's permission keys).
NEEDED: Mapping[str, str] = {
    "BROWSE_PROJECTS": "browse its issues",
    "ADD_COMMENTS": "add comments",
    "EDIT_OWN_COMMENTS": "edit its own comments",
    "EDIT_ISSUES": "write the pmo-bot.state issue property (Edit issues)",
}
COMMENT_WRITES = ("ADD_COMMENTS", "EDIT_OWN_COMMENTS")


@dataclass(frozen=True, slots=True)
class ProjectAccess:
    project: str
    missing: tuple[str, ...] = ()  # permission keys the bot lacks
    unknown: str | None = None  # why the permissions could not be read

    @property
    def may_comment(self) -> bool:
        return not any(key in self.missing for key in ("BROWSE_PROJECTS", *COMMENT_WRITES))

    def describe_missing(self) -> str:
        return ", ".join(f"{key} ({NEEDED.get(key, key)})" for key in self.missing)


def read_access(jira: JiraPort, projects: Sequence[str], needed: Sequence[str] = tuple(NEEDED)) -> list[ProjectAccess]:
    found: list[ProjectAccess] = []
    for project in sorted(set(projects)):
        try:
            granted = jira.my_permissions(project, needed)
        except AuthError:
            raise
        except RemoteError as error:
            log.info("permissions_unread", project=project, error=str(error))
            found.append(ProjectAccess(project, unknown=str(error)))
            continue
        found.append(ProjectAccess(project, tuple(key for key in needed if not granted.get(key))))
    return found


def comment_blocks(access: Sequence[ProjectAccess]) -> dict[str, str]:
    """Project -> the sentence saying why the bot will not write comments there."""
    return {
        a.project: f"the bot may not comment in {a.project}: missing {a.describe_missing()}; "
        "findings are recorded and reported, comments skipped"
        for a in access
        if not a.may_comment
    }
