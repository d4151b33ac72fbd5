"""Worklogs: list, get, create (201, auto-adjusting the remaining estimate), updated-since and bulk by ids."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from starlette.responses import Response

from pmo_bot.sandbox import markup
from pmo_bot.sandbox.jira.context import JiraCtx
from pmo_bot.sandbox.jira.errors import JiraHttpError, bad_request, not_found
from pmo_bot.sandbox.jira.formats import parse_duration, parse_jira_time
from pmo_bot.sandbox.jira.issues import find_issue, renderer
from pmo_bot.sandbox.jira.limits import check_text
from pmo_bot.sandbox.jira.records import Issue, Worklog
from pmo_bot.sandbox.responses import JSONResponse

RouteSpec = tuple[list[str], str, Any]
MAX_PAGE = 5000
UPDATED_PAGE = 1000


def _millis(value: datetime) -> int:
    return int(value.timestamp() * 1000)


def list_worklogs(ctx: JiraCtx) -> Response:
    issue = find_issue(ctx)
    start, limit = ctx.int_query("startAt", 0), min(ctx.int_query("maxResults", MAX_PAGE, low=0), MAX_PAGE)
    after, before = ctx.int_query("startedAfter", 0), ctx.int_query("startedBefore", 0)
    logs = [w for w in issue.worklogs if _millis(w.started) >= after and (not before or _millis(w.started) < before)]
    view = renderer(ctx)
    page = [view.worklog(issue, w) for w in logs[start : start + limit]]
    return JSONResponse({"startAt": start, "maxResults": limit, "total": len(logs), "worklogs": page})


def _worklog(issue: Issue, ident: str) -> Worklog:
    for worklog in issue.worklogs:
        if str(worklog.id) == ident:
            return worklog
    raise not_found(f"Cannot find worklog with id: {ident}.")


def get_worklog(ctx: JiraCtx) -> Response:
    issue = find_issue(ctx)
    return JSONResponse(renderer(ctx).worklog(issue, _worklog(issue, ctx.path("id"))))


def create_worklog(ctx: JiraCtx) -> Response:
    issue = find_issue(ctx)
    if not ctx.state.can(issue.project, "WORK_ON_ISSUES"):
        raise JiraHttpError(403, "You do not have the permission to log work on this issue.")  # UNCERTAIN
    data = ctx.json_object()
    seconds = data.get("timeSpentSeconds")
    if seconds is None and isinstance(data.get("timeSpent"), str):
        try:
            seconds = parse_duration(data["timeSpent"])
        except ValueError:
            raise bad_request(errors={"timeLogged": "Invalid time duration entered."}) from None
    if not isinstance(seconds, int) or isinstance(seconds, bool) or seconds <= 0:
        raise bad_request(errors={"timeLogged": "You must indicate the time spent working."})
    try:
        started = parse_jira_time(data["started"]) if data.get("started") else ctx.now
    except (ValueError, TypeError):
        raise bad_request(errors={"started": "Invalid start date."}) from None
    comment = data.get("comment") or ""
    if isinstance(comment, dict):
        if ctx.version != "3" or markup.adf_errors(comment):
            raise bad_request(errors={"comment": "The worklog comment is not a valid document."})
    elif ctx.version == "3" and comment:  # REST v3 takes rich text only as an ADF document
        raise bad_request(errors={"comment": "The worklog comment is not a valid document."})
    elif not isinstance(comment, str):
        raise bad_request(errors={"comment": "The worklog comment must be text."})
    check_text("comment", comment)
    adjust = ctx.query("adjustEstimate", "auto")
    before = issue.remaining_estimate
    worklog = ctx.state.add_worklog(
        issue, author=ctx.user.account_id, started=started, seconds=seconds, comment=comment, now=ctx.now
    )
    if adjust == "leave":
        issue.remaining_estimate = before
    elif adjust == "new" and ctx.query("newEstimate"):
        issue.remaining_estimate = parse_duration(ctx.query("newEstimate") or "0m")
    return JSONResponse(renderer(ctx).worklog(issue, worklog), status_code=201)


def updated_worklogs(ctx: JiraCtx) -> Response:
    """``GET /worklog/updated?since=<epoch ms>``: ids changed since then; the last minute is excluded."""
    since = ctx.int_query("since", 0)
    until = _millis(ctx.now) - 60_000
    found = sorted(
        ((w.updated, w.id) for i in ctx.state.issues for w in i.worklogs if since <= _millis(w.updated) < until),
        key=lambda pair: pair[0],
    )
    page = found[:UPDATED_PAGE]
    last_page = len(found) <= UPDATED_PAGE
    end = _millis(page[-1][0]) if page and not last_page else until
    data: dict[str, Any] = {
        "values": [{"worklogId": wid, "updatedTime": _millis(at), "properties": []} for at, wid in page],
        "since": since,
        "until": end,
        "self": str(ctx.request.url),
        "lastPage": last_page,
    }
    if not last_page:
        data["nextPage"] = f"{ctx.api}/worklog/updated?since={end}"
    return JSONResponse(data)


def worklogs_by_ids(ctx: JiraCtx) -> Response:
    ids = ctx.json_object().get("ids")
    if not isinstance(ids, list) or len(ids) > UPDATED_PAGE:
        raise bad_request("The ids must be a list of at most 1000 worklog ids.")
    wanted = {int(i) for i in ids if str(i).isdigit()}
    view = renderer(ctx)
    found = [view.worklog(i, w) for i in ctx.state.issues for w in i.worklogs if w.id in wanted]
    return JSONResponse(found)


ROUTES: list[RouteSpec] = [
    (["GET"], "/issue/{key}/worklog", list_worklogs),
    (["POST"], "/issue/{key}/worklog", create_worklog),
    (["GET"], "/issue/{key}/worklog/{id}", get_worklog),
    (["GET"], "/worklog/updated", updated_worklogs),
    (["POST"], "/worklog/list", worklogs_by_ids),
]
