"""Start a sandbox in-process: the API tests, the demo, the end-to-end tests and the benchmarks use."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pmo_bot.sandbox.app import build_app
from pmo_bot.sandbox.persistence import Persistence
from pmo_bot.sandbox.server import ThreadedServer
from pmo_bot.sandbox.site import Flavor, Sandbox, SandboxConfig, SeedProfile


@dataclass(frozen=True, slots=True)
class RunningSandbox:
    url: str
    user: str
    token: str
    flavor: Flavor
    sandbox: Sandbox

    @property
    def jira_url(self) -> str:
        return self.url

    @property
    def confluence_url(self) -> str:
        return self.url + self.sandbox.config.confluence_prefix

    def requests(self, since_id: int = 0) -> list[dict[str, Any]]:
        """The request log after ``since_id`` (method, path, query, status, duration_ms, fault, id)."""
        return [entry.to_json() for entry in self.sandbox.log.since(since_id)]

    def last_request_id(self) -> int:
        return self.sandbox.log.last_id()


def site_urls(sandbox: Sandbox, base: str) -> dict[str, str]:
    """Where to look: API bases, the human index, one issue view and Jira's search endpoint."""
    config = sandbox.config
    first = sandbox.jira.issues[0].key if sandbox.jira.issues else None
    search = "/rest/api/3/search/jql?jql=" if config.flavor == "cloud" else "/rest/api/2/search?jql="
    project = next(iter(sandbox.jira.projects), None)
    urls = {
        "jira": base,
        "confluence": base + config.confluence_prefix,
        "index": f"{base}/_sandbox/",
        "search": base
        + search
        + (f"project%20%3D%20{project}" if project else "order%20by%20key")
        + "&fields=summary,status,assignee,duedate",
    }
    if first is not None:
        urls["issue_view"] = f"{base}/_sandbox/view/issue/{first}"
    return urls


def prepare_sandbox(
    flavor: Flavor = "cloud",
    *,
    seed: SeedProfile = "demo",
    issues: int | None = None,
    seed_number: int = 1,
    data: Path | str | None = None,
    user: str = "pmo-bot@example.com",
    token: str = "sandbox-token",  # noqa: S107 - the sandbox's documented default credential
    time_zone: str = "UTC",
    permissions: Mapping[str, Sequence[str]] | None = None,
    space_permissions: Mapping[str, Sequence[str]] | None = None,
) -> tuple[Sandbox, Persistence | None]:
    """Build and fill a site: restored from ``data`` when it holds a snapshot, else seeded."""
    config = SandboxConfig(
        flavor=flavor,
        user=user,
        token=token,
        time_zone=time_zone,
        permissions=permissions,
        space_permissions=space_permissions,
    )
    sandbox = Sandbox(config)
    persistence = Persistence(Path(data), sandbox) if data is not None else None
    if persistence is None or not persistence.restore():
        sandbox.seed(seed, issues, seed_number)
        if persistence is not None:
            persistence.save()
    if persistence is not None:
        persistence.start()
    return sandbox, persistence


@contextmanager
def start_sandbox(
    flavor: Flavor = "cloud",
    *,
    seed: SeedProfile = "demo",
    issues: int | None = None,
    seed_number: int = 1,
    host: str = "127.0.0.1",
    port: int = 0,
    data: Path | str | None = None,
    user: str = "pmo-bot@example.com",
    token: str = "sandbox-token",  # noqa: S107 - the sandbox's documented default credential
    time_zone: str = "UTC",
    permissions: Mapping[str, Sequence[str]] | None = None,
    space_permissions: Mapping[str, Sequence[str]] | None = None,
) -> Iterator[RunningSandbox]:
    """Serve a seeded sandbox on a (free) loopback port in a background thread for the ``with`` block.

    ``time_zone`` is the login's Jira profile zone (served by ``myself``, used for JQL date literals);
    ``permissions`` narrows the login's project permissions, e.g. ``{"CRM": ["BROWSE_PROJECTS"]}``, and
    ``space_permissions`` its Confluence operations per space, e.g. ``{"PMO": ["read:space"]}``."""
    sandbox, persistence = prepare_sandbox(
        flavor,
        seed=seed,
        issues=issues,
        seed_number=seed_number,
        data=data,
        user=user,
        token=token,
        time_zone=time_zone,
        permissions=permissions,
        space_permissions=space_permissions,
    )
    try:
        with ThreadedServer(build_app(sandbox), host=host, port=port) as server:
            yield RunningSandbox(server.url, user, token, flavor, sandbox)
    finally:
        if persistence is not None:
            persistence.close()
