"""The publisher against a fake Confluence: idempotent writes, one retry on a conflict, files by hash before
the body, the fingerprint in a content property, minor edits after the first publish, and people's text kept."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pmo_bot.atlassian.confluence import Attachment, ContentProperty, Page, PageConflict
from pmo_bot.errors import ConfigError
from pmo_bot.report.publish import PLACEHOLDER, PROPERTY, File, Publisher, RenderedPage
from pmo_bot.store import Store, open_store

NOW = datetime(2026, 11, 28, 7, 0, tzinfo=UTC)


@dataclass
class FakeConfluence:
    """Records every write; ``conflicts`` makes the next updates fail with 409 as if someone saved first."""

    pages: dict[str, Page] = field(default_factory=dict)
    files: dict[tuple[str, str], Attachment] = field(default_factory=dict)
    page_labels: dict[str, set[str]] = field(default_factory=dict)
    writes: list[str] = field(default_factory=list)
    props: dict[tuple[str, str], ContentProperty] = field(default_factory=dict)
    minor: dict[tuple[str, int], bool] = field(default_factory=dict)
    conflicts: int = 0
    die_after: str | None = None  # raise after the write that starts with this text (a killed run)

    def __post_init__(self) -> None:
        self.pages["1"] = Page("1", "Portfolio reports", 1, body="<p>index</p>")

    def _wrote(self, what: str) -> None:
        self.writes.append(what)
        if self.die_after is not None and what.startswith(self.die_after):
            self.die_after = None
            raise KeyboardInterrupt(f"killed after {what}")

    def find_page(self, space_key: str, title: str, parent_id: str | None = None) -> Page | None:
        return next((p for p in self.pages.values() if p.title == title), None)

    def get_page(self, page_id: str) -> Page | None:
        return self.pages.get(page_id)

    def create_page(self, space_key: str, parent_id: str, title: str, body: str, message: str) -> Page:
        page = Page(str(len(self.pages) + 1), title, 1, parent_id=parent_id, body=body)
        self.pages[page.id] = page
        self._wrote(f"create {title}")
        return page

    def update_page(self, page: Page, title: str, body: str, message: str, *, minor: bool = False) -> Page:
        current = self.pages[page.id]
        if self.conflicts or page.version != current.version:
            self.conflicts = max(0, self.conflicts - 1)
            raise PageConflict("Version must be incremented on update", status=409)
        self.pages[page.id] = replace(current, version=current.version + 1, body=body)
        self.minor[(page.id, current.version + 1)] = minor
        self._wrote(f"update {title} v{current.version + 1}")
        return self.pages[page.id]

    def human_edit(self, page_id: str, body: str) -> None:
        current = self.pages[page_id]
        self.pages[page_id] = replace(current, version=current.version + 1, body=body)

    def get_property(self, page_id: str, key: str) -> ContentProperty | None:
        return self.props.get((page_id, key))

    def set_property(self, page_id: str, key: str, value: object, existing: ContentProperty | None) -> ContentProperty:
        assert (existing is None) == ((page_id, key) not in self.props), "create vs update must match the site"
        version = existing.version + 1 if existing else 1
        self.props[(page_id, key)] = ContentProperty(f"p{page_id}", key, value, version)
        self._wrote(f"property {key}")
        return self.props[(page_id, key)]

    def labels(self, page_id: str) -> set[str]:
        return set(self.page_labels.get(page_id, set()))

    def add_labels(self, page_id: str, labels: list[str]) -> None:
        self.page_labels.setdefault(page_id, set()).update(labels)
        self._wrote(f"label {','.join(labels)}")

    def attachments(self, page_id: str) -> dict[str, Attachment]:
        return {name: a for (pid, name), a in self.files.items() if pid == page_id}

    def upload(
        self, page_id: str, filename: str, data: bytes, *, media_type: str, comment: str, existing: Attachment | None
    ) -> None:
        self.files[(page_id, filename)] = Attachment(
            existing.id if existing else f"att{len(self.files)}", filename, comment
        )
        self._wrote(f"{'update' if existing else 'attach'} {filename}")

    def view_url(self, page_id: str) -> str:
        return f"https://wiki/pages/{page_id}"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(f"sqlite:///{tmp_path / 'pmo.db'}") as opened:
        yield opened


COMMENTARY = "<h2>PMO commentary</h2><p><em>placeholder</em></p>"


def page(body: str = "<p>ok</p>", chart: bytes = b"png-1", *, content: str | None = None) -> RenderedPage:
    return RenderedPage("Report W48", body + COMMENTARY + "<h2>Projects</h2>", (File("trend.png", chart, "image/png"),),
                        ("pmo-report",), content)  # fmt: skip


def publisher(fake: FakeConfluence, store: Store) -> Publisher:
    return Publisher(fake, store, space="PMO", parent_title="Portfolio reports")


def test_same_content_twice_writes_nothing_the_second_time(store: Store) -> None:
    fake = FakeConfluence()
    first = publisher(fake, store).publish_week("2026-W48", page(), NOW)
    writes = list(fake.writes)
    again = publisher(fake, store).publish_week("2026-W48", page(), NOW)
    assert (first.action, again.action) == ("created", "unchanged")
    assert fake.writes == writes
    # The images exist before the body that shows them; the fingerprint is written last, not in the page text.
    assert writes == ["create Report W48", "attach trend.png", "update Report W48 v2", f"property {PROPERTY}",
                      "label pmo-report"]  # fmt: skip
    body = fake.pages[first.page_id].body or ""
    assert "fingerprint" not in body
    assert fake.props[(first.page_id, PROPERTY)].value["fingerprint"] == page().fingerprint()


def test_a_change_of_the_volatile_text_alone_writes_nothing(store: Store) -> None:
    fake = FakeConfluence()
    publisher(fake, store).publish_week("2026-W48", page("<p>as of Monday</p>", content="<p>same</p>"), NOW)
    fake.writes.clear()
    again = publisher(fake, store).publish_week("2026-W48", page("<p>as of Tuesday</p>", content="<p>same</p>"), NOW)
    assert (again.action, fake.writes) == ("unchanged", [])


def test_a_lost_database_still_finds_the_page_by_title(tmp_path: Path, store: Store) -> None:
    fake = FakeConfluence()
    publisher(fake, store).publish_week("2026-W48", page(), NOW)
    with open_store(f"sqlite:///{tmp_path / 'other.db'}") as fresh:
        assert publisher(fake, fresh).publish_week("2026-W48", page(), NOW).action == "unchanged"
    assert sum(p.title == "Report W48" for p in fake.pages.values()) == 1


def test_changed_content_is_a_minor_edit_and_only_changed_files_are_uploaded(store: Store) -> None:
    fake = FakeConfluence()
    publisher(fake, store).publish_week("2026-W48", page(), NOW)
    fake.writes.clear()
    result = publisher(fake, store).publish_week("2026-W48", page(body="<p>new</p>"), NOW)
    assert (result.action, result.version, result.files_written) == ("updated", 3, 0)
    assert fake.minor[(result.page_id, 3)] is True  # watchers were told of the week's page once
    fake.writes.clear()
    publisher(fake, store).publish_week("2026-W48", page(body="<p>new</p>", chart=b"png-2"), NOW)
    assert fake.writes == ["update trend.png", "update Report W48 v4", f"property {PROPERTY}"]  # file first


def test_a_conflict_is_resolved_by_rereading_the_version_once(store: Store) -> None:
    fake = FakeConfluence()
    publisher(fake, store).publish_week("2026-W48", page(), NOW)
    fake.conflicts = 1
    assert publisher(fake, store).publish_week("2026-W48", page(body="<p>new</p>"), NOW).action == "updated"
    fake.conflicts = 2
    with pytest.raises(PageConflict):
        publisher(fake, store).publish_week("2026-W48", page(body="<p>newer</p>"), NOW)


@pytest.mark.parametrize("killed_after", ["create", "attach", "update Report", "property"])
def test_a_killed_publish_never_shows_a_missing_image_and_the_next_run_completes_it(
    store: Store, killed_after: str
) -> None:
    fake = FakeConfluence(die_after=killed_after)
    with pytest.raises(KeyboardInterrupt):
        publisher(fake, store).publish_week("2026-W48", page(), NOW)
    (week_page,) = [p for p in fake.pages.values() if p.title == "Report W48"]
    if week_page.body != PLACEHOLDER:  # the report's body (and its charts) only once the chart is attached
        assert (week_page.id, "trend.png") in fake.files
    done = publisher(fake, store).publish_week("2026-W48", page(), NOW)
    assert fake.pages[done.page_id].body == page().body
    assert (done.page_id, "trend.png") in fake.files
    assert fake.props[(done.page_id, PROPERTY)].value["fingerprint"] == page().fingerprint()
    fake.writes.clear()
    assert publisher(fake, store).publish_week("2026-W48", page(), NOW).action == "unchanged"
    assert fake.writes == []


def test_an_attachment_deleted_by_hand_is_put_back_by_the_next_run(store: Store) -> None:
    fake = FakeConfluence()
    first = publisher(fake, store).publish_week("2026-W48", page(), NOW)
    del fake.files[(first.page_id, "trend.png")]
    again = publisher(fake, store).publish_week("2026-W48", page(), NOW)
    assert (again.action, again.files_written) == ("unchanged", 1)
    assert (first.page_id, "trend.png") in fake.files


def test_the_pmo_commentary_survives_and_an_edit_elsewhere_is_reported(store: Store) -> None:
    fake = FakeConfluence()
    first = publisher(fake, store).publish_week("2026-W48", page(), NOW)
    written = fake.pages[first.page_id].body or ""
    edited = written.replace("<p><em>placeholder</em></p>", "<p>Board: hold CRM-17.</p>").replace(
        "<p>ok</p>", "<p>ok, and a note in the wrong place</p>"
    )
    fake.human_edit(first.page_id, edited)
    result = publisher(fake, store).publish_week("2026-W48", page(body="<p>new</p>"), NOW)
    body = fake.pages[first.page_id].body or ""
    assert "<h2>PMO commentary</h2><p>Board: hold CRM-17.</p><h2>Projects</h2>" in body
    assert "<p>new</p>" in body
    assert result.edited_by_others is not None
    assert "version 2 (now version 3)" in result.edited_by_others
    assert "page history" in result.edited_by_others
    # Unchanged content after the edit: nothing is written, and the person's version stays as it is.
    fake.human_edit(first.page_id, body + "<p>late note</p>")
    fake.writes.clear()
    quiet = publisher(fake, store).publish_week("2026-W48", page(body="<p>new</p>"), NOW)
    assert (quiet.action, fake.writes) == ("unchanged", [])
    assert quiet.edited_by_others is not None


def test_the_index_is_a_child_page_and_the_parent_body_is_never_written(store: Store) -> None:
    fake = FakeConfluence()
    pub = publisher(fake, store)
    index, action = pub.publish_index(RenderedPage(pub.index_title(), "<p>weeks</p>"))
    assert action == "created"
    assert (index.title, index.parent_id) == ("Portfolio reports — index", "1")
    assert fake.pages["1"].body == "<p>index</p>"  # the people's parent page as it was
    assert publisher(fake, store).publish_index(RenderedPage(pub.index_title(), "<p>weeks</p>"))[1] == "unchanged"


def test_a_missing_parent_page_says_how_to_fix_it(store: Store) -> None:
    with pytest.raises(ConfigError, match="PMO_CONFLUENCE_PARENT_TITLE"):
        Publisher(FakeConfluence(), store, space="PMO", parent_title="Nope").publish_week("2026-W48", page(), NOW)
