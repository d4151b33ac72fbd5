"""The composition root: turn ``Settings`` into connected adapters. Commands and the scheduler call this."""

from __future__ import annotations

from typing import Literal

from pmo_bot.atlassian.confluence import ConfluenceClient
from pmo_bot.atlassian.jira import JiraClient
from pmo_bot.atlassian.polite import PoliteSession, RetryPolicy, Throttle
from pmo_bot.atlassian.ports import JiraPort
from pmo_bot.config import Flavor, Settings
from pmo_bot.errors import ConfigError
from pmo_bot.sync.fields import FieldMap, resolve_fields


def polite_session(settings: Settings) -> PoliteSession:
    return PoliteSession(
        Throttle(rate=settings.request_rate),
        policy=RetryPolicy(max_retries=settings.max_retries),
        timeout=settings.request_timeout_seconds,
        ca_bundle=str(settings.ca_bundle) if settings.ca_bundle else None,
    )


def _forced(settings: Settings) -> Literal["cloud", "datacenter"] | None:
    """``flavor = "auto"`` detects Cloud or Data Center from serverInfo; anything else forces it."""
    if settings.flavor is Flavor.AUTO:
        return None
    return "cloud" if settings.flavor is Flavor.CLOUD else "datacenter"


def jira_client(settings: Settings, session: PoliteSession | None = None) -> JiraClient:
    settings.require("jira_url", "jira_token")
    assert settings.jira_url is not None
    assert settings.jira_token is not None
    return JiraClient(
        settings.jira_url,
        user=settings.jira_user,
        token=settings.jira_token.get_secret_value(),
        session=session or polite_session(settings),
        flavor=_forced(settings),
    )


def confluence_client(
    settings: Settings, flavor: Literal["cloud", "datacenter"], session: PoliteSession | None = None
) -> ConfluenceClient:
    settings.require("confluence_url", "confluence_token", "confluence_space")
    assert settings.confluence_url is not None
    assert settings.confluence_token is not None
    return ConfluenceClient(
        settings.confluence_url,
        user=settings.confluence_user,
        token=settings.confluence_token.get_secret_value(),
        session=session or polite_session(settings),
        flavor=flavor,
    )


def field_map(settings: Settings, jira: JiraClient | JiraPort) -> FieldMap:
    """The configured field mapping resolved against the site's catalogue; one line per unknown field."""
    mapping = settings.fields.model_dump(exclude={"extra"})
    fmap, problems = resolve_fields(mapping, settings.fields.extra, jira.fields(), jira.flavor)
    if problems:
        raise ConfigError("\n".join(problems))
    return fmap
