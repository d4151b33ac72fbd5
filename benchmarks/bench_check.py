"""The check cycle end to end against the embedded sandbox: a full and an incremental run, both flavours.

Portfolios: the demo one (~680 issues, deliberate problems) and a 10k-issue synthetic one. For each, the first
run is a full sync that also writes the compliance comments; the second is incremental after two issues were
edited through the REST API. Requests are counted from the sandbox's request log (by method and path, issue keys
and ids folded), so the figures show what a real site would be asked. The client's request rate is lifted
(``request_rate`` 1000/s) so that the time measured is pmo-bot's and the sandbox's own work; at the default
10 requests/s, pacing alone would add requests / 10 seconds.

Both the bot and the sandbox run in this one process, so durations include the server's side too.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import requests

from pmo_bot import wiring
from pmo_bot.atlassian.polite import endpoint_of
from pmo_bot.check import CheckDeps, CheckSummary, run_check
from pmo_bot.config import CheckOptions, load_settings
from pmo_bot.rules import loader
from pmo_bot.sandbox.running import RunningSandbox, start_sandbox
from pmo_bot.sandbox.site import Flavor, SeedProfile
from pmo_bot.store import open_from_settings

RULES = Path(__file__).resolve().parent.parent / "rules"
SYNTHETIC_ISSUES = 10_000
DEFAULT_RATE = 10.0  # requests/s, the shipped default of request_rate


def _settings(site: RunningSandbox, database: Path) -> Any:
    env = {
        "PMO_JIRA_URL": site.jira_url,
        "PMO_JIRA_TOKEN": site.token,
        "PMO_DATABASE_URL": f"sqlite:///{database}",
        "PMO_RULES_DIR": str(RULES),
        "PMO_MODE": "enforce",
        "PMO_MAX_COMMENT_WRITES": "1000000",
        "PMO_REQUEST_RATE": "1000",
    }
    if site.flavor == "cloud":
        env["PMO_JIRA_USER"] = site.user
    return load_settings(None, env=env)


def _edit_two(site: RunningSandbox) -> None:
    """A project manager edits two issues between the runs."""
    with site.sandbox.lock:
        keys = [issue.key for issue in site.sandbox.jira.issues[:2]]
    api = f"{site.jira_url}/rest/api/{'3' if site.flavor == 'cloud' else '2'}"
    http = requests.Session()
    if site.flavor == "cloud":
        http.auth = (site.user, site.token)
    else:
        http.headers["Authorization"] = f"Bearer {site.token}"
    due = (date.today() + timedelta(days=45)).isoformat()
    for key in keys:
        http.put(f"{api}/issue/{key}", json={"fields": {"duedate": due}}, timeout=30).raise_for_status()


def _measure(site: RunningSandbox, settings: Any, bundle: loader.Bundle) -> dict[str, Any]:
    since = site.last_request_id()
    started = time.perf_counter()
    with open_from_settings(settings) as store:
        deps = CheckDeps(jira=wiring.jira_client(settings), store=store, bundle=bundle, settings=settings)
        summary: CheckSummary = run_check(deps, CheckOptions())
    seconds = time.perf_counter() - started
    log = site.requests(since)
    by_endpoint = Counter(endpoint_of(e["method"], e["path"]) for e in log)
    return {
        "kind": summary.sync.kind,
        "seconds": round(seconds, 2),
        "sandbox_seconds": round(sum(e["duration_ms"] for e in log) / 1000, 2),  # the server's share
        "requests": len(log),
        "requests_by_endpoint": dict(by_endpoint.most_common()),
        "fetched": summary.sync.fetched,
        "items_checked": summary.items_checked,
        "items_per_second": round(summary.items_checked / seconds),
        "comment_writes": sum(summary.writes_done.values()),
        "pacing_floor_at_default_rate_s": round(len(log) / DEFAULT_RATE, 1),
    }


def measure(flavor: Flavor, seed: SeedProfile, issues: int | None) -> dict[str, Any]:
    bundle = loader.load([RULES])
    started = time.perf_counter()
    with start_sandbox(flavor, seed=seed, issues=issues) as site, tempfile.TemporaryDirectory() as tmp:
        seeded = time.perf_counter() - started
        settings = _settings(site, Path(tmp) / "bench.db")
        full = _measure(site, settings, bundle)
        _edit_two(site)
        incremental = _measure(site, settings, bundle)
    return {"seed_seconds": round(seeded, 2), "full": full, "incremental": incremental}


def run(synthetic_issues: int = SYNTHETIC_ISSUES) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for flavor in ("cloud", "datacenter"):
        results[f"demo/{flavor}"] = measure(flavor, "demo", None)
        results[f"synthetic-{synthetic_issues // 1000}k/{flavor}"] = measure(flavor, "synthetic", synthetic_issues)
    print_table(results)
    return results


def print_table(results: dict[str, Any]) -> None:
    head = f"{'portfolio/flavour':<26}{'run':<13}{'items':>7}{'fetched':>9}{'requests':>10}{'writes':>8}"
    head += f"{'seconds':>9}{'sandbox':>9}{'items/s':>9}{'@10rps+s':>10}"
    print(head)
    for name, result in results.items():
        for kind in ("full", "incremental"):
            r = result[kind]
            print(
                f"{name:<26}{r['kind']:<13}{r['items_checked']:>7}{r['fetched']:>9}{r['requests']:>10}"
                f"{r['comment_writes']:>8}{r['seconds']:>9.2f}{r['sandbox_seconds']:>9.2f}{r['items_per_second']:>9}"
                f"{r['pacing_floor_at_default_rate_s']:>10.1f}"
            )
    print("requests by endpoint (full runs):")
    for name, result in results.items():
        top = ", ".join(f"{k} {v}" for k, v in list(result["full"]["requests_by_endpoint"].items())[:6])
        print(f"  {name}: {top}")


def main() -> None:
    run(int(sys.argv[1]) if len(sys.argv) > 1 else SYNTHETIC_ISSUES)


if __name__ == "__main__":
    main()
