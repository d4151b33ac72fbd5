"""The Confluence state on its own: seeding, the rules it enforces, CQL, and snapshot/restore."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from pmo_bot.sandbox.confluence.cql import CqlError, search
from pmo_bot.sandbox.confluence.model import BadRequest, Conflict, NotFound
from pmo_bot.sandbox.confluence.state import ConfluenceState
from pmo_bot.sandbox.seed.model import SeedPage, SeedSpace

NOW = datetime(2026, 11, 20, 9, 58, tzinfo=UTC)


@pytest.fixture
def state() -> ConfluenceState:
    fresh = ConfluenceState(clock=lambda: NOW)
    fresh.load(
        [
            SeedSpace(
                "PMO",
                "Project Management Office",
                "PMO Home",
                (
                    SeedPage("Portfolio reports", "<p>Reports</p>"),
                    SeedPage("Week 1", "<p>w1</p>", parent_title="Portfolio reports"),
                    SeedPage("Week 2", "<p>w2</p>", parent_title="Portfolio reports"),
                ),
            ),
            SeedSpace("OPS", "Operations", "Ops Home", (SeedPage("Week 1", "<p>same title, other space</p>"),)),
        ],
        NOW,
    )
    return fresh


def _id(state: ConfluenceState, space: str, title: str) -> str:
    page = state.find_by_title(space, title)
    assert page is not None
    return page.id


def test_seeding_builds_the_tree_under_each_home_page(state: ConfluenceState) -> None:
    pmo = state.space("PMO")
    reports = state.page(_id(state, "PMO", "Portfolio reports"))
    assert reports.parent_id == pmo.homepage_id
    assert [p.title for p in state.children(reports.id)] == ["Week 1", "Week 2"]
    assert [a.title for a in state.ancestors(state.page(_id(state, "PMO", "Week 2")))] == [
        "PMO Home",
        "Portfolio reports",
    ]
    assert state.space("OPS").id != pmo.id


def test_rules_titles_versions_and_moves(state: ConfluenceState) -> None:
    reports = _id(state, "PMO", "Portfolio reports")
    with pytest.raises(BadRequest, match="already exists"):
        state.create_page("PMO", "WEEK 1", "<p/>", parent_id=reports, by="u")
    made = state.create_page("PMO", "Week 3", "<p/>", parent_id=None, by="u")
    assert made.parent_id == state.space("PMO").homepage_id
    with pytest.raises(Conflict, match="Current version is: 1"):
        state.update_page(made.id, title="Week 3", body="<p/>", version=3, by="u")
    state.update_page(made.id, title="Week 3", body="<p>x</p>", version=2, by="u", parent_id=reports)
    assert state.page(made.id).parent_id == reports
    with pytest.raises(BadRequest, match="Cannot move"):
        state.update_page(reports, title="Portfolio reports", body="<p/>", version=2, by="u", parent_id=made.id)
    with pytest.raises(NotFound):
        state.create_page("NOPE", "x", "<p/>", parent_id=None, by="u")
    state.trash_page(made.id)
    with pytest.raises(NotFound):
        state.page(made.id)
    assert state.create_page("PMO", "Week 3", "<p/>", parent_id=reports, by="u").title == "Week 3"


@pytest.mark.parametrize(
    ("cql", "expected"),
    [
        ('space = "PMO" AND title = "Week 1"', [("PMO", "Week 1")]),
        ('title = "Week 1"', [("PMO", "Week 1"), ("OPS", "Week 1")]),
        (
            'space in (PMO, OPS) and title ~ "week" order by title desc',
            [("PMO", "Week 2"), ("PMO", "Week 1"), ("OPS", "Week 1")],
        ),
        ('type = page AND space = OPS AND NOT title = "Ops Home"', [("OPS", "Week 1")]),
        (
            '(space = OPS OR label = "weekly") and type = page and title != "Ops Home"',
            [("PMO", "Week 2"), ("OPS", "Week 1")],
        ),
    ],
)
def test_cql_subset(state: ConfluenceState, cql: str, expected: list[tuple[str, str]]) -> None:
    state.add_labels(_id(state, "PMO", "Week 2"), [("global", "Weekly")])
    found = [(p.space_key, p.title) for p in search(cql, state)]
    assert sorted(found) == sorted(expected)
    if "order by" in cql:
        assert found == expected


def test_cql_parent_and_ancestor(state: ConfluenceState) -> None:
    home = state.space("PMO").homepage_id
    reports = _id(state, "PMO", "Portfolio reports")
    assert [p.title for p in search(f"parent = {reports}", state)] == ["Week 1", "Week 2"]
    assert {p.title for p in search(f'ancestor = {home} and space = "PMO"', state)} == {
        "Portfolio reports",
        "Week 1",
        "Week 2",
    }


@pytest.mark.parametrize(
    "cql",
    [
        "",
        "title",
        'title = "x" AND',
        "creator = currentUser()",
        "title > 3",
        'title = "x" order by size',
        "parent in (1, 2",
        "label ~ x",
    ],
)
def test_cql_outside_the_subset_is_refused(state: ConfluenceState, cql: str) -> None:
    with pytest.raises(CqlError, match="Could not parse cql"):
        search(cql, state)


def test_snapshot_restores_everything_through_json(state: ConfluenceState) -> None:
    page = _id(state, "PMO", "Week 1")
    state.update_page(page, title="Week 1", body="<p>v2</p>", version=2, by="u", message="second")
    state.add_labels(page, [("global", "pmo-report")])
    state.add_attachment(
        page, "chart.png", b"\x89PNG\x00", media_type="image/png", comment="c", minor_edit=True, by="u"
    )
    restored = ConfluenceState.restore(json.loads(json.dumps(state.snapshot())))
    assert restored.snapshot() == state.snapshot()
    again = restored.page(page)
    assert again.version.number == 2
    assert again.version.message == "second"
    assert again.current.body == "<p>v2</p>"
    assert restored.attachments_of(page, "chart.png")[0].current.data == b"\x89PNG\x00"
    # New content after a restore never reuses an id.
    assert int(restored.create_page("PMO", "Week 9", "<p/>", parent_id=None, by="u").id) > max(
        int(p) for p in state.pages
    )
