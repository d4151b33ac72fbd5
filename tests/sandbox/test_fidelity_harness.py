"""The validator itself bites: shapes the real products never send are rejected, Jira's own formats accepted.

Responses are built in memory (no sandbox), so these pin the harness independently of what the sandbox does.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from tests.sandbox.spec_validation import (
    assert_adf,
    is_atlassian_date_time,
    validated,
    validated_error,
)

BASE = "http://127.0.0.1:1"


def response(
    method: str, path: str, status: int, body: Any, content_type: str = "application/json"
) -> requests.Response:
    built = requests.Response()
    built.status_code = status
    built._content = b"" if body is None else json.dumps(body).encode()
    built.headers["Content-Type"] = content_type
    built.request = requests.Request(method, BASE + path).prepare()
    built.url = BASE + path
    return built


ISSUE = {"id": "10001", "key": "FID-1", "self": f"{BASE}/rest/api/3/issue/10001", "fields": {"summary": "s"}}


@pytest.mark.parametrize(
    "value", ["2026-11-20T09:58:12.345+0000", "2026-11-20T09:58:12+00:00", "2026-11-20T09:58:12.345Z"]
)
def test_jira_and_rfc3339_timestamps_are_date_times(value: str) -> None:
    assert is_atlassian_date_time(value)


@pytest.mark.parametrize("value", ["2026-11-20", "2026-13-20T09:58:12+0000", "2026-11-20 09:58:12+0000", "yesterday"])
def test_other_strings_are_not(value: str) -> None:
    assert not is_atlassian_date_time(value)


def test_enhanced_search_page_passes_and_a_total_is_refused() -> None:
    page = {"issues": [ISSUE], "isLast": True}
    assert validated(response("GET", "/rest/api/3/search/jql", 200, page)) == page
    with pytest.raises(AssertionError, match="total"):
        validated(response("GET", "/rest/api/3/search/jql", 200, {**page, "total": 1}))


def test_v2_paths_are_checked_against_v3_shapes_and_must_not_carry_adf() -> None:
    comment = {"id": "1", "body": "h3. wiki", "created": "2026-11-20T09:58:12.345+0000"}
    validated(response("GET", "/rest/api/2/issue/FID-1/comment/1", 200, comment))
    doc = {"version": 1, "type": "doc", "content": [{"type": "paragraph", "content": [{"type": "text", "text": "x"}]}]}
    with pytest.raises(AssertionError, match="wiki markup"):
        validated(response("GET", "/rest/api/2/issue/FID-1/comment/1", 200, {**comment, "body": doc}))
    validated(response("GET", "/rest/api/3/issue/FID-1/comment/1", 200, {**comment, "body": doc}))


def test_invalid_adf_in_a_v3_answer_is_refused() -> None:
    bad = {"version": 1, "type": "doc", "content": [{"type": "text", "text": "bare"}]}
    with pytest.raises(AssertionError, match="invalid ADF"):
        validated(response("GET", "/rest/api/3/issue/FID-1/comment/1", 200, {"id": "1", "body": bad}))
    with pytest.raises(AssertionError, match="invalid ADF"):
        assert_adf(
            {"version": 1, "type": "doc", "content": [{"type": "paragraph", "content": [{"type": "text", "text": ""}]}]}
        )


def test_undocumented_status_and_non_json_bodies_are_refused() -> None:
    with pytest.raises(AssertionError, match="410"):
        validated(response("GET", "/rest/api/3/search", 410, {"errorMessages": ["gone"]}))
    with pytest.raises(AssertionError, match="Content-Type"):
        validated(response("GET", "/rest/api/3/myself", 200, {"accountId": "a"}, "text/html"))


def test_bodiless_answers_where_j3_declares_the_empty_schema() -> None:
    validated(response("PUT", "/rest/api/3/issue/FID-1/properties/x", 201, None, ""))
    validated(response("DELETE", "/rest/api/3/issue/FID-1/comment/1", 204, None, ""))


def test_error_bodies_per_product() -> None:
    validated_error(response("GET", "/rest/api/2/issue/NOPE-1", 404, {"errorMessages": ["Issue does not exist"]}), 404)
    with pytest.raises(AssertionError):
        validated_error(response("GET", "/rest/api/2/issue/NOPE-1", 404, {"message": "no"}), 404)
    v1 = {"statusCode": 404, "message": "No content found with id: 1", "reason": "Not Found"}
    validated_error(response("GET", "/wiki/rest/api/content/1", 404, v1), 404)
    v2 = {"errors": [{"status": 404, "code": "NOT_FOUND", "title": "Not Found"}]}
    validated_error(response("GET", "/wiki/api/v2/pages/1", 404, v2), 404)
    with pytest.raises(AssertionError, match="status 200, want 404"):
        validated_error(response("GET", "/wiki/api/v2/pages/1", 200, {}), 404)


def test_confluence_v2_and_v1_shapes() -> None:
    validated(response("GET", "/wiki/api/v2/spaces/1/pages", 200, {"results": [], "_links": {}}))
    with pytest.raises(AssertionError):
        validated(response("GET", "/wiki/api/v2/pages", 200, {"results": "not a list"}))
    content = {"id": "123", "type": "page", "title": "T", "version": {"number": 1}, "_links": {}}
    validated(response("GET", "/rest/api/content/123", 200, content))
    with pytest.raises(Exception, match="number"):
        validated(response("GET", "/rest/api/content/123", 200, {**content, "version": {"number": "1"}}))
    with pytest.raises(AssertionError, match="Confluence answers 200"):
        validated(response("POST", "/wiki/rest/api/content", 201, content))
