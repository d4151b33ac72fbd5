"""The site's fixed vocabulary: issue types, statuses, priorities and the field catalogue, per flavour."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pmo_bot.sandbox.seed.model import CUSTOM_FIELDS, ISSUE_TYPES, STATUSES

Flavor = str  # "cloud" | "datacenter"

# statusCategory key -> (id, name, colorName), as Jira ships them.
STATUS_CATEGORIES: dict[str, tuple[int, str, str]] = {
    "new": (2, "To Do", "blue-gray"),
    "indeterminate": (4, "In Progress", "yellow"),
    "done": (3, "Done", "green"),
}
STATUS_IDS: dict[str, str] = {name: str(10000 + i) for i, name in enumerate(STATUSES)}
ISSUE_TYPE_IDS: dict[str, str] = {name: str(10000 + i) for i, name in enumerate(ISSUE_TYPES)}
PRIORITIES: dict[str, str] = {"Highest": "1", "High": "2", "Medium": "3", "Low": "4", "Lowest": "5"}

# Stable custom field ids (customfield_100NN), in CUSTOM_FIELDS order.
CUSTOM_FIELD_IDS: dict[str, str] = {name: f"customfield_{10010 + i}" for i, name in enumerate(CUSTOM_FIELDS)}
DC_ONLY_FIELDS = frozenset({"Epic Link", "Epic Name"})
# Cloud sites also carry Atlassian's own "Team" and "Story point estimate" fields: the catalogue has duplicate
# display names on purpose, as real sites do (clients must match on ``schema.custom``).
CLOUD_EXTRA_FIELDS: tuple[tuple[str, str, str, dict[str, Any]], ...] = (
    ("customfield_10001", "Team", "com.atlassian.jira.plugin.system.customfieldtypes:atlassian-team", {"type": "team"}),
    ("customfield_10026", "Story point estimate", "com.pyxis.greenhopper.jira:jsw-story-points", {"type": "number"}),
)


@dataclass(frozen=True, slots=True)
class FieldDef:
    id: str
    name: str
    custom: bool
    schema: dict[str, Any]
    clause_names: tuple[str, ...]
    navigable: bool = True
    orderable: bool = True
    searchable: bool = True
    shape: str = ""  # custom fields: the CUSTOM_FIELDS shape ("number", "select", ...)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "key": self.id,
            "name": self.name,
            "custom": self.custom,
            "orderable": self.orderable,
            "navigable": self.navigable,
            "searchable": self.searchable,
            "clauseNames": list(self.clause_names),
            "schema": self.schema,
        }
        return data


def _system(id: str, name: str, schema_type: str, clauses: tuple[str, ...] = (), **extra: Any) -> FieldDef:
    schema: dict[str, Any] = {"type": schema_type, "system": id}
    items = extra.pop("items", None)
    if items:
        schema["items"] = items
    return FieldDef(id, name, False, schema, clauses or (id,), **extra)


SYSTEM_FIELDS: tuple[FieldDef, ...] = (
    _system("summary", "Summary", "string"),
    _system("description", "Description", "string"),
    _system("issuetype", "Issue Type", "issuetype", ("issuetype", "type")),
    _system("status", "Status", "status"),
    _system("statuscategorychangedate", "Status Category Changed", "datetime", orderable=False),
    _system("priority", "Priority", "priority"),
    _system("project", "Project", "project"),
    _system("assignee", "Assignee", "user"),
    _system("reporter", "Reporter", "user"),
    _system("creator", "Creator", "user", orderable=False),
    _system("created", "Created", "datetime", ("created", "createdDate"), orderable=False),
    _system("updated", "Updated", "datetime", ("updated", "updatedDate"), orderable=False),
    _system("duedate", "Due date", "date", ("due", "duedate")),
    _system("resolution", "Resolution", "resolution"),
    _system("resolutiondate", "Resolved", "datetime", ("resolved", "resolutiondate"), orderable=False),
    _system("labels", "Labels", "array", items="string"),
    _system("components", "Components", "array", ("component",), items="component"),
    _system("fixVersions", "Fix versions", "array", ("fixVersion",), items="version"),
    _system("parent", "Parent", "issuelink", ("parent",)),
    _system("subtasks", "Sub-tasks", "array", ("subtasks",), items="issuelinks", orderable=False),
    _system("issuelinks", "Linked Issues", "array", ("issueLink",), items="issuelinks"),
    _system("timetracking", "Time tracking", "timetracking", navigable=False, searchable=False),
    _system("timeoriginalestimate", "Original estimate", "number", ("originalEstimate",), orderable=False),
    _system("timeestimate", "Remaining Estimate", "number", ("remainingEstimate",), orderable=False),
    _system("timespent", "Time Spent", "number", ("timespent",), orderable=False),
    _system("aggregatetimeoriginalestimate", "Σ Original Estimate", "number", orderable=False, searchable=False),
    _system("aggregatetimeestimate", "Σ Remaining Estimate", "number", orderable=False, searchable=False),
    _system("aggregatetimespent", "Σ Time Spent", "number", orderable=False, searchable=False),
    _system("progress", "Progress", "progress", ("progress",), orderable=False),
    _system("aggregateprogress", "Σ Progress", "progress", orderable=False, searchable=False),
    _system("worklog", "Log Work", "array", items="worklog", navigable=False, searchable=False),
    _system("comment", "Comment", "comments-page", navigable=False),
    _system("watches", "Watchers", "watches", ("watchers",), orderable=False),
)

_SHAPE_SCHEMA: dict[str, dict[str, Any]] = {
    "number": {"type": "number"},
    "select": {"type": "option"},
    "date": {"type": "date"},
    "string": {"type": "string"},
    "epic-link": {"type": "any"},
    "epic-name": {"type": "string"},
}


def field_catalogue(flavor: Flavor) -> tuple[FieldDef, ...]:
    """Every field the site knows, system first, then custom fields in id order."""
    fields = list(SYSTEM_FIELDS)
    for name, (type_key, shape) in CUSTOM_FIELDS.items():
        if flavor == "cloud" and name in DC_ONLY_FIELDS:
            continue
        field_id = CUSTOM_FIELD_IDS[name]
        number = field_id.removeprefix("customfield_")
        schema = dict(_SHAPE_SCHEMA[shape], custom=type_key, customId=int(number))
        clauses = (f"cf[{number}]", name)
        fields.append(FieldDef(field_id, name, True, schema, clauses, shape=shape))
    if flavor == "cloud":
        for field_id, name, type_key, base in CLOUD_EXTRA_FIELDS:
            number = field_id.removeprefix("customfield_")
            schema = dict(base, custom=type_key, customId=int(number))
            fields.append(FieldDef(field_id, name, True, schema, (f"cf[{number}]", name), shape="extra"))
    return tuple(fields)


def hierarchy_level(issue_type: str) -> int:
    return ISSUE_TYPES.get(issue_type, 0)


def status_category(status: str) -> str:
    return STATUSES.get(status, "new")
