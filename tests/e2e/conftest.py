"""End-to-end fixtures: the real pipeline against the sandbox, with settings built like an operator's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests

from pmo_bot.config import Settings, load_settings
from pmo_bot.demo import sandbox_env
from pmo_bot.sandbox.running import RunningSandbox

REPO = Path(__file__).resolve().parents[2]


def settings_for(sandbox: RunningSandbox, database: Path | None, **overrides: str) -> Settings:
    """Settings pointing at ``sandbox``; ``database`` is a SQLite file (or give PMO_DATABASE_URL instead)."""
    env = sandbox_env(sandbox, f"sqlite:///{database}" if database is not None else "")
    env.update(
        {
            "PMO_RULES_DIR": str(REPO / "rules"),
            "PMO_MODE": "enforce",
            "PMO_MAX_COMMENT_WRITES": "100000",
            "PMO_REQUEST_RATE": "1000",
            "PMO_MAX_RETRIES": "3",
        }
    )
    env.update(overrides)
    return load_settings(None, env=env)


class SiteReader:
    """Reads the sandbox through its public REST API, independently of the code under test."""

    def __init__(self, sandbox: RunningSandbox) -> None:
        self.sandbox = sandbox
        self.http = requests.Session()
        if sandbox.flavor == "cloud":
            self.http.auth = (sandbox.user, sandbox.token)
        else:
            self.http.headers["Authorization"] = f"Bearer {sandbox.token}"
        self.api = f"{sandbox.jira_url}/rest/api/{'3' if sandbox.flavor == 'cloud' else '2'}"
        me = self.http.get(f"{self.api}/myself", timeout=10).json()
        self.me = me.get("accountId") or me.get("name")

    def comments(self, key: str) -> list[dict[str, Any]]:
        found = self.http.get(f"{self.api}/issue/{key}/comment", params={"maxResults": 5000}, timeout=10)
        found.raise_for_status()
        return list(found.json()["comments"])

    def bot_comments(self, key: str) -> list[dict[str, Any]]:
        return [c for c in self.comments(key) if (c["author"].get("accountId") or c["author"].get("name")) == self.me]

    def edit(self, key: str, fields: dict[str, Any]) -> None:
        """A person (the issue's reporter) edits the issue. The sandbox has one login, the bot's, so the edit
        goes through the API and its history entry is then credited to the person: the bot measures activity
        from people's changes, never its own (docs/check.md)."""
        self.http.put(f"{self.api}/issue/{key}", json={"fields": fields}, timeout=10).raise_for_status()
        with self.sandbox.sandbox.lock:
            issue = self.sandbox.sandbox.jira.by_key[key]
            if issue.history:
                issue.history[-1].author = issue.reporter

    def fields_by_name(self) -> dict[str, str]:
        return {f["name"]: f["id"] for f in self.http.get(f"{self.api}/field", timeout=10).json()}


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "pmo-bot.db"
