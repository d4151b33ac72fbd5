"""structlog setup: the one module that configures logging.

Console renderer on a TTY, JSON lines otherwise. ``redact_secrets`` runs before rendering so that tokens,
passwords and Authorization headers never reach a log line, whatever key or string they hide in.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Mapping, MutableMapping
from typing import Any, TextIO

import structlog

REDACTED = "***"

_SECRET_KEY = re.compile(r"(token|password|passwd|secret|authorization|api[_-]?key|cookie|credential)", re.I)
_SECRET_IN_TEXT = [
    # "Authorization: Basic xxx" / "Bearer xxx" inside a free-text message or repr.
    re.compile(r"(?i)\b(Basic|Bearer)\s+[A-Za-z0-9._~+/=-]{6,}"),
    # key=value or "key": "value" pairs whose key names a secret.
    re.compile(
        r"(?i)((?:token|password|passwd|secret|api[_-]?key)[\"']?\s*[:=]\s*[\"']?)([^\s\"',;&}]+)",
    ),
    # user:password@ in URLs.
    re.compile(r"(?i)(://[^/\s:@]+:)([^@\s/]+)(@)"),
]

_known_secrets: set[str] = set()


def register_secret(value: str | None) -> None:
    """Remember a configured secret so that it is masked wherever it shows up, even under an innocent key."""
    if value and len(value) >= 4:
        _known_secrets.add(value)


def redact_text(text: str) -> str:
    for secret in _known_secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    text = _SECRET_IN_TEXT[0].sub(lambda m: f"{m.group(1)} {REDACTED}", text)
    text = _SECRET_IN_TEXT[1].sub(lambda m: f"{m.group(1)}{REDACTED}", text)
    return _SECRET_IN_TEXT[2].sub(lambda m: f"{m.group(1)}{REDACTED}{m.group(3)}", text)


def _redact_value(key: str | None, value: Any) -> Any:
    if key is not None and _SECRET_KEY.search(key) and value not in (None, "", False):
        return REDACTED
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, Mapping):
        return {k: _redact_value(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_redact_value(None, v) for v in value)
    if isinstance(value, BaseException):
        return redact_text(f"{type(value).__name__}: {value}")
    return value


def redact_secrets(_logger: Any, _method: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """structlog processor: mask secrets in every key and nested value."""
    for key in list(event_dict):
        event_dict[key] = _redact_value(key if key != "event" else None, event_dict[key])
    return event_dict


def _format_exc_redacted(_logger: Any, _method: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    event_dict = structlog.processors.format_exc_info(_logger, _method, event_dict)
    if isinstance(event_dict.get("exception"), str):
        event_dict["exception"] = redact_text(event_dict["exception"])
    return event_dict


class _StderrLogger:
    """Writes each line to whatever ``sys.stderr`` is *now*: a stream replaced or closed since configuration
    (a test runner's capture) must not break logging."""

    def msg(self, message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    log = debug = info = warn = warning = error = critical = exception = fatal = msg


def configure(*, level: str = "INFO", json: bool | None = None, stream: TextIO | None = None) -> None:
    """Configure structlog (and stdlib logging, for libraries) once, at program start."""
    use_json = not (stream or sys.stderr).isatty() if json is None else json
    renderer: Any = (
        structlog.processors.JSONRenderer(sort_keys=True)
        if use_json
        else structlog.dev.ConsoleRenderer(colors=(stream or sys.stderr).isatty())
    )
    numeric = logging.getLevelName(level.upper())
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            _format_exc_redacted,
            redact_secrets,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(numeric if isinstance(numeric, int) else 20),
        logger_factory=structlog.PrintLoggerFactory(file=stream) if stream else lambda *_: _StderrLogger(),
        cache_logger_on_first_use=False,
    )
    # Quiet chatty libraries; their records would bypass redaction, so keep them at WARNING.
    logging.basicConfig(level=logging.WARNING, stream=stream, format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("urllib3", "atlassian", "uvicorn", "uvicorn.access", "uvicorn.error", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def get_logger(name: str | None = None) -> Any:
    return structlog.get_logger(name)
