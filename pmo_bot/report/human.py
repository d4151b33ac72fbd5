"""What people write on the bot's pages is theirs: the "PMO commentary" section is carried over to every new
version, and the bot notices when someone edited the page elsewhere (the edit stays in the page history).

The section runs from its ``<h2>PMO commentary</h2>`` heading to the next ``<h2>`` (or the end of the page);
Confluence's editor keeps headings as ``h2`` elements, with or without attributes.
"""

from __future__ import annotations

import re

HEADING = "PMO commentary"
_SECTION = re.compile(
    r"<h2(?:\s[^>]*)?>\s*" + re.escape(HEADING) + r"\s*</h2>(?P<text>.*?)(?=<h2[\s>]|\Z)", re.DOTALL | re.IGNORECASE
)


def commentary(body: str | None) -> str | None:
    """The section's content (after its heading) on a page, or None when the page has no such section."""
    found = _SECTION.search(body or "")
    return found.group("text") if found else None


def carry_commentary(old_body: str | None, new_body: str) -> str:
    """``new_body`` with its commentary section's content replaced by the one people wrote on the old page."""
    kept = commentary(old_body)
    target = _SECTION.search(new_body)
    if kept is None or target is None:
        return new_body
    return new_body[: target.start("text")] + kept + new_body[target.end("text") :]
