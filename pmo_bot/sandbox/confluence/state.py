"""The Confluence site held by the sandbox: every mutation goes through here, under one lock.

The rules that real Confluence enforces live here, so v1 and v2 share them: titles unique per space (compared
case-insensitively, as Confluence does), a page update must carry version = current + 1, bodies must be
well-formed storage format, one attachment per file name per page.
"""

from __future__ import annotations

import html
import threading
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from pmo_bot.sandbox.confluence.model import (
    Attachment,
    AttachmentRevision,
    BadRequest,
    Conflict,
    Forbidden,
    Label,
    NotFound,
    Page,
    PageRevision,
    Space,
    Version,
)
from pmo_bot.sandbox.confluence.operations import DEFAULT_OPERATIONS, Operation
from pmo_bot.sandbox.confluence.properties import PropertyStore
from pmo_bot.sandbox.confluence.storage import StorageFormatError, validate_storage
from pmo_bot.sandbox.seed.model import SeedSpace

SEED_AUTHOR = "sandbox-admin"
_FIRST_CONTENT_ID = 98_305
_FIRST_SPACE_ID = 32_769
_MAX_TITLE = 255
_LABEL_FORBIDDEN = set(" \t\r\n!#&()*,.:;<>?@[]^")


class ConfluenceState:
    def __init__(self, clock: Callable[[], datetime] | None = None) -> None:
        self._clock = clock or (lambda: datetime.now(UTC))
        self.lock = threading.RLock()
        self.space_operations: dict[str, frozenset[Operation]] = {}  # the login's, where not the default
        self._clear()

    def _clear(self) -> None:
        self.spaces: dict[str, Space] = {}
        self.pages: dict[str, Page] = {}
        self.attachments: dict[str, Attachment] = {}
        self._label_ids: dict[str, str] = {}
        self.properties = PropertyStore()
        self._next_id = _FIRST_CONTENT_ID
        self._next_space_id = _FIRST_SPACE_ID

    # ---- identity and time -------------------------------------------------------------------------------
    def now(self) -> datetime:
        return self._clock()

    def _new_id(self) -> str:
        self._next_id += 1
        return str(self._next_id)

    # ---- seeding and persistence -------------------------------------------------------------------------
    def load(self, spaces: Sequence[SeedSpace], now: datetime) -> None:
        """Replace everything with the seeded spaces; pages name their parent by title (home page if none)."""
        with self.lock:
            self._clear()
            for seed in spaces:
                self._next_space_id += 1
                home_body = seed.home_body or f"<p>Welcome to {html.escape(seed.name)}.</p>"
                self._checked_body(home_body)
                home = self._insert_page(seed.key, seed.home_title, home_body, None, now)
                self.spaces[seed.key] = Space(self._next_space_id, seed.key, seed.name, home.id, now, SEED_AUTHOR)
                for seed_page in seed.pages:
                    parent = self.find_by_title(seed.key, seed_page.parent_title) if seed_page.parent_title else home
                    if parent is None:
                        raise ValueError(f"seed page {seed_page.title!r} names a missing parent")
                    self._checked_body(seed_page.body)
                    self._insert_page(seed.key, seed_page.title, seed_page.body, parent.id, now)

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {
                "nextId": self._next_id,
                "nextSpaceId": self._next_space_id,
                "labelIds": dict(self._label_ids),
                "spaces": [s.to_json() for s in self.spaces.values()],
                "pages": [p.to_json() for p in self.pages.values()],
                "attachments": [a.to_json() for a in self.attachments.values()],
                "properties": self.properties.to_json(),
            }

    @classmethod
    def restore(cls, data: dict[str, Any], clock: Callable[[], datetime] | None = None) -> ConfluenceState:
        state = cls(clock)
        state._next_id = data["nextId"]
        state._next_space_id = data["nextSpaceId"]
        state._label_ids = dict(data["labelIds"])
        state.spaces = {s["key"]: Space.from_json(s) for s in data["spaces"]}
        state.pages = {p["id"]: Page.from_json(p) for p in data["pages"]}
        state.attachments = {a["id"]: Attachment.from_json(a) for a in data["attachments"]}
        state.properties = PropertyStore.from_json(data.get("properties"))
        return state

    # ---- reads -------------------------------------------------------------------------------------------
    def space(self, key: str) -> Space:
        found = self.spaces.get(key)
        if found is None:
            raise NotFound(f"No space with key : {key}")
        return found

    def space_by_id(self, space_id: int) -> Space:
        for space in self.spaces.values():
            if space.id == space_id:
                return space
        raise NotFound(f"No space with id : {space_id}")

    def page(self, page_id: str, *, statuses: Iterable[str] = ("current",)) -> Page:
        found = self.pages.get(page_id)
        if found is None or found.status not in statuses:
            raise NotFound(f"No content found with id: ContentId{{id={page_id}}}")
        return found

    def all_pages(self, status: Iterable[str] = ("current",)) -> list[Page]:
        wanted = set(status)
        return sorted((p for p in self.pages.values() if p.status in wanted), key=lambda p: int(p.id))

    def find_by_title(self, space_key: str, title: str) -> Page | None:
        folded = title.casefold()
        for page in self.pages.values():
            if page.space_key == space_key and page.status == "current" and page.title.casefold() == folded:
                return page
        return None

    def children(self, page_id: str) -> list[Page]:
        kids = [p for p in self.pages.values() if p.parent_id == page_id and p.status == "current"]
        return sorted(kids, key=lambda p: (p.position, int(p.id)))

    def ancestors(self, page: Page) -> list[Page]:
        chain: list[Page] = []
        parent_id = page.parent_id
        while parent_id is not None and parent_id in self.pages:
            parent = self.pages[parent_id]
            chain.append(parent)
            parent_id = parent.parent_id
        return list(reversed(chain))

    def attachments_of(self, page_id: str, filename: str | None = None) -> list[Attachment]:
        found = [a for a in self.attachments.values() if a.page_id == page_id]
        if filename is not None:
            found = [a for a in found if a.title == filename]
        return sorted(found, key=lambda a: int(a.id.removeprefix("att")))

    def attachment(self, attachment_id: str) -> Attachment:
        found = self.attachments.get(attachment_id)
        if found is None:
            raise NotFound(f"No content found with id: ContentId{{id={attachment_id}}}")
        return found

    # ---- page writes -------------------------------------------------------------------------------------
    def operations(self, space_key: str) -> frozenset[Operation]:
        return self.space_operations.get(space_key, DEFAULT_OPERATIONS)

    def require(self, space_key: str, operation: str, target: str) -> None:
        if (operation, target) not in self.operations(space_key):
            raise Forbidden(f"User is not permitted to {operation} {target} in space {space_key}")  # UNCERTAIN

    def create_page(
        self, space_key: str, title: str, body: str, *, parent_id: str | None, by: str, message: str = ""
    ) -> Page:
        with self.lock:
            space = self.space(space_key)
            self.require(space.key, "create", "page")
            self._checked_title(space_key, title, None)
            self._checked_body(body)
            parent = self.page(parent_id) if parent_id else self.page(space.homepage_id)
            if parent.space_key != space_key:
                raise BadRequest("The parent page must be in the same space as the new page")
            return self._insert_page(space_key, title, body, parent.id, self.now(), by=by, message=message)

    def update_page(
        self,
        page_id: str,
        *,
        title: str,
        body: str,
        version: int | None,
        by: str,
        message: str = "",
        minor_edit: bool = False,
        parent_id: str | None = None,
    ) -> Page:
        """``parent_id`` None keeps the parent (v1 without ``ancestors``, v2 without ``parentId``)."""
        with self.lock:
            page = self.page(page_id)
            self.require(page.space_key, "create", "page")  # "Add page" is what lets one edit pages
            current = page.version.number
            if version != current + 1:
                raise Conflict(f"Version must be incremented on update. Current version is: {current}")
            self._checked_title(page.space_key, title, page.id)
            self._checked_body(body)
            if parent_id is not None and parent_id != page.parent_id:
                parent = self.page(parent_id)
                if parent.space_key != page.space_key or page.id in {a.id for a in self.ancestors(parent)} | {
                    parent.id
                }:
                    raise BadRequest(f"Cannot move page {page.id} under {parent_id}")
                page.parent_id = parent_id
            stamp = Version(current + 1, self.now(), by, message, minor_edit)
            page.revisions.append(PageRevision(stamp, title, body))
            return page

    def trash_page(self, page_id: str) -> None:
        with self.lock:
            self.page(page_id).status = "trashed"

    # ---- labels ------------------------------------------------------------------------------------------
    def add_labels(self, page_id: str, names: Iterable[tuple[str, str]]) -> list[Label]:
        """Add (prefix, name) labels; Confluence lower-cases names and ignores ones already present."""
        with self.lock:
            page = self.page(page_id)
            for prefix, raw in names:
                name = raw.strip().lower()
                if not name or len(name) > _MAX_TITLE or set(name) & _LABEL_FORBIDDEN:
                    raise BadRequest(f"Label name '{raw}' contains invalid characters or is empty")
                if any(lb.name == name for lb in page.labels):
                    continue
                label_id = self._label_ids.setdefault(name, str(len(self._label_ids) + 1))
                page.labels.append(Label(label_id, name, prefix or "global"))
            return list(page.labels)

    def remove_label(self, page_id: str, name: str) -> None:
        with self.lock:
            page = self.page(page_id)
            kept = [lb for lb in page.labels if lb.name != name.lower()]
            if len(kept) == len(page.labels):
                raise NotFound(f"Label '{name}' is not on content with id {page_id}")
            page.labels = kept

    # ---- attachments -------------------------------------------------------------------------------------
    def add_attachment(
        self, page_id: str, filename: str, data: bytes, *, media_type: str, comment: str, minor_edit: bool, by: str
    ) -> Attachment:
        with self.lock:
            self.require(self.page(page_id).space_key, "create", "attachment")
            if self.attachments_of(page_id, filename):
                raise BadRequest(
                    f"Cannot add a new attachment with same file name as an existing attachment: {filename}"
                )
            attachment_id = "att" + self._new_id()
            stamp = Version(1, self.now(), by, comment, minor_edit)
            attachment = Attachment(
                attachment_id, page_id, filename, stamp.when, [AttachmentRevision(stamp, data, media_type, comment)]
            )
            self.attachments[attachment_id] = attachment
            return attachment

    def update_attachment_data(
        self, attachment: Attachment, data: bytes, *, media_type: str, comment: str, minor_edit: bool, by: str
    ) -> Attachment:
        with self.lock:
            self.require(self.page(attachment.page_id).space_key, "create", "attachment")
            stamp = Version(attachment.current.version.number + 1, self.now(), by, comment, minor_edit)
            attachment.revisions.append(AttachmentRevision(stamp, data, media_type, comment))
            return attachment

    # ---- internals ---------------------------------------------------------------------------------------
    def _insert_page(
        self,
        space_key: str,
        title: str,
        body: str,
        parent_id: str | None,
        when: datetime,
        *,
        by: str = SEED_AUTHOR,
        message: str = "",
    ) -> Page:
        page_id = self._new_id()
        position = len(self.children(parent_id)) if parent_id else 0
        revision = PageRevision(Version(1, when, by, message, False), title, body)
        page = Page(page_id, space_key, parent_id, when, by, [revision], position=position)
        self.pages[page_id] = page
        return page

    def _checked_title(self, space_key: str, title: str, own_id: str | None) -> None:
        if not title or not title.strip():
            raise BadRequest("Title cannot be empty")
        if len(title) > _MAX_TITLE:
            raise BadRequest(f"Title cannot be longer than {_MAX_TITLE} characters")
        clash = self.find_by_title(space_key, title)
        if clash is not None and clash.id != own_id:
            raise BadRequest(
                "A page with this title already exists: A page already exists with the same TITLE in this space"
            )

    @staticmethod
    def _checked_body(body: str) -> None:
        try:
            validate_storage(body)
        except StorageFormatError as exc:
            raise BadRequest(str(exc)) from None
