"""Issue history as each product serves it.

- Cloud, ``expand=changelog`` on GET issue and on search: only the most recent histories, newest first, as a
  ``PageOfChangelogs`` (``startAt`` 0, ``maxResults``, ``total``) capped at 100 (``issue_json``; J3: "a list of
  recent updates to an issue, sorted by date, starting from the most recent"; the 100 cap: JRACLOUD-67458).
- Cloud, ``GET /issue/{key}/changelog``: every history, oldest first, ``PageBeanChangelog`` pages of at most 100.
- Cloud, ``POST /changelog/bulkfetch``: up to 1000 issues, up to 10 field ids, histories oldest first (then by
  smallest issue id), paged by ``nextPageToken`` (J3 ``BulkChangelogRequestBean``/``BulkChangelogResponseBean``).
- Data Center: ``expand=changelog`` returns the full history, oldest first; there is no ``/changelog`` route and
  no bulk fetch (404).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import Any

from starlette.responses import Response

from pmo_bot.sandbox.jira.context import JiraCtx
from pmo_bot.sandbox.jira.errors import bad_request
from pmo_bot.sandbox.jira.issues import find_issue, renderer
from pmo_bot.sandbox.jira.records import Change, ChangeItem, Issue
from pmo_bot.sandbox.responses import JSONResponse

RouteSpec = tuple[list[str], str, Any]
PAGE_CAP = 100  # Cloud: GET /issue/{key}/changelog maxResults (J3 default 100)
BULK_ISSUES, BULK_FIELDS = 1000, 10  # J3 BulkChangelogRequestBean maxItems
BULK_DEFAULT = 1000  # J3 default maxResults; larger requests are clamped to it (the spec allows the server to)
BAD_TOKEN = "The provided next page token is invalid or expired."  # noqa: S105 - a message


def changelog_page(ctx: JiraCtx) -> Response:
    """Cloud's paginated ``GET /issue/{key}/changelog`` (``PageBeanChangelog``), oldest first."""
    issue = find_issue(ctx)
    start = ctx.int_query("startAt", 0)
    limit = min(ctx.int_query("maxResults", PAGE_CAP, low=1), PAGE_CAP)
    oldest = sorted(issue.history, key=lambda c: (c.at, c.id))
    view = renderer(ctx)
    return JSONResponse(
        {
            "self": str(ctx.request.url),
            "maxResults": limit,
            "startAt": start,
            "total": len(oldest),
            "isLast": start + limit >= len(oldest),
            "values": [view.history(change) for change in oldest[start : start + limit]],
        }
    )


def _strings(value: Any, name: str, low: int, high: int) -> list[str]:
    if value is None and low == 0:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
        raise bad_request(f"'{name}' must be a list of strings.")
    if not low <= len(value) <= high:
        raise bad_request(f"'{name}' must contain between {low} and {high} items.")
    return [str(v) for v in value]


def _request(ctx: JiraCtx) -> tuple[list[str], list[str], int, str | None]:
    body = ctx.json_object()
    unknown = sorted(set(body) - {"issueIdsOrKeys", "fieldIds", "maxResults", "nextPageToken"})
    if unknown:
        raise bad_request(f"Unrecognized field '{unknown[0]}'.")
    refs = _strings(body.get("issueIdsOrKeys"), "issueIdsOrKeys", 1, BULK_ISSUES)
    fields = _strings(body.get("fieldIds"), "fieldIds", 0, BULK_FIELDS)
    if len(set(fields)) != len(fields):
        raise bad_request("'fieldIds' must not contain duplicates.")
    limit = body.get("maxResults", BULK_DEFAULT)
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 10000:
        raise bad_request("'maxResults' must be an integer between 1 and 10000.")
    token = body.get("nextPageToken")
    if token is not None and not isinstance(token, str):
        raise bad_request(BAD_TOKEN)
    return refs, fields, min(limit, BULK_DEFAULT), token


def _fingerprint(ids: list[int], fields: list[str]) -> str:
    return hashlib.sha256(json.dumps([ids, fields]).encode()).hexdigest()[:12]


def _offset(token: str | None, fingerprint: str) -> int:
    if not token:
        return 0
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        seen, _, offset = raw.partition(":")
        if seen != fingerprint:
            raise ValueError(token)
        return int(offset)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise bad_request(BAD_TOKEN) from None


def bulk_fetch(ctx: JiraCtx) -> Response:
    refs, fields, limit, token = _request(ctx)
    visible = ctx.visible_issues(ref for ref in refs)
    ids = sorted({issue.id for issue in visible})
    fingerprint = _fingerprint(ids, fields)
    start = _offset(token, fingerprint)
    wanted = set(fields)
    entries: list[tuple[Issue, Change, list[ChangeItem]]] = []
    for issue in visible:
        for change in issue.history:
            items = [item for item in change.items if not wanted or item[2] in wanted]
            if items:
                entries.append((issue, change, items))
    entries.sort(key=lambda e: (e[1].at, e[0].id, e[1].id))
    page = entries[start : start + limit]
    view = renderer(ctx)
    grouped: dict[int, dict[str, Any]] = {}
    for issue, change, items in page:
        group = grouped.setdefault(issue.id, {"issueId": str(issue.id), "changeHistories": []})
        group["changeHistories"].append(view.history(change, items))
    data: dict[str, Any] = {"issueChangeLogs": list(grouped.values())}
    if start + limit < len(entries):
        data["nextPageToken"] = base64.urlsafe_b64encode(f"{fingerprint}:{start + limit}".encode()).decode()
    return JSONResponse(data)


CLOUD_ROUTES: list[RouteSpec] = [
    (["GET"], "/issue/{key}/changelog", changelog_page),
    (["POST"], "/changelog/bulkfetch", bulk_fetch),
]
