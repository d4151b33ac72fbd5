"""A published week as stored data: the ``PortfolioReport`` and its ``WeekState`` to JSON and back (pydantic).

A past week's page is rendered from what was stored when it was published, never rebuilt from today's data.
Each document carries ``FORMAT``; a snapshot written by a pmo-bot with another format is refused with a clear
error rather than misread.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from pydantic import TypeAdapter, ValidationError

from pmo_bot.errors import UsageError
from pmo_bot.report.context import PortfolioReport
from pmo_bot.report.weekstate import WeekState

FORMAT = 1


@cache
def _report() -> TypeAdapter[PortfolioReport]:
    return TypeAdapter(PortfolioReport)


@cache
def _state() -> TypeAdapter[WeekState]:
    return TypeAdapter(WeekState)


def dump_report(report: PortfolioReport) -> dict[str, Any]:
    return {"format": FORMAT, "report": _report().dump_python(report, mode="json")}


def dump_state(state: WeekState) -> dict[str, Any]:
    return {"format": FORMAT, "state": _state().dump_python(state, mode="json")}


def _body(document: Mapping[str, Any], name: str, week: str) -> Any:
    if document.get("format") != FORMAT:
        raise UsageError(
            f"the stored snapshot of {week} has format {document.get('format')!r}; this pmo-bot reads format "
            f"{FORMAT}: render it with the pmo-bot version that published it"
        )
    return document[name]


def load_report(document: Mapping[str, Any], week: str) -> PortfolioReport:
    try:
        return _report().validate_python(_body(document, "report", week))
    except ValidationError as error:
        raise UsageError(f"the stored snapshot of {week} cannot be read: {error.error_count()} errors") from None


def load_state(document: Mapping[str, Any], week: str) -> WeekState:
    try:
        return _state().validate_python(_body(document, "state", week))
    except ValidationError as error:
        raise UsageError(f"the stored state of {week} cannot be read: {error.error_count()} errors") from None
