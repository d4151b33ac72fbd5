"""Raw Jira issue JSON -> ``Item``. The only place that knows Jira's field shapes.

Odd data never raises: nulls, missing fields, wrong types and unparsable dates become ``None`` (or the item is
skipped with a reason when even its identity is unusable). Rich text is flattened to plain text and capped.
Decoded JSON objects are dicts, and are tested as such: an ABC ``Mapping`` check costs several times more, on
every field of every issue.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from types import MappingProxyType
from typing import Any

from pmo_bot.atlassian.ports import BotIdentity, Flavor
from pmo_bot.domain import FieldChange, Item, StatusCategory, Worklog
from pmo_bot.richtext import plain_text
from pmo_bot.sync.fields import FieldMap

# Bump when the same raw issue normalises differently (a new Item field, a parsing fix): stored issues are
# recognised as unchanged by a hash of their raw JSON and this version, so a bump re-normalises each once.
NORMALIZER_VERSION = 1
MAX_TEXT = 20_000  # descriptions beyond this are cut: rules only look for markers and presence
_LEVEL_BY_TYPE = {"initiative": 2, "epic": 1, "sub-task": -1, "subtask": -1}
_DATE_FIELDS = frozenset({"duedate", "due date", "start date"})


@dataclass(frozen=True, slots=True)
class Normalized:
    item: Item | None
    skipped_reason: str | None = None
    state: Mapping[str, Any] | None = None  # the bot's issue property, when the search returned it


def parse_instant(value: Any) -> datetime | None:
    """Jira's ``2026-11-20T09:58:12.345+0000`` as well as RFC 3339; naive values are read as UTC."""
    if not isinstance(value, str) or not value:
        return None
    text = value.strip()
    if len(text) > 5 and text[-5] in "+-" and text[-4:].isdigit():
        text = f"{text[:-2]}:{text[-2:]}"  # +0000 -> +00:00
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse_date(value: Any) -> date | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _int(value: Any) -> int | None:
    number = _number(value)
    return None if number is None else int(number)


def _name(value: Any, *keys: str) -> str | None:
    """The display value of an object field (user, status, select option...), or a plain string."""
    if isinstance(value, str):
        return value or None
    if isinstance(value, dict):
        for key in keys or ("name", "value", "displayName", "key"):
            found = value.get(key)
            if isinstance(found, str) and found:
                return found
    return None


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(x for x in value if isinstance(x, str)) if isinstance(value, list) else ()


def _names(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(n for v in value if (n := _name(v)) is not None)


def _text(value: Any) -> str | None:
    text = plain_text(value).strip()
    return text[:MAX_TEXT] if text else None


def _level(issuetype: Mapping[str, Any]) -> int:
    level = issuetype.get("hierarchyLevel")
    if isinstance(level, int) and not isinstance(level, bool):
        return level
    if issuetype.get("subtask") is True:
        return -1
    return _LEVEL_BY_TYPE.get(str(issuetype.get("name", "")).casefold(), 0)


def _changelog(raw: Mapping[str, Any]) -> tuple[FieldChange, ...]:
    changelog = raw.get("changelog")
    histories = changelog.get("histories") if isinstance(changelog, dict) else None
    changes: list[FieldChange] = []
    for history in histories if isinstance(histories, list) else ():
        at = parse_instant(history.get("created")) if isinstance(history, dict) else None
        if at is None:
            continue
        entries = history.get("items")
        for entry in entries if isinstance(entries, list) else ():
            if not isinstance(entry, dict) or not entry.get("field"):
                continue
            name = str(entry["field"])
            # Dates: the raw ``from``/``to`` are ISO; the *String forms are localised ("20/Nov/26").
            raw_first = name.casefold() in _DATE_FIELDS
            before = entry.get("from") if raw_first else entry.get("fromString")
            after = entry.get("to") if raw_first else entry.get("toString")
            changes.append(FieldChange(name, at, _name(before) or None, _name(after) or None))
    return tuple(sorted(changes, key=lambda c: c.at))


def _by_person(record: Any, bot: BotIdentity | None) -> bool:
    author = record.get("author") if isinstance(record, dict) else None
    return not (bot is not None and isinstance(author, dict) and bot.is_author_of(author))


def last_person_activity(raw: Mapping[str, Any], bot: BotIdentity | None) -> datetime | None:
    """The newest change a person made that this raw issue shows: a history, a comment or a worklog whose
    author is not the bot. The bot's own comment and property writes move ``updated`` and must not count."""
    raw_fields = raw.get("fields")
    fields: Mapping[str, Any] = raw_fields if isinstance(raw_fields, dict) else {}
    changelog = raw.get("changelog")
    records: list[tuple[Any, str]] = []
    histories = changelog.get("histories") if isinstance(changelog, dict) else None
    records += [(h, "created") for h in histories if isinstance(h, dict)] if isinstance(histories, list) else []
    for name, inner in (("comment", "comments"), ("worklog", "worklogs")):
        embedded = fields.get(name)
        listed = embedded.get(inner) if isinstance(embedded, dict) else None
        for entry in listed if isinstance(listed, list) else ():
            records += [(entry, "updated"), (entry, "created")]
    created = parse_instant(fields.get("created"))
    return max([*person_instants(records, bot), *([created] if created else [])], default=None)


def person_instants(records: Iterable[tuple[Any, str]], bot: BotIdentity | None) -> list[datetime]:
    """The ``stamp`` instant of each ``(record, stamp)`` whose author is not the bot (histories: "created")."""
    return [
        at
        for record, stamp in records
        if _by_person(record, bot) and (at := parse_instant(record.get(stamp))) is not None
    ]


def _worklogs(fields: Mapping[str, Any]) -> tuple[Worklog, ...]:
    embedded = fields.get("worklog") or {}
    logs = embedded.get("worklogs") if isinstance(embedded, dict) else None
    found: list[Worklog] = []
    for entry in logs if isinstance(logs, list) else ():
        started = parse_instant(entry.get("started")) if isinstance(entry, dict) else None
        seconds = _int(entry.get("timeSpentSeconds")) if isinstance(entry, dict) else None
        if started is not None and seconds is not None:
            author = _name(entry.get("author"), "accountId", "name", "displayName")
            found.append(Worklog(started=started, seconds=seconds, author=author))
    return tuple(found)


def _parent(fields: Mapping[str, Any], fmap: FieldMap, level: int, flavor: Flavor) -> str | None:
    parent = _name(fields.get("parent"), "key")
    if parent and (flavor == "cloud" or level < 0):
        return parent
    epic_link_id = fmap.id_of("epic_link")
    epic = _name(fields.get(epic_link_id), "key") if epic_link_id else None
    return epic or parent


def normalize(raw: Mapping[str, Any], fmap: FieldMap, flavor: Flavor, bot: BotIdentity | None = None) -> Normalized:
    """``bot``: the bot's account, whose own changes are not activity (``Item.last_activity``)."""
    key = raw.get("key") if isinstance(raw, dict) else None
    if not isinstance(key, str) or "-" not in key:
        return Normalized(None, "issue without a usable key")
    fields = raw.get("fields")
    fields = fields if isinstance(fields, dict) else {}
    created = parse_instant(fields.get("created"))
    updated = parse_instant(fields.get("updated")) or created
    created = created or updated
    if created is None or updated is None:
        return Normalized(None, f"{key}: no created/updated timestamps")
    issuetype = fields.get("issuetype") if isinstance(fields.get("issuetype"), dict) else {}
    status = fields.get("status") if isinstance(fields.get("status"), dict) else {}
    category_key = _name((status or {}).get("statusCategory"), "key")
    try:
        category = StatusCategory(category_key or "new")
    except ValueError:
        category = StatusCategory.NEW
    level = _level(issuetype or {})

    def custom(role: str) -> Any:
        field_id = fmap.id_of(role)
        return fields.get(field_id) if field_id else None

    changelog = _changelog(raw)
    status_changes = [c.at for c in changelog if c.field.casefold() == "status"]
    extra = {name: _simple(fields.get(field_id)) for name, field_id in fmap.extra.items()}
    item = Item(
        key=key,
        id=str(raw.get("id") or ""),
        project=_name(fields.get("project"), "key") or key.rsplit("-", 1)[0],
        issue_type=_name(issuetype) or "Unknown",
        hierarchy_level=level,
        summary=(_text(fields.get("summary")) or "")[:1000],
        status=_name(status) or "Unknown",
        status_category=category,
        created=created,
        updated=updated,
        description=_text(fields.get("description")),
        assignee=_name(fields.get("assignee"), "displayName", "name", "accountId"),
        reporter=_name(fields.get("reporter"), "displayName", "name", "accountId"),
        priority=_name(fields.get("priority")),
        labels=_strings(fields.get("labels")),
        components=_names(fields.get("components")),
        fix_versions=_names(fields.get("fixVersions")),
        resolution=_name(fields.get("resolution")),
        resolved=parse_instant(fields.get("resolutiondate")),
        due_date=parse_date(fields.get("duedate")),
        start_date=parse_date(custom("start_date")),
        parent_key=_parent(fields, fmap, level, flavor),
        budget=_number(custom("budget")),
        actual_cost=_number(custom("actual_cost")),
        story_points=_number(custom("story_points")),
        team=_name(custom("team")),
        goal=_name(custom("strategic_goal")),
        time_spent_seconds=_int(fields.get("timespent")),
        original_estimate_seconds=_int(fields.get("timeoriginalestimate")),
        remaining_estimate_seconds=_int(fields.get("timeestimate")),
        status_changed=max(status_changes) if status_changes else None,
        worklogs=_worklogs(fields),
        changelog=changelog,
        last_activity=last_person_activity(raw, bot),
        extra=MappingProxyType(extra),
    )
    properties = raw.get("properties")
    state = properties.get("pmo-bot.state") if isinstance(properties, dict) else None
    return Normalized(item, state=state if isinstance(state, dict) else None)


def _simple(value: Any) -> Any:
    """An extra field as a plain value: numbers, strings, option values, lists of those."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list):
        return [_simple(v) for v in value]
    if isinstance(value, dict):
        return _name(value) or plain_text(value) or None
    return str(value)
