"""``make bench``: the bot's check cycle next to three reference clients paging the same search, in one run.

For each size (1k and 10k synthetic Cloud issues; 100k with ``--100k``) a sandbox is started in its own process,
then each client runs in a process of its own (``benchmarks/clients.py``), so wall time, CPU time and peak RSS
are each client's alone:

- ``floor``: a bare ``requests`` session paging the search with the bot's JQL, fields and property (on Cloud the
  bot's search asks for no changelog: it fetches the history of changed issues apart, ``sync/history.py``);
- ``atlassian-python-api``: its ``enhanced_jql`` (it cannot ask for the property);
- ``jira`` (pycontribs): ``enhanced_search_issues`` with JSON results (the ``bench`` extra);
- the bot: a cold full check (new database; it writes the comments), a full check with nothing changed (the
  daily reconciliation), and an incremental check after two issues were edited.

Before the sizes, the bot's start-up: the median wall time of ``python -m pmo_bot --help``, and the time from
spawning ``python -m pmo_bot check`` to its first request arriving at a loopback listener (which does not answer:
the process is killed), each ``STARTUP_RUNS`` times, with the package's bytecode compiled as an install does.

The client request rate is lifted (``request_rate`` 1000/s) so pacing does not hide the work. Each client runs
``--runs`` times (3) and the run with the median wall time is kept (the cold check once: afterwards its database is
not new; each incremental run follows two fresh edits). Results go to ``benchmarks/results/latest.json`` and
``latest.md``; ratios are to the floor's wall time, the bot's sync time (``sync s``: its searches and what it
stores) too. The bot's database is SQLite, or with ``--postgres URL`` a fresh database on that server. Timings on a
shared machine are noisy: compare runs made at the same time.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
USER, TOKEN = "pmo-bot@example.com", "sandbox-token"  # the sandbox's documented defaults
STARTUP_RUNS = 9  # start-ups are quick and the noisiest figure here


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Sandbox:
    """``pmo-bot sandbox serve`` in a process of its own, seeded with ``issues`` synthetic Cloud issues."""

    def __init__(self, issues: int, log: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "pmo_bot", "sandbox", "serve", "--flavor", "cloud", "--seed", "synthetic"]
        command += ["--issues", str(issues), "--port", str(self.port)]
        with log.open("w") as sink:
            self.process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, cwd=ROOT)
        self.http = requests.Session()
        self.http.auth = (USER, TOKEN)
        self.edits = 0

    def wait(self, timeout: float) -> float:
        started = time.perf_counter()
        while time.perf_counter() - started < timeout:
            if self.process.poll() is not None:
                raise RuntimeError("the sandbox stopped while starting (see its log)")
            try:
                if self.http.get(f"{self.url}/rest/api/2/serverInfo", timeout=5).ok:
                    return time.perf_counter() - started
            except requests.ConnectionError:
                pass
            time.sleep(0.5)
        raise TimeoutError("the sandbox did not start in time")

    def edit_two(self, jql: str) -> list[str]:
        """A project manager moves two due dates between the runs."""
        query = {"jql": jql, "fields": ["summary"], "maxResults": 2}
        page = self.http.post(f"{self.url}/rest/api/3/search/jql", json=query, timeout=60)
        keys = [issue["key"] for issue in page.json()["issues"]]
        self.edits += 1  # another date each time: the same value again would change nothing
        due = (date.today() + timedelta(days=45 + self.edits)).isoformat()
        for key in keys:
            answer = self.http.put(f"{self.url}/rest/api/3/issue/{key}", json={"fields": {"duedate": due}}, timeout=60)
            answer.raise_for_status()
        return keys

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _first_request(home: Path, database: Path) -> float:
    """Seconds from spawning ``python -m pmo_bot check`` (in checkout ``home``) to its first request's bytes."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.settimeout(60)
        env = {
            **os.environ,
            "PMO_JIRA_URL": f"http://127.0.0.1:{listener.getsockname()[1]}",
            "PMO_JIRA_USER": USER,
            "PMO_JIRA_TOKEN": TOKEN,
            "PMO_RULES_DIR": str(home / "rules"),
            "PMO_DATABASE_URL": f"sqlite:///{database}",
        }
        started = time.monotonic()
        command = [sys.executable, "-m", "pmo_bot", "check"]
        process = subprocess.Popen(command, cwd=home, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            connection, _ = listener.accept()
            with connection:
                connection.recv(1)
                return time.monotonic() - started
        finally:
            process.kill()  # unanswered, it would wait and retry
            process.wait()


def startup(bot_path: str | None, workdir: Path) -> dict[str, Any]:
    """Median ``--help`` wall time and time to the first request of ``check``, over ``STARTUP_RUNS`` runs each."""
    home = Path(bot_path or ROOT)
    # pip compiles the package when it installs it; with PYTHONDONTWRITEBYTECODE each run would compile it anew
    compileall.compile_dir(home / "pmo_bot", quiet=1)
    helps: list[float] = []
    firsts: list[float] = []
    for _ in range(STARTUP_RUNS):
        started = time.monotonic()
        subprocess.run([sys.executable, "-m", "pmo_bot", "--help"], cwd=home, capture_output=True, check=True)
        helps.append(time.monotonic() - started)
        firsts.append(_first_request(home, workdir / "startup.db"))
    return {
        "runs": STARTUP_RUNS,
        "help_s": round(statistics.median(helps), 3),
        "first_request_s": round(statistics.median(firsts), 3),
        "help_walls_s": sorted(round(wall, 3) for wall in helps),
        "first_request_walls_s": sorted(round(wall, 3) for wall in firsts),
    }


def _search_spec(url: str) -> dict[str, Any]:
    """The bot's own JQL and field list for this site (what the reference clients must fetch too)."""
    from pmo_bot import wiring
    from pmo_bot.config import load_settings
    from pmo_bot.sync.jqlbuild import fetch_jql

    env = {"PMO_JIRA_URL": url, "PMO_JIRA_USER": USER, "PMO_JIRA_TOKEN": TOKEN, "PMO_RULES_DIR": str(ROOT / "rules")}
    settings = load_settings(None, env=env)
    jira = wiring.jira_client(settings)
    projects = jira.projects()
    fields = wiring.field_map(settings, jira).request_fields()
    return {
        "url": url,
        "user": USER,
        "token": TOKEN,
        "projects": projects,
        "jql": fetch_jql(projects),
        "fields": fields,
    }


def _client(kind: str, spec: dict[str, Any], bot_path: str | None) -> dict[str, Any]:
    env = dict(os.environ)
    if kind == "bot" and bot_path:  # an older pmo-bot checkout, for before/after figures
        env["PMO_BENCH_BOT_PATH"] = bot_path
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.clients", kind, json.dumps(spec)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        return {"kind": kind, "error": (done.stderr.strip().splitlines() or ["failed"])[-1]}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _median_of(kind: str, spec: dict[str, Any], bot_path: str | None, runs: int, before: Any = None) -> dict[str, Any]:
    """``runs`` runs of a client; the one with the median wall time, with every run's wall time beside it."""
    done: list[dict[str, Any]] = []
    for _ in range(runs):
        if before is not None:
            before()
        done.append(_client(kind, spec, bot_path))
        if "error" in done[-1]:
            return done[-1]
    done.sort(key=lambda run: float(run["wall_s"]))
    middle = dict(done[len(done) // 2])
    middle["walls_s"] = [run["wall_s"] for run in done]
    return middle


def _postgres_database(admin_url: str, name: str, *, create: bool) -> str:
    """Drop the database ``name`` on the server of ``admin_url`` and, with ``create``, make it anew: its URL."""
    from sqlalchemy import create_engine, make_url, text

    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        if create:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def measure(issues: int, bot_path: str | None, workdir: Path, runs: int, postgres: str | None = None) -> dict[str, Any]:
    sandbox = Sandbox(issues, workdir / f"sandbox-{issues}.log")
    try:
        started = sandbox.wait(timeout=3600)
        spec = _search_spec(sandbox.url)
        results: dict[str, Any] = {"sandbox_start_s": round(started, 1), "runs": runs}
        for kind in ("floor", "atlassian", "pycontribs"):
            results[kind] = _median_of(kind, spec, None, runs)
        name = f"pmo_bench_{issues}"
        database = _postgres_database(postgres, name, create=True) if postgres else str(workdir / f"bot-{issues}.db")
        results["database"] = "postgresql" if postgres else "sqlite"
        bot = {**spec, "database": database, "rules": str(ROOT / "rules")}
        results["bot_full_cold"] = _client("bot", bot, bot_path)  # once: afterwards the database is not new
        results["bot_full_unchanged"] = _median_of("bot", {**bot, "full": True}, bot_path, runs)
        edited: list[str] = []
        results["bot_incremental"] = _median_of(
            "bot", bot, bot_path, runs, before=lambda: edited.extend(sandbox.edit_two(spec["jql"]))
        )
        results["edited"] = sorted(set(edited))
    finally:
        sandbox.stop()
        if postgres:
            _postgres_database(postgres, f"pmo_bench_{issues}", create=False)
    floor = results["floor"].get("wall_s") or 0
    for run in results.values():
        if isinstance(run, dict) and floor and run.get("wall_s") is not None:
            run["x_floor"] = round(run["wall_s"] / floor, 2)
            if run.get("sync_s") is not None:
                run["sync_x_floor"] = round(run["sync_s"] / floor, 2)
    return results


ROWS = (
    ("floor", "floor: bare requests"),
    ("atlassian", "atlassian-python-api"),
    ("pycontribs", "jira (pycontribs)"),
    ("bot_full_cold", "bot: full, cold"),
    ("bot_full_unchanged", "bot: full, unchanged"),
    ("bot_incremental", "bot: incremental, 2 edited"),
)


def table(results: dict[str, Any]) -> str:
    lines = [
        "| issues | run | wall s | x floor | sync s | sync x floor | CPU s | requests | writes | peak RSS MB | DB MB |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size, runs in results["sizes"].items():
        for key, label in ROWS:
            r = runs.get(key, {})
            if "error" in r:
                lines.append(f"| {size} | {label} | error: {r['error'][:80]} | | | | | | | | |")
                continue
            cells = (
                "wall_s",
                "x_floor",
                "sync_s",
                "sync_x_floor",
                "cpu_s",
                "requests",
                "writes",
                "peak_rss_mb",
                "db_mb",
            )
            lines.append(f"| {size} | {label} | " + " | ".join(str(r.get(c, "")) for c in cells) + " |")
    start = results["startup"]
    lines += [
        "",
        f"| start-up (median of {start['runs']}) | s |",
        "|---|---:|",
        f"| `pmo-bot --help` | {start['help_s']} |",
        f"| `pmo-bot check`: its first request | {start['first_request_s']} |",
    ]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.side_by_side", description=__doc__.split("\n")[0])
    parser.add_argument("--100k", dest="big", action="store_true", help="also 100,000 issues (minutes)")
    parser.add_argument("--sizes", type=int, nargs="*", help="issue counts (default: 1000 10000)")
    parser.add_argument("--runs", type=int, default=3, help="runs per client (the median is kept; default 3)")
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="the bot's database on this PostgreSQL server (a database pmo_bench_<size> is made afresh), not SQLite",
    )
    parser.add_argument("--bot-path", help="run the bot from this (older) checkout, for before/after figures")
    parser.add_argument("--out", default=str(RESULTS / "latest"), help="results path without extension")
    args = parser.parse_args()
    sizes = args.sizes or [1_000, 10_000]
    if args.big:
        sizes.append(100_000)
    results: dict[str, Any] = {"when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "sizes": {}}
    results["load_average"] = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        results["startup"] = startup(args.bot_path, Path(tmp))  # first, while no sandbox is busy
        for size in sizes:
            results["sizes"][str(size)] = measure(size, args.bot_path, Path(tmp), args.runs, args.postgres)
            print(f"{size} issues measured", flush=True)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".json").write_text(json.dumps(results, indent=2) + "\n")
    markdown = table(results)
    out.with_suffix(".md").write_text(markdown)
    print(markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
