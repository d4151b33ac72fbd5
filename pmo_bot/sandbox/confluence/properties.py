"""Content properties of pages: a JSON value under a key, versioned like the page (v1 and v2 share them).

Confluence's rules, enforced here so both APIs see them: a key is 1..255 characters and unique per page, the
value must be present (any JSON value), an update carries version = current + 1. Properties belong to the page
and go with it into the site's snapshot.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pmo_bot.sandbox.confluence.model import BadRequest, Conflict, NotFound, Version

MAX_KEY = 255
_FIRST_ID = 720_896


@dataclass(slots=True)
class ContentProperty:
    id: str
    page_id: str
    key: str
    value: Any
    version: Version

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "pageId": self.page_id, "key": self.key, "value": self.value,
                "version": self.version.to_json()}  # fmt: skip

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ContentProperty:
        return cls(data["id"], data["pageId"], data["key"], data["value"], Version.from_json(data["version"]))


class PropertyStore:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.by_id: dict[str, ContentProperty] = {}
        self._next_id = _FIRST_ID

    def of_page(self, page_id: str) -> list[ContentProperty]:
        with self.lock:
            return sorted((p for p in self.by_id.values() if p.page_id == page_id), key=lambda p: p.key)

    def by_key(self, page_id: str, key: str) -> ContentProperty:
        with self.lock:
            for prop in self.by_id.values():
                if prop.page_id == page_id and prop.key == key:
                    return prop
        raise NotFound(f"Cannot find content property with key {key} on content {page_id}")

    def get(self, page_id: str, property_id: str) -> ContentProperty:
        found = self.by_id.get(property_id)
        if found is None or found.page_id != page_id:
            raise NotFound(f"Cannot find content property with id {property_id}")
        return found

    def create(self, page_id: str, key: object, value: object, *, missing: bool, when: datetime, by: str) -> Any:
        """A new property; ``missing`` says the request carried no value at all (``null`` is a value)."""
        checked = _key(key)
        if missing:
            raise BadRequest("A content property must have a value")
        with self.lock:
            if any(p.page_id == page_id and p.key == checked for p in self.by_id.values()):
                raise Conflict(f"Cannot add a property with a duplicate key: {checked}")
            self._next_id += 1
            prop = ContentProperty(str(self._next_id), page_id, checked, value, Version(1, when, by))
            self.by_id[prop.id] = prop
            return prop

    def update(
        self, prop: ContentProperty, value: object, version: object, *, message: str, minor: bool, when: datetime,
        by: str,
    ) -> ContentProperty:  # fmt: skip
        if isinstance(version, bool) or not isinstance(version, int):
            raise BadRequest("Must supply an incremented version when updating a content property")
        with self.lock:
            if version != prop.version.number + 1:
                raise Conflict(f"Version must be incremented on update. Current version is: {prop.version.number}")
            prop.value = value
            prop.version = Version(version, when, by, message, minor)
            return prop

    def delete(self, prop: ContentProperty) -> None:
        with self.lock:
            self.by_id.pop(prop.id, None)

    def to_json(self) -> dict[str, Any]:
        with self.lock:
            return {"nextId": self._next_id, "properties": [p.to_json() for p in self.by_id.values()]}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> PropertyStore:
        store = cls()
        if data:
            store._next_id = data["nextId"]
            store.by_id = {p["id"]: ContentProperty.from_json(p) for p in data["properties"]}
        return store


def _key(key: object) -> str:
    if not isinstance(key, str) or not key.strip():
        raise BadRequest("A content property must have a key")
    if len(key) > MAX_KEY:
        raise BadRequest(f"A content property key must be at most {MAX_KEY} characters")
    return key
