"""TLS end to end: the sandbox served over HTTPS with a certificate from a throwaway private CA.

Verification is on by default, so the bot refuses the site until ``ca_bundle`` names the CA; then a whole
check cycle runs over TLS.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import trustme
import uvicorn

from pmo_bot.config import load_settings
from pmo_bot.demo import sandbox_env
from pmo_bot.doctor import Doctor
from pmo_bot.errors import ConfigError, RemoteError
from pmo_bot.jobs import check_job
from pmo_bot.sandbox.app import build_app
from pmo_bot.sandbox.running import RunningSandbox, prepare_sandbox
from pmo_bot.sandbox.server import free_port
from tests.e2e.conftest import REPO


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@contextmanager
def https_sandbox(ca: trustme.CA, tmp_path: Path) -> Iterator[RunningSandbox]:
    chain = tmp_path / "server.pem"
    ca.issue_cert("127.0.0.1", "localhost").private_key_and_cert_chain_pem.write_to_path(str(chain))
    sandbox, _ = prepare_sandbox("cloud", seed="demo")
    port = free_port()
    config = uvicorn.Config(
        build_app(sandbox), host="127.0.0.1", port=port, log_level="warning", lifespan="off", ssl_certfile=str(chain)
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive(), "the HTTPS sandbox did not start"
        assert time.monotonic() < deadline, "the HTTPS sandbox did not start in time"
        time.sleep(0.01)
    try:
        yield RunningSandbox(f"https://127.0.0.1:{port}", "pmo-bot@example.com", "sandbox-token", "cloud", sandbox)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _settings(site: RunningSandbox, tmp_path: Path, **extra: str) -> object:
    env = sandbox_env(site, f"sqlite:///{tmp_path / 'state.db'}")
    env.update({"PMO_RULES_DIR": str(REPO / "rules"), "PMO_MODE": "enforce", "PMO_REQUEST_RATE": "1000"})
    env.update({"PMO_MAX_COMMENT_WRITES": "100000", "PMO_MAX_RETRIES": "0", **extra})
    return load_settings(None, env=env)


def test_verification_is_on_by_default_and_names_the_fix(
    ca: trustme.CA, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE"):
        monkeypatch.delenv(variable, raising=False)
    with https_sandbox(ca, tmp_path) as site:
        settings = _settings(site, tmp_path)
        with pytest.raises(RemoteError) as refused:
            check_job(settings)  # type: ignore[arg-type]
        failed = {r.name: r.detail for r in Doctor(settings).run() if not r.ok}  # type: ignore[arg-type]
    message = str(refused.value)
    assert message.startswith("Jira's TLS certificate was not accepted while reading serverInfo: certificate verify")
    assert "set ca_bundle" in message
    assert "set ca_bundle" in failed["jira reachable"]


def test_a_ca_bundle_lets_a_whole_check_run_over_tls(ca: trustme.CA, tmp_path: Path) -> None:
    bundle = tmp_path / "private-ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    with https_sandbox(ca, tmp_path) as site:
        settings = _settings(site, tmp_path, PMO_CA_BUNDLE=str(bundle))
        summary, flavor = check_job(settings)  # type: ignore[arg-type]
        results = Doctor(settings).run()  # type: ignore[arg-type]
    assert flavor == "cloud"
    assert summary.status.value == "succeeded"
    assert summary.items_checked > 0
    assert sum(summary.writes_done.values()) > 0  # comments really written over TLS
    assert [r.name for r in results if not r.ok] == []  # Confluence too


def test_a_ca_bundle_that_does_not_exist_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"PMO_CA_BUNDLE: expected a PEM file of CA certificates; the file does not"):
        load_settings(None, env={"PMO_CA_BUNDLE": str(tmp_path / "missing.pem")})


def test_a_bundle_of_another_ca_is_still_refused(tmp_path: Path, ca: trustme.CA) -> None:
    other = tmp_path / "other-ca.pem"
    trustme.CA().cert_pem.write_to_path(str(other))
    with https_sandbox(ca, tmp_path) as site:
        settings = _settings(site, tmp_path, PMO_CA_BUNDLE=str(other))
        with pytest.raises(RemoteError, match="TLS certificate was not accepted"):
            check_job(settings)  # type: ignore[arg-type]
