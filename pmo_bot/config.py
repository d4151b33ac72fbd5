"""Settings: ``pmo-bot.toml`` (or ``--config PATH`` / ``PMO_CONFIG``) overridden by ``PMO_<KEY>`` variables.

The one home of pydantic-settings. ``load_settings`` returns a frozen ``Settings`` or raises ``ConfigError``
carrying one line per problem (where it came from, the key path, what was expected, the bad value unless it is
a secret). Every key is documented in ``docs/configuration.md``; a test keeps the two in step.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)
from pydantic_settings.sources.utils import parse_env_vars

from pmo_bot import logs
from pmo_bot.domain import Mode
from pmo_bot.errors import ConfigError
from pmo_bot.report.rag import RagPolicy
from pmo_bot.rules.context import DEFAULT_ACCEPTANCE_MARKERS
from pmo_bot.wording import DEFAULT_LOCALE, check_locale

DEFAULT_CONFIG_FILE = "pmo-bot.toml"
ENV_PREFIX = "PMO_"
NESTED_DELIMITER = "__"
# never echoed in errors
SECRET_KEYS = frozenset({"jira_token", "confluence_token", "database_url", "alert_webhook_url"})

_PROJECT_KEY = re.compile(r"^[A-Z][A-Z0-9_]*$")
_CRON_FIELD = re.compile(r"^[0-9A-Za-z*/,\-?#LW]+$")
_WEEK_SAMPLE = {"year": 2026, "week": 1}


@dataclass(frozen=True, slots=True)
class CheckOptions:
    """What one check's command line adds to the settings (``run_check``'s options)."""

    dry_run: bool = False
    baseline: bool = False
    full: bool = False
    projects: tuple[str, ...] = ()  # narrows the configured projects for this run


class Flavor(StrEnum):
    AUTO = "auto"
    CLOUD = "cloud"
    DATACENTER = "datacenter"


class FieldMapping(BaseModel):
    """Jira custom fields by name (as shown in Jira) or id (``customfield_10042``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    budget: str = "Budget"
    strategic_goal: str = "Strategic Goal"
    start_date: str = "Start date"
    story_points: str = "Story Points"
    team: str = "Team"
    actual_cost: str = "Actual Cost"
    epic_link: str = "Epic Link"
    epic_name: str = "Epic Name"
    extra: dict[str, str] = Field(default_factory=dict)  # further fields, read into Item.extra by these names


class Schedule(BaseModel):
    """Cron expressions (5 fields: minute hour day month weekday; or 6 with a leading second) for ``serve``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    check: str = "*/30 * * * *"
    report: str = "0 7 * * mon"
    timezone: str = "UTC"
    poll_seconds: float = Field(default=10.0, gt=0, le=300)  # how often a replica looks for due runs
    missed_grace_hours: float = Field(default=24.0, ge=0)  # a run missed while down still runs if this recent

    @field_validator("check", "report")
    @classmethod
    def _cron(cls, value: str) -> str:
        parts = value.split()
        if len(parts) not in (5, 6) or not all(_CRON_FIELD.match(p) for p in parts):
            raise ValueError(
                "expected a cron expression of 5 fields (minute hour day month weekday), "
                "or 6 with a leading second field"
            )
        return " ".join(parts)


def _comma_list(value: Any) -> Any:
    """Env values arrive as ``"A, B"``; TOML values as arrays. Both become tuples of trimmed strings."""
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(frozen=True, extra="forbid", validate_default=True)

    jira_url: str | None = None
    jira_user: str | None = None
    jira_token: SecretStr | None = None
    confluence_url: str | None = None
    confluence_user: str | None = None
    confluence_token: SecretStr | None = None
    confluence_space: str | None = None
    confluence_parent_title: str = "Portfolio reports"
    database_url: str = "sqlite:///pmo-bot.db"
    database_auto_upgrade: bool = True
    mode: Mode = Mode.AUDIT
    rules_dir: Path = Path("rules")
    templates_dir: Path | None = None
    max_comment_writes: int = Field(default=50, ge=0)
    projects: Annotated[tuple[str, ...], NoDecode] = ()
    flavor: Flavor = Flavor.AUTO
    fields: FieldMapping = Field(default_factory=FieldMapping)
    rules_docs_url: str | None = None
    waiver_procedure: str = "Ask the PMO for a waiver: name the rule, the issue, the reason and until when."
    waiver_request_url: str | None = None  # "Need an exception?" link; {rule} and {issue} are filled in
    locale: str = DEFAULT_LOCALE  # how comments, `rules explain` and the report write numbers and dates
    resolved_comment: Literal["keep", "delete"] = "keep"
    comment_refresh_days: int = Field(default=7, ge=1)
    acceptance_markers: Annotated[tuple[str, ...], NoDecode] = DEFAULT_ACCEPTANCE_MARKERS
    full_sync_every_hours: float = Field(default=24.0, gt=0)
    sync_overlap_minutes: int = Field(default=5, ge=2)
    request_rate: float = Field(default=10.0, gt=0)
    concurrent_searches: int = Field(default=4, ge=1, le=16)  # projects searched at once by the sync
    request_timeout_seconds: float = Field(default=30.0, gt=0)
    max_retries: int = Field(default=5, ge=0, le=20)
    baseline_new_only: bool = True
    report_title_pattern: str = "Portfolio report — {year}-W{week:02d}"
    report_labels: Annotated[tuple[str, ...], NoDecode] = ("pmo-report", "pmo-report-{year}-{week:02d}")
    report_top_n: int = Field(default=20, ge=1)
    report_epic_order: Literal["money", "severity"] = "money"
    rag: RagPolicy = Field(default_factory=RagPolicy)
    jira_server_id: str | None = None
    schedule: Schedule = Field(default_factory=Schedule)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # -- hardening: TLS and connection settings (docs/security.md) --
    ca_bundle: Path | None = None
    # -- operations: the run lease, health/metrics endpoint, alerts (docs/deploy.md) --
    lease_seconds: float = Field(default=60.0, ge=1, le=3600)
    lease_wait_seconds: float = Field(default=10.0, ge=0)
    http_port: int | None = Field(default=None, ge=0, le=65535)
    http_host: str = "127.0.0.1"
    ready_max_age_minutes: float = Field(default=90.0, gt=0)
    alert_webhook_url: SecretStr | None = None
    alert_after_failures: int = Field(default=3, ge=2)

    @classmethod
    def settings_customise_sources(
        cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource, *_: Any, **__: Any
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)  # load_settings merges file and environment itself, so both are explicit

    @field_validator("jira_url", "confluence_url", "rules_docs_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("expected an http:// or https:// URL")
        if value is not None:
            connection_url_problem(value)
        return value.rstrip("/") if value else value

    @field_validator("jira_token", "confluence_token", mode="before")
    @classmethod
    def _token(cls, value: Any) -> Any:
        # A token pasted from a file or `echo` often ends in a newline: Jira answers a bare 401 for it.
        return value.strip() if isinstance(value, str) else value

    @field_validator("ca_bundle")
    @classmethod
    def _ca_bundle(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError("expected a PEM file of CA certificates; the file does not exist")
        return value

    @field_validator("waiver_request_url")
    @classmethod
    def _waiver_url(cls, value: str | None) -> str | None:
        if value is None:
            return value
        if not re.match(r"^(https?://[^\s/]+|mailto:[^\s]+)", value):
            raise ValueError("expected an http://, https:// or mailto: URL")
        try:
            value.format(rule="r", issue="i")
        except (KeyError, IndexError, ValueError) as error:
            raise ValueError(f"only {{rule}} and {{issue}} may be used in {value!r} ({error})") from None
        return value

    @field_validator("locale")
    @classmethod
    def _locale(cls, value: str) -> str:
        return check_locale(value)

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if not re.match(r"^(sqlite|postgresql)(\+\w+)?://", value):
            raise ValueError("expected a sqlite:///PATH or postgresql+psycopg://USER@HOST/DB URL")
        return value

    @field_validator("projects", mode="before")
    @classmethod
    def _projects(cls, value: Any) -> Any:
        value = _comma_list(value)
        if isinstance(value, list | tuple):
            bad = [v for v in value if not isinstance(v, str) or not _PROJECT_KEY.match(v.upper())]
            if bad:
                raise ValueError(f"expected Jira project keys such as PAY or OPS_2, got {bad!r}")
            return tuple(v.upper() for v in value)
        return value

    @field_validator("report_labels", "acceptance_markers", mode="before")
    @classmethod
    def _labels(cls, value: Any) -> Any:
        return _comma_list(value)

    @field_validator("report_title_pattern", "report_labels")
    @classmethod
    def _week_pattern(cls, value: str | tuple[str, ...]) -> str | tuple[str, ...]:
        for pattern in (value,) if isinstance(value, str) else value:
            try:
                pattern.format(**_WEEK_SAMPLE)
            except (KeyError, IndexError, ValueError) as error:
                raise ValueError(f"only {{year}} and {{week}} may be used in {pattern!r} ({error})") from None
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    def require(self, *keys: str) -> None:
        """Fail with one line per missing key, for commands that need e.g. Jira credentials."""
        missing = [k for k in keys if getattr(self, k) in (None, "")]
        if missing:
            lines = [f"{k} is not set: add it to {DEFAULT_CONFIG_FILE} or set {env_name((k,))}" for k in missing]
            raise ConfigError("\n".join(lines))


class _MappingEnvSource(EnvSettingsSource):
    """pydantic-settings' environment source, reading a given mapping instead of ``os.environ``."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> None:
        self._environ = environ
        super().__init__(
            settings_cls, case_sensitive=False, env_prefix=ENV_PREFIX, env_nested_delimiter=NESTED_DELIMITER
        )

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return parse_env_vars(self._environ, False, False, None)


def env_name(path: tuple[str | int, ...]) -> str:
    return ENV_PREFIX + NESTED_DELIMITER.join(str(p) for p in path).upper()


def find_config_file(config_path: Path | None, env: Mapping[str, str]) -> Path | None:
    """``--config`` wins, then ``PMO_CONFIG``, then ``./pmo-bot.toml`` if it exists; else no file."""
    explicit = config_path or (Path(env["PMO_CONFIG"]) if env.get("PMO_CONFIG") else None)
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"config file {explicit} does not exist (given by --config or PMO_CONFIG)")
        return explicit
    default = Path(DEFAULT_CONFIG_FILE)
    return default if default.is_file() else None


def load_settings(config_path: Path | None, env: Mapping[str, str] | None = None) -> Settings:
    environ = os.environ if env is None else env
    path = find_config_file(config_path, environ)
    file_values: dict[str, Any] = {}
    if path is not None:
        try:
            file_values = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise ConfigError(f"{path}: not valid TOML: {error}") from None
    env_values = _MappingEnvSource(Settings, environ)()
    merged = _deep_merge(file_values, env_values)
    _register_secrets(merged)  # before validation, so that no error message can echo them
    try:
        return Settings(**merged)
    except ValidationError as error:
        source = str(path) if path else DEFAULT_CONFIG_FILE
        raise ConfigError("\n".join(_describe(e, env_values, source) for e in error.errors())) from None


def connection_url_problem(url: str) -> None:
    """Raise ``ValueError`` for a URL requests could not use: a broken host, a bad port, credentials inside."""
    try:
        parts = urlsplit(url)
        port = parts.port  # parsing the port is what raises for 99999 or "abc"
    except ValueError as error:
        raise ValueError(f"expected an http:// or https:// URL with a valid host and port ({error})") from None
    if not parts.hostname:
        raise ValueError("expected an http:// or https:// URL with a host name")
    if port == 0:
        raise ValueError("expected a port between 1 and 65535")
    if parts.username is not None or parts.password is not None:
        raise ValueError("credentials do not belong in the URL: set the user and token keys instead")


def _register_secrets(values: Mapping[str, Any]) -> None:
    """Tokens (also under a misspelt key) and the database password are masked wherever they might show up."""
    for key, value in values.items():
        if key.endswith("_url") and isinstance(value, str) and "@" in value:
            with contextlib.suppress(ValueError):  # a password written inside any URL is a secret too
                logs.register_secret(urlsplit(value).password)
        if key == "database_url" and isinstance(value, str):
            password = re.search(r"://[^/:@]*:([^@/]+)@", value)
            logs.register_secret(password.group(1) if password else None)
        elif "token" in key or difflib.get_close_matches(key, SECRET_KEYS, n=1, cutoff=0.8):
            for text in _strings(value):
                logs.register_secret(text)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [text for part in value for text in _strings(part)]
    if isinstance(value, Mapping):
        return [text for part in value.values() for text in _strings(part)]
    return []


def _deep_merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _env_path(env_values: Mapping[str, Any], loc: tuple[str | int, ...]) -> tuple[str | int, ...] | None:
    """The part of ``loc`` that one environment variable set, or None when the value came from the file."""
    node: Any = env_values
    for depth, part in enumerate(loc):
        if not isinstance(node, Mapping):
            return loc[:depth]
        if part not in node:
            return None
        node = node[part]
    return loc


def _known_keys(loc: tuple[str | int, ...]) -> list[str]:
    model: type[BaseModel] = Settings
    for part in loc[:-1]:
        annotation = model.model_fields[str(part)].annotation
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return []
        model = annotation
    return list(model.model_fields)


def _describe(error: Mapping[str, Any], env_values: Mapping[str, Any], source: str) -> str:
    loc: tuple[str | int, ...] = tuple(error["loc"])
    key = ".".join(str(p) for p in loc)
    env_path = _env_path(env_values, loc)
    where = env_name(env_path) if env_path else f"{source}: {key}"
    if error["type"] == "extra_forbidden":
        close = difflib.get_close_matches(str(loc[-1]), _known_keys(loc), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return logs.redact_text(f"{where}: unknown key{hint}")
    message = str(error["msg"]).removeprefix("Value error, ")
    if str(loc[0]) in SECRET_KEYS or error["type"] == "missing":
        return f"{where}: {message}"  # no value; and not redacted: "jira_token: Input" would look like one
    return logs.redact_text(f"{where}: {message}, got {error['input']!r}")
