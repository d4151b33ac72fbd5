from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmo_bot.atlassian.ports import FieldInfo
from pmo_bot.domain import StatusCategory
from pmo_bot.sync.fields import FieldMap, resolve_fields
from pmo_bot.sync.normalize import normalize, parse_instant

FMAP = FieldMap(
    ids={
        "budget": "customfield_10010",
        "strategic_goal": "customfield_10012",
        "start_date": "customfield_10013",
        "story_points": "customfield_10014",
        "team": "customfield_10015",
        "epic_link": "customfield_10016",
    },
    extra={"risk": "customfield_10020"},
)


def cloud_epic(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "summary": 'Payments <re-platform> & "more"',
        "status": {"name": "In Progress", "statusCategory": {"key": "indeterminate", "name": "In Progress"}},
        "issuetype": {"name": "Epic", "hierarchyLevel": 1, "subtask": False},
        "project": {"key": "PAY", "name": "Payments"},
        "created": "2026-09-01T08:00:00.000+0200",
        "updated": "2026-11-20T09:58:12.345+0000",
        "duedate": "2026-12-15",
        "assignee": {"accountId": "abc", "displayName": "Dana Scully"},
        "labels": ["pmo", "q4"],
        "description": {
            "version": 1,
            "type": "doc",
            "content": [
                {
                    "type": "heading",
                    "attrs": {"level": 3},
                    "content": [{"type": "text", "text": "Acceptance criteria"}],
                },
                {"type": "paragraph", "content": [{"type": "text", "text": "Given a card"}]},
            ],
        },
        "parent": {"key": "PAY-1", "fields": {"summary": "Initiative"}},
        "customfield_10010": 120000.0,
        "customfield_10012": {"value": "G1 Grow digital revenue", "id": "10100"},
        "customfield_10013": "2026-09-01",
        "customfield_10015": {"value": "Platform"},
        "customfield_10020": {"value": "High"},
        "timespent": 36000,
        "worklog": {
            "startAt": 0,
            "maxResults": 20,
            "total": 1,
            "worklogs": [
                {"started": "2026-11-02T10:00:00.000+0000", "timeSpentSeconds": 36000, "author": {"accountId": "abc"}}
            ],
        },
    }
    base.update(fields)
    return {
        "id": "10042",
        "key": "PAY-42",
        "fields": base,
        "changelog": {
            "histories": [
                {
                    "created": "2026-10-01T10:00:00.000+0000",
                    "items": [
                        {
                            "field": "duedate",
                            "from": "2026-11-01",
                            "fromString": "01/Nov/26",
                            "to": "2026-12-15",
                            "toString": "15/Dec/26",
                        }
                    ],
                },
                {
                    "created": "2026-10-05T10:00:00.000+0000",
                    "items": [{"field": "status", "fromString": "To Do", "toString": "In Progress"}],
                },
            ]
        },
        "properties": {"pmo-bot.state": {"commentId": "900", "fingerprint": "abc"}},
    }


def test_cloud_epic_normalises_every_mapped_field() -> None:
    result = normalize(cloud_epic(), FMAP, "cloud")
    item = result.item
    assert item is not None
    assert (item.key, item.project, item.issue_type, item.hierarchy_level) == ("PAY-42", "PAY", "Epic", 1)
    assert item.status_category is StatusCategory.IN_PROGRESS
    assert item.created == datetime(2026, 9, 1, 6, 0, tzinfo=UTC)
    assert item.updated == datetime(2026, 11, 20, 9, 58, 12, 345000, tzinfo=UTC)
    assert item.due_date == date(2026, 12, 15)
    assert item.start_date == date(2026, 9, 1)
    assert item.budget == 120000.0
    assert item.goal == "G1 Grow digital revenue"
    assert item.team == "Platform"
    assert item.assignee == "Dana Scully"
    assert item.parent_key == "PAY-1"
    assert item.description is not None
    assert item.description.startswith("Acceptance criteria")
    assert item.time_spent_seconds == 36000
    assert item.worklogs[0].seconds == 36000
    assert item.extra["risk"] == "High"
    assert result.state == {"commentId": "900", "fingerprint": "abc"}


def test_changelog_keeps_raw_dates_and_status_entry_time() -> None:
    item = normalize(cloud_epic(), FMAP, "cloud").item
    assert item is not None
    due = [c for c in item.changelog if c.field == "duedate"]
    assert (due[0].from_value, due[0].to_value) == ("2026-11-01", "2026-12-15")
    assert item.status_changed == datetime(2026, 10, 5, 10, 0, tzinfo=UTC)


def test_data_center_story_links_its_epic_through_epic_link() -> None:
    raw = cloud_epic(
        issuetype={"name": "Story", "subtask": False},
        parent=None,
        customfield_10016="PAY-7",
        description="h3. Acceptance criteria\n* works",
    )
    item = normalize(raw, FMAP, "datacenter").item
    assert item is not None
    assert item.hierarchy_level == 0
    assert item.parent_key == "PAY-7"
    assert item.description == "h3. Acceptance criteria\n* works"


def test_sub_task_keeps_its_parent_on_data_center() -> None:
    raw = cloud_epic(issuetype={"name": "Sub-task", "subtask": True}, parent={"key": "PAY-43"})
    item = normalize(raw, FMAP, "datacenter").item
    assert item is not None
    assert (item.hierarchy_level, item.parent_key) == (-1, "PAY-43")


def test_nulls_and_wrong_types_become_none_not_errors() -> None:
    raw = cloud_epic(
        duedate="not a date",
        customfield_10010="NaN",
        customfield_10012=None,
        assignee=None,
        labels=None,
        status=None,
        issuetype=None,
        timespent="lots",
        worklog=None,
        description=None,
    )
    item = normalize(raw, FMAP, "cloud").item
    assert item is not None
    assert item.due_date is None
    assert item.budget is None
    assert item.goal is None
    assert item.assignee is None
    assert item.labels == ()
    assert item.status_category is StatusCategory.NEW
    assert item.time_spent_seconds is None
    assert item.description is None


def test_issue_without_key_or_timestamps_is_skipped_with_a_reason() -> None:
    assert normalize({"id": "1"}, FMAP, "cloud").skipped_reason == "issue without a usable key"
    skipped = normalize({"key": "PAY-1", "fields": {}}, FMAP, "cloud")
    assert skipped.item is None
    assert skipped.skipped_reason == "PAY-1: no created/updated timestamps"


def test_huge_description_is_capped() -> None:
    item = normalize(cloud_epic(description="x" * 1_000_000), FMAP, "cloud").item
    assert item is not None
    assert item.description is not None
    assert len(item.description) == 20_000


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-20T09:58:12.345+0000", datetime(2026, 11, 20, 9, 58, 12, 345000, tzinfo=UTC)),
        (
            "2026-11-20T09:58:12.345+05:30",
            datetime(2026, 11, 20, 9, 58, 12, 345000, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        ),
        ("2026-11-20T09:58:12Z", datetime(2026, 11, 20, 9, 58, 12, tzinfo=UTC)),
        ("garbage", None),
        (None, None),
    ],
)
def test_parse_instant_accepts_both_offset_styles(text: Any, expected: datetime | None) -> None:
    assert parse_instant(text) == expected


@settings(max_examples=150, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
        lambda c: st.lists(c) | st.dictionaries(st.text(), c),
        max_leaves=30,
    )
)
def test_arbitrary_field_values_never_raise(value: Any) -> None:
    raw = cloud_epic(
        **dict.fromkeys(
            [
                "summary",
                "status",
                "issuetype",
                "duedate",
                "assignee",
                "labels",
                "worklog",
                "customfield_10010",
                "customfield_10012",
                "parent",
                "description",
            ],
            value,
        )
    )
    result = normalize(raw, FMAP, "cloud")
    assert result.item is not None


def test_field_mapping_prefers_custom_type_and_suggests_close_names() -> None:
    catalogue = [
        FieldInfo("customfield_10010", "Budget", True, "com.atlassian.jira.plugin.system.customfieldtypes:float"),
        FieldInfo("customfield_10016", "Epic Link", True, "com.pyxis.greenhopper.jira:gh-epic-link"),
        FieldInfo(
            "customfield_10099", "Epic Link", True, "com.atlassian.jira.plugin.system.customfieldtypes:textfield"
        ),
        FieldInfo("customfield_10012", "Strategic Goal", True),
    ]
    fmap, problems = resolve_fields(
        {"budget": "Budget", "epic_link": "Epic Link", "strategic_goal": "Strategic Gaol", "story_points": "cf[10010]"},
        {},
        catalogue,
        "datacenter",
    )
    assert fmap.id_of("budget") == "customfield_10010"
    assert fmap.id_of("epic_link") == "customfield_10016"
    assert problems == ["fields.strategic_goal: no Jira field named 'Strategic Gaol' (did you mean 'Strategic Goal'?)"]
