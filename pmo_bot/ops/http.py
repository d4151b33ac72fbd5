"""``serve --http-port``: /healthz (the process is alive), /readyz (the last check succeeded recently enough)
and /metrics (Prometheus). Readiness reads the shared schedule state, so every replica answers alike."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from pmo_bot import logs
from pmo_bot.ops import metrics
from pmo_bot.store import Store

log = logs.get_logger(__name__)


def readiness(store: Store, max_age: timedelta, now: datetime) -> tuple[bool, dict[str, object]]:
    """(ready, details): ready when a check succeeded within ``max_age``."""
    try:
        state = store.jobs.get("check")
    except Exception as error:  # the database is down: not ready, say why
        return False, {"ready": False, "reason": f"state database unreachable: {logs.redact_text(str(error))[:200]}"}
    last = state.last_success_at if state else None
    details: dict[str, object] = {
        "last_success_at": last.isoformat() if last else None,
        "last_status": state.last_status if state else None,
        "failures_in_a_row": state.failures_in_a_row if state else 0,
        "max_age_minutes": max_age.total_seconds() / 60,
    }
    if last is None:
        return False, {"ready": False, "reason": "no check has succeeded yet", **details}
    age = now - last
    if age > max_age:
        minutes = round(age.total_seconds() / 60, 1)
        return False, {"ready": False, "reason": f"the last successful check was {minutes} minutes ago", **details}
    return True, {"ready": True, **details}


def build_app(store: Store, max_age: Callable[[], timedelta]) -> Starlette:
    async def healthz(_request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    def readyz(_request: Request) -> Response:  # sync: Starlette runs it in a thread (it reads the database)
        ready, details = readiness(store, max_age(), datetime.now(UTC))
        return JSONResponse(details, status_code=200 if ready else 503)

    async def metrics_page(_request: Request) -> Response:
        return Response(metrics.exposition(), media_type=metrics.CONTENT_TYPE)

    return Starlette(
        routes=[
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics_page),
        ]
    )
