"""``pmo-bot sandbox serve``: run the Jira + Confluence emulator in the foreground."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pmo_bot.sandbox.app import build_app
from pmo_bot.sandbox.running import prepare_sandbox, site_urls
from pmo_bot.sandbox.server import serve_forever
from pmo_bot.sandbox.site import FLAVORS, PROFILES, Flavor, Sandbox, SeedProfile, check_time_zone

app = typer.Typer(help="The built-in Jira + Confluence sandbox.", no_args_is_help=True)

FlavorOption = Annotated[str, typer.Option("--flavor", help="cloud or datacenter.")]
SeedOption = Annotated[str, typer.Option("--seed", help="demo, synthetic or none.")]


def checked_flavor(value: str) -> Flavor:
    if value not in FLAVORS:
        raise typer.BadParameter(f"--flavor must be one of {', '.join(FLAVORS)}, not {value!r}")
    return value


def checked_profile(value: str) -> SeedProfile:
    if value not in PROFILES:
        raise typer.BadParameter(f"--seed must be one of {', '.join(PROFILES)}, not {value!r}")
    return value


def print_banner(sandbox: Sandbox, base: str, token: str) -> None:
    """What a newcomer needs: where everything is and how to log in."""
    config = sandbox.config
    urls = site_urls(sandbox, base)
    auth = "Basic" if config.flavor == "cloud" else "Basic or Bearer"
    lines = [
        f"pmo-bot sandbox ({config.flavor}): {len(sandbox.jira.issues)} issues, {len(sandbox.jira.projects)} projects",
        f"  Jira:        {urls['jira']}",
        f"  Confluence:  {urls['confluence']}",
        f"  Credentials: user {config.user}  token {token}  ({auth})",
        f"  Index:       {urls['index']}",
    ]
    if "issue_view" in urls:
        lines.append(f"  Issue view:  {urls['issue_view']}")
    lines.append(f"  Jira search: {urls['search']}")
    typer.echo("\n".join(lines))


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8080,
    flavor: FlavorOption = "cloud",
    seed: SeedOption = "demo",
    issues: Annotated[int | None, typer.Option("--issues", help="Issue count for --seed synthetic.")] = None,
    seed_number: Annotated[int, typer.Option("--seed-number", help="Seed of the generators.")] = 1,
    data: Annotated[Path | None, typer.Option("--data", help="SQLite file that keeps the state.")] = None,
    user: Annotated[str, typer.Option("--user", help="Login the sandbox accepts.")] = "pmo-bot@example.com",
    token: Annotated[str, typer.Option("--token", help="API token / PAT it accepts.")] = "sandbox-token",  # noqa: S107
    time_zone: Annotated[
        str, typer.Option("--time-zone", help="The login's Jira time zone (IANA name): myself, JQL dates.")
    ] = "UTC",
) -> None:
    """Serve a seeded sandbox until Ctrl-C."""
    try:
        check_time_zone(time_zone)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--time-zone") from None
    sandbox, persistence = prepare_sandbox(
        checked_flavor(flavor),
        seed=checked_profile(seed),
        issues=issues,
        seed_number=seed_number,
        data=data,
        user=user,
        token=token,
        time_zone=time_zone,
    )
    print_banner(sandbox, f"http://{host}:{port}", token)
    try:
        serve_forever(build_app(sandbox), host=host, port=port)
    finally:
        if persistence is not None:
            persistence.close()
