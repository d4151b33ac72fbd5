"""The whole emulated Atlassian site: configuration, Jira and Confluence state, faults and the request log."""

from __future__ import annotations

import importlib
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pmo_bot.sandbox.confluence.operations import DEFAULT_OPERATIONS, check_space_grants
from pmo_bot.sandbox.confluence.state import ConfluenceState
from pmo_bot.sandbox.faults import FaultInjector
from pmo_bot.sandbox.jira.grants import DEFAULT_GRANT, check_grants
from pmo_bot.sandbox.jira.state import JiraState
from pmo_bot.sandbox.requestlog import RequestLog
from pmo_bot.sandbox.seed.model import SeedData

Flavor = Literal["cloud", "datacenter"]
SeedProfile = Literal["demo", "synthetic", "none"]
FLAVORS: tuple[Flavor, ...] = ("cloud", "datacenter")
PROFILES: tuple[SeedProfile, ...] = ("demo", "synthetic", "none")
DEFAULT_SYNTHETIC_ISSUES = 1000


@dataclass(frozen=True, slots=True)
class SandboxConfig:
    flavor: Flavor = "cloud"
    user: str = "pmo-bot@example.com"
    token: str = "sandbox-token"  # noqa: S105 - the sandbox's documented default credential
    time_zone: str = "UTC"  # the login's Jira profile time zone (IANA name)
    # The login's project permissions where they differ from the default grant: {"CRM": ("BROWSE_PROJECTS",)}.
    permissions: Mapping[str, Sequence[str]] | None = None
    # The login's Confluence operations per space where they differ from the default: {"PMO": ("read:space",)}.
    space_permissions: Mapping[str, Sequence[str]] | None = None

    def __post_init__(self) -> None:
        check_time_zone(self.time_zone)
        check_grants(self.permissions or {})
        check_space_grants(self.space_permissions or {})

    @property
    def confluence_prefix(self) -> str:
        """Cloud serves Confluence under ``/wiki``; Data Center at the root (no context path)."""
        return "/wiki" if self.flavor == "cloud" else ""


@dataclass(frozen=True, slots=True)
class SeedRequest:
    profile: SeedProfile = "demo"
    issues: int | None = None
    seed: int = 1


def generate(request: SeedRequest) -> SeedData | None:
    """Run the seed generator a profile names; ``none`` gives an empty site."""
    if request.profile == "none":
        return None
    # The profile names its generator module (pmo_bot.sandbox.seed.demo / .synthetic).
    module = importlib.import_module(f"pmo_bot.sandbox.seed.{request.profile}")
    if request.profile == "demo":
        data: SeedData = module.generate(request.seed)
    else:
        data = module.generate(request.issues or DEFAULT_SYNTHETIC_ISSUES, request.seed)
    return data


def check_time_zone(name: str) -> str:
    """An IANA zone name Jira would accept in a user profile, or ValueError."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r} (use an IANA name such as Europe/Paris)") from None
    return name


class Sandbox:
    """One emulated site. Handlers mutate ``jira``/``confluence`` while holding ``lock``."""

    def __init__(self, config: SandboxConfig | None = None) -> None:
        self.config = config or SandboxConfig()
        self.lock = threading.RLock()
        self.jira = JiraState(self.config.flavor, self.config.user, self.config.time_zone)
        self.jira.permissions = check_grants(self.config.permissions or {})
        self.confluence = ConfluenceState()
        self.confluence.space_operations = check_space_grants(self.config.space_permissions or {})
        self.faults = FaultInjector()
        self.log = RequestLog()
        self.last_seed = SeedRequest(profile="none")
        self.seeded_at = datetime.now(UTC)
        self.changes = 0  # bumped after every write request; persistence saves when it moves

    @property
    def flavor(self) -> Flavor:
        return self.config.flavor

    def seed(self, profile: SeedProfile = "demo", issues: int | None = None, seed: int = 1) -> None:
        """Replace all content with a generated profile (deterministic for a given seed)."""
        request = SeedRequest(profile, issues, seed)
        data = generate(request)
        with self.lock:
            self.load(data)
            self.last_seed = request

    def load(self, data: SeedData | None) -> None:
        now = (data.now if data and data.now else None) or datetime.now(UTC)
        with self.lock:
            self.jira.load(data)
            self.confluence.load(data.spaces if data else (), now)
            self.seeded_at = now
            self.changes += 1

    def reset(self) -> None:
        """Back to the last seeded content and the configured account, faults off (the request log is kept)."""
        self.seed(self.last_seed.profile, self.last_seed.issues, self.last_seed.seed)
        self.faults.configure(type(self.faults.settings)())
        with self.lock:
            self.jira.time_zone = self.config.time_zone
            self.jira.permissions = check_grants(self.config.permissions or {})
            self.confluence.space_operations = check_space_grants(self.config.space_permissions or {})

    def account(self) -> dict[str, object]:
        """The login's settings as ``GET /_sandbox/account`` shows them."""
        with self.lock:
            permissions = {p: sorted(keys) for p, keys in sorted(self.jira.permissions.items())}
            return {
                "user": self.config.user,
                "time_zone": self.jira.time_zone,
                "permissions": permissions,
                "default_permissions": sorted(DEFAULT_GRANT),
                "space_permissions": {
                    space: sorted(":".join(op) for op in ops)
                    for space, ops in sorted(self.confluence.space_operations.items())
                },
                "default_space_permissions": sorted(":".join(op) for op in DEFAULT_OPERATIONS),
            }
