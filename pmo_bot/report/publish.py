"""Publish a rendered report to Confluence, idempotently.

- The page of a week is found by its stored id, then by title under the parent: never a duplicate.
- The body carries a content fingerprint; an unchanged report writes no new version.
- A 409 (someone saved first) is resolved by re-reading the version and retrying once.
- Attachments carry their hash in their comment and are re-uploaded only when they changed.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from pmo_bot import logs
from pmo_bot.atlassian.confluence import Attachment, Page, PageConflict
from pmo_bot.errors import ConfigError
from pmo_bot.store import Store
from pmo_bot.store.records import ReportPage

log = logs.get_logger(__name__)

_FINGERPRINT = re.compile(r"pmo-bot report fingerprint ([0-9a-f]{16,64})")


class ConfluencePort(Protocol):
    def find_page(self, space_key: str, title: str, parent_id: str | None = None) -> Page | None: ...
    def get_page(self, page_id: str) -> Page | None: ...
    def create_page(self, space_key: str, parent_id: str, title: str, body: str, message: str) -> Page: ...
    def update_page(self, page: Page, title: str, body: str, message: str) -> Page: ...
    def labels(self, page_id: str) -> set[str]: ...
    def add_labels(self, page_id: str, labels: list[str]) -> None: ...
    def attachments(self, page_id: str) -> dict[str, Attachment]: ...
    def upload(
        self, page_id: str, filename: str, data: bytes, *, media_type: str, comment: str, existing: Attachment | None
    ) -> None: ...
    def view_url(self, page_id: str) -> str: ...


@dataclass(frozen=True, slots=True)
class File:
    filename: str
    data: bytes
    media_type: str

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.data).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class RenderedPage:
    title: str
    body: str  # storage format, without the fingerprint footer (added here)
    files: tuple[File, ...] = ()
    labels: tuple[str, ...] = ()

    def fingerprint(self) -> str:
        digest = hashlib.sha256(self.title.encode() + b"\0" + self.body.encode())
        for f in sorted(self.files, key=lambda f: f.filename):
            digest.update(f"\0{f.filename}\0{f.digest}".encode())
        return digest.hexdigest()[:32]

    def body_with_fingerprint(self) -> str:
        return f'{self.body}<p style="color:#6b778c"><sub>pmo-bot report fingerprint {self.fingerprint()}</sub></p>'


Action = Literal["created", "updated", "unchanged"]


@dataclass(frozen=True, slots=True)
class Published:
    page_id: str
    url: str
    action: Action
    version: int
    files_written: int
    labels_added: int


def fingerprint_in(page: Page) -> str | None:
    found = _FINGERPRINT.search(page.body or "")
    return found.group(1) if found else None


class Publisher:
    def __init__(self, confluence: ConfluencePort, store: Store, *, space: str, parent_title: str) -> None:
        self.confluence = confluence
        self.store = store
        self.space = space
        self.parent_title = parent_title

    def parent(self) -> Page:
        parent = self.confluence.find_page(self.space, self.parent_title)
        if parent is None:
            raise ConfigError(
                f"parent page {self.parent_title!r} was not found in Confluence space {self.space}: create it, or set "
                "confluence_parent_title (PMO_CONFLUENCE_PARENT_TITLE) to an existing page"
            )
        return parent

    def existing(self, week: str, title: str, parent: Page) -> Page | None:
        stored = self.store.pages.get(week)
        if stored is not None:
            page = self.confluence.get_page(stored.page_id)
            if page is not None and page.title == title:
                return page
        return self.confluence.find_page(self.space, title, parent.id)

    def publish_page(
        self, rendered: RenderedPage, *, parent: Page, existing: Page | None, message: str
    ) -> tuple[Page, Action]:
        body = rendered.body_with_fingerprint()
        if existing is None:
            return self.confluence.create_page(self.space, parent.id, rendered.title, body, message), "created"
        if fingerprint_in(existing) == rendered.fingerprint():
            return existing, "unchanged"
        try:
            return self.confluence.update_page(existing, rendered.title, body, message), "updated"
        except PageConflict:
            fresh = self.confluence.get_page(existing.id)
            if fresh is None:
                raise
            log.info("page_conflict_retried", page_id=existing.id, version=fresh.version)
            if fingerprint_in(fresh) == rendered.fingerprint():
                return fresh, "unchanged"
            return self.confluence.update_page(fresh, rendered.title, body, message), "updated"

    def sync_files(self, page_id: str, files: Sequence[File]) -> int:
        current = self.confluence.attachments(page_id) if files else {}
        written = 0
        for f in files:
            existing = current.get(f.filename)
            comment = f"pmo-bot sha256:{f.digest}"
            if existing is not None and comment in existing.comment:
                continue
            self.confluence.upload(
                page_id, f.filename, f.data, media_type=f.media_type, comment=comment, existing=existing
            )
            written += 1
        return written

    def sync_labels(self, page_id: str, labels: Sequence[str]) -> int:
        missing = sorted(set(labels) - self.confluence.labels(page_id)) if labels else []
        if missing:
            self.confluence.add_labels(page_id, missing)
        return len(missing)

    def publish_week(self, week: str, rendered: RenderedPage, now: datetime) -> Published:
        parent = self.parent()
        existing = self.existing(week, rendered.title, parent)
        # Attachments first when the page exists, so the new version never shows a missing image.
        files_written = self.sync_files(existing.id, rendered.files) if existing else 0
        page, action = self.publish_page(
            rendered, parent=parent, existing=existing, message=f"pmo-bot weekly report {week}"
        )
        if existing is None:
            files_written = self.sync_files(page.id, rendered.files)
        labels_added = self.sync_labels(page.id, rendered.labels)
        self.store.pages.record(
            ReportPage(
                week=week,
                page_id=page.id,
                title=rendered.title,
                version=page.version,
                content_hash=rendered.fingerprint(),
                attachment_hashes={f.filename: f.digest for f in rendered.files},
                published_at=now,
            )
        )
        log.info("report_published", week=week, page_id=page.id, action=action, version=page.version)
        return Published(page.id, self.confluence.view_url(page.id), action, page.version, files_written, labels_added)

    def publish_index(self, rendered: RenderedPage) -> tuple[Page, Action]:
        """The parent page's own body: the latest headline and links to every weekly page."""
        parent = self.parent()
        fresh = self.confluence.get_page(parent.id) or parent
        page, action = self.publish_page(rendered, parent=parent, existing=fresh, message="pmo-bot report index")
        return page, action
