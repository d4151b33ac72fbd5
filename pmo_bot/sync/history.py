"""Complete the change history of the issues that changed, and find when a person last touched them.

Real Jira does not hand the whole history to a search. Cloud's ``expand=changelog`` embeds a capped page of
the most recent histories (``startAt``/``maxResults``/``total``), on every issue of every page; so on Cloud the
search asks for no changelog at all, and the histories of the issues that changed are fetched with
``POST /rest/api/3/changelog/bulkfetch`` (1,000 issues a request), filtered to the fields the metrics and the
activity measure read. Data Center embeds the changelog in its search; where that page is truncated
(``total`` > the histories sent), the issue's full history is read. Unchanged issues keep the history the
store already holds.

Activity (``Item.last_activity``) counts changes by people only. When ``updated`` is later than every change a
person is known to have made, something the filtered history does not show happened since: a comment, an
edit of another field, or the bot's own comment and property writes. Those issues alone are looked at
further: their comments tell a person's comment from the bot's own write.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from pmo_bot import logs
from pmo_bot.atlassian.ports import BotIdentity, JiraPort, RemoteComment
from pmo_bot.domain import Item
from pmo_bot.sync.fields import FieldMap
from pmo_bot.sync.normalize import parse_instant, person_instants

log = logs.get_logger(__name__)

# Field ids whose histories are fetched on Cloud: what the metrics read (status, due date, resolution, start
# date), then the fields people edit most, so their edits show as activity without a further look.
METRIC_HISTORY_FIELDS = ("status", "duedate", "resolution")
ACTIVITY_HISTORY_FIELDS = ("assignee", "summary", "description", "priority", "labels", "components", "fixVersions")
MAX_HISTORY_FIELDS = 10  # bulkfetch's limit on fieldIds
ACTIVITY_SLACK = timedelta(minutes=1)  # ``updated`` and a history's ``created`` can differ by milliseconds
BOT_WRITE_SLACK = timedelta(minutes=5)  # the bot's property write follows its comment (paced, maybe retried)


def history_field_ids(fmap: FieldMap) -> list[str]:
    start = fmap.id_of("start_date")
    wanted = [*METRIC_HISTORY_FIELDS, *([start] if start else []), *ACTIVITY_HISTORY_FIELDS]
    return list(dict.fromkeys(wanted))[:MAX_HISTORY_FIELDS]


def search_fields(fields: Sequence[str], flavor: str) -> list[str]:
    """Data Center's search also carries the comments (wiki strings), so telling a person's comment from the
    bot's needs no request per issue there; Cloud's ADF comments would weigh on every page, so Cloud reads the
    comments of the few issues that need it."""
    return [*fields, "comment"] if flavor != "cloud" else list(fields)


def same_but_updated(old: Item, new: Item) -> bool:
    """Only ``updated`` differs: what the bot's own comment or property write does to an issue."""
    return dataclasses.replace(old, updated=new.updated) == new


def embedded_comments(raw: Mapping[str, Any]) -> list[RemoteComment] | None:
    """The comments a search returned with the issue, if all of them came (``total`` not above those sent)."""
    fields = raw.get("fields")
    embedded = fields.get("comment") if isinstance(fields, Mapping) else None
    listed = embedded.get("comments") if isinstance(embedded, Mapping) else None
    if not isinstance(listed, list):
        return None
    total = embedded.get("total") if isinstance(embedded, Mapping) else None
    if isinstance(total, int) and total > len(listed):
        return None
    return [
        RemoteComment(str(c.get("id")), c.get("author") or {}, "", created=c.get("created"), updated=c.get("updated"))
        for c in listed
        if isinstance(c, Mapping)
    ]


def search_expand(flavor: str) -> tuple[str, ...]:
    """Data Center embeds the (complete or truncated) changelog in its search; Cloud fetches it apart."""
    return () if flavor == "cloud" else ("changelog",)


def _updated(raw: Mapping[str, Any]) -> datetime | None:
    fields = raw.get("fields")
    return parse_instant(fields.get("updated")) if isinstance(fields, Mapping) else None


def moved_since(raw: Mapping[str, Any], stored_updated: datetime, bot_wrote: datetime | None) -> bool:
    """``updated`` moved since the issue was stored, and not only by the bot's own write just now (its comment,
    its property)."""
    updated = _updated(raw)
    if updated is None or updated == stored_updated:
        return False
    return not (bot_wrote is not None and stored_updated <= bot_wrote and updated <= bot_wrote + ACTIVITY_SLACK)


def needs_history(raw: Mapping[str, Any], stored: Item | None, bot_wrote: datetime | None) -> bool:
    """New, changed (``moved_since``), or stored before activity was measured: the history must be (re)read."""
    return stored is None or stored.last_activity is None or moved_since(raw, stored.updated, bot_wrote)


def _truncated(raw: Mapping[str, Any]) -> bool:
    changelog = raw.get("changelog")
    if not isinstance(changelog, Mapping) or not isinstance(changelog.get("histories"), list):
        return False
    total = changelog.get("total")
    return isinstance(total, int) and total > len(changelog["histories"])


def complete_histories(
    jira: JiraPort, raws: Sequence[Mapping[str, Any]], changed: set[str], fmap: FieldMap
) -> list[Mapping[str, Any]]:
    """The raw issues, those in ``changed`` (keys) with their history complete as ``changelog.histories``."""
    if jira.flavor == "cloud":
        wanted = [(str(raw.get("id")), str(raw["key"])) for raw in raws if raw.get("key") in changed and raw.get("id")]
        found = jira.changelogs(wanted, history_field_ids(fmap)) if wanted else {}
        return [
            {**raw, "changelog": {"histories": found.get(str(raw["key"]), [])}} if raw.get("key") in changed else raw
            for raw in raws
        ]
    completed: list[Mapping[str, Any]] = []
    for raw in raws:
        if raw.get("key") in changed and _truncated(raw):
            histories = jira.issue_changelog(str(raw["key"]))
            log.info("history_completed", issue_key=raw["key"], histories=len(histories))
            completed.append({**raw, "changelog": {"histories": histories, "total": len(histories)}})
        else:
            completed.append(raw)
    return completed


def carry_history(item: Item, stored: Item) -> Item:
    """An unchanged issue keeps what the store learnt from its history."""
    return dataclasses.replace(
        item, changelog=stored.changelog, status_changed=stored.status_changed, last_activity=stored.last_activity
    )


def unexplained_update(item: Item) -> bool:
    return item.last_activity is None or item.updated - item.last_activity > ACTIVITY_SLACK


def settle_activity(
    jira: JiraPort,
    item: Item,
    bot: BotIdentity | None,
    *,
    bot_touched: bool = True,
    comments: Sequence[RemoteComment] | None = None,
) -> Item:
    """``item`` with ``last_activity`` completed where its ``updated`` is not explained by what is known.

    Its comments are read: a person's comment is activity. If the bot's own comment was written just before
    ``updated`` (the bot writes its comment, then its property), the bot moved ``updated``, and activity stays
    what people did. Otherwise a person did something the history shown does not carry (an attachment, a link,
    a field outside the filter), and ``updated`` is their activity.

    Only an issue the bot may have written to is looked at (``bot_touched``: its state property came with the
    search, or the store remembers a write; Data Center searches carry no property, so there it is always
    looked at), and never a done one, whose activity no metric reads. ``comments``: those the search returned
    (Data Center), else they are listed.
    """
    if not unexplained_update(item) or item.is_done:
        return item
    if not bot_touched and jira.flavor == "cloud":
        return dataclasses.replace(item, last_activity=item.updated)
    people: list[datetime] = [item.last_activity] if item.last_activity is not None else []
    bot_wrote = False
    for comment in comments if comments is not None else jira.comments(item.key):
        stamps = [t for t in (parse_instant(comment.updated), parse_instant(comment.created)) if t is not None]
        if bot is not None and bot.is_author_of(comment.author):
            bot_wrote = bot_wrote or any(abs(item.updated - t) <= BOT_WRITE_SLACK for t in stamps)
        else:
            people.extend(stamps)
    if not bot_wrote:
        return dataclasses.replace(item, last_activity=item.updated)
    if jira.flavor == "cloud":
        # Cloud's history came filtered to the fields the rules read: a person's attachment, link or other field
        # before the bot's write is only in the whole history (Data Center's search brought it whole).
        people += person_instants(((history, "created") for history in jira.issue_changelog(item.key)), bot)
    return dataclasses.replace(item, last_activity=max(people, default=item.created))
