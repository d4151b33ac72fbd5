"""JQL failures, worded as Jira words them, so clients meet the same 400 ``errorMessages`` as on a real site.

Wording sources: the messages quoted in public bug reports against Jira Cloud and Data Center (e.g.
"Expecting either a value, list or function but got 'OR'...", "The quoted string '...' has not been
completed.", "Unbounded JQL queries are not allowed here..."). Where no public quote was found the text
follows the same patterns; those are marked UNCERTAIN beside the builder.
"""

from __future__ import annotations

from pmo_bot.errors import PmoError

VALID_OPERATORS = "'=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'"
UNBOUNDED_MESSAGE = "Unbounded JQL queries are not allowed here. Please add a search restriction to your query."
DATE_FORMATS = (
    "Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', "
    "or a period format e.g. '-5d', '4w 2d'."
)


class JqlError(PmoError):
    """A query Jira would refuse with HTTP 400. ``messages`` is the body's ``errorMessages`` list."""

    def __init__(self, messages: list[str]) -> None:
        self.messages = list(messages)
        super().__init__("; ".join(self.messages))


def at(line: int, column: int) -> str:
    """Jira's position suffix; both numbers count from 1."""
    return f"(line {line}, character {column})"


def syntax(text: str, line: int | None = None, column: int | None = None) -> JqlError:
    """A parse failure. Without a position it concerns the end of the query."""
    where = f" {at(line, column)}" if line is not None and column is not None else ""
    return JqlError([f"Error in the JQL Query: {text}{where}"])


def unknown_field(name: str) -> str:
    return f"Field '{name}' does not exist or you do not have permission to view it."


def unsupported_operator(operator: str, field: str) -> str:
    return f"The operator '{operator}' is not supported by the '{field}' field."


def invalid_date(value: str, field: str) -> str:
    return f"Date value '{value}' for field '{field}' is invalid. {DATE_FORMATS}"


def unknown_value(value: str, field: str) -> str:
    return f"The value '{value}' does not exist for the field '{field}'."


def missing_issue(value: str, field: str) -> str:
    return f"An issue with key '{value}' does not exist for field '{field}'."


def invalid_key(value: str, field: str) -> str:
    return f"The issue key '{value}' for field '{field}' is invalid."


def invalid_number(value: str, field: str) -> str:
    # UNCERTAIN: wording not confirmed from a public quote.
    return f"Value '{value}' is invalid for the '{field}' field."


def sandbox_unsupported(what: str) -> str:
    """Valid JQL the sandbox does not implement: say so, never blame the query."""
    return (
        f"The pmo-bot sandbox does not support {what}. It is valid JQL on a real Jira site; "
        "the sandbox implements a subset (see docs/sandbox.md)."
    )


def unknown_function(name: str) -> str:
    # UNCERTAIN: wording not confirmed from a public quote.
    return f"Unable to find JQL function '{name}()'."


def function_not_for_field(name: str, field: str) -> str:
    # UNCERTAIN: wording not confirmed from a public quote.
    return f"The function '{name}' is not supported by the '{field}' field."


def function_arguments(name: str, low: int, high: int, got: int) -> str:
    # UNCERTAIN: wording not confirmed from a public quote.
    expected = f"'{low}'" if low == high else f"between '{low}' and '{high}'"
    return f"Function '{name}' expected {expected} arguments but received '{got}'."


def is_needs_empty(operator: str, field: str) -> str:
    # UNCERTAIN: wording not confirmed from a public quote.
    return f"The operator '{operator}' only supports EMPTY or NULL values for the '{field}' field."


def list_not_supported(operator: str, field: str) -> str:
    # UNCERTAIN: wording not confirmed from a public quote.
    return f"The operator '{operator}' does not support multiple values for the '{field}' field."


def list_required(operator: str, field: str) -> str:
    # UNCERTAIN: wording not confirmed from a public quote.
    return f"The operator '{operator}' requires a list of values for the '{field}' field."


def empty_text(field: str) -> str:
    # UNCERTAIN: wording not confirmed from a public quote.
    return f"The field '{field}' does not support searching for an empty string."


def function_argument(name: str, argument: str) -> str:
    # UNCERTAIN: wording not confirmed from a public quote.
    return f"The argument '{argument}' of the function '{name}' is invalid."


def range_with_empty(operator: str, field: str) -> str:
    # UNCERTAIN: wording not confirmed from a public quote.
    return f"The operator '{operator}' does not support searching for EMPTY values in the '{field}' field."
