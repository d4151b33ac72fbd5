"""Jira's length limits on the text the bot writes, measured per flavour as the real products measure them.

Jira limits every text field (comment bodies, description, worklog comments, multi-line text custom fields) to
32,767 characters by default (DC: the ``jira.text.field.character.limit`` setting; Cloud: fixed). Data Center
counts the wiki markup as sent; Cloud counts the document's text: for ADF, the text of its nodes with one line
break per block (``markup.to_plain``); a wiki-markup string sent to Cloud's REST v2 is counted as sent. Summaries
are limited to 255 characters. Longer values are a 400 naming the field, in Jira's ``errors`` shape.
"""

from __future__ import annotations

from typing import Any

from pmo_bot.sandbox import markup
from pmo_bot.sandbox.jira.errors import bad_request

TEXT_LIMIT = 32767
SUMMARY_LIMIT = 255


def text_too_long(limit: int = TEXT_LIMIT) -> str:
    return f"The entered text is too long. It exceeds the allowed limit of {limit} characters."


def text_length(body: Any) -> int:
    """Characters Jira counts against the limit: a string as sent, an ADF document by its text."""
    if isinstance(body, str):
        return len(body)
    return len(markup.to_plain(body))


def check_text(field: str, body: Any, limit: int = TEXT_LIMIT) -> None:
    if body is not None and text_length(body) > limit:
        raise bad_request(errors={field: text_too_long(limit)})


def check_summary(summary: str) -> None:
    if len(summary) > SUMMARY_LIMIT:
        raise bad_request(errors={"summary": f"Summary must be less than {SUMMARY_LIMIT} characters."})
