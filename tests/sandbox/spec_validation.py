"""Validate sandbox responses against Atlassian's official specs (the fidelity harness).

The specs are vendored in ``tests/specs/`` (see its README: source, version, licence, refresh).

- Jira: ``jira-platform-v3.openapi.json`` (Cloud platform v3). ``/rest/api/2/...`` responses are checked against the
  matching ``/rest/api/3/...`` operation: the shapes are the same except rich-text bodies, which are wiki-markup
  strings on v2 and ADF on v3; the v3 schema leaves those bodies untyped, so a v2 string passes the shape check,
  and ``validated`` separately insists that v2 carries no ADF and every ADF on v3 is valid.
- Confluence v2: ``confluence-v2.openapi.json``.
- Confluence v1 (``/wiki/rest/api`` on Cloud, ``/rest/api/content`` on DC) has no published spec, so it is checked
  against the hand-written minimal schemas in ``confluence_v1_schemas.py``.
- ADF: ``adf.schema.json`` (``definitions.doc_node``, the copy the sandbox ships) with jsonschema.

The specs are parsed once per process (``functools.cache``); building the openapi-core app is cheap afterwards.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any
from urllib.parse import urlparse

import jsonschema
import requests
from openapi_core import Config, OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse
from openapi_core.exceptions import OpenAPIError
from openapi_schema_validator import OAS30ReadValidator

from tests.sandbox.confluence_v1_schemas import V1_ERROR, v1_error_template, v1_schema_for
from tests.specs import CONFLUENCE_V2 as CONFLUENCE_V2_SPEC
from tests.specs import JIRA_PLATFORM_V3, adf_schema, load

# The specs' own servers (your-domain.atlassian.net) are replaced by this neutral host; requests are re-addressed to
# it after the sandbox's base URL is stripped, so path matching works whatever port the sandbox runs on.
SPEC_HOST = "http://sandbox.invalid"

JIRA, CONFLUENCE_V2, CONFLUENCE_V1 = "jira", "confluence-v2", "confluence-v1"

_JIRA_PATH = re.compile(r"^/rest/api/(?P<version>[23])(?P<rest>/.*)$")
_C2_PATH = re.compile(r"^/wiki/api/v2/")
_C1_PATH = re.compile(r"^(?P<prefix>/wiki)?/rest/api/(?P<rest>(content|space|search|label)(/.*)?)$")
# Jira's own timestamp style "2026-11-20T09:58:12.345+0000" (no colon in the offset) and RFC 3339 alike.
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$")


def is_atlassian_date_time(value: object) -> bool:
    """``date-time`` format check accepting Jira's offset without a colon (atlassian-api.md §10 item 0)."""
    if not isinstance(value, str):
        return True  # formats only constrain strings
    if not _DATE_TIME.match(value):
        return False
    normalised = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", value.replace("Z", "+00:00"))
    try:
        datetime.fromisoformat(normalised)
    except ValueError:
        return False
    return True


def _openapi(spec: dict[str, Any]) -> OpenAPI:
    # spec_validator_cls=None: Atlassian's published Jira spec does not pass openapi-spec-validator itself
    # (e.g. an enum whose default "" is not a member); the response schemas we use are sound.
    config = Config(spec_validator_cls=None, extra_format_validators={"date-time": is_atlassian_date_time})
    return OpenAPI.from_dict(spec, config=config)


@cache
def jira_spec() -> dict[str, Any]:
    spec = load(JIRA_PLATFORM_V3)
    spec["servers"] = [{"url": SPEC_HOST}]
    return spec


@cache
def confluence_spec() -> dict[str, Any]:
    spec = load(CONFLUENCE_V2_SPEC)
    spec["servers"] = [{"url": SPEC_HOST + "/wiki/api/v2"}]
    return spec


@cache
def jira_app() -> OpenAPI:
    return _openapi(jira_spec())


@cache
def confluence_app() -> OpenAPI:
    return _openapi(confluence_spec())


@cache
def adf_validator() -> jsonschema.Draft4Validator:
    schema = adf_schema()  # its root $ref is #/definitions/doc_node
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema)


def assert_adf(doc: Any) -> None:
    """Fail with the first schema error if ``doc`` is not a valid ADF document."""
    error = jsonschema.exceptions.best_match(adf_validator().iter_errors(doc))
    if error is not None:
        raise AssertionError(f"invalid ADF at {list(error.absolute_path)}: {error.message}")


def _component_validator(spec: dict[str, Any], name: str) -> OAS30ReadValidator:
    schema = {"$ref": f"#/components/schemas/{name}", "components": spec["components"]}
    checker = copy.deepcopy(OAS30ReadValidator.FORMAT_CHECKER)
    checker.checks("date-time")(is_atlassian_date_time)  # Jira's own "+0000" offsets, as in the full validation
    return OAS30ReadValidator(schema, format_checker=checker)


def assert_jira_component(name: str, body: Any) -> None:
    """Validate ``body`` against one of J3's ``components.schemas`` (e.g. ``ErrorCollection``)."""
    error = jsonschema.exceptions.best_match(_component_validator(jira_spec(), name).iter_errors(body))
    if error is not None:
        raise AssertionError(f"not a J3 {name} at {list(error.absolute_path)}: {error.message}")


# Confluence Cloud v2 error body; C2 declares error responses without content, so this follows Atlassian's
# documented v2 error format ({"errors": [{"status", "code", "title", "detail"}]}).
C2_ERROR: dict[str, Any] = {
    "type": "object",
    "required": ["errors"],
    "properties": {
        "errors": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["status", "title"],
                "properties": {"status": {"type": "integer"}, "code": {"type": "string"}, "title": {"type": "string"}},
            },
        }
    },
}


@dataclass(frozen=True)
class Checked:
    """What one ``validated`` call established: which API family and operation template the response belongs to."""

    api: str
    method: str
    template: str  # spec template with the real version prefix, e.g. "/rest/api/2/issue/{issueIdOrKey}"


# Every successful validation in this process, in order (the coverage bookkeeping reads it).
LOG: list[Checked] = []


def classify(path: str) -> str:
    if _JIRA_PATH.match(path):
        return JIRA
    if _C2_PATH.match(path):
        return CONFLUENCE_V2
    if _C1_PATH.match(path):
        return CONFLUENCE_V1
    raise AssertionError(f"{path} is not a Jira or Confluence REST path")


class _SpecRequest(RequestsOpenAPIRequest):
    """The client's request re-addressed from the sandbox's host to the spec's server (and v2 onto v3)."""

    def __init__(self, request: requests.PreparedRequest, spec_path: str, path_pattern: str) -> None:
        super().__init__(request)
        self._spec_path = spec_path
        self.path_pattern = path_pattern  # saves openapi-core a scan of every path in the spec

    @property
    def host_url(self) -> str:
        return SPEC_HOST

    @property
    def path(self) -> str:
        return self._spec_path


def _json(response: requests.Response) -> Any:
    if not response.content:
        return None
    ctype = response.headers.get("Content-Type", "")
    assert "json" in ctype, f"{response.request.method} {response.url}: Content-Type {ctype!r}, want JSON"
    return response.json()


def _adf_docs(value: Any) -> list[Any]:
    if isinstance(value, dict):
        if value.get("type") == "doc" and "content" in value:
            return [value]
        return [doc for item in value.values() for doc in _adf_docs(item)]
    if isinstance(value, list):
        return [doc for item in value for doc in _adf_docs(item)]
    return []


def _spec_request(response: requests.Response, spec_path: str, which: str) -> _SpecRequest:
    pattern = _template(which, spec_path)
    return _SpecRequest(response.request, spec_path, pattern if which == JIRA else "/wiki/api/v2" + pattern)


@cache
def _templates(which: str) -> list[tuple[re.Pattern[str], str]]:
    """The spec's path templates as regexes, literal-most first (``/search/jql`` before ``/search/{id}``)."""
    spec = jira_spec() if which == JIRA else confluence_spec()
    prefix = "" if which == JIRA else "/wiki/api/v2"
    table = []
    for template in spec["paths"]:
        literal_parts = re.split(r"\{[^}]*\}", prefix + template)
        table.append((re.compile("^" + "[^/]+".join(map(re.escape, literal_parts)) + "$"), template))
    return sorted(table, key=lambda entry: (entry[1].count("{"), -len(entry[1])))


@cache
def _template(which: str, spec_path: str) -> str:
    """The spec template a concrete path belongs to (what openapi-core would find, looked up once per path)."""
    for regex, template in _templates(which):
        if regex.match(spec_path):
            return template
    raise AssertionError(f"{spec_path} is not an operation of the {which} spec")


def _route(response: requests.Response) -> tuple[str, str, str]:
    """(api family, spec path to validate against, recorded template with the real version/prefix)."""
    path = urlparse(str(response.request.url)).path
    api = classify(path)
    if api == JIRA:
        match = _JIRA_PATH.match(path)
        assert match is not None
        spec_path = "/rest/api/3" + match["rest"]
        template = _template(JIRA, spec_path)
        return api, spec_path, template.replace("/rest/api/3/", f"/rest/api/{match['version']}/", 1)
    if api == CONFLUENCE_V2:
        return api, path, "/wiki/api/v2" + _template(CONFLUENCE_V2, path)
    return api, path, ""


def _where(path: Any) -> str:
    return "/" + "/".join("*" if isinstance(part, int) else str(part) for part in path)


def _empty_body_allowed(spec: dict[str, Any], method: str, spec_template: str, status: int) -> bool:
    """J3 declares many bodiless answers (property PUTs, ...) as JSON with the empty schema ``{}``; real Jira
    sends no body there, so an empty body is valid when the documented schema is ``{}`` or there is no content."""
    operation = spec["paths"][spec_template][method.lower()]
    documented = operation["responses"].get(str(status)) or operation["responses"].get("default")
    assert documented is not None, f"{method} {spec_template}: status {status} is not documented"
    return all(media.get("schema", {}) == {} for media in documented.get("content", {}).values())


def _openapi_validate(which: str, response: requests.Response, spec_path: str, template: str) -> None:
    """Run openapi-core; on failure raise one short AssertionError listing each distinct schema error."""
    app, spec = (jira_app(), jira_spec()) if which == JIRA else (confluence_app(), confluence_spec())
    method = str(response.request.method)
    if not response.content and _empty_body_allowed(spec, method, _template(which, spec_path), response.status_code):
        return
    try:
        app.validate_response(_spec_request(response, spec_path, which), RequestsOpenAPIResponse(response))
    except OpenAPIError as exc:
        cause = exc.__cause__
        details = sorted(
            {f"at {_where(e.absolute_path)}: {e.message[:200]}" for e in getattr(cause, "schema_errors", ())}
        )
        summary = "; ".join(details[:8]) or str(exc)[:500]
        raise AssertionError(
            f"{response.request.method} {template} -> {response.status_code} breaks the spec: {summary}"
        ) from None


def validated(response: requests.Response) -> Any:
    """Validate a sandbox response against the right spec and return its parsed JSON body (None if empty).

    Raises AssertionError / openapi-core errors naming what differs. Records the operation in ``LOG``.
    """
    method = str(response.request.method).upper()
    api, spec_path, template = _route(response)
    body = _json(response)
    if api == JIRA:
        _openapi_validate(JIRA, response, spec_path, template)
        docs = _adf_docs(body)
        if template.startswith("/rest/api/2/"):
            assert not docs, f"{spec_path}: REST v2 must return wiki markup / plain text, found ADF {docs[0]!r:.200}"
        for doc in docs:
            assert_adf(doc)
    elif api == CONFLUENCE_V2:
        _openapi_validate(CONFLUENCE_V2, response, spec_path, template)
    else:
        template, schema = v1_schema_for(method, spec_path, response.status_code)
        if schema is not None:
            jsonschema.validate(body, schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    LOG.append(Checked(api, method, template))
    return body


def validated_error(response: requests.Response, status: int) -> Any:
    """An error answer: the status, and the error body each product really sends (the specs leave it untyped)."""
    assert response.status_code == status, (
        f"{response.request.method} {response.url}: status {response.status_code}, want {status}: {response.text[:300]}"
    )
    method = str(response.request.method).upper()
    api, spec_path, template = _route(response)
    body = _json(response)
    if api == JIRA:
        assert_jira_component("ErrorCollection", body)
        assert body.get("errorMessages") or body.get("errors"), f"empty Jira error body: {body!r}"
    elif api == CONFLUENCE_V2:
        jsonschema.validate(body, C2_ERROR)
    else:
        jsonschema.validate(body, V1_ERROR)
        assert body["statusCode"] == status
        template = v1_error_template(method, spec_path)
    LOG.append(Checked(api, method, template))
    return body
