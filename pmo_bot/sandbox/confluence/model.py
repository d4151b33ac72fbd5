"""The records a Confluence site is made of: spaces, pages with their versions, labels and attachments.

Mutable dataclasses guarded by the state's lock; ``to_json``/``from_json`` give the JSON-able snapshot form.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


class ConfluenceStateError(Exception):
    """Base of the state's refusals; routes map them to each API's error body."""


class NotFound(ConfluenceStateError):
    pass


class Forbidden(ConfluenceStateError):
    """The login may not do this in the space (403)."""


class Conflict(ConfluenceStateError):
    pass


class BadRequest(ConfluenceStateError):
    pass


@dataclass(slots=True)
class Version:
    number: int
    when: datetime
    by: str  # the acting user's account id / username
    message: str = ""
    minor_edit: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "when": self.when.isoformat(),
            "by": self.by,
            "message": self.message,
            "minorEdit": self.minor_edit,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Version:
        return cls(
            number=data["number"],
            when=datetime.fromisoformat(data["when"]),
            by=data["by"],
            message=data["message"],
            minor_edit=data["minorEdit"],
        )


@dataclass(slots=True)
class PageRevision:
    version: Version
    title: str
    body: str  # storage format


@dataclass(slots=True)
class Label:
    id: str
    name: str
    prefix: str = "global"


@dataclass(slots=True)
class Page:
    id: str
    space_key: str
    parent_id: str | None
    created: datetime
    author: str
    revisions: list[PageRevision]
    status: str = "current"
    labels: list[Label] = field(default_factory=list)
    position: int = 0

    @property
    def current(self) -> PageRevision:
        return self.revisions[-1]

    @property
    def title(self) -> str:
        return self.current.title

    @property
    def version(self) -> Version:
        return self.current.version

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "spaceKey": self.space_key,
            "parentId": self.parent_id,
            "created": self.created.isoformat(),
            "author": self.author,
            "status": self.status,
            "position": self.position,
            "labels": [[lb.id, lb.name, lb.prefix] for lb in self.labels],
            "revisions": [{"version": r.version.to_json(), "title": r.title, "body": r.body} for r in self.revisions],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Page:
        return cls(
            id=data["id"],
            space_key=data["spaceKey"],
            parent_id=data["parentId"],
            created=datetime.fromisoformat(data["created"]),
            author=data["author"],
            status=data["status"],
            position=data["position"],
            labels=[Label(*lb) for lb in data["labels"]],
            revisions=[PageRevision(Version.from_json(r["version"]), r["title"], r["body"]) for r in data["revisions"]],
        )


@dataclass(slots=True)
class AttachmentRevision:
    version: Version
    data: bytes
    media_type: str
    comment: str = ""


@dataclass(slots=True)
class Attachment:
    id: str  # "att123"
    page_id: str
    title: str  # the file name
    created: datetime
    revisions: list[AttachmentRevision]

    @property
    def current(self) -> AttachmentRevision:
        return self.revisions[-1]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "pageId": self.page_id,
            "title": self.title,
            "created": self.created.isoformat(),
            "revisions": [
                {
                    "version": r.version.to_json(),
                    "data": base64.b64encode(r.data).decode("ascii"),
                    "mediaType": r.media_type,
                    "comment": r.comment,
                }
                for r in self.revisions
            ],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Attachment:
        return cls(
            id=data["id"],
            page_id=data["pageId"],
            title=data["title"],
            created=datetime.fromisoformat(data["created"]),
            revisions=[
                AttachmentRevision(
                    Version.from_json(r["version"]), base64.b64decode(r["data"]), r["mediaType"], r["comment"]
                )
                for r in data["revisions"]
            ],
        )


@dataclass(slots=True)
class Space:
    id: int
    key: str
    name: str
    homepage_id: str
    created: datetime
    author: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "key": self.key,
            "name": self.name,
            "homepageId": self.homepage_id,
            "created": self.created.isoformat(),
            "author": self.author,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Space:
        return cls(
            id=data["id"],
            key=data["key"],
            name=data["name"],
            homepage_id=data["homepageId"],
            created=datetime.fromisoformat(data["created"]),
            author=data["author"],
        )
