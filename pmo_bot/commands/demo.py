"""``pmo-bot demo``: the main job against the embedded, seeded sandbox, and where to look afterwards.

State is kept in ``.demo/`` (the sandbox's data and the bot's database), so a second run shows the bot
writing nothing; ``--fresh`` starts over.
"""

from __future__ import annotations

import shutil
import socket
import threading
from pathlib import Path
from typing import Annotated

import typer

from pmo_bot.commands.check import print_summary
from pmo_bot.commands.sandbox import checked_flavor, print_banner
from pmo_bot.demo import DEMO_DIR, DemoResult, run_demo, screenshot
from pmo_bot.sandbox.running import start_sandbox
from pmo_bot.sandbox.server import free_port

DEMO_PORT = 8080


def _port(preferred: int) -> int:
    """The preferred port if it is free, else any free one (a second demo must still start)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds: TIME_WAIT is no obstacle
        try:
            probe.bind(("127.0.0.1", preferred))
        except OSError:
            return free_port()
    return preferred


def wait_until_interrupted() -> None:
    typer.echo("\nServing; press Ctrl-C to stop.")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        typer.echo("stopped")


def _print_result(result: DemoResult, flavor: str) -> None:
    typer.echo("")
    print_summary(result.check, verbose=False, flavor=flavor)
    if result.commented:
        typer.echo(f"\n{len(result.commented)} issues carry the bot's compliance comment, for example:")
        for url in result.issue_urls():
            typer.echo(f"  {url}")
    typer.echo("")
    for line in result.report.describe():
        typer.echo(line)
    if result.page_url:
        typer.echo(f"\nWeekly report in the sandbox's Confluence: {result.page_url}")


def demo(
    exit_: Annotated[bool, typer.Option("--exit", help="Run, print where to look, then stop.")] = False,
    flavor: Annotated[str, typer.Option("--flavor", help="cloud or datacenter.")] = "cloud",
    port: Annotated[int, typer.Option("--port", help="Preferred port (a free one if taken).")] = DEMO_PORT,
    fresh: Annotated[bool, typer.Option("--fresh", help="Forget the previous demo's state first.")] = False,
    workdir: Annotated[Path, typer.Option("--dir", help="Where the demo keeps its state.")] = DEMO_DIR,
    screenshots: Annotated[
        Path | None, typer.Option("--screenshots", help="Save PNGs of the report and a commented issue here.")
    ] = None,
) -> None:
    """Run pmo-bot's main job against the embedded sandbox: check (enforce), then the weekly report."""
    chosen = checked_flavor(flavor)
    if fresh and workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    data = workdir / f"sandbox-{chosen}.db"
    with start_sandbox(chosen, seed="demo", port=_port(port), data=data) as running:
        print_banner(running.sandbox, running.url, running.token)
        result = run_demo(running, workdir)
        _print_result(result, chosen)
        if screenshots is not None:
            shots = {"report.png": result.page_url, "issue.png": next(iter(result.issue_urls(1)), None)}
            for name, url in shots.items():
                if url and screenshot(url, screenshots / f"{chosen}-{name}"):
                    typer.echo(f"screenshot: {screenshots / f'{chosen}-{name}'}")
                elif url:
                    typer.echo("screenshot skipped: no Chromium found (apt-get install chromium)", err=True)
        if not exit_:
            wait_until_interrupted()
