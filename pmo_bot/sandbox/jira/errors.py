"""Jira's error bodies: ``{"errorMessages": [...], "errors": {...}}`` with the real products' wording."""

from __future__ import annotations

from starlette.responses import PlainTextResponse, Response

from pmo_bot.sandbox.responses import JSONResponse

ISSUE_NOT_FOUND = "Issue does not exist or you do not have permission to see it."
SEARCH_REMOVED = (
    "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. "
    "A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046"
)
UNBOUNDED_JQL = "Unbounded JQL queries are not allowed here. Please add a search restriction to your query."
PROPERTY_TOO_LONG = "The property value is too long. The maximum length of the property value is 32768 bytes."
PROPERTY_MAX_BYTES = 32768
NO_COMMENT = "You do not have the permission to comment on this issue."
NO_EDIT = "You do not have permission to edit issues in this project."  # UNCERTAIN: exact wording


class JiraHttpError(Exception):
    """Raised by handlers; turned into a Jira-shaped error response by the endpoint wrapper."""

    def __init__(self, status: int, *messages: str, errors: dict[str, str] | None = None) -> None:
        super().__init__(status, messages)
        self.status = status
        self.messages = list(messages)
        self.errors = errors or {}

    def response(self) -> Response:
        return error_response(self.status, self.messages, self.errors)


class JacksonError(JiraHttpError):
    """Data Center's strict request beans: Jackson 1's mapping error, sent by Jersey as a plain-text 400."""

    def __init__(self, member: str, bean: str) -> None:
        super().__init__(400, f'Unrecognized field "{member}" (Class {bean}), not marked as ignorable')
        self.member, self.bean = member, bean

    def response(self) -> Response:
        where = "org.apache.catalina.connector.CoyoteInputStream@4f5c1a2b; line: 1, column: 2"
        text = f'{self.messages[0]}\n at [Source: {where}] (through reference chain: {self.bean}["{self.member}"])'
        return PlainTextResponse(text, status_code=400)


def error_response(status: int, messages: list[str], errors: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"errorMessages": messages, "errors": errors or {}}, status_code=status)


def not_found(message: str = ISSUE_NOT_FOUND) -> JiraHttpError:
    return JiraHttpError(404, message)


def bad_request(*messages: str, errors: dict[str, str] | None = None) -> JiraHttpError:
    return JiraHttpError(400, *messages, errors=errors)
