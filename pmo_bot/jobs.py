"""The jobs the CLI and the daemon both run, built from settings: one code path for both."""

from __future__ import annotations

from pmo_bot import wiring
from pmo_bot.check import CheckDeps, CheckOptions, CheckSummary, run_check
from pmo_bot.config import Settings
from pmo_bot.rules import loader
from pmo_bot.store import open_from_settings


def check_job(settings: Settings, options: CheckOptions | None = None) -> tuple[CheckSummary, str]:
    """Run one check cycle; returns the summary and the Jira flavour it ran against."""
    bundle = loader.load([settings.rules_dir])
    jira = wiring.jira_client(settings)
    with open_from_settings(settings) as store:
        deps = CheckDeps(jira=jira, store=store, bundle=bundle, settings=settings)
        return run_check(deps, options or CheckOptions()), jira.flavor
