"""The search request bodies, checked as strictly as each product deserialises them.

Data Center binds ``POST /rest/api/2/search`` to ``SearchRequestBean`` with Jackson 1 and unknown members are
fatal: ``properties`` or ``fieldsByKeys`` get a plain-text 400 "Unrecognized field ... not marked as ignorable"
(reported against real sites, e.g. floralvikings/jira-connector#219). Cloud's ``POST /rest/api/3/search/jql``
body is ``SearchAndReconcileRequestBean`` (J3: ``additionalProperties: false``, ``expand`` a comma-separated
string, ``fields``/``properties`` string arrays, ...); a body that breaks it is a 400 with Cloud's generic
"Invalid request payload" message. The schema below mirrors J3's and a test keeps the two identical.
"""

from __future__ import annotations

from typing import Any

import jsonschema

from pmo_bot.sandbox.jira.errors import JacksonError, bad_request

DC_SEARCH_BEAN = "com.atlassian.jira.rest.v2.search.SearchRequestBean"
DC_SEARCH_MEMBERS = ("jql", "startAt", "maxResults", "fields", "expand", "validateQuery")
INVALID_PAYLOAD = "Invalid request payload. Refer to the REST API documentation and try again."

_STRINGS = {"type": "array", "items": {"type": "string"}}
CLOUD_SEARCH_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "expand": {"type": "string"},
        "fields": _STRINGS,
        "fieldsByKeys": {"type": "boolean"},
        "jql": {"type": "string"},
        "maxResults": {"type": "integer"},
        "nextPageToken": {"type": "string"},
        "properties": _STRINGS,
        "reconcileIssues": {"type": "array", "items": {"type": "integer"}},
    },
}
_CLOUD = jsonschema.Draft7Validator(CLOUD_SEARCH_SCHEMA)


def check_dc_search_body(body: dict[str, Any]) -> None:
    """Jackson reports the first unknown member in document order."""
    for member in body:
        if member not in DC_SEARCH_MEMBERS:
            raise JacksonError(member, DC_SEARCH_BEAN)


def check_cloud_search_body(body: dict[str, Any]) -> None:
    if not _CLOUD.is_valid(body):
        raise bad_request(INVALID_PAYLOAD)
