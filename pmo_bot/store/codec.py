"""Items to JSON snapshots and back, exactly (pydantic does the typed round trip of the frozen dataclass)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from pydantic import TypeAdapter

from pmo_bot.domain import EMPTY, Item

_ITEM = TypeAdapter(Item)
_EXTRA = TypeAdapter(dict[str, Any])


def item_to_json(item: Item) -> dict[str, Any]:
    """JSON-ready: instants as ISO 8601 with their offset, dates as ISO dates, enums as values.
    ``extra`` must hold JSON values (strings, numbers, booleans, lists, objects)."""
    data: dict[str, Any] = _ITEM.dump_python(item, mode="json", exclude={"extra"})
    data["extra"] = _EXTRA.dump_python(dict(item.extra), mode="json")  # pydantic cannot dump a mappingproxy
    return data


def item_from_text(text: str | bytes) -> Item:
    """An item from its snapshot as stored (JSON text), parsed and validated in one pass: about three times
    faster than decoding the JSON first, which matters when a full evaluation reads every item."""
    item = _ITEM.validate_json(text)
    extra = item.extra
    # A fresh, unshared object: set ``extra`` read-only in place (a ``replace`` would copy every field).
    object.__setattr__(item, "extra", MappingProxyType(extra) if extra else EMPTY)
    return item


def content_hash(snapshot: Mapping[str, Any]) -> str:
    """A hash of everything but ``updated``: a comment or property written by the bot bumps ``updated`` in
    Jira without changing the item, and must not count as a change."""
    content = {k: v for k, v in snapshot.items() if k != "updated"}
    return hashlib.sha256(json.dumps(content, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
