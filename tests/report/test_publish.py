"""The publisher against a fake Confluence: idempotent writes, one retry on a conflict, files by hash."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pmo_bot.atlassian.confluence import Attachment, Page, PageConflict
from pmo_bot.errors import ConfigError
from pmo_bot.report.publish import File, Publisher, RenderedPage
from pmo_bot.store import Store, open_store

NOW = datetime(2026, 11, 28, 7, 0, tzinfo=UTC)


@dataclass
class FakeConfluence:
    """Records every write; ``conflicts`` makes the next updates fail with 409 as if someone saved first."""

    pages: dict[str, Page] = field(default_factory=dict)
    files: dict[tuple[str, str], Attachment] = field(default_factory=dict)
    page_labels: dict[str, set[str]] = field(default_factory=dict)
    writes: list[str] = field(default_factory=list)
    conflicts: int = 0

    def __post_init__(self) -> None:
        self.pages["1"] = Page("1", "Portfolio reports", 1, body="<p>index</p>")

    def find_page(self, space_key: str, title: str, parent_id: str | None = None) -> Page | None:
        return next((p for p in self.pages.values() if p.title == title), None)

    def get_page(self, page_id: str) -> Page | None:
        return self.pages.get(page_id)

    def create_page(self, space_key: str, parent_id: str, title: str, body: str, message: str) -> Page:
        page = Page(str(len(self.pages) + 1), title, 1, parent_id=parent_id, body=body)
        self.pages[page.id] = page
        self.writes.append(f"create {title}")
        return page

    def update_page(self, page: Page, title: str, body: str, message: str) -> Page:
        current = self.pages[page.id]
        if self.conflicts or page.version != current.version:
            self.conflicts = max(0, self.conflicts - 1)
            raise PageConflict("Version must be incremented on update", status=409)
        self.pages[page.id] = replace(current, version=current.version + 1, body=body)
        self.writes.append(f"update {title} v{current.version + 1}")
        return self.pages[page.id]

    def labels(self, page_id: str) -> set[str]:
        return set(self.page_labels.get(page_id, set()))

    def add_labels(self, page_id: str, labels: list[str]) -> None:
        self.page_labels.setdefault(page_id, set()).update(labels)
        self.writes.append(f"label {','.join(labels)}")

    def attachments(self, page_id: str) -> dict[str, Attachment]:
        return {name: a for (pid, name), a in self.files.items() if pid == page_id}

    def upload(
        self, page_id: str, filename: str, data: bytes, *, media_type: str, comment: str, existing: Attachment | None
    ) -> None:
        self.files[(page_id, filename)] = Attachment(
            existing.id if existing else f"att{len(self.files)}", filename, comment
        )
        self.writes.append(f"{'update' if existing else 'attach'} {filename}")

    def view_url(self, page_id: str) -> str:
        return f"https://wiki/pages/{page_id}"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(f"sqlite:///{tmp_path / 'pmo.db'}") as opened:
        yield opened


def page(body: str = "<p>ok</p>", chart: bytes = b"png-1") -> RenderedPage:
    return RenderedPage("Report W48", body, (File("trend.png", chart, "image/png"),), ("pmo-report",))


def publisher(fake: FakeConfluence, store: Store) -> Publisher:
    return Publisher(fake, store, space="PMO", parent_title="Portfolio reports")


def test_same_content_twice_writes_nothing_the_second_time(store: Store) -> None:
    fake = FakeConfluence()
    first = publisher(fake, store).publish_week("2026-W48", page(), NOW)
    writes = list(fake.writes)
    again = publisher(fake, store).publish_week("2026-W48", page(), NOW)
    assert (first.action, again.action) == ("created", "unchanged")
    assert fake.writes == writes
    assert writes == ["create Report W48", "attach trend.png", "label pmo-report"]


def test_a_lost_database_still_finds_the_page_by_title(tmp_path: Path, store: Store) -> None:
    fake = FakeConfluence()
    publisher(fake, store).publish_week("2026-W48", page(), NOW)
    with open_store(f"sqlite:///{tmp_path / 'other.db'}") as fresh:
        assert publisher(fake, fresh).publish_week("2026-W48", page(), NOW).action == "unchanged"
    assert sum(p.title == "Report W48" for p in fake.pages.values()) == 1


def test_changed_content_is_one_new_version_and_only_changed_files_are_uploaded(store: Store) -> None:
    fake = FakeConfluence()
    publisher(fake, store).publish_week("2026-W48", page(), NOW)
    fake.writes.clear()
    result = publisher(fake, store).publish_week("2026-W48", page(body="<p>new</p>"), NOW)
    assert (result.action, result.version, result.files_written) == ("updated", 2, 0)
    fake.writes.clear()
    publisher(fake, store).publish_week("2026-W48", page(body="<p>new</p>", chart=b"png-2"), NOW)
    assert fake.writes == ["update trend.png", "update Report W48 v3"]  # the file in place, before the page


def test_a_conflict_is_resolved_by_rereading_the_version_once(store: Store) -> None:
    fake = FakeConfluence()
    publisher(fake, store).publish_week("2026-W48", page(), NOW)
    fake.conflicts = 1
    assert publisher(fake, store).publish_week("2026-W48", page(body="<p>new</p>"), NOW).action == "updated"
    fake.conflicts = 2
    with pytest.raises(PageConflict):
        publisher(fake, store).publish_week("2026-W48", page(body="<p>newer</p>"), NOW)


def test_the_index_is_the_parent_page_itself(store: Store) -> None:
    fake = FakeConfluence()
    _, action = publisher(fake, store).publish_index(RenderedPage("Portfolio reports", "<p>weeks</p>"))
    assert action == "updated"
    assert fake.pages["1"].body is not None
    assert "<p>weeks</p>" in fake.pages["1"].body


def test_a_missing_parent_page_says_how_to_fix_it(store: Store) -> None:
    with pytest.raises(ConfigError, match="PMO_CONFLUENCE_PARENT_TITLE"):
        Publisher(FakeConfluence(), store, space="PMO", parent_title="Nope").publish_week("2026-W48", page(), NOW)
