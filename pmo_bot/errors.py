"""One error hierarchy. Every expected failure carries a sentence a PMO or an admin can act on.

The CLI maps these to exit codes (see ``pmo_bot.cli``); the scheduler logs them and keeps running.
"""

from __future__ import annotations


class PmoError(Exception):
    """Base of every expected pmo-bot failure."""

    exit_code = 1


class ConfigError(PmoError):
    """The configuration is invalid or incomplete (exit code 2)."""

    exit_code = 2


class UsageError(PmoError):
    """The command line asked for something impossible (exit code 2)."""

    exit_code = 2


class RuleError(PmoError):
    """Rule files failed to load or validate. ``problems`` holds one line per problem."""

    exit_code = 2

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the rule files")


class RemoteError(PmoError):
    """Jira or Confluence answered with an error we could not recover from."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        self.status = status
        super().__init__(message)


class AuthError(RemoteError):
    """Credentials were refused: systemic, fails the whole run."""


class RateLimitedError(RemoteError):
    """The server kept answering 429 after every allowed retry."""


class WriteCapExceeded(PmoError):
    """A run planned more writes than the configured cap; nothing was written."""


class StoreError(PmoError):
    """The state database is unusable (for example, its schema is newer than this pmo-bot)."""


class LeaseHeld(PmoError):
    """Another process holds the job's run lease (exit code 3): a daemon, a replica or a manual run."""

    exit_code = 3


class LeaseLost(PmoError):
    """This run's lease expired and another process took it over: the run stops before writing again."""
