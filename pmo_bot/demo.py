"""The newcomer's demo: the main job against the embedded sandbox, with the demo's own settings.

The demo config is the operator's config with three changes: it points at the sandbox, it enforces (the
default is audit), and it lifts the comment write cap, since the seeded portfolio is commented on all at once.
State lives in ``.demo/`` so that running the demo twice shows the second run writing nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pmo_bot.check import CheckSummary
from pmo_bot.config import Settings, load_settings
from pmo_bot.jobs import check_job
from pmo_bot.sandbox.running import RunningSandbox

DEMO_DIR = Path(".demo")


def demo_settings(sandbox: RunningSandbox, workdir: Path, rules_dir: Path | None = None) -> Settings:
    env = {
        "PMO_JIRA_URL": sandbox.jira_url,
        "PMO_JIRA_TOKEN": sandbox.token,
        "PMO_CONFLUENCE_URL": sandbox.confluence_url,
        "PMO_CONFLUENCE_TOKEN": sandbox.token,
        "PMO_CONFLUENCE_SPACE": "PMO",
        "PMO_DATABASE_URL": f"sqlite:///{workdir / f'pmo-bot-{sandbox.flavor}.db'}",
        "PMO_MODE": "enforce",
        "PMO_MAX_COMMENT_WRITES": "10000",
        "PMO_REQUEST_RATE": "200",
    }
    if rules_dir is not None:
        env["PMO_RULES_DIR"] = str(rules_dir)
    if sandbox.flavor == "cloud":
        env["PMO_JIRA_USER"] = sandbox.user
        env["PMO_CONFLUENCE_USER"] = sandbox.user
    return load_settings(None, env=env)


@dataclass(frozen=True, slots=True)
class DemoResult:
    check: CheckSummary
    commented: tuple[str, ...]  # issue keys that carry a bot comment after the run

    def issue_urls(self, base: str, limit: int = 5) -> list[str]:
        return [f"{base}/_sandbox/view/issue/{key}" for key in self.commented[:limit]]


def run_demo(sandbox: RunningSandbox, workdir: Path = DEMO_DIR, rules_dir: Path | None = None) -> DemoResult:
    workdir.mkdir(parents=True, exist_ok=True)
    settings = demo_settings(sandbox, workdir, rules_dir)
    summary, _ = check_job(settings)
    commented = tuple(sorted(p.issue_key for p in summary.plan if p.content.findings))
    return DemoResult(check=summary, commented=commented)
