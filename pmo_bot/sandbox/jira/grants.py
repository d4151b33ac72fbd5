"""Jira's project permissions the sandbox models, and the login's grant per project (pure data, no I/O).

See ``permissions`` for how they are served and enforced.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# key -> (id, name, description): Jira's built-in project permissions the sandbox models.
PROJECT_PERMISSIONS: dict[str, tuple[str, str, str]] = {
    "BROWSE_PROJECTS": ("10", "Browse Projects", "Ability to browse projects and the issues within them."),
    "CREATE_ISSUES": ("11", "Create Issues", "Ability to create issues."),
    "EDIT_ISSUES": ("12", "Edit Issues", "Ability to edit issues."),
    "ADD_COMMENTS": ("15", "Add Comments", "Ability to comment on issues."),
    "EDIT_ALL_COMMENTS": ("34", "Edit All Comments", "Ability to edit all comments made on issues."),
    "EDIT_OWN_COMMENTS": ("35", "Edit Own Comments", "Ability to edit own comments made on issues."),
    "DELETE_ALL_COMMENTS": ("36", "Delete All Comments", "Ability to delete all comments made on issues."),
    "DELETE_OWN_COMMENTS": ("37", "Delete Own Comments", "Ability to delete own comments made on issues."),
    "WORK_ON_ISSUES": ("20", "Work On Issues", "Ability to log work done against an issue."),
}
# The bot's default grant: what a PMO bot account normally holds (not other people's comments).
DEFAULT_GRANT = frozenset(PROJECT_PERMISSIONS) - {"EDIT_ALL_COMMENTS", "DELETE_ALL_COMMENTS"}


def check_grants(grants: Mapping[str, Any]) -> dict[str, frozenset[str]]:
    """Validate ``{"PROJECT": ["PERMISSION", ...]}``; ValueError naming what is wrong."""
    checked: dict[str, frozenset[str]] = {}
    for project, keys in grants.items():
        if not isinstance(keys, list | tuple | frozenset | set) or not all(isinstance(k, str) for k in keys):
            raise ValueError(f"permissions of {project!r} must be a list of permission keys")
        unknown = sorted(set(keys) - set(PROJECT_PERMISSIONS))
        if unknown:
            raise ValueError(f"unknown permission {unknown[0]!r}; known: {', '.join(PROJECT_PERMISSIONS)}")
        checked[str(project).upper()] = frozenset(keys)
    return checked


def granted(grants: Mapping[str, frozenset[str]], project: str) -> frozenset[str]:
    return grants.get(project, DEFAULT_GRANT)
