"""All Confluence routes of one sandbox: v1 (both flavours), v2 (Cloud only), and the human page view."""

from __future__ import annotations

from starlette.routing import BaseRoute

from pmo_bot.sandbox.confluence import (
    v1_attachments,
    v1_content,
    v1_labels,
    v1_properties,
    v1_search,
    v2,
    v2_properties,
    views,
)
from pmo_bot.sandbox.confluence.context import SandboxLike


def routes(sandbox: SandboxLike) -> list[BaseRoute]:
    """Cloud: v1 under ``/wiki/rest/api`` and v2 under ``/wiki/api/v2``; DC: v1 under ``/rest/api``.

    ``content/search`` precedes ``content/{id}`` so that "search" is never taken for an id.
    """
    prefix = sandbox.config.confluence_prefix
    v1_root = f"{prefix}/rest/api"
    found: list[BaseRoute] = [
        *v1_search.routes(sandbox, v1_root),
        *v1_labels.routes(sandbox, v1_root),
        *v1_properties.routes(sandbox, v1_root),
        *v1_attachments.routes(sandbox, v1_root, prefix),
        *v1_content.routes(sandbox, v1_root),
    ]
    if sandbox.config.flavor == "cloud":
        found.extend(v2_properties.routes(sandbox, f"{prefix}/api/v2"))
        found.extend(v2.routes(sandbox, f"{prefix}/api/v2"))
    found.extend(views.routes(sandbox))
    return found
