"""Human views: ``/_sandbox/`` (index of projects, issues and pages) and ``/_sandbox/view/issue/KEY``.

Every piece of site content is untrusted text and goes through ``esc`` (or the renderers, which escape).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from pmo_bot.sandbox import markup
from pmo_bot.sandbox.confluence.views import page_view_url
from pmo_bot.sandbox.jira.catalogue import CUSTOM_FIELD_IDS, status_category
from pmo_bot.sandbox.jira.formats import duration_text, jira_date, jira_time
from pmo_bot.sandbox.jira.records import Issue
from pmo_bot.sandbox.render import BASE_CSS, adf_to_html, wiki_to_html
from pmo_bot.sandbox.render.safe import esc
from pmo_bot.sandbox.site import Sandbox

ISSUES_PER_PROJECT = 200  # the index stays readable (and fast) on 100k-issue sites
ISSUE_VIEW = "/_sandbox/view/issue"
_CATEGORY_CLASS = {"new": "status-grey", "indeterminate": "status-blue", "done": "status-green"}


def issue_view_url(key: str) -> str:
    return f"{ISSUE_VIEW}/{key}"


def _document(title: str, body: str) -> str:
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'><title>{esc(title)}</title>"
        f"<style>{BASE_CSS} table.fields td, table.fields th {{ text-align:left; vertical-align:top;"
        " padding:2px 10px 2px 0; }} .comment {{ border-top:1px solid #dfe1e6; padding:8px 0; }}</style>"
        "</head><body><header class='bar'><a href='/_sandbox/'>pmo-bot sandbox</a></header>"
        f"<main>{body}</main></body></html>"
    )


def _lozenge(status: str) -> str:
    css = _CATEGORY_CLASS.get(status_category(status), "status-grey")
    return f"<span class='status {css}'>{esc(status.upper())}</span>"


def _rich(body: markup.Body | None) -> str:
    if body is None or body == "":
        return "<p class='meta'>(none)</p>"
    return adf_to_html(body) if isinstance(body, dict) else wiki_to_html(body)


def _issue_link(key: str | None) -> str:
    return f"<a href='{esc(issue_view_url(key))}'>{esc(key)}</a>" if key else ""


def index_html(sandbox: Sandbox, base: str) -> str:
    jira, config = sandbox.jira, sandbox.config
    by_project: dict[str, list[Issue]] = {}
    for issue in jira.issues:
        by_project.setdefault(issue.project, []).append(issue)
    search = f"{base}/rest/api/3/search/jql" if config.flavor == "cloud" else f"{base}/rest/api/2/search"
    parts = [
        f"<h1>Sandbox ({esc(config.flavor)})</h1>",
        "<table class='fields'>",
        f"<tr><th>Jira</th><td>{esc(base)}</td></tr>",
        f"<tr><th>Confluence</th><td>{esc(base + config.confluence_prefix)}</td></tr>",
        f"<tr><th>Search</th><td>{esc(search)}</td></tr>",
        f"<tr><th>User</th><td>{esc(config.user)}</td></tr>",
        f"<tr><th>Issues</th><td>{len(jira.issues)}</td></tr></table>",
        "<h2>Projects</h2>",
    ]
    for key, project in jira.projects.items():
        issues = by_project.get(key, [])
        parts.append(f"<h3>{esc(project.name)} ({esc(key)}, {len(issues)} issues)</h3><ul>")
        for issue in issues[:ISSUES_PER_PROJECT]:
            parts.append(
                f"<li>{_issue_link(issue.key)} {esc(issue.issue_type)} · {_lozenge(issue.status)} "
                f"{esc(issue.summary)}</li>"
            )
        if len(issues) > ISSUES_PER_PROJECT:
            parts.append(f"<li class='meta'>… and {len(issues) - ISSUES_PER_PROJECT} more</li>")
        parts.append("</ul>")
    parts.append("<h2>Confluence pages</h2>")
    confluence = sandbox.confluence
    for space in confluence.spaces.values():
        pages = [p for p in confluence.all_pages() if p.space_key == space.key]
        parts.append(f"<h3>{esc(space.name)} ({esc(space.key)})</h3><ul>")
        parts.extend(f"<li><a href='{esc(page_view_url(p.id))}'>{esc(p.title)}</a></li>" for p in pages)
        parts.append("</ul>")
    return _document("Sandbox index", "".join(parts))


def _field_rows(sandbox: Sandbox, issue: Issue) -> Iterable[tuple[str, str]]:
    jira = sandbox.jira
    user = jira.user
    yield "Type", esc(issue.issue_type)
    yield "Status", _lozenge(issue.status)
    yield "Priority", esc(issue.priority)
    assignee, reporter = user(issue.assignee), user(issue.reporter)
    yield "Assignee", esc(assignee.display_name) if assignee else "Unassigned"
    yield "Reporter", esc(reporter.display_name) if reporter else ""
    yield "Parent" if sandbox.flavor == "cloud" else "Parent / Epic Link", _issue_link(issue.parent)
    children = jira.children.get(issue.key, [])
    if children:
        yield "Children", ", ".join(_issue_link(c.key) for c in children)
    yield "Labels", " ".join(f"<span class='label'>{esc(label)}</span>" for label in issue.labels)
    yield "Due date", esc(jira_date(issue.due_date) or "")
    yield "Created", esc(jira_time(issue.created))
    yield "Updated", esc(jira_time(issue.updated))
    if issue.resolution:
        yield "Resolution", esc(f"{issue.resolution} ({jira_time(issue.resolved) if issue.resolved else ''})")
    if issue.epic_name:
        yield "Epic Name", esc(issue.epic_name)
    for name, field_id in CUSTOM_FIELD_IDS.items():
        value = issue.custom.get(field_id)
        if value is not None:
            yield name, esc(value)
    spent = sum(w.seconds for w in issue.worklogs)
    yield (
        "Time",
        esc(
            f"spent {duration_text(spent)}, estimate {duration_text(issue.original_estimate) or '-'}, "
            f"remaining {duration_text(issue.remaining_estimate) or '-'}"
        ),
    )


def issue_html(sandbox: Sandbox, issue: Issue) -> str:
    jira = sandbox.jira
    rows = "".join(f"<tr><th>{esc(label)}</th><td>{value}</td></tr>" for label, value in _field_rows(sandbox, issue))
    parts = [
        f"<div class='breadcrumbs'>{esc(issue.project)}</div>",
        f"<h1>{esc(issue.key)}: {esc(issue.summary)}</h1>",
        f"<table class='fields'>{rows}</table>",
        "<h2>Description</h2>",
        _rich(issue.description),
        f"<h2>Comments ({len(issue.comments)})</h2>",
    ]
    for comment in issue.comments:
        author = jira.user(comment.author)
        edited = " (edited)" if comment.updated != comment.created else ""
        parts.append(
            f"<div class='comment'><div class='meta'>{esc(author.display_name if author else '?')} · "
            f"{esc(jira_time(comment.created))}{esc(edited)}</div>{_rich(comment.body)}"
        )
        if comment.properties:
            parts.append(f"<pre class='meta'>{esc(_json(comment.properties))}</pre>")
        parts.append("</div>")
    if issue.properties:
        parts.append(f"<h2>Issue properties</h2><pre>{esc(_json(issue.properties))}</pre>")
    if issue.history:
        parts.append("<h2>History</h2><table class='fields'>")
        for change in issue.history:
            author = jira.user(change.author)
            for field, _, _, _, old, _, new in change.items:
                parts.append(
                    f"<tr><td>{esc(jira_time(change.at))}</td><td>{esc(author.display_name if author else '')}"
                    f"</td><td>{esc(field)}</td><td>{esc(old or '')} → {esc(new or '')}</td></tr>"
                )
        parts.append("</table>")
    return _document(f"{issue.key} {issue.summary}", "".join(parts))


def _json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


def routes(sandbox: Sandbox) -> list[BaseRoute]:
    async def index(request: Request) -> Response:
        base = f"{request.url.scheme}://{request.url.netloc}"
        with sandbox.lock:
            return HTMLResponse(index_html(sandbox, base))

    async def issue(request: Request) -> Response:
        with sandbox.lock:
            found = sandbox.jira.issue(str(request.path_params["key"]))
            if found is None:
                body = _document("Not found", f"<h1>No issue {esc(request.path_params['key'])}</h1>")
                return HTMLResponse(body, status_code=404)
            return HTMLResponse(issue_html(sandbox, found))

    async def browse(request: Request) -> Response:
        """Links to Jira's UI (``/browse/KEY``, as in reports and comments) open the sandbox's issue view."""
        return RedirectResponse(f"{ISSUE_VIEW}/{request.path_params['key']}")

    return [
        Route("/_sandbox/", index, methods=["GET"]),
        Route("/_sandbox", index, methods=["GET"]),
        Route(ISSUE_VIEW + "/{key}", issue, methods=["GET"]),
        Route("/browse/{key}", browse, methods=["GET"]),
    ]
