"""The newcomer's demo: the main job against the embedded sandbox, with the demo's own settings.

The demo config is the operator's config with three changes: it points at the sandbox, it enforces (the
default is audit), and it lifts the comment write cap, since the seeded portfolio is commented on all at once.
State lives in ``.demo/`` so that running the demo twice shows the second run writing nothing.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pmo_bot.check import CheckSummary
from pmo_bot.config import Settings, load_settings
from pmo_bot.jobs import check_job
from pmo_bot.report.job import ReportOutcome, report_job
from pmo_bot.sandbox.running import RunningSandbox

DEMO_DIR = Path(".demo")
DEMO_WAIVER_REQUEST_URL = "mailto:pmo@example.com?subject=Waiver%20request%3A%20{rule}%20on%20{issue}"


def sandbox_env(sandbox: RunningSandbox, database_url: str) -> dict[str, str]:
    """The environment an operator would set to point pmo-bot at this sandbox."""
    env = {
        "PMO_JIRA_URL": sandbox.jira_url,
        "PMO_JIRA_TOKEN": sandbox.token,
        "PMO_CONFLUENCE_URL": sandbox.confluence_url,
        "PMO_CONFLUENCE_TOKEN": sandbox.token,
        "PMO_CONFLUENCE_SPACE": "PMO",
        "PMO_DATABASE_URL": database_url,
    }
    if sandbox.flavor == "cloud":  # Cloud: Basic email + API token; Data Center: a bearer PAT, no user
        env["PMO_JIRA_USER"] = sandbox.user
        env["PMO_CONFLUENCE_USER"] = sandbox.user
    return env


def demo_settings(sandbox: RunningSandbox, workdir: Path, rules_dir: Path | None = None) -> Settings:
    env = sandbox_env(sandbox, f"sqlite:///{workdir / f'pmo-bot-{sandbox.flavor}.db'}")
    env.update({"PMO_MODE": "enforce", "PMO_MAX_COMMENT_WRITES": "10000", "PMO_REQUEST_RATE": "200"})
    env["PMO_WAIVER_REQUEST_URL"] = DEMO_WAIVER_REQUEST_URL  # "Need an exception?" links, as a PMO would set up
    if rules_dir is not None:
        env["PMO_RULES_DIR"] = str(rules_dir)
    return load_settings(None, env=env)


@dataclass(frozen=True, slots=True)
class DemoResult:
    check: CheckSummary
    report: ReportOutcome
    commented: tuple[str, ...]  # issue keys that carry a bot comment after the run
    base_url: str

    def issue_urls(self, limit: int = 5) -> list[str]:
        return [f"{self.base_url}/_sandbox/view/issue/{key}" for key in self.commented[:limit]]

    @property
    def page_url(self) -> str | None:
        published = self.report.published
        return f"{self.base_url}/_sandbox/view/page/{published.page_id}" if published else None


def run_demo(sandbox: RunningSandbox, workdir: Path = DEMO_DIR, rules_dir: Path | None = None) -> DemoResult:
    """The main job against the sandbox: check (enforce), then this week's report with an HTML preview."""
    workdir.mkdir(parents=True, exist_ok=True)
    settings = demo_settings(sandbox, workdir, rules_dir)
    summary, _ = check_job(settings)
    commented = tuple(sorted(p.issue_key for p in summary.plan if p.content.findings))
    report = report_job(settings, output=workdir / f"report-{sandbox.flavor}.html")
    return DemoResult(check=summary, report=report, commented=commented, base_url=sandbox.url)


CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)


def screenshot(url: str, target: Path, *, height: int = 4000) -> bool:
    """A full-width PNG of ``url`` with headless Chromium; False when no Chromium is installed."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if browser is None:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        command = [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--window-size=1300,{height}"]
        subprocess.run([*command, f"--screenshot={target}", url], capture_output=True, timeout=120, check=False)  # noqa: S603
    return target.is_file()
