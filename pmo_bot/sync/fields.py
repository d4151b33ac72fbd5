"""Resolve the configured field mapping (names or ids) against the site's field catalogue."""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from pmo_bot.atlassian.ports import FieldInfo, Flavor

# Roles whose custom type identifies them better than a (non-unique, translatable) display name.
_TYPE_OF_ROLE = {
    "epic_link": "com.pyxis.greenhopper.jira:gh-epic-link",
    "epic_name": "com.pyxis.greenhopper.jira:gh-epic-label",
}
# Roles a site may legitimately lack: Cloud has no Epic Link/Epic Name, many sites have no Actual Cost.
OPTIONAL_ROLES = frozenset({"epic_link", "epic_name", "actual_cost", "team"})

SYSTEM_FIELDS: tuple[str, ...] = (
    "summary", "status", "issuetype", "project", "created", "updated", "duedate", "assignee", "reporter",
    "priority", "labels", "components", "fixVersions", "resolution", "resolutiondate", "parent", "description",
    "timespent", "aggregatetimespent", "timeoriginalestimate", "timeestimate", "worklog",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class FieldMap:
    """Field ids by role (``budget`` -> ``customfield_10011``); ``extra`` by the configured extra name."""

    ids: Mapping[str, str]
    extra: Mapping[str, str] = field(default_factory=dict)

    def id_of(self, role: str) -> str | None:
        return self.ids.get(role)

    def request_fields(self) -> list[str]:
        return [*SYSTEM_FIELDS, *sorted(set(self.ids.values()) | set(self.extra.values()))]


def _match(wanted: str, catalogue: Sequence[FieldInfo], custom_type: str | None) -> FieldInfo | None:
    as_id = f"customfield_{wanted[3:-1]}" if wanted.startswith("cf[") and wanted.endswith("]") else wanted
    by_id = [f for f in catalogue if f.id == as_id or wanted in f.clause_names]
    if by_id:
        return by_id[0]
    named = [f for f in catalogue if f.name.casefold() == wanted.casefold()]
    if custom_type:
        typed = [f for f in named if f.custom_type == custom_type] or [
            f for f in catalogue if f.custom_type == custom_type
        ]
        if typed:
            return typed[0]
    customs = [f for f in named if f.custom]  # a custom field beats a same-named system field
    candidates = customs or named
    return candidates[0] if candidates else None


def resolve_fields(
    mapping: Mapping[str, str], extra: Mapping[str, str], catalogue: Sequence[FieldInfo], flavor: Flavor
) -> tuple[FieldMap, list[str]]:
    """Map every role to a field id. Problems name the role, the configured value and close names."""
    ids: dict[str, str] = {}
    problems: list[str] = []
    names = sorted({f.name for f in catalogue})

    def resolve(role: str, wanted: str, label: str) -> str | None:
        found = _match(wanted, catalogue, _TYPE_OF_ROLE.get(role))
        if found is not None:
            return found.id
        if role in OPTIONAL_ROLES or (flavor == "cloud" and role in ("epic_link", "epic_name")):
            return None
        close = difflib.get_close_matches(wanted, names, n=3, cutoff=0.6)
        hint = f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""
        problems.append(f"{label}: no Jira field named {wanted!r}{hint}")
        return None

    for role, wanted in mapping.items():
        if wanted and (found_id := resolve(role, wanted, f"fields.{role}")):
            ids[role] = found_id
    extra_ids = {
        name: found_id for name, wanted in extra.items() if (found_id := resolve(name, wanted, f"fields.extra.{name}"))
    }
    return FieldMap(ids=ids, extra=extra_ids), problems
