"""Jira over REST: the one module that imports atlassian-python-api's ``Jira``.

The library supplies authentication, sessions and error messages; paths are ours, because several of its
helpers have traps on 5.0.5 (atlassian-api.md §1.3, §3.3, §4): ``jql`` defaults to ``*all`` fields and forces
v3, the DC pager stops after one page when given a limit, comment listing does not paginate, there is no
delete-comment method, and ``set_comment_property`` nests the value. Cloud bodies are ADF (REST v3); Data
Center bodies are wiki markup (REST v2).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import pydantic_core
import requests
from atlassian import Jira

from pmo_bot import logs
from pmo_bot.atlassian.polite import NETWORK_ERRORS, PoliteSession
from pmo_bot.atlassian.ports import BotIdentity, FieldInfo, Flavor, RemoteComment, SearchResult
from pmo_bot.errors import AuthError, RemoteError
from pmo_bot.richtext import plain_text

log = logs.get_logger(__name__)

CLOUD_PAGE_SIZE = 100  # Cloud returns fewer when many fields are asked for; we follow nextPageToken regardless
DC_PAGE_SIZE = 500
KEYS_PAGE_SIZE = 1000  # keys-only pages: Cloud serves up to 5,000 id/key-only results, DC clamps at 1,000
COMMENT_PAGE_SIZE = 100
CHANGELOG_ISSUES_PER_REQUEST = 1000  # bulkfetch's cap (J3 BulkChangelogRequestBean.issueIdsOrKeys)
CHANGELOG_FIELDS_MAX = 10  # bulkfetch's cap on fieldIds
CHANGELOG_PAGE_SIZE = 100  # GET /issue/{key}/changelog pages (Cloud)


AUTH_HINT = (
    "Check jira_user and jira_token: a Cloud API token goes with the account's email in jira_user, "
    "a Data Center personal access token with no jira_user"
)


def tls_reason(error: Exception) -> str:
    text = str(error)
    if "CERTIFICATE_VERIFY_FAILED" in text or "certificate verify failed" in text:
        detail = text.split("certificate verify failed:", 1)[-1].split("(_ssl", 1)[0].strip(" ')\"")
        return (
            f"certificate verify failed ({detail or 'unknown issuer'}); for a private CA set ca_bundle "
            "to its PEM file (verification cannot be switched off)"
        )
    return logs.redact_text(text.split("\n", 1)[0])[:300]


class NotFound(RemoteError):
    """The issue, comment or property does not exist (or the bot may not see it)."""


def _describe(error: requests.HTTPError) -> tuple[int | None, str]:
    status = error.response.status_code if error.response is not None else None
    return status, logs.redact_text(str(error) or "no message")


def call(what: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run one library call and turn its exceptions into ours, naming what we were doing."""
    try:
        return fn(*args, **kwargs)
    except requests.HTTPError as error:
        status, message = _describe(error)
        if status == 401:  # the credentials: systemic, fails the run
            raise AuthError(
                f"Jira refused the credentials while {what} (HTTP {status}): {message}. {AUTH_HINT}", status=status
            ) from error
        if status == 403:  # a permission on this resource: fails this item, not the run
            raise RemoteError(f"Jira denied permission while {what} (HTTP 403): {message}", status=status) from error
        if status == 404:
            raise NotFound(f"not found while {what}: {message}", status=status) from error
        raise RemoteError(f"Jira answered HTTP {status} while {what}: {message}", status=status) from error
    except requests.exceptions.SSLError as error:
        raise RemoteError(f"Jira's TLS certificate was not accepted while {what}: {tls_reason(error)}") from None
    except NETWORK_ERRORS as error:
        raise RemoteError(f"Jira did not answer while {what}: {type(error).__name__}") from None


def parsed(response: requests.Response) -> Any:
    """A response body as JSON, parsed by pydantic-core (about twice as fast as ``json`` on search pages, which
    are most of a sync's CPU); an empty body is None, and a body that is not JSON is returned as text, as the
    library does, for ``expect_object`` to name."""
    if not response.content:
        return None
    try:
        return pydantic_core.from_json(response.content, cache_strings="keys")
    except ValueError:
        pass
    try:  # pydantic-core refuses a lone surrogate escape (``\ud800``), which user text in Jira can hold
        return _mended(json.loads(response.content))
    except ValueError:
        return response.text


def _mended(value: Any) -> Any:
    """``value`` with each lone surrogate, which no text can carry (UTF-8, XML, a database), as U+FFFD."""
    if isinstance(value, str):
        return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    if isinstance(value, list):
        return [_mended(element) for element in value]
    if isinstance(value, dict):
        return {_mended(key): _mended(element) for key, element in value.items()}
    return value


def expect_object(value: Any, what: str) -> Mapping[str, Any]:
    """A JSON object from Jira (or ``{}`` for an empty answer); any other shape is a clear error."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise RemoteError(f"Jira answered {what} with a JSON {_json_kind(value)} where an object was expected")
    return value


def expect_list(value: Any, what: str) -> list[Mapping[str, Any]]:
    """A JSON list of objects (``[]`` for an empty answer); elements that are not objects are dropped."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise RemoteError(f"Jira answered {what} with a JSON {_json_kind(value)} where a list was expected")
    return [element for element in value if isinstance(element, Mapping)]


def _count(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0  # a garbled total ends paging at the first short page instead of raising


def _json_kind(value: Any) -> str:
    return {dict: "object", list: "list", str: "string", bool: "boolean"}.get(type(value), "number")


def detect_flavor(server_info: Mapping[str, Any]) -> Flavor:
    return "cloud" if str(server_info.get("deploymentType", "")).lower() == "cloud" else "datacenter"


class JiraClient:
    """Implements ``JiraPort`` for Jira Cloud and Data Center."""

    def __init__(
        self, url: str, *, user: str | None, token: str, session: PoliteSession, flavor: Flavor | None
    ) -> None:
        common: dict[str, Any] = {
            "session": session,
            "timeout": session.library_timeout,
            "backoff_and_retry": False,  # PoliteSession retries, by reason
            "retry_with_header": False,
        }
        if user:
            self._jira = Jira(url=url, username=user, password=token, cloud=flavor != "datacenter", **common)
        else:  # Data Center personal access token
            self._jira = Jira(url=url, token=token, cloud=False, **common)
        self.flavor: Flavor = flavor or detect_flavor(self.server_info())
        self._api = "rest/api/3" if self.flavor == "cloud" else "rest/api/2"

    # -- metadata ---------------------------------------------------------------------------------------
    def server_info(self) -> Mapping[str, Any]:
        return expect_object(self._read("reading serverInfo", "rest/api/2/serverInfo"), "serverInfo")

    def myself(self) -> BotIdentity:
        me = expect_object(self._read("reading the bot's own account", f"{self._api}/myself"), "/myself")
        return BotIdentity(
            account_id=me.get("accountId"),
            name=me.get("name"),
            key=me.get("key"),
            display_name=str(me.get("displayName") or me.get("name") or "pmo-bot"),
            time_zone=str(me.get("timeZone") or "UTC"),
        )

    def fields(self) -> list[FieldInfo]:
        raw = expect_list(self._read("reading the field catalogue", f"{self._api}/field"), "/field")
        return [
            FieldInfo(
                id=str(f.get("id")),
                name=str(f.get("name", "")),
                custom=bool(f.get("custom")),
                custom_type=(f.get("schema") or {}).get("custom"),
                clause_names=tuple(f.get("clauseNames") or ()),
            )
            for f in raw
        ]

    def projects(self) -> list[str]:
        raw = expect_list(self._read("listing projects", f"{self._api}/project"), "/project")
        return sorted(str(p["key"]) for p in raw if p.get("key"))

    def my_permissions(self, project: str, keys: Sequence[str]) -> dict[str, bool]:
        """Which of the project permissions ``keys`` the bot holds in ``project`` (``GET mypermissions``, v2 on
        both flavours; Cloud requires the ``permissions`` list)."""
        params = {"projectKey": project, "permissions": ",".join(keys)}
        raw = self._read(f"reading the bot's permissions in {project}", "rest/api/2/mypermissions", params=params)
        granted = (raw or {}).get("permissions") or {}
        return {k: bool(isinstance(granted.get(k), Mapping) and granted[k].get("havePermission")) for k in keys}

    # -- search -----------------------------------------------------------------------------------------
    def search(
        self, jql: str, fields: Sequence[str], *, expand: Sequence[str] = (), properties: Sequence[str] = ()
    ) -> Iterator[SearchResult]:
        if self.flavor == "cloud":
            yield from self._search_cloud(jql, fields, expand, properties)
        else:
            yield from self._search_dc(jql, fields, expand, properties)

    def search_keys(self, jql: str) -> list[str]:
        """The keys of every issue ``jql`` matches (only ``key`` asked for: Cloud's enhanced search returns just
        ``id`` otherwise; large pages). A refused JQL is a 400 whose message is Jira's (``RemoteError``)."""
        if self.flavor == "cloud":
            pages = self._search_cloud(jql, ("key",), (), (), size=KEYS_PAGE_SIZE)
        else:
            pages = self._search_dc(jql, ("key",), (), (), size=KEYS_PAGE_SIZE)
        return [str(raw["key"]) for page in pages for raw in page.issues if isinstance(raw.get("key"), str)]

    def _read(self, what: str, path: str, *, data: Any = None, params: Mapping[str, Any] | None = None) -> Any:
        """One request that reads (a POST when it sends ``data``): the answer checked like any other, then parsed
        (``parsed``)."""
        method = self._jira.get if data is None else self._jira.post
        response = call(what, method, path, data=data, params=params, advanced_mode=True)
        call(what, self._jira.raise_for_status, response)
        return parsed(response)

    def _search_cloud(
        self,
        jql: str,
        fields: Sequence[str],
        expand: Sequence[str],
        properties: Sequence[str],
        size: int = CLOUD_PAGE_SIZE,
    ) -> Iterator[SearchResult]:
        body: dict[str, Any] = {"jql": jql, "fields": list(fields), "maxResults": size}
        if expand:
            body["expand"] = ",".join(expand)
        if properties:
            body["properties"] = list(properties)
        token: str | None = None
        while True:
            page_body = {**body, "nextPageToken": token} if token else body
            page = expect_object(self._read("searching issues", "rest/api/3/search/jql", data=page_body), "the search")
            yield SearchResult(issues=expect_list(page.get("issues"), "the search's issues"))
            token = page.get("nextPageToken")
            if page.get("isLast", token is None) or not token:
                return

    def _search_dc(
        self,
        jql: str,
        fields: Sequence[str],
        expand: Sequence[str],
        properties: Sequence[str],
        size: int = DC_PAGE_SIZE,
    ) -> Iterator[SearchResult]:
        # Data Center's SearchRequestBean takes only jql, startAt, maxResults, fields, expand and validateQuery:
        # any other member (``properties``, ``fieldsByKeys``) is a 400, so issue properties are not asked for
        # here; ``properties`` is honoured on Cloud only (read them with ``get_issue_property`` on DC).
        del properties
        start = 0
        while True:
            body: dict[str, Any] = {"jql": jql, "fields": list(fields), "startAt": start, "maxResults": size}
            if expand:
                body["expand"] = list(expand)
            page = expect_object(self._read("searching issues", "rest/api/2/search", data=body), "the search")
            issues = expect_list(page.get("issues"), "the search's issues")
            total = _count(page.get("total"))
            yield SearchResult(issues=issues, total=total)
            start += len(issues)  # advance by what the server returned: it may clamp maxResults
            if not issues or start >= total:
                return

    # -- history ----------------------------------------------------------------------------------------
    def changelogs(
        self, issues: Sequence[tuple[str, str]], field_ids: Sequence[str]
    ) -> dict[str, list[Mapping[str, Any]]]:
        """Cloud: every history of these ``(id, key)`` issues touching ``field_ids``, oldest first, by key.

        ``POST /rest/api/3/changelog/bulkfetch`` takes up to 1,000 issues and 10 field ids per request, pages
        with ``nextPageToken`` and names each issue by id. Where the route is missing (404: a proxy, an older
        site), each issue's ``GET /issue/{key}/changelog`` is paged instead, unfiltered.
        """
        key_of = {str(issue_id): key for issue_id, key in issues}
        found: dict[str, list[Mapping[str, Any]]] = {key: [] for _, key in issues}
        wanted = list(dict.fromkeys(field_ids))[:CHANGELOG_FIELDS_MAX]
        ids = list(key_of)
        for start in range(0, len(ids), CHANGELOG_ISSUES_PER_REQUEST):
            body: dict[str, Any] = {"issueIdsOrKeys": ids[start : start + CHANGELOG_ISSUES_PER_REQUEST]}
            if wanted:
                body["fieldIds"] = wanted
            token: str | None = None
            while True:
                page_body = {**body, "nextPageToken": token} if token else body
                try:
                    page = self._read("fetching changelogs", "rest/api/3/changelog/bulkfetch", data=page_body)
                except NotFound:
                    log.warning("changelog_bulkfetch_unavailable", issues=len(ids))
                    return {key: self.issue_changelog(key) for key in found}
                for entry in (page or {}).get("issueChangeLogs") or ():
                    key = key_of.get(str(entry.get("issueId"))) if isinstance(entry, Mapping) else None
                    if key is not None:
                        found[key].extend(entry.get("changeHistories") or ())
                token = (page or {}).get("nextPageToken")
                if not token:
                    break
        return found

    def issue_changelog(self, key: str) -> list[Mapping[str, Any]]:
        """One issue's whole history. Cloud pages ``GET /issue/{key}/changelog``; Data Center has no such route,
        and its ``GET /issue/{key}?expand=changelog`` returns the full history."""
        if self.flavor != "cloud":
            raw = self._read(
                f"reading the history of {key}",
                f"rest/api/2/issue/{key}",
                params={"expand": "changelog", "fields": "created"},
            )
            histories = ((raw or {}).get("changelog") or {}).get("histories")
            return list(histories) if isinstance(histories, list) else []
        found: list[Mapping[str, Any]] = []
        start = 0
        while True:
            params = {"startAt": start, "maxResults": CHANGELOG_PAGE_SIZE}
            page = self._read(f"reading the history of {key}", f"rest/api/3/issue/{key}/changelog", params=params) or {}
            batch = page.get("values") or []
            found.extend(batch)
            start += len(batch)
            if not batch or page.get("isLast") or start >= int(page.get("total") or 0):
                return found

    # -- comments ---------------------------------------------------------------------------------------
    def comments(self, key: str) -> list[RemoteComment]:
        found: list[RemoteComment] = []
        start = 0
        while True:
            params = {"startAt": start, "maxResults": COMMENT_PAGE_SIZE, "expand": "properties"}
            page = expect_object(
                self._read(f"listing comments of {key}", f"{self._api}/issue/{key}/comment", params=params),
                f"the comments of {key}",
            )
            batch = expect_list(page.get("comments"), f"the comments of {key}")
            for c in batch:
                props = {str(p.get("key")): p.get("value") for p in c.get("properties") or () if isinstance(p, Mapping)}
                found.append(
                    RemoteComment(
                        str(c.get("id")),
                        c.get("author") or {},
                        plain_text(c.get("body")),
                        props,
                        created=c.get("created"),
                        updated=c.get("updated"),
                    )
                )
            start += len(batch)
            if not batch or start >= _count(page.get("total")):
                return found

    def add_comment(self, key: str, body: Any) -> str:
        created = call(
            f"adding a comment to {key}",
            self._jira.post,
            f"{self._api}/issue/{key}/comment",
            data={"body": body},
        )
        return str(expect_object(created, f"the new comment on {key}").get("id"))

    def edit_comment(self, key: str, comment_id: str, body: Any) -> None:
        call(
            f"editing comment {comment_id} on {key}",
            self._jira.put,
            f"{self._api}/issue/{key}/comment/{comment_id}",
            data={"body": body},
            params={"notifyUsers": "false"},
        )

    def delete_comment(self, key: str, comment_id: str) -> None:
        call(
            f"deleting comment {comment_id} on {key}",
            self._jira.delete,
            f"{self._api}/issue/{key}/comment/{comment_id}",
        )

    # -- properties --------------------------------------------------------------------------
    def get_issue_property(self, key: str, name: str) -> Any | None:
        try:
            found = self._read(
                f"reading property {name} of {key}",
                f"{self._api}/issue/{key}/properties/{name}",
            )
        except NotFound:
            return None
        return expect_object(found, f"property {name} of {key}").get("value")

    def set_issue_property(self, key: str, name: str, value: Any) -> None:
        call(
            f"writing property {name} of {key}",
            self._jira.put,
            f"{self._api}/issue/{key}/properties/{name}",
            data=value,
        )
