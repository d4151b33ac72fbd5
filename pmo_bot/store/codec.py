"""Items to JSON snapshots and back, exactly (pydantic does the typed round trip of the frozen dataclass)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import replace
from types import MappingProxyType
from typing import Any

from pydantic import TypeAdapter

from pmo_bot.domain import Item

_ITEM = TypeAdapter(Item)
_EXTRA = TypeAdapter(dict[str, Any])


def item_to_json(item: Item) -> dict[str, Any]:
    """JSON-ready: instants as ISO 8601 with their offset, dates as ISO dates, enums as values.
    ``extra`` must hold JSON values (strings, numbers, booleans, lists, objects)."""
    data: dict[str, Any] = _ITEM.dump_python(item, mode="json", exclude={"extra"})
    data["extra"] = _EXTRA.dump_python(dict(item.extra), mode="json")  # pydantic cannot dump a mappingproxy
    return data


def item_from_json(data: Mapping[str, Any]) -> Item:
    values = dict(data)
    extra = values.pop("extra", None)
    item = _ITEM.validate_python(values)  # ``extra`` defaults to the shared read-only EMPTY
    if not extra:
        return item
    # Validated apart and wrapped read-only, as the normaliser hands it out (pydantic would build a dict).
    return replace(item, extra=MappingProxyType(_EXTRA.validate_python(extra)))


def content_hash(snapshot: Mapping[str, Any]) -> str:
    """A hash of everything but ``updated``: a comment or property written by the bot bumps ``updated`` in
    Jira without changing the item, and must not count as a change."""
    content = {k: v for k, v in snapshot.items() if k != "updated"}
    return hashlib.sha256(json.dumps(content, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
