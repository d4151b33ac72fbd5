"""Odd answers and bad settings end in a sentence an admin can act on: never a traceback, never a secret."""

from __future__ import annotations

import os
import subprocess
import sys
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from pmo_bot import wiring
from pmo_bot.config import load_settings
from pmo_bot.errors import AuthError, ConfigError, RemoteError
from pmo_bot.jobs import check_job
from pmo_bot.sandbox.running import RunningSandbox
from tests.e2e.conftest import settings_for
from tests.hardening.servers import Recorded, http_server, send_json

CANARY = "canary-5be0d41a"


def answering(body: Any, kind: str = "application/json", status: int = 200) -> Any:
    def handle(handler: BaseHTTPRequestHandler, _: Recorded) -> None:
        send_json(handler, body, status=status, kind=kind)

    return handle


def run_cli(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """The real console script in a child process (slow to start: used once per kind of failure)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PMO_")}
    return subprocess.run(
        [sys.executable, "-m", "pmo_bot", "--log-json", *args],
        env={**clean, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_jira_url_answering_200_with_html_is_named_as_such() -> None:
    page = "<!DOCTYPE html><html><body>Log in to continue</body></html>"
    with http_server(answering(page, kind="text/html; charset=utf-8")) as (url, _):
        settings = load_settings(None, env={"PMO_JIRA_URL": url, "PMO_JIRA_TOKEN": "t0ken-1"})
        with pytest.raises(RemoteError) as error:
            wiring.jira_client(settings)
    assert str(error.value) == (
        f"{url.removeprefix('http://')} answered GET /rest/api/2/serverInfo with a web page (HTTP 200, text/html) "
        "instead of JSON: check that the URL is the site's base URL and that no proxy or login page stands in between"
    )


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/rest/api/2/serverInfo", "Jira answered serverInfo with a JSON list where an object was expected"),
        ("/rest/api/3/myself", "Jira answered /myself with a JSON list where an object was expected"),
        ("/rest/api/3/field", None),  # a list is right here; its elements are not objects, so none is used
    ],
)
def test_a_json_list_where_an_object_is_expected_is_a_clear_error(path: str, expected: str | None) -> None:
    def handle(handler: BaseHTTPRequestHandler, _: Recorded) -> None:
        if handler.path.startswith(path):
            send_json(handler, [1, "two", None])
        else:
            send_json(handler, {"deploymentType": "Cloud", "accountId": "bot"})

    with http_server(handle) as (url, _):
        settings = load_settings(None, env={"PMO_JIRA_URL": url, "PMO_JIRA_TOKEN": "t0ken-1", "PMO_FLAVOR": "cloud"})
        jira = wiring.jira_client(settings)
        if expected is None:
            assert jira.fields() == []
            return
        read = jira.server_info if "serverInfo" in path else jira.myself
        with pytest.raises(RemoteError, match=expected):
            read()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://[::1", "expected an http:// or https:// URL with a valid host and port (Invalid IPv6 URL)"),
        ("https://jira.example.com:99999", "with a valid host and port (Port out of range 0-65535)"),
        ("https://jira.example.com:abc", "with a valid host and port (Port could not be cast to integer value"),
        ("https://jira.example.com:0", "expected a port between 1 and 65535"),
        ("https://:443", "expected an http:// or https:// URL with a host name"),
    ],
)
def test_bad_urls_are_config_errors(url: str, expected: str) -> None:
    with pytest.raises(ConfigError) as error:
        load_settings(None, env={"PMO_JIRA_URL": url})
    assert str(error.value).startswith("PMO_JIRA_URL: ")
    assert expected in str(error.value)


@pytest.mark.slow
def test_bad_url_cli_exits_2_without_traceback(tmp_path: Path) -> None:
    done = run_cli("check", env={"PMO_JIRA_URL": "https://jira.example.com:99999", "PMO_JIRA_TOKEN": "x"}, cwd=tmp_path)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "PMO_JIRA_URL: expected an http:// or https:// URL with a valid host and port" in done.stderr


def test_a_token_with_a_trailing_newline_is_stripped() -> None:
    settings = load_settings(None, env={"PMO_JIRA_TOKEN": "abc-token\n", "PMO_CONFLUENCE_TOKEN": " def-token\r\n"})
    assert settings.jira_token is not None
    assert settings.confluence_token is not None
    assert settings.jira_token.get_secret_value() == "abc-token"
    assert settings.confluence_token.get_secret_value() == "def-token"


def test_a_refused_token_gets_a_hint_and_is_not_echoed() -> None:
    with http_server(answering({"message": "Client must be authenticated"}, status=401)) as (url, _):
        env = {"PMO_JIRA_URL": url, "PMO_JIRA_TOKEN": CANARY, "PMO_JIRA_USER": "bot@example.com"}
        with pytest.raises(AuthError) as error:
            wiring.jira_client(load_settings(None, env=env))
    message = str(error.value)
    assert "Jira refused the credentials while reading serverInfo (HTTP 401)" in message
    assert "Check jira_user and jira_token: a Cloud API token goes with the account's email in jira_user" in message
    assert CANARY not in message


def test_one_unknown_project_is_reported_and_skipped(cloud_sandbox: RunningSandbox, tmp_path: Path) -> None:
    settings = settings_for(cloud_sandbox, tmp_path / "state.db", PMO_PROJECTS="PAY,NOPE")
    summary, _ = check_job(settings)
    assert summary.projects_skipped == ("NOPE",)
    assert summary.as_dict()["coverage"]["projects_skipped"] == ["NOPE"]
    assert summary.status.value == "partial"
    assert summary.items_checked > 0


def test_only_unknown_projects_fail_the_run_with_a_clear_error(cloud_sandbox: RunningSandbox, tmp_path: Path) -> None:
    settings = settings_for(cloud_sandbox, tmp_path / "state.db", PMO_PROJECTS="NOPE,NADA")
    with pytest.raises(
        ConfigError, match="none of the configured projects exists or is visible to the bot: NOPE, NADA"
    ):
        check_job(settings)


@pytest.mark.parametrize("key", ["PMO_JIRA_URL", "PMO_CONFLUENCE_URL", "PMO_RULES_DOCS_URL"])
def test_a_password_inside_a_url_is_refused_and_never_printed(key: str, tmp_path: Path) -> None:
    env = {key: f"https://bot:{CANARY}@jira.example.com", "PMO_JIRA_TOKEN": "x"}
    with pytest.raises(ConfigError) as error:
        load_settings(None, env=env)
    assert "credentials do not belong in the URL: set the user and token keys instead" in str(error.value)
    assert CANARY not in str(error.value)


@pytest.mark.slow
def test_doctor_cli_never_prints_a_password_written_inside_the_url(tmp_path: Path) -> None:
    env = {"PMO_JIRA_URL": f"https://bot:{CANARY}@jira.example.com", "PMO_JIRA_TOKEN": "x"}
    done = run_cli("doctor", env=env, cwd=tmp_path)
    assert done.returncode == 2
    assert "PMO_JIRA_URL: credentials do not belong in the URL" in done.stderr
    assert CANARY not in done.stdout + done.stderr
    assert "Traceback" not in done.stderr
