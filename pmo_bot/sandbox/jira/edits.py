"""Field edits (``fields`` and ``update`` of create/edit issue), validated like Jira and logged to the changelog.

``apply_edit`` validates everything before changing anything, so a 400 leaves the issue untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from pmo_bot.sandbox import markup
from pmo_bot.sandbox.jira.catalogue import PRIORITIES, FieldDef, hierarchy_level
from pmo_bot.sandbox.jira.errors import bad_request
from pmo_bot.sandbox.jira.formats import parse_duration
from pmo_bot.sandbox.jira.issue_json import EPIC_LINK, EPIC_NAME
from pmo_bot.sandbox.jira.limits import check_summary, check_text
from pmo_bot.sandbox.jira.records import ChangeItem, Issue
from pmo_bot.sandbox.jira.state import JiraState

NOT_SETTABLE = "Field '{}' cannot be set. It is not on the appropriate screen, or unknown."
_SIMPLE = {
    "summary",
    "description",
    "labels",
    "duedate",
    "assignee",
    "priority",
    "parent",
    "timetracking",
    "components",
    "fixVersions",
    "reporter",
}


@dataclass(slots=True)
class EditContext:
    state: JiraState
    adf: bool  # REST v3: rich text must be ADF
    cloud: bool


Setter = Callable[[Issue], list[ChangeItem]]


def _item(
    field: str, old: Any, new: Any, *, custom: str | None = None, strings: tuple[str | None, str | None] | None = None
) -> ChangeItem:
    def text(value: Any) -> str | None:
        if value is None or value in ("", []):
            return None
        return " ".join(value) if isinstance(value, list) else str(value)

    from_string, to_string = strings or (text(old), text(new))
    field_type = "custom" if custom else "jira"
    return (field, field_type, custom or field, text(old), from_string, text(new), to_string)


def _labels(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise bad_request(errors={"labels": "The labels must be a list of strings."})
    for label in value:
        if not label or any(c.isspace() for c in label):
            raise bad_request(errors={"labels": f"The label '{label}' contains spaces which is invalid."})
    return list(dict.fromkeys(value))


def _date(field: str, value: Any) -> date | None:
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise bad_request(errors={field: "Error parsing date string: " + str(value)}) from None


class Editor:
    def __init__(self, ctx: EditContext, author: str) -> None:
        self.ctx = ctx
        self.state = ctx.state
        self.author = author

    def setter(self, field_id: str, value: Any) -> Setter:
        """Validate one ``fields`` entry; return the function that applies it."""
        state = self.state
        field = state.fields_by_id.get(field_id)
        if field is None or (field_id not in _SIMPLE and not field.custom):
            raise bad_request(errors={field_id: NOT_SETTABLE.format(field_id)})
        if field.custom:
            return self._custom(field, value)
        if field_id == "summary":
            if not isinstance(value, str) or not value.strip():
                raise bad_request(errors={"summary": "You must specify a summary of the issue."})
            check_summary(value.strip())
            return self._plain("summary", value.strip())
        if field_id == "description":
            return self._description(value)
        if field_id == "labels":
            labels = _labels(value)
            return self._plain("labels", labels)
        if field_id == "duedate":
            return self._plain("due_date", _date("duedate", value), changelog_name="duedate")
        if field_id in ("assignee", "reporter"):
            user = state.find_user(value) if value else None
            if value and user is None:
                raise bad_request(errors={field_id: f"User '{value}' does not exist."})
            return self._user(field_id, user.account_id if user else None)
        if field_id == "priority":
            name = _named(value, PRIORITIES)
            if name is None:
                raise bad_request(errors={"priority": "The priority selected is invalid."})
            return self._plain("priority", name)
        if field_id == "parent":
            return self._parent(value)
        if field_id == "timetracking":
            return self._timetracking(value)
        names = tuple(str(v.get("name")) for v in value or () if isinstance(v, dict) and v.get("name"))
        attribute = "components" if field_id == "components" else "fix_versions"
        return self._plain(attribute, names, changelog_name="Component" if field_id == "components" else "Fix Version")

    # -- setters ------------------------------------------------------------------------------------------
    def _plain(self, attribute: str, new: Any, changelog_name: str | None = None) -> Setter:
        def apply(issue: Issue) -> list[ChangeItem]:
            old = getattr(issue, attribute)
            if old == new or (isinstance(old, tuple | list) and list(old) == list(new)):
                return []
            setattr(issue, attribute, new)
            name = changelog_name or attribute
            if isinstance(new, date) or isinstance(old, date):
                return [_item(name, old.isoformat() if old else None, new.isoformat() if new else None)]
            return [_item(name, old, new)]

        return apply

    def _description(self, value: Any) -> Setter:
        if value is not None:
            if self.ctx.adf:
                if not isinstance(value, dict):
                    raise bad_request(
                        errors={
                            "description": "Operation value must be an Atlassian Document "
                            "(see the Atlassian Document Format)"
                        }
                    )
                problems = markup.adf_errors(value)
                if problems:
                    raise bad_request(errors={"description": "Invalid ADF document: " + "; ".join(problems)})
            elif not isinstance(value, str):
                raise bad_request(errors={"description": "Operation value must be a string"})
            check_text("description", value)

        def apply(issue: Issue) -> list[ChangeItem]:
            old = issue.description
            issue.description = value
            return [_item("description", markup.to_plain(old) or None, markup.to_plain(value) or None)]

        return apply

    def _user(self, field_id: str, account_id: str | None) -> Setter:
        def apply(issue: Issue) -> list[ChangeItem]:
            old = getattr(issue, field_id)
            if old == account_id:
                return []
            setattr(issue, field_id, account_id)
            names = tuple(u.display_name if u else None for u in map(self.state.user, (old, account_id)))
            return [_item(field_id, old, account_id, strings=(names[0], names[1]))]

        return apply

    def _parent(self, value: Any) -> Setter:
        if value is None or (isinstance(value, dict) and value.get("none")):
            key = None
        else:
            ref = value.get("key") or value.get("id") if isinstance(value, dict) else value
            parent = self.state.issue(str(ref)) if ref else None
            if parent is None:
                raise bad_request(errors={"parent": f"Could not find issue by id or key: {ref}"})
            key = parent.key
        return self._link("IssueParentAssociation" if self.ctx.cloud else "Parent", key)

    def _link(self, changelog_name: str, key: str | None, custom: str | None = None) -> Setter:
        def apply(issue: Issue) -> list[ChangeItem]:
            old = issue.parent
            if old == key:
                return []
            if key == issue.key:
                raise bad_request(errors={"parent": "An issue can't be its own parent."})
            self.state.set_parent(issue, key)
            return [_item(changelog_name, old, key, custom=custom)]

        return apply

    def _timetracking(self, value: Any) -> Setter:
        if not isinstance(value, dict):
            raise bad_request(errors={"timetracking": "Time tracking must be an object."})
        parsed: dict[str, int | None] = {}
        for label, attribute in (
            ("originalEstimate", "original_estimate"),
            ("remainingEstimate", "remaining_estimate"),
        ):
            if label in value:
                try:
                    parsed[attribute] = parse_duration(value[label]) if value[label] else None
                except ValueError:
                    raise bad_request(errors={"timetracking": f"Invalid time duration: {value[label]}"}) from None
        names = {"original_estimate": "timeoriginalestimate", "remaining_estimate": "timeestimate"}

        def apply(issue: Issue) -> list[ChangeItem]:
            items = []
            changes = dict(parsed)
            # Jira starts the remaining estimate at the original one when only the original is given.
            if "remaining_estimate" not in changes and issue.remaining_estimate is None:
                changes["remaining_estimate"] = changes.get("original_estimate")
            for attribute, seconds in changes.items():
                old = getattr(issue, attribute)
                if old != seconds:
                    setattr(issue, attribute, seconds)
                    items.append(_item(names[attribute], old, seconds))
            return items

        return apply

    def _custom(self, field: FieldDef, value: Any) -> Setter:
        if field.id == EPIC_LINK:
            target = self.state.issue(str(value)) if value else None
            if value and (target is None or target.issue_type != "Epic"):
                raise bad_request(errors={field.id: f"Issue '{value}' is not an epic."})
            return self._link("Epic Link", target.key if target else None, custom=field.id)
        if field.id == EPIC_NAME:
            return self._plain_custom(field, value if value else None, epic_name=True)
        if value is None:
            return self._plain_custom(field, None)
        if field.shape == "number":
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise bad_request(errors={field.id: "Operation value must be a number"})
            return self._plain_custom(field, float(value))
        if field.shape == "select":
            option = self.state.option_value(field.id, value) if isinstance(value, dict) else None
            if option is None:
                raise bad_request(errors={field.id: f"Option value '{value}' is not valid"})
            return self._plain_custom(field, option)
        if field.shape == "date":
            return self._plain_custom(field, _date(field.id, value))
        if field.shape == "extra":
            raise bad_request(errors={field.id: NOT_SETTABLE.format(field.id)})
        check_text(field.id, str(value))
        return self._plain_custom(field, str(value))

    def _plain_custom(self, field: FieldDef, new: Any, *, epic_name: bool = False) -> Setter:
        def apply(issue: Issue) -> list[ChangeItem]:
            old = issue.epic_name if epic_name else issue.custom.get(field.id)
            if old == new:
                return []
            if epic_name:
                issue.epic_name = new
            elif new is None:
                issue.custom.pop(field.id, None)
            else:
                issue.custom[field.id] = new
            shown = [v.isoformat() if isinstance(v, date) else v for v in (old, new)]
            return [_item(field.name, shown[0], shown[1], custom=field.id)]

        return apply

    # -- whole bodies -------------------------------------------------------------------------------------
    def plan(self, issue: Issue, body: dict[str, Any]) -> list[Setter]:
        fields = body.get("fields") or {}
        update = body.get("update") or {}
        if not isinstance(fields, dict) or not isinstance(update, dict):
            raise bad_request("Can not deserialize the request body: fields and update must be objects.")
        both = set(fields) & set(update)
        if both:
            name = sorted(both)[0]
            raise bad_request(errors={name: f"Field '{name}' cannot be set in both 'fields' and 'update'."})
        setters = [self.setter(self._canonical(k), v) for k, v in fields.items()]
        for key, operations in update.items():
            setters.append(self._update(issue, self._canonical(key), operations))
        return setters

    def _canonical(self, name: str) -> str:
        if name in self.state.fields_by_id:
            return name
        lowered = name.lower()
        for field in self.state.fields:
            if field.name.lower() == lowered:
                return field.id
        return name

    def _update(self, issue: Issue, field_id: str, operations: Any) -> Setter:
        if not isinstance(operations, list):
            raise bad_request(errors={field_id: "The update operations must be a list."})
        if field_id != "labels":
            setters = []
            for operation in operations:
                verb, value = next(iter(operation.items())) if isinstance(operation, dict) and operation else ("", None)
                if verb not in ("set", "edit"):
                    raise bad_request(errors={field_id: f"Operation '{verb}' is not supported for this field."})
                setters.append(self.setter(field_id, value))
            return lambda target: [item for setter in setters for item in setter(target)]
        labels = list(issue.labels)
        for operation in operations:
            if not isinstance(operation, dict) or len(operation) != 1:
                raise bad_request(errors={"labels": "Each update operation must have exactly one verb."})
            verb, value = next(iter(operation.items()))
            if verb == "add":
                labels.extend(_labels([value]))
            elif verb == "remove":
                labels = [label for label in labels if label != value]
            elif verb == "set":
                labels = _labels(value)
            else:
                raise bad_request(errors={"labels": f"Operation '{verb}' is not supported for labels."})
        return self._plain("labels", list(dict.fromkeys(labels)))


def is_subtask(issue: Issue) -> bool:
    return hierarchy_level(issue.issue_type) == -1


def _named(value: Any, known: dict[str, str]) -> str | None:
    if not isinstance(value, dict):
        return None
    for name, ident in known.items():
        if value.get("name") == name or value.get("id") == ident:
            return name
    return None
