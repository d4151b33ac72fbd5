"""Minimal JSON Schemas for the Confluence REST v1 responses the sandbox serves.

shared/ holds no v1 spec, so these are written by hand from Atlassian's v1 reference (Cloud "Content", "Content
body", "Content labels", "Content - attachments", "Search" groups; the DC REST docs list the same shapes). They pin
what clients rely on: ids are strings, versions carry an integer ``number``, lists are ``{results, start, limit,
size, _links}``, errors carry ``statusCode`` and ``message``. Unknown properties are allowed, as in the real API.
"""

from __future__ import annotations

import re
from typing import Any

_VERSION: dict[str, Any] = {
    "type": "object",
    "required": ["number"],
    "properties": {
        "number": {"type": "integer", "minimum": 1},
        "when": {"type": "string", "format": "date-time"},
        "message": {"type": "string"},
        "minorEdit": {"type": "boolean"},
        "by": {"type": "object"},
    },
}

_SPACE: dict[str, Any] = {
    "type": "object",
    "required": ["key"],
    "properties": {"id": {"type": ["integer", "string"]}, "key": {"type": "string"}, "name": {"type": "string"}},
}

_LINKS: dict[str, Any] = {"type": "object", "additionalProperties": {"type": "string"}}

CONTENT: dict[str, Any] = {
    "type": "object",
    "required": ["id", "type", "title", "_links"],
    "properties": {
        "id": {"type": "string", "pattern": r"^(att)?\d+$"},  # attachments: "att123"
        "type": {"enum": ["page", "blogpost", "attachment", "comment"]},
        "status": {"type": "string"},
        "title": {"type": "string"},
        "space": _SPACE,
        "version": _VERSION,
        "ancestors": {
            "type": "array",
            "items": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}},
        },
        "body": {
            "type": "object",
            "properties": {
                "storage": {
                    "type": "object",
                    "required": ["value", "representation"],
                    "properties": {"value": {"type": "string"}, "representation": {"const": "storage"}},
                }
            },
        },
        "extensions": {"type": "object"},
        "metadata": {"type": "object"},
        "_links": _LINKS,
        "_expandable": {"type": "object"},
    },
}


def _array_of(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["results", "size"],
        "properties": {
            "results": {"type": "array", "items": item},
            "start": {"type": "integer", "minimum": 0},
            "limit": {"type": "integer", "minimum": 0},
            "size": {"type": "integer", "minimum": 0},
            "_links": _LINKS,
        },
    }


CONTENT_ARRAY = _array_of(CONTENT)

HISTORY: dict[str, Any] = {
    "type": "object",
    "required": ["lastUpdated"],
    "properties": {
        "latest": {"type": "boolean"},
        "createdBy": {"type": "object"},
        "createdDate": {"type": "string", "format": "date-time"},
        "lastUpdated": _VERSION,
    },
}

LABEL_ARRAY = _array_of(
    {
        "type": "object",
        "required": ["prefix", "name"],
        "properties": {"prefix": {"type": "string"}, "name": {"type": "string"}, "id": {"type": "string"}},
    }
)

V1_ERROR: dict[str, Any] = {
    "type": "object",
    "required": ["statusCode", "message"],
    "properties": {
        "statusCode": {"type": "integer"},
        "message": {"type": "string"},
        "reason": {"type": "string"},
        "data": {"type": "object"},
    },
}

SPACE_ARRAY = _array_of(_SPACE)

SEARCH_RESULTS: dict[str, Any] = {
    "type": "object",
    "required": ["results", "size"],
    "properties": {
        "results": {
            "type": "array",
            "items": {"type": "object", "required": ["title"], "properties": {"content": CONTENT}},
        },
        "start": {"type": "integer"},
        "limit": {"type": "integer"},
        "size": {"type": "integer"},
        "totalSize": {"type": "integer"},
        "cqlQuery": {"type": "string"},
    },
}

# v1 "Content properties": a JSON value under a key, versioned (Atlassian's v1 reference, Cloud and DC alike).
CONTENT_PROPERTY: dict[str, Any] = {
    "type": "object",
    "required": ["id", "key", "value", "version"],
    "properties": {
        "id": {"type": "string"},
        "key": {"type": "string", "minLength": 1, "maxLength": 255},
        "value": {},
        "version": _VERSION,
        "_links": _LINKS,
        "_expandable": {"type": "object"},
    },
}
CONTENT_PROPERTY_ARRAY = _array_of(CONTENT_PROPERTY)

# (method, path template, status) -> schema; None means "no body" (204).
_ROUTES: list[tuple[str, str, int, dict[str, Any] | None]] = [
    ("GET", "/content", 200, CONTENT_ARRAY),
    ("POST", "/content", 200, CONTENT),
    ("GET", "/content/search", 200, CONTENT_ARRAY),
    ("GET", "/content/{id}", 200, CONTENT),
    ("PUT", "/content/{id}", 200, CONTENT),
    ("GET", "/content/{id}/history", 200, HISTORY),
    ("GET", "/content/{id}/child/page", 200, CONTENT_ARRAY),
    ("GET", "/content/{id}/label", 200, LABEL_ARRAY),
    ("POST", "/content/{id}/label", 200, LABEL_ARRAY),
    ("DELETE", "/content/{id}/label", 204, None),
    ("DELETE", "/content/{id}/label/{label}", 204, None),
    ("DELETE", "/content/{id}", 204, None),  # moves the page to the trash
    ("GET", "/space", 200, SPACE_ARRAY),
    ("GET", "/space/{key}", 200, _SPACE),
    ("GET", "/search", 200, SEARCH_RESULTS),
    ("GET", "/content/{id}/child/attachment", 200, CONTENT_ARRAY),
    ("POST", "/content/{id}/child/attachment", 200, CONTENT_ARRAY),
    ("PUT", "/content/{id}/child/attachment", 200, CONTENT_ARRAY),  # Cloud only: create-or-update
    ("POST", "/content/{id}/child/attachment/{attachmentId}/data", 200, CONTENT),  # DC update of the data
    ("GET", "/content/{id}/property", 200, CONTENT_PROPERTY_ARRAY),
    ("POST", "/content/{id}/property", 200, CONTENT_PROPERTY),
    ("GET", "/content/{id}/property/{key}", 200, CONTENT_PROPERTY),
    ("PUT", "/content/{id}/property/{key}", 200, CONTENT_PROPERTY),
    ("DELETE", "/content/{id}/property/{key}", 204, None),
]

_PREFIX = re.compile(r"^(?P<prefix>/wiki)?/rest/api(?P<rest>/.*)$")


def _regex(template: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\{[^}]+\}", r"[^/]+", template) + "$")


def _find(method: str, path: str) -> tuple[str, int, dict[str, Any] | None]:
    match = _PREFIX.match(path)
    assert match is not None, f"{path} is not a Confluence v1 path"
    rest = match["rest"]
    # Literal templates win over "{id}" ones ("/content/search" is not a content id).
    for route_method, template, route_status, schema in sorted(_ROUTES, key=lambda route: route[1].count("{")):
        if route_method == method.upper() and _regex(template).match(rest):
            return (match["prefix"] or "") + "/rest/api" + template, route_status, schema
    raise AssertionError(f"no Confluence v1 schema for {method} {path}; add one from Atlassian's v1 reference")


def v1_error_template(method: str, path: str) -> str:
    return _find(method, path)[0]


def v1_schema_for(method: str, path: str, status: int) -> tuple[str, dict[str, Any] | None]:
    """The template (with the real prefix, e.g. ``/wiki/rest/api/content/{id}``) and the schema for a response."""
    template, route_status, schema = _find(method, path)
    assert status == route_status, f"{method} {path}: status {status}, Confluence answers {route_status}"
    return template, schema


def v1_templates() -> list[tuple[str, str]]:
    """(method, template without prefix) of every v1 operation with a schema."""
    return [(method, "/rest/api" + template) for method, template, _, _ in _ROUTES]
