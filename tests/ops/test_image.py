"""The Dockerfile and compose.yaml, checked for structure (Docker itself cannot run here; CI runs
`make install-check`, which installs and runs the wheel the way the Dockerfile does)."""

from __future__ import annotations

import re
from pathlib import Path

from ruamel.yaml import YAML

from pmo_bot.cli import COMMANDS
from pmo_bot.config import Settings

REPO = Path(__file__).resolve().parents[2]


def _instructions() -> list[tuple[str, str]]:
    text = (REPO / "Dockerfile").read_text().replace("\\\n", " ")
    found = []
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            word, _, rest = line.strip().partition(" ")
            found.append((word.upper(), " ".join(rest.split())))
    return found


def test_the_image_is_pinned_cached_unprivileged_and_healthchecked() -> None:
    steps = _instructions()
    bases = [rest for word, rest in steps if word == "FROM"]
    assert bases
    assert all(re.match(r"python:3\.\d+\.\d+-slim-\w+", base) for base in bases), bases  # exact version, slim
    copies = [(i, rest) for i, (word, rest) in enumerate(steps) if word == "COPY"]
    runs = [(i, rest) for i, (word, rest) in enumerate(steps) if word == "RUN"]
    deps = next(i for i, rest in runs if "-r requirements.txt" in rest)
    source = next(i for i, rest in copies if rest.startswith("pmo_bot "))
    assert deps < source  # the dependency layer stays cached when only the source changes
    assert not any(rest.startswith(". ") for _, rest in copies)  # never the whole tree (.venv, .git...)
    final = max(i for i, (word, _) in enumerate(steps) if word == "FROM")
    tail = steps[final:]
    user = next(rest for word, rest in tail if word == "USER")
    assert user == "pmo"
    setup = " ".join(rest for word, rest in tail if word == "RUN")
    assert "mkdir -p /home/pmo/data" in setup
    assert "chown -R pmo:pmo /home/pmo/data" in setup
    env = " ".join(rest for word, rest in tail if word == "ENV")
    assert "PYTHONUNBUFFERED=1" in env
    assert "PMO_DATABASE_URL=sqlite:////home/pmo/data/pmo-bot.db" in env
    assert "PMO_HTTP_PORT=8080" in env
    assert "PMO_HTTP_HOST=0.0.0.0" in env
    for key in re.findall(r"PMO_([A-Z_]+)=", env):
        assert key.lower() in Settings.model_fields, key
    health = next(rest for word, rest in tail if word == "HEALTHCHECK")
    assert "http://127.0.0.1:8080/readyz" in health
    assert ("ENTRYPOINT", '["pmo-bot"]') in tail
    assert ("CMD", '["serve"]') in tail
    assert ("VOLUME", '["/home/pmo/data"]') in tail
    header = (REPO / "Dockerfile").read_text().splitlines()[0]
    assert "pmo-bot serve" in (REPO / "Dockerfile").read_text().split("FROM")[0]
    assert header.startswith("#")
    assert "serve" in COMMANDS


def test_compose_runs_two_replicas_on_postgresql() -> None:
    compose = YAML(typ="safe").load((REPO / "compose.yaml").read_text())
    services = compose["services"]
    bots = [s for name, s in services.items() if name.startswith("bot-")]
    assert len(bots) == 2
    for bot in bots:
        assert bot["command"] == ["serve"]
        assert bot["environment"]["PMO_DATABASE_URL"].startswith("postgresql+psycopg://")
        assert bot["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["postgres"]["image"].startswith("postgres:")
    assert (REPO / "docs" / "pmo-bot.env.example").is_file()
