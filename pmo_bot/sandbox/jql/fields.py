"""What the evaluator needs to know about fields, and which operators each kind of field accepts."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, Protocol, runtime_checkable

KINDS = frozenset(
    {
        "key",
        "text",
        "string",
        "number",
        "date",
        "datetime",
        "user",
        "option",
        "labels",
        "version",
        "project",
        "issuetype",
        "status",
        "statuscategory",
        "resolution",
        "issue",
    }
)

_EQUALITY = frozenset({"=", "!=", "in", "not in", "is", "is not"})
_RANGE = frozenset({"<", "<=", ">", ">="})
_TEXT = frozenset({"~", "!~", "is", "is not"})

# Following Atlassian's "JQL fields" reference: e.g. summary takes only ~ !~ IS; project no ~ and no ranges;
# issue keys take ranges but not IS (a key is never empty).
SUPPORTED_OPERATORS: dict[str, frozenset[str]] = {
    "key": frozenset({"=", "!=", "in", "not in"}) | _RANGE,
    "text": _TEXT,
    "string": _TEXT | _EQUALITY,
    "number": _EQUALITY | _RANGE,
    "date": _EQUALITY | _RANGE,
    "datetime": _EQUALITY | _RANGE,
    "user": _EQUALITY,
    "option": _EQUALITY,
    "labels": _EQUALITY,
    "version": _EQUALITY,
    "project": _EQUALITY,
    "issuetype": _EQUALITY,
    "status": _EQUALITY,
    "statuscategory": _EQUALITY,
    "resolution": _EQUALITY,
    "issue": _EQUALITY,
}


class FieldResolver(Protocol):
    """The sandbox's view of its fields and issues; the JQL engine never looks inside an issue itself."""

    def canonical(self, name: str) -> str | None:
        """The field id a clause name (as written, any case; ``cf[10011]``) refers to, or None if unknown."""
        ...

    def kind(self, field_id: str) -> str:
        """One of ``KINDS``."""
        ...

    def values(self, issue: Any, field_id: str) -> list[Any]:
        """The issue's values for the field, ``[]`` when empty (dates as ``date``, datetimes aware)."""
        ...


@runtime_checkable
class ValueDomain(Protocol):
    """Optional extra for a resolver: the values that exist for a field, so unknown ones are refused.

    Jira answers 400 for ``project = NOPE`` or ``status = Nonsense``. A resolver that implements
    ``known_values`` gets the same check; returning None for a field skips it (free-text fields, labels).
    Checked kinds: project, issuetype, status, statuscategory, resolution, option, version (compared
    case-insensitively) and key/issue (the collection must hold upper-case keys; a set or dict view of the
    site's keys is fine, it is only probed with ``in``).
    """

    def known_values(self, field_id: str) -> Collection[str] | None:
        """Every accepted spelling for the field, or None to skip the check for it."""
        ...
