"""History completion and activity by people (sync/history.py), against a fake Jira that serves histories the
way real sites do: Cloud's search carries none (bulkfetch serves them), Data Center's embeds a truncated page."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from pmo_bot.atlassian.ports import BotIdentity, RemoteComment
from pmo_bot.rules.context import EvaluationContext
from pmo_bot.rules.metrics import Metrics
from pmo_bot.sync.fields import FieldMap
from pmo_bot.sync.history import (
    MAX_HISTORY_FIELDS,
    carry_history,
    complete_histories,
    embedded_comments,
    history_field_ids,
    needs_history,
    search_expand,
    search_fields,
    settle_activity,
)
from pmo_bot.sync.normalize import normalize

FMAP = FieldMap(ids={"start_date": "customfield_10013"})
BOT = BotIdentity(account_id="bot-1", name="pmo-bot", key="pmo-bot", display_name="pmo-bot")
PERSON = {"accountId": "pm-7", "name": "dana", "key": "dana", "displayName": "Dana"}
BOT_AUTHOR = {"accountId": "bot-1", "name": "pmo-bot", "key": "pmo-bot", "displayName": "pmo-bot"}
START = datetime(2025, 1, 6, 9, tzinfo=UTC)


def jira_time(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%S.000+0000")


def histories_300() -> list[dict[str, Any]]:
    """300 histories, oldest first: 150 due-date moves (100 later = slips, 50 earlier) and 150 status
    changes; the last status change (to In Progress) is history #299."""
    found: list[dict[str, Any]] = []
    due = date(2025, 3, 1)
    for n in range(300):
        at = START + timedelta(days=n)
        if n % 2 == 0:
            new_due = due + timedelta(days=7) if n % 6 != 4 else due - timedelta(days=1)
            item = {"field": "duedate", "fieldId": "duedate", "from": due.isoformat(), "to": new_due.isoformat(),
                    "fromString": "x", "toString": "y"}  # fmt: skip
            due = new_due
        else:
            target = "In Progress" if n == 299 else ("Blocked" if n % 4 == 1 else "In Review")
            item = {"field": "status", "fieldId": "status", "from": "1", "to": "2", "fromString": "A",
                    "toString": target}  # fmt: skip
        found.append({"id": str(1000 + n), "author": PERSON, "created": jira_time(at), "items": [item]})
    return found


HISTORIES = histories_300()
LAST_CHANGE = START + timedelta(days=299)
BOT_COMMENT_AT = LAST_CHANGE + timedelta(days=40)


def raw_epic(flavor: str, *, updated: datetime = BOT_COMMENT_AT) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "id": "10001",
        "key": "PAY-1",
        "fields": {
            "summary": "Long-lived epic",
            "status": {"name": "In Progress", "statusCategory": {"key": "indeterminate"}},
            "issuetype": {"name": "Epic", "hierarchyLevel": 1},
            "project": {"key": "PAY"},
            "created": jira_time(START - timedelta(days=1)),
            "updated": jira_time(updated),
        },
    }
    if flavor == "datacenter":  # DC's search embeds a capped page of the most recent histories
        raw["changelog"] = {"startAt": 0, "maxResults": 100, "total": 300, "histories": HISTORIES[-100:]}
    return raw


class FakeJira:
    """Serves histories and comments; records what was asked."""

    def __init__(self, flavor: str, comments: Sequence[RemoteComment] = ()) -> None:
        self.flavor = flavor
        self._comments = list(comments)
        self.bulk: list[tuple[list[tuple[str, str]], list[str]]] = []
        self.full: list[str] = []
        self.comment_reads: list[str] = []
        self.extra: list[dict[str, Any]] = []  # histories only the whole history shows (fields outside the filter)

    def changelogs(self, issues: Sequence[tuple[str, str]], field_ids: Sequence[str]) -> dict[str, list[Any]]:
        assert self.flavor == "cloud", "Data Center has no bulkfetch"
        self.bulk.append((list(issues), list(field_ids)))
        return {key: [h for h in HISTORIES if h["items"][0]["fieldId"] in field_ids] for _, key in issues}

    def issue_changelog(self, key: str) -> list[Mapping[str, Any]]:
        self.full.append(key)
        return [*HISTORIES, *self.extra]

    def comments(self, key: str) -> list[RemoteComment]:
        self.comment_reads.append(key)
        return self._comments


def metrics_of(raw: Mapping[str, Any], flavor: str, today: date) -> Metrics:
    item = normalize(raw, FMAP, flavor, BOT).item  # type: ignore[arg-type]
    assert item is not None
    return Metrics(item, (), EvaluationContext(today=today), ())


@pytest.mark.parametrize("flavor", ["cloud", "datacenter"])
def test_an_epic_with_300_histories_gets_its_slips_and_days_in_status_right(flavor: str) -> None:
    jira = FakeJira(flavor)
    (raw,) = complete_histories(jira, [raw_epic(flavor)], {"PAY-1"}, FMAP)  # type: ignore[arg-type]
    today = LAST_CHANGE.date() + timedelta(days=10)
    m = metrics_of(raw, flavor, today)
    assert m["due_date_slips"] == 100
    assert m["days_in_status"] == 10  # since history #299, not since a change inside a truncated page
    if flavor == "cloud":
        ((issues, fields),) = jira.bulk
        assert issues == [("10001", "PAY-1")]
        assert {"status", "duedate", "customfield_10013"} <= set(fields)
        assert len(fields) <= MAX_HISTORY_FIELDS
    else:
        assert jira.full == ["PAY-1"]  # the embedded page said total 300 but carried 100


def test_without_completion_the_truncated_page_would_miss_the_slips() -> None:
    m = metrics_of(raw_epic("datacenter"), "datacenter", LAST_CHANGE.date())
    assert m["due_date_slips"] < 100  # what the bot used to report


def test_a_complete_embedded_changelog_is_not_read_again_and_unchanged_issues_are_not_completed() -> None:
    jira = FakeJira("datacenter")
    whole = {**raw_epic("datacenter"), "changelog": {"startAt": 0, "maxResults": 300, "total": 300,
                                                     "histories": HISTORIES}}  # fmt: skip
    complete_histories(jira, [whole], {"PAY-1"}, FMAP)  # type: ignore[arg-type]
    complete_histories(jira, [raw_epic("datacenter")], set(), FMAP)  # type: ignore[arg-type]
    cloud = FakeJira("cloud")
    complete_histories(cloud, [raw_epic("cloud")], set(), FMAP)  # type: ignore[arg-type]
    assert jira.full == []
    assert cloud.bulk == []


def test_cloud_searches_ask_for_no_changelog_data_center_embeds_it() -> None:
    assert search_expand("cloud") == ()
    assert search_expand("datacenter") == ("changelog",)
    assert history_field_ids(FieldMap(ids={}))[:2] == ["status", "duedate"]


@pytest.mark.parametrize("flavor", ["cloud", "datacenter"])
def test_the_bots_own_comment_is_not_activity(flavor: str) -> None:
    """The lost-database case: Jira's ``updated`` is the bot's comment; people last acted 40 days earlier."""
    bot_comment = RemoteComment("9", BOT_AUTHOR, "PMO compliance check", created=jira_time(BOT_COMMENT_AT),
                                updated=jira_time(BOT_COMMENT_AT))  # fmt: skip
    jira = FakeJira(flavor, [bot_comment])
    (raw,) = complete_histories(jira, [raw_epic(flavor)], {"PAY-1"}, FMAP)  # type: ignore[arg-type]
    item = normalize(raw, FMAP, flavor, BOT).item  # type: ignore[arg-type]
    assert item is not None
    settled = settle_activity(jira, item, BOT)  # type: ignore[arg-type]
    assert jira.comment_reads == ["PAY-1"]  # looked further, because `updated` was unexplained
    assert settled.last_activity == LAST_CHANGE
    today = BOT_COMMENT_AT.date() + timedelta(days=1)
    m = Metrics(settled, (), EvaluationContext(today=today), ())
    assert m["days_since_update"] == 41
    assert m["is_stale"] is True


def test_a_persons_change_outside_the_fetched_fields_is_found_in_the_whole_history() -> None:
    """Cloud, lost database: a person attached a file 10 days before the bot's comment moved ``updated``. The
    bulk history (the rules' fields) does not show it; the issue's whole history does."""
    attached = BOT_COMMENT_AT - timedelta(days=10)
    attachment = {"field": "Attachment", "fieldId": "attachment", "from": None, "to": "7", "toString": "plan.pdf"}
    bot_comment = RemoteComment("9", BOT_AUTHOR, "PMO", created=jira_time(BOT_COMMENT_AT),
                                updated=jira_time(BOT_COMMENT_AT))  # fmt: skip
    jira = FakeJira("cloud", [bot_comment])
    jira.extra = [{"id": "5000", "author": PERSON, "created": jira_time(attached), "items": [attachment]}]
    (raw,) = complete_histories(jira, [raw_epic("cloud")], {"PAY-1"}, FMAP)  # type: ignore[arg-type]
    item = normalize(raw, FMAP, "cloud", BOT).item  # type: ignore[arg-type]
    assert item is not None
    assert item.last_activity == LAST_CHANGE  # what the bulk history shows
    assert settle_activity(jira, item, BOT).last_activity == attached  # type: ignore[arg-type]
    assert jira.full == ["PAY-1"]


def test_a_persons_comment_is_activity() -> None:
    said = LAST_CHANGE + timedelta(days=39)
    comments = [
        RemoteComment("8", PERSON, "on it", created=jira_time(said), updated=jira_time(said)),
        RemoteComment("9", BOT_AUTHOR, "PMO", created=jira_time(BOT_COMMENT_AT), updated=jira_time(BOT_COMMENT_AT)),
    ]
    jira = FakeJira("cloud", comments)
    (raw,) = complete_histories(jira, [raw_epic("cloud")], {"PAY-1"}, FMAP)  # type: ignore[arg-type]
    item = normalize(raw, FMAP, "cloud", BOT).item  # type: ignore[arg-type]
    assert item is not None
    assert settle_activity(jira, item, BOT).last_activity == said  # type: ignore[arg-type]


def test_an_update_the_bot_did_not_make_is_a_persons_activity() -> None:
    """Something the shown history does not carry (an attachment, a field outside the filter) moved ``updated``:
    with no bot write at that time, it was a person."""
    jira = FakeJira("cloud")
    (raw,) = complete_histories(jira, [raw_epic("cloud")], {"PAY-1"}, FMAP)  # type: ignore[arg-type]
    item = normalize(raw, FMAP, "cloud", BOT).item  # type: ignore[arg-type]
    assert item is not None
    assert settle_activity(jira, item, BOT).last_activity == BOT_COMMENT_AT  # type: ignore[arg-type]


def test_an_issue_whose_update_is_explained_is_not_looked_at_further() -> None:
    jira = FakeJira("cloud")
    (raw,) = complete_histories(jira, [raw_epic("cloud", updated=LAST_CHANGE)], {"PAY-1"}, FMAP)  # type: ignore[arg-type]
    item = normalize(raw, FMAP, "cloud", BOT).item  # type: ignore[arg-type]
    assert item is not None
    assert item.last_activity == LAST_CHANGE
    assert settle_activity(jira, item, BOT) is item  # type: ignore[arg-type]
    assert jira.comment_reads == []


def test_which_issues_need_their_history_read() -> None:
    raw = raw_epic("cloud", updated=LAST_CHANGE)
    item = normalize(raw, FMAP, "cloud", BOT).item
    assert item is not None
    assert needs_history(raw, None, None)  # new
    assert needs_history(raw, dataclasses.replace(item, last_activity=None), None)  # stored before activity
    assert not needs_history(raw, item, None)  # unchanged
    later = raw_epic("cloud", updated=LAST_CHANGE + timedelta(hours=2))
    assert needs_history(later, item, None)  # changed by someone
    assert not needs_history(later, item, LAST_CHANGE + timedelta(hours=2) - timedelta(seconds=1))  # the bot wrote
    kept = carry_history(dataclasses.replace(item, changelog=(), last_activity=None), item)
    assert kept.changelog == item.changelog
    assert kept.last_activity == item.last_activity


def test_data_center_reads_comments_from_the_search_and_cloud_only_for_issues_the_bot_touched() -> None:
    bot_comment = {"id": "9", "author": BOT_AUTHOR, "created": jira_time(BOT_COMMENT_AT),
                   "updated": jira_time(BOT_COMMENT_AT)}  # fmt: skip
    raw = {**raw_epic("datacenter"), "changelog": {"total": 300, "histories": HISTORIES}}
    raw["fields"] = {**raw["fields"], "comment": {"total": 1, "comments": [bot_comment]}}
    assert search_fields(["summary"], "datacenter") == ["summary", "comment"]
    assert search_fields(["summary"], "cloud") == ["summary"]
    comments = embedded_comments(raw)
    assert comments is not None
    item = normalize(raw, FMAP, "datacenter", BOT).item
    assert item is not None
    jira = FakeJira("datacenter")
    settled = settle_activity(jira, item, BOT, comments=comments)  # type: ignore[arg-type]
    assert settled.last_activity == LAST_CHANGE
    assert jira.comment_reads == []  # no request per issue
    truncated = {**raw, "fields": {**raw["fields"], "comment": {"total": 7, "comments": [bot_comment]}}}
    assert embedded_comments(truncated) is None  # then they are listed

    cloud = FakeJira("cloud")
    untouched = normalize(raw_epic("cloud"), FMAP, "cloud", BOT).item
    assert untouched is not None
    assert settle_activity(cloud, untouched, BOT, bot_touched=False).last_activity == BOT_COMMENT_AT  # type: ignore[arg-type]
    assert cloud.comment_reads == []
