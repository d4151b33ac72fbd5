"""Confluence over REST: the one module that imports atlassian-python-api's Confluence client.

v1 (``/rest/api/content``, the library's Server class) serves both deployments: Data Center has nothing else,
and on Cloud it is still the only API with label and attachment writes (atlassian-api.md §7). On Cloud, page
reads and writes use v2 (``/wiki/api/v2/pages``) where it is the documented path. Attachment updates bypass
the library, whose re-upload path is broken in 5.0.5 (§7.4): Cloud ``PUT .../child/attachment``, Data Center
``POST .../child/attachment/{id}/data``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import requests
from atlassian.confluence import ConfluenceServer

from pmo_bot import logs
from pmo_bot.atlassian.polite import NETWORK_ERRORS, PoliteSession
from pmo_bot.atlassian.ports import Flavor
from pmo_bot.errors import AuthError, RemoteError

XSRF = {"X-Atlassian-Token": "no-check"}


class PageConflict(RemoteError):
    """Someone else saved a new version first (HTTP 409)."""


@dataclass(frozen=True, slots=True)
class Page:
    id: str
    title: str
    version: int
    version_message: str = ""
    parent_id: str | None = None
    body: str | None = None  # storage format, when it was asked for


@dataclass(frozen=True, slots=True)
class Attachment:
    id: str
    filename: str
    comment: str = ""


@dataclass(frozen=True, slots=True)
class ContentProperty:
    """A JSON value the bot keeps on a page under ``key`` (v2 page property on Cloud, v1 content property on DC)."""

    id: str
    key: str
    value: Any
    version: int


def _property(raw: Mapping[str, Any]) -> ContentProperty:
    version = raw.get("version") or {}
    return ContentProperty(str(raw.get("id", "")), str(raw["key"]), raw.get("value"), int(version.get("number") or 1))


def _call(what: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    try:
        return fn(*args, **kwargs)
    except requests.HTTPError as error:
        status = error.response.status_code if error.response is not None else None
        message = logs.redact_text(str(error) or "no message")
        if status == 401:
            raise AuthError(f"Confluence refused the request while {what} (HTTP {status}): {message}") from error
        if status == 403:
            raise RemoteError(
                f"Confluence denied permission while {what} (HTTP 403): {message}", status=status
            ) from error
        if status == 409:
            raise PageConflict(f"version conflict while {what}: {message}", status=status) from error
        raise RemoteError(f"Confluence answered HTTP {status} while {what}: {message}", status=status) from error
    except NETWORK_ERRORS as error:
        raise RemoteError(f"Confluence did not answer while {what}: {type(error).__name__}") from None


def _page_v1(raw: Mapping[str, Any]) -> Page:
    version = raw.get("version") or {}
    ancestors = raw.get("ancestors") or []
    return Page(
        id=str(raw["id"]),
        title=str(raw.get("title", "")),
        version=int(version.get("number") or 1),
        version_message=str(version.get("message") or ""),
        parent_id=str(ancestors[-1]["id"]) if ancestors else None,
        body=((raw.get("body") or {}).get("storage") or {}).get("value"),
    )


def _page_v2(raw: Mapping[str, Any]) -> Page:
    version = raw.get("version") or {}
    parent = raw.get("parentId")
    return Page(
        id=str(raw["id"]),
        title=str(raw.get("title", "")),
        version=int(version.get("number") or 1),
        version_message=str(version.get("message") or ""),
        parent_id=str(parent) if parent else None,
    )


class ConfluenceClient:
    """Find, create and update pages, labels and attachments; Cloud and Data Center."""

    def __init__(self, url: str, *, user: str | None, token: str, session: PoliteSession, flavor: Flavor) -> None:
        common: dict[str, Any] = {
            "session": session,
            "timeout": session.library_timeout,
            "backoff_and_retry": False,
            "retry_with_header": False,
            "cloud": False,  # the v1 Server class, also on Cloud (see the module docstring)
        }
        if user:
            self._c = ConfluenceServer(url=url, username=user, password=token, **common)  # type: ignore[no-untyped-call]
        else:
            self._c = ConfluenceServer(url=url, token=token, **common)  # type: ignore[no-untyped-call]
        self.flavor = flavor
        self.base_url = url.rstrip("/")

    # -- spaces and pages ---------------------------------------------------------------------------------
    def space_id(self, key: str) -> str:
        space = _call(f"reading space {key}", self._c.get, f"rest/api/space/{key}") or {}
        return str(space.get("id", ""))

    def space_operations(self, key: str) -> set[tuple[str, str]] | None:
        """What the bot may do in the space, as ``(operation, targetType)`` pairs (``expand=operations``, v1 on
        both flavours); ``None`` when the site does not report them."""
        params = {"expand": "operations"}
        space = _call(f"reading permissions in space {key}", self._c.get, f"rest/api/space/{key}", params=params)
        operations = (space or {}).get("operations")
        if not isinstance(operations, list):
            return None
        return {(str(o.get("operation")), str(o.get("targetType"))) for o in operations if isinstance(o, Mapping)}

    def find_page(self, space_key: str, title: str, parent_id: str | None = None) -> Page | None:
        """The current page with this title in the space (titles are unique per space), preferring the parent."""
        params = {"spaceKey": space_key, "title": title, "type": "page", "expand": "version,ancestors,body.storage"}
        found = _call(f"looking up page {title!r}", self._c.get, "rest/api/content", params=params) or {}
        pages = [_page_v1(r) for r in found.get("results") or []]
        pages.sort(key=lambda p: p.parent_id != parent_id)
        return pages[0] if pages else None

    def get_page(self, page_id: str) -> Page | None:
        try:
            raw = _call(
                f"reading page {page_id}",
                self._c.get,
                f"rest/api/content/{page_id}",
                params={"expand": "version,ancestors,body.storage"},
            )
        except RemoteError as error:
            if error.status == 404:
                return None
            raise
        return _page_v1(raw) if raw else None

    def create_page(self, space_key: str, parent_id: str, title: str, body: str, message: str) -> Page:
        data: dict[str, Any]
        if self.flavor == "cloud":  # v2 create takes no version message
            data = {
                "spaceId": self.space_id(space_key),
                "status": "current",
                "title": title,
                "parentId": parent_id,
                "body": {"representation": "storage", "value": body},
            }
            return _page_v2(_call(f"creating page {title!r}", self._c.post, "api/v2/pages", data=data))
        data = {
            "type": "page",
            "title": title,
            "space": {"key": space_key},
            "ancestors": [{"id": parent_id}],
            "body": {"storage": {"value": body, "representation": "storage"}},
            "version": {"number": 1, "message": message},
        }
        return _page_v1(_call(f"creating page {title!r}", self._c.post, "rest/api/content", data=data))

    def update_page(self, page: Page, title: str, body: str, message: str, *, minor: bool = False) -> Page:
        """A new version. ``minor`` spares watchers a notification; v2 has no such flag, so Cloud then uses v1."""
        number = page.version + 1
        data: dict[str, Any]
        if self.flavor == "cloud" and not minor:
            data = {
                "id": page.id,
                "status": "current",  # required by v2; the library's own update_page omits it (§7.4)
                "title": title,
                "body": {"representation": "storage", "value": body},
                "version": {"number": number, "message": message},
            }
            return _page_v2(_call(f"updating page {title!r}", self._c.put, f"api/v2/pages/{page.id}", data=data))
        data = {
            "id": page.id,
            "type": "page",
            "title": title,
            "body": {"storage": {"value": body, "representation": "storage"}},
            "version": {"number": number, "message": message, "minorEdit": minor},
        }
        return _page_v1(_call(f"updating page {title!r}", self._c.put, f"rest/api/content/{page.id}", data=data))

    # -- content properties (the report's fingerprint) -----------------------------------------------------
    def get_property(self, page_id: str, key: str) -> ContentProperty | None:
        if self.flavor == "cloud":
            found = _call(
                f"reading property {key} of page {page_id}",
                self._c.get,
                f"api/v2/pages/{page_id}/properties",
                params={"key": key},
            )
            results = (found or {}).get("results") or []
            return _property(results[0]) if results else None
        try:
            raw = _call(
                f"reading property {key} of page {page_id}", self._c.get, f"rest/api/content/{page_id}/property/{key}"
            )
        except RemoteError as error:
            if error.status == 404:
                return None
            raise
        return _property(raw) if raw else None

    def set_property(self, page_id: str, key: str, value: Any, existing: ContentProperty | None) -> ContentProperty:
        what = f"writing property {key} of page {page_id}"
        if existing is None:
            path = (
                f"api/v2/pages/{page_id}/properties"
                if self.flavor == "cloud"
                else f"rest/api/content/{page_id}/property"
            )
            return _property(_call(what, self._c.post, path, data={"key": key, "value": value}))
        version: dict[str, Any] = {"number": existing.version + 1}
        if self.flavor == "cloud":
            path = f"api/v2/pages/{page_id}/properties/{existing.id}"
        else:
            path = f"rest/api/content/{page_id}/property/{key}"
            version["minorEdit"] = True
        return _property(_call(what, self._c.put, path, data={"key": key, "value": value, "version": version}))

    # -- labels -------------------------------------------------------------------------------------------
    def labels(self, page_id: str) -> set[str]:
        found = _call(f"reading labels of {page_id}", self._c.get, f"rest/api/content/{page_id}/label") or {}
        return {str(label.get("name")) for label in found.get("results") or []}

    def add_labels(self, page_id: str, labels: list[str]) -> None:
        data: Any = [{"prefix": "global", "name": name} for name in labels]  # v1 takes an array of labels
        _call(f"labelling page {page_id}", self._c.post, f"rest/api/content/{page_id}/label", data=data)

    # -- attachments --------------------------------------------------------------------------------------
    def attachments(self, page_id: str) -> dict[str, Attachment]:
        found: dict[str, Attachment] = {}
        start = 0
        while True:
            params = {"start": start, "limit": 100, "expand": "version"}
            batch = (
                _call(
                    f"listing attachments of {page_id}",
                    self._c.get,
                    f"rest/api/content/{page_id}/child/attachment",
                    params=params,
                )
                or {}
            )
            results = batch.get("results") or []
            for raw in results:
                comment = (
                    ((raw.get("metadata") or {}).get("comment")) or (raw.get("version") or {}).get("message") or ""
                )
                found[str(raw.get("title"))] = Attachment(str(raw.get("id")), str(raw.get("title")), str(comment))
            start += len(results)
            if not results or "next" not in (batch.get("_links") or {}):
                return found

    def upload(
        self, page_id: str, filename: str, data: bytes, *, media_type: str, comment: str, existing: Attachment | None
    ) -> None:
        files = {"file": (filename, data, media_type), "comment": (None, comment), "minorEdit": (None, "true")}
        base = f"rest/api/content/{page_id}/child/attachment"
        if existing is None:
            _call(f"attaching {filename}", self._c.post, base, files=files, headers=XSRF)
        elif self.flavor == "cloud":
            _call(f"updating attachment {filename}", self._c.put, base, files=files, headers=XSRF)
        else:
            _call(
                f"updating attachment {filename}", self._c.post, f"{base}/{existing.id}/data", files=files, headers=XSRF
            )

    def view_url(self, page_id: str) -> str:
        return f"{self.base_url}/pages/viewpage.action?pageId={page_id}"
