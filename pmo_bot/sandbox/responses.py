"""JSON answers as Jira and Confluence send them (UTF-8), where user text holding a lone surrogate (sent to the
site as a ``\\ud800`` escape, which JSON allows) is written back as that escape, not as a server error."""

from __future__ import annotations

import json
from typing import Any

from starlette import responses


class JSONResponse(responses.JSONResponse):
    def render(self, content: Any) -> bytes:
        text = json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        return text.encode("utf-8", "backslashreplace")  # only a surrogate cannot be encoded: its escape
