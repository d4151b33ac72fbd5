"""Publish a rendered report to Confluence, idempotently, without losing what people wrote.

- The page of a week is found by its stored id, then by title under the parent: never a duplicate.
- A content fingerprint (title, body without its volatile "as of" text, attachment hashes) is kept in the page's
  content property ``pmo-bot.report``, not in the page text; an unchanged report writes nothing.
- Order: attachments before the body that shows them. A new page is created with a one-line placeholder, its
  files attached, then its body written, so a run killed at any point never leaves a page with missing images;
  the fingerprint is written last, so the next run finishes whatever an interrupted one left.
- The first real content of a week notifies watchers; every later update of it is a minor edit (no notification).
- The "PMO commentary" section is carried over (``human``); when someone edited the page since the bot's last
  version, the edit stays in the page history and is reported (log event and run summary).
- A 409 (someone saved first) is resolved by re-reading the version and retrying once.
- Attachments carry their hash in their comment and are re-uploaded only when they changed or went missing.
- The index of weekly pages is a child page the bot owns; the parent page's own body is never written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol

from pmo_bot import logs
from pmo_bot.atlassian.confluence import Attachment, ContentProperty, Page, PageConflict
from pmo_bot.errors import ConfigError
from pmo_bot.report.human import carry_commentary
from pmo_bot.store import Store
from pmo_bot.store.records import ReportPage

log = logs.get_logger(__name__)

PROPERTY = "pmo-bot.report"
PLACEHOLDER = "<p><em>pmo-bot is publishing this week's report; it appears here in a moment.</em></p>"
INDEX_TITLE = "{parent} — index"


class ConfluencePort(Protocol):
    def find_page(self, space_key: str, title: str, parent_id: str | None = None) -> Page | None: ...
    def get_page(self, page_id: str) -> Page | None: ...
    def create_page(self, space_key: str, parent_id: str, title: str, body: str, message: str) -> Page: ...
    def update_page(self, page: Page, title: str, body: str, message: str, *, minor: bool = False) -> Page: ...
    def labels(self, page_id: str) -> set[str]: ...
    def add_labels(self, page_id: str, labels: list[str]) -> None: ...
    def attachments(self, page_id: str) -> dict[str, Attachment]: ...
    def upload(
        self, page_id: str, filename: str, data: bytes, *, media_type: str, comment: str, existing: Attachment | None
    ) -> None: ...
    def get_property(self, page_id: str, key: str) -> ContentProperty | None: ...
    def set_property(self, page_id: str, key: str, value: Any, existing: ContentProperty | None) -> ContentProperty: ...
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
    body: str  # storage format, as published
    files: tuple[File, ...] = ()
    labels: tuple[str, ...] = ()
    content: str | None = None  # the body without volatile text ("as of"), for the fingerprint; None: the body

    def fingerprint(self) -> str:
        text = self.body if self.content is None else self.content
        digest = hashlib.sha256(self.title.encode() + b"\0" + text.encode())
        for f in sorted(self.files, key=lambda f: f.filename):
            digest.update(f"\0{f.filename}\0{f.digest}".encode())
        return digest.hexdigest()[:32]


Action = Literal["created", "updated", "unchanged"]


@dataclass(frozen=True, slots=True)
class Published:
    page_id: str
    url: str
    action: Action
    version: int
    files_written: int
    labels_added: int
    edited_by_others: str | None = None  # a sentence when people edited the page since the bot's last version


@dataclass(frozen=True, slots=True)
class _Outcome:
    page: Page
    action: Action
    files_written: int
    edited_by_others: str | None


def _recorded(prop: ContentProperty | None) -> dict[str, Any]:
    return dict(prop.value) if prop is not None and isinstance(prop.value, dict) else {}


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

    def sync_files(self, page_id: str, files: Sequence[File]) -> int:
        """Upload the files that are missing or differ (by the hash in their comment); how many were written."""
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

    def _update(self, page: Page, rendered: RenderedPage, message: str, *, minor: bool) -> Page:
        try:
            return self.confluence.update_page(
                page, rendered.title, carry_commentary(page.body, rendered.body), message, minor=minor
            )
        except PageConflict:
            fresh = self.confluence.get_page(page.id)
            if fresh is None:
                raise
            log.info("page_conflict_retried", page_id=page.id, version=fresh.version)
            return self.confluence.update_page(
                fresh, rendered.title, carry_commentary(fresh.body, rendered.body), message, minor=minor
            )

    def publish(self, rendered: RenderedPage, *, parent: Page, existing: Page | None, message: str) -> _Outcome:
        fingerprint = rendered.fingerprint()
        if existing is None:
            # Placeholder first when there are files: the body that shows them is written once they are attached.
            first = rendered.body if not rendered.files else PLACEHOLDER
            page = self.confluence.create_page(self.space, parent.id, rendered.title, first, message)
            files = self.sync_files(page.id, rendered.files)
            if rendered.files:
                page = self.confluence.update_page(page, rendered.title, rendered.body, message, minor=True)
            self.confluence.set_property(page.id, PROPERTY, {"fingerprint": fingerprint, "version": page.version}, None)
            return _Outcome(page, "created", files, None)
        prop = self.confluence.get_property(existing.id, PROPERTY)
        recorded = _recorded(prop)
        edited = self._edited_by_others(existing, recorded)
        files = self.sync_files(existing.id, rendered.files)  # also repairs a missing or damaged attachment
        if recorded.get("fingerprint") == fingerprint:
            return _Outcome(existing, "unchanged", files, edited)
        # The first real content after an interrupted create still notifies; later updates of the week do not.
        page = self._update(existing, rendered, message, minor=prop is not None)
        self.confluence.set_property(page.id, PROPERTY, {"fingerprint": fingerprint, "version": page.version}, prop)
        return _Outcome(page, "updated", files, edited)

    def _edited_by_others(self, page: Page, recorded: dict[str, Any]) -> str | None:
        ours = recorded.get("version")
        if not isinstance(ours, int) or isinstance(ours, bool) or page.version <= ours:
            return None
        log.warning("report_page_edited_by_others", page_id=page.id, title=page.title, bot_version=ours,
                    version=page.version)  # fmt: skip
        return (
            f"{page.title!r} was edited by someone else since pmo-bot's version {ours} (now version {page.version}): "
            "the PMO commentary section is carried over, and every earlier version stays in the page history"
        )

    def publish_week(self, week: str, rendered: RenderedPage, now: datetime) -> Published:
        parent = self.parent()
        existing = self.existing(week, rendered.title, parent)
        done = self.publish(rendered, parent=parent, existing=existing, message=f"pmo-bot weekly report {week}")
        page = done.page
        labels_added = self.sync_labels(page.id, rendered.labels)
        stored = self.store.pages.get(week)
        if done.action == "unchanged" and stored is not None and stored.page_id == page.id:
            now = stored.published_at  # the index shows when the week was last written, not last looked at
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
        log.info("report_published", week=week, page_id=page.id, action=done.action, version=page.version)
        return Published(
            page.id,
            self.confluence.view_url(page.id),
            done.action,
            page.version,
            done.files_written,
            labels_added,
            done.edited_by_others,
        )

    def index_title(self) -> str:
        return INDEX_TITLE.format(parent=self.parent_title)

    def publish_index(self, rendered: RenderedPage) -> tuple[Page, Action]:
        """The index of weekly pages: a child page of the parent that the bot owns (the parent is never written)."""
        parent = self.parent()
        existing = self.confluence.find_page(self.space, rendered.title, parent.id)
        done = self.publish(rendered, parent=parent, existing=existing, message="pmo-bot report index")
        return done.page, done.action
