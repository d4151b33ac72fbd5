"""Secrets never reach a log line, whatever key, string or exception they hide in."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import pytest

from pmo_bot import logs


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    logs.configure(level="DEBUG", json=True, stream=stream)
    yield stream
    logs.configure(level="INFO")


def _lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_secret_keys_are_masked_at_any_depth(captured: io.StringIO) -> None:
    logs.get_logger().info(
        "request_sent",
        token="abc123",
        headers={"Authorization": "Basic dXNlcjpzZWNyZXQ=", "Accept": "application/json"},
        config={"jira": {"api_key": "k-999", "url": "https://x"}},
    )
    (line,) = _lines(captured)
    assert line["token"] == logs.REDACTED
    assert line["headers"] == {"Authorization": logs.REDACTED, "Accept": "application/json"}
    assert line["config"] == {"jira": {"api_key": logs.REDACTED, "url": "https://x"}}


@pytest.mark.parametrize(
    ("text", "leak"),
    [
        ("sent Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload", "eyJhbGciOiJIUzI1NiJ9"),
        ("retrying https://bot:hunter2@jira.example.com/rest", "hunter2"),
        ('body {"password": "s3cr3t-pw"}', "s3cr3t-pw"),
        ("config token=tok_live_42 rejected", "tok_live_42"),
    ],
)
def test_secrets_inside_free_text_are_masked(captured: io.StringIO, text: str, leak: str) -> None:
    logs.get_logger().warning("something_happened", detail=text)
    assert leak not in captured.getvalue()


def test_a_registered_secret_is_masked_even_under_an_innocent_key(captured: io.StringIO) -> None:
    logs.register_secret("plain-looking-value-77")
    logs.get_logger().info("config_loaded", note="value is plain-looking-value-77 here")
    assert "plain-looking-value-77" not in captured.getvalue()


def test_exceptions_are_redacted_too(captured: io.StringIO) -> None:
    logs.register_secret("exception-secret-88")
    try:
        raise RuntimeError("login failed for token exception-secret-88")
    except RuntimeError:
        logs.get_logger().exception("login_failed")
    out = captured.getvalue()
    assert "exception-secret-88" not in out
    assert "login_failed" in out


def test_events_are_json_lines_with_level_and_timestamp(captured: io.StringIO) -> None:
    logs.get_logger().info("comment_written", issue_key="PAY-1")
    (line,) = _lines(captured)
    assert line["event"] == "comment_written"
    assert line["level"] == "info"
    assert "timestamp" in line
