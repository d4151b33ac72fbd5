"""The seeded PMO space: the pages the report needs, with bodies Confluence would accept."""

from __future__ import annotations

from datetime import UTC, datetime

from pmo_bot.sandbox.confluence.storage import parse_storage
from pmo_bot.sandbox.seed import confluence, demo, synthetic

NOW = datetime(2026, 11, 28, tzinfo=UTC)


def test_pmo_space_has_home_and_reports_parent() -> None:
    (space,) = confluence.spaces(NOW)
    assert (space.key, space.name, space.home_title) == ("PMO", "Project Management Office", "PMO Home")
    titles = [page.title for page in space.pages]
    assert "Portfolio reports" in titles
    assert len(set(titles) | {space.home_title}) == len(titles) + 1  # titles unique in the space


def test_bodies_are_well_formed_storage_format_with_macros() -> None:
    (space,) = confluence.spaces(NOW)
    home = parse_storage(space.home_body)
    assert "2026-11-28" in "".join(home.itertext())
    links = [el for el in home.iter() if el.tag.endswith("}page")]
    assert {link.get("{http://atlassian.com/resource/identifier}content-title") for link in links} == {
        page.title for page in space.pages
    }
    for page in space.pages:
        parse_storage(page.body)


def test_both_profiles_seed_the_same_space() -> None:
    assert demo.generate(1, NOW).spaces == confluence.spaces(NOW)
    assert synthetic.generate(50, 1, NOW).spaces == confluence.spaces(NOW)
