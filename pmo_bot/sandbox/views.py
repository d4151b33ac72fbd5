"""Human views: ``/_sandbox/`` (index of projects, issues and pages) and ``/_sandbox/view/issue/KEY``."""

from __future__ import annotations

from starlette.routing import BaseRoute

from pmo_bot.sandbox.site import Sandbox


def routes(sandbox: Sandbox) -> list[BaseRoute]:
    return []
