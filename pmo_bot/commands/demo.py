"""``pmo-bot demo``: bring up the seeded demo sandbox and show where to look.

The sandbox start (``running_demo``) is separate from the wait loop, so the demo can grow a check cycle
between the two.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from pmo_bot.commands.sandbox import checked_flavor, print_banner
from pmo_bot.sandbox.running import RunningSandbox, start_sandbox
from pmo_bot.sandbox.server import free_port

DEMO_PORT = 8080


def _port(preferred: int) -> int:
    """The preferred port if it is free, else any free one (a second demo must still start)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", preferred))
        except OSError:
            return free_port()
    return preferred


@contextmanager
def running_demo(flavor: str = "cloud", port: int = DEMO_PORT) -> Iterator[RunningSandbox]:
    with start_sandbox(flavor=checked_flavor(flavor), seed="demo", port=_port(port)) as running:
        yield running


def wait_until_interrupted() -> None:
    typer.echo("Serving; press Ctrl-C to stop.")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        typer.echo("stopped")


def demo(
    exit_: Annotated[bool, typer.Option("--exit", help="Start, print where to look, then stop.")] = False,
    flavor: Annotated[str, typer.Option("--flavor", help="cloud or datacenter.")] = "cloud",
    port: Annotated[int, typer.Option("--port", help="Preferred port (a free one if taken).")] = DEMO_PORT,
) -> None:
    """Start the seeded demo sandbox and print its URLs and credentials."""
    with running_demo(flavor, port) as running:
        print_banner(running.sandbox, running.url, running.token)
        if not exit_:
            wait_until_interrupted()
