"""What the login may do in each Confluence space, as Confluence reports it (``expand=operations``).

A space's operations are ``(operation, targetType)`` pairs, the shape Confluence's v1 ``space`` answers with
under ``expand=operations``. By default the login may read the space and create (and so edit) pages, blog
posts, comments and attachments; a test narrows that per space (``start_sandbox(space_permissions=...)``,
``PUT /_sandbox/account``) with ``"operation:targetType"`` strings, e.g. ``{"PMO": ["read:space"]}`` for a
read-only space. Page writes need ``create:page`` (Confluence's "Add page" covers editing), attachment uploads
``create:attachment``; otherwise the write is a 403 (v1 ``PermissionException``, v2 ``PERMISSION_DENIED``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Operation = tuple[str, str]
DEFAULT_OPERATIONS: frozenset[Operation] = frozenset(
    {
        ("read", "space"),
        ("create", "page"),
        ("delete", "page"),
        ("create", "blogpost"),
        ("create", "comment"),
        ("create", "attachment"),
        ("delete", "attachment"),
        ("export", "space"),
    }
)
KNOWN_OPERATIONS = DEFAULT_OPERATIONS | {("administer", "space"), ("archive", "page"), ("restrict_content", "space")}


def check_space_grants(grants: Mapping[str, Any]) -> dict[str, frozenset[Operation]]:
    """Validate ``{"SPACE": ["create:page", ...]}``; ValueError naming what is wrong."""
    checked: dict[str, frozenset[Operation]] = {}
    for space, ops in grants.items():
        if not isinstance(ops, list | tuple | set | frozenset) or not all(isinstance(o, str) for o in ops):
            raise ValueError(f"operations of space {space!r} must be a list of 'operation:targetType' strings")
        pairs = {tuple(o.split(":", 1)) for o in ops}
        unknown = sorted(":".join(p) for p in pairs if p not in KNOWN_OPERATIONS)
        if unknown:
            known = ", ".join(sorted(":".join(p) for p in KNOWN_OPERATIONS))
            raise ValueError(f"unknown space operation {unknown[0]!r}; known: {known}")
        checked[str(space)] = frozenset((a, b) for a, b in pairs)
    return checked


def operations_json(ops: frozenset[Operation]) -> list[dict[str, str]]:
    return [{"operation": op, "targetType": target} for op, target in sorted(ops)]
