"""Settings: file discovery, environment overrides, one exact message per problem, secrets never echoed."""

from __future__ import annotations

import dataclasses
import re
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

from pmo_bot import cli, logs
from pmo_bot.config import Settings, env_name, load_settings
from pmo_bot.domain import Mode
from pmo_bot.errors import ConfigError

DOCS = Path(__file__).resolve().parents[1] / "docs" / "configuration.md"
TOKEN = "tok-9f8e7d6c5b4a-secret"


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # so a pmo-bot.toml of the developer's never leaks in
    return tmp_path


def _problems(error: pytest.ExceptionInfo[ConfigError]) -> list[str]:
    return str(error.value).splitlines()


def test_without_file_or_environment_every_default_applies() -> None:
    settings = load_settings(None, {})
    assert settings.database_url == "sqlite:///pmo-bot.db"
    assert (settings.mode, settings.max_comment_writes, settings.projects) == (Mode.AUDIT, 50, ())
    assert settings.fields.budget == "Budget"
    assert settings.fields.epic_link == "Epic Link"
    assert settings.report_title_pattern.format(year=2026, week=3) == "Portfolio report — 2026-W03"
    assert settings.jira_token is None


def test_pmo_bot_toml_in_the_working_directory_is_read(tmp_path: Path) -> None:
    (tmp_path / "pmo-bot.toml").write_text('mode = "enforce"\nprojects = ["pay", "OPS"]\n')
    settings = load_settings(None, {})
    assert (settings.mode, settings.projects) == (Mode.ENFORCE, ("PAY", "OPS"))


def test_config_option_wins_over_pmo_config_which_wins_over_the_working_directory(tmp_path: Path) -> None:
    (tmp_path / "pmo-bot.toml").write_text("max_comment_writes = 1\n")
    (tmp_path / "env.toml").write_text("max_comment_writes = 2\n")
    (tmp_path / "option.toml").write_text("max_comment_writes = 3\n")
    env = {"PMO_CONFIG": str(tmp_path / "env.toml")}
    assert load_settings(None, env).max_comment_writes == 2
    assert load_settings(tmp_path / "option.toml", env).max_comment_writes == 3


def test_a_named_config_file_that_does_not_exist_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"config file .*missing\.toml does not exist"):
        load_settings(tmp_path / "missing.toml", {})
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(None, {"PMO_CONFIG": str(tmp_path / "gone.toml")})


def test_environment_overrides_the_file_key_by_key_even_inside_tables(tmp_path: Path) -> None:
    config = tmp_path / "bot.toml"
    config.write_text('mode = "audit"\nrequest_rate = 3\n[fields]\nbudget = "Budget (EUR)"\nteam = "Squad"\n')
    env = {
        "PMO_MODE": "enforce",
        "PMO_FIELDS__TEAM": "Crew",
        "PMO_FIELDS__EXTRA__RISK": "customfield_10077",
        "PMO_PROJECTS": " pay, ops ,",
        "PMO_REPORT_LABELS": "pmo, week-{week}",
        "PMO_BASELINE_NEW_ONLY": "no",
        "PMO_JIRA_URL": "https://jira.example.com/",
    }
    settings = load_settings(config, env)
    assert (settings.mode, settings.request_rate) == (Mode.ENFORCE, 3.0)
    assert (settings.fields.budget, settings.fields.team) == ("Budget (EUR)", "Crew")
    assert settings.fields.extra == {"risk": "customfield_10077"}
    assert settings.projects == ("PAY", "OPS")
    assert settings.report_labels == ("pmo", "week-{week}")
    assert settings.baseline_new_only is False
    assert settings.jira_url == "https://jira.example.com"


def test_unknown_keys_are_errors_with_a_suggestion(tmp_path: Path) -> None:
    config = tmp_path / "bot.toml"
    config.write_text('mode = "audit"\nmax_coment_writes = 5\nzzz = 1\n[fields]\nbudgt = "B"\n')
    with pytest.raises(ConfigError) as error:
        load_settings(config, {"PMO_SCHEDULE__CHEK": "* * * * *"})
    assert sorted(_problems(error)) == sorted(
        [
            f"{config}: max_coment_writes: unknown key (did you mean 'max_comment_writes'?)",
            f"{config}: zzz: unknown key",
            f"{config}: fields.budgt: unknown key (did you mean 'budget'?)",
            "PMO_SCHEDULE__CHEK: unknown key (did you mean 'check'?)",
        ]
    )


def test_every_problem_gets_one_line_naming_its_source_and_the_bad_value(tmp_path: Path) -> None:
    config = tmp_path / "bot.toml"
    config.write_text(
        'mode = "enforced"\nprojects = ["PAY", "bad key"]\nreport_title_pattern = "Report {month}"\n'
        '[schedule]\ncheck = "hourly"\n'
    )
    with pytest.raises(ConfigError) as error:
        load_settings(config, {"PMO_MAX_COMMENT_WRITES": "-1", "PMO_REQUEST_RATE": "fast"})
    assert _problems(error) == [
        f"{config}: mode: Input should be 'audit' or 'enforce', got 'enforced'",
        "PMO_MAX_COMMENT_WRITES: Input should be greater than or equal to 0, got '-1'",
        f"{config}: projects: expected Jira project keys such as PAY or OPS_2, got ['bad key'], got ['PAY', 'bad key']",
        "PMO_REQUEST_RATE: Input should be a valid number, unable to parse string as a number, got 'fast'",
        f"{config}: report_title_pattern: only {{year}} and {{week}} may be used in 'Report {{month}}' ('month'), "
        "got 'Report {month}'",
        f"{config}: schedule.check: expected a cron expression of 5 fields (minute hour day month weekday), "
        "or 6 with a leading second field, "
        "got 'hourly'",
    ]


def test_a_toml_syntax_error_names_the_file(tmp_path: Path) -> None:
    config = tmp_path / "bot.toml"
    config.write_text('mode = "audit\n')
    with pytest.raises(ConfigError, match=rf"^{re.escape(str(config))}: not valid TOML: .*line 1"):
        load_settings(config, {})


def test_secrets_are_never_echoed_whatever_is_wrong(tmp_path: Path) -> None:
    config = tmp_path / "bot.toml"
    config.write_text(
        f'jira_token = ["{TOKEN}"]\nconfluence_tokn = "{TOKEN}"\n'
        f'database_url = "mysql://bot:{TOKEN}@db/pmo"\njira_url = "ftp://{TOKEN}"\n'
    )
    with pytest.raises(ConfigError) as error:
        load_settings(config, {"PMO_CONFLUENCE_TOKEN": "1"})
    text = str(error.value)
    assert TOKEN not in text
    assert f"{config}: jira_token: Input should be a valid string" in text
    assert f"{config}: confluence_tokn: unknown key (did you mean 'confluence_token'?)" in text
    assert f"{config}: database_url: expected a sqlite:///PATH or postgresql+psycopg://USER@HOST/DB URL" in text
    assert "jira_url: expected an http:// or https:// URL, got 'ftp://***'" in text


@pytest.fixture
def _logs_restored() -> Iterator[None]:
    yield
    logs.configure(stream=sys.__stderr__)  # the CLI bound logging to capsys' stream, closed after this test


@pytest.mark.usefixtures("_logs_restored")
def test_the_cli_exits_2_on_a_bad_config_and_prints_no_secret(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "bot.toml"
    config.write_text(f'jira_token = "{TOKEN}"\nmode = "loud"\nmax_comment_writes = "{TOKEN}"\n')
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["db", "current", "--config", str(config)])
    assert exit_info.value.code == 2
    captured = capsys.readouterr()
    assert "mode: Input should be 'audit' or 'enforce', got 'loud'" in captured.err
    assert "max_comment_writes: Input should be a valid integer" in captured.err
    assert TOKEN not in captured.out + captured.err


def test_loaded_secrets_are_registered_with_the_log_redactor() -> None:
    load_settings(None, {"PMO_JIRA_TOKEN": TOKEN, "PMO_DATABASE_URL": "postgresql://bot:pw-77aa12@db/pmo"})
    assert logs.redact_text(f"sent {TOKEN} to pw-77aa12") == "sent *** to ***"


def test_secrets_stay_masked_in_repr() -> None:
    settings = load_settings(None, {"PMO_JIRA_TOKEN": TOKEN})
    assert TOKEN not in repr(settings)
    assert settings.jira_token is not None
    assert settings.jira_token.get_secret_value() == TOKEN


def test_settings_are_frozen() -> None:
    settings = load_settings(None, {})
    with pytest.raises(ValidationError):
        settings.mode = Mode.ENFORCE  # type: ignore[misc]


def test_require_names_each_missing_key_and_its_variable() -> None:
    settings = load_settings(None, {"PMO_JIRA_URL": "https://jira.example.com"})
    settings.require("jira_url")
    with pytest.raises(ConfigError) as error:
        settings.require("jira_url", "jira_token", "confluence_space")
    assert _problems(error) == [
        "jira_token is not set: add it to pmo-bot.toml or set PMO_JIRA_TOKEN",
        "confluence_space is not set: add it to pmo-bot.toml or set PMO_CONFLUENCE_SPACE",
    ]


def _keys(model: type[BaseModel], prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = []
    for name, info in model.model_fields.items():
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            found.extend(_keys(annotation, (*prefix, name)))
        elif isinstance(annotation, type) and dataclasses.is_dataclass(annotation):
            found.append((*prefix, name))
            found.extend((*prefix, name, f.name) for f in dataclasses.fields(annotation))
        else:
            found.append((*prefix, name))
    return found


@pytest.mark.parametrize("path", _keys(Settings), ids=".".join)
def test_every_setting_is_documented_with_its_environment_variable(path: tuple[str, ...]) -> None:
    doc = DOCS.read_text(encoding="utf-8")
    row = next((line for line in doc.splitlines() if line.startswith(f"| `{'.'.join(path)}` |")), None)
    assert row is not None, f"docs/configuration.md has no table row for `{'.'.join(path)}`"
    variable = env_name(path) + ("__<NAME>" if path == ("fields", "extra") else "")
    assert f"`{variable}`" in row


def test_acceptance_markers_come_from_a_comma_list_and_reach_the_metric() -> None:
    from pmo_bot.rules.context import EvaluationContext
    from pmo_bot.rules.metrics import Metrics
    from tests.factories import make_item

    settings = load_settings(None, env={"PMO_ACCEPTANCE_MARKERS": "Given, AC:"})
    assert settings.acceptance_markers == ("Given", "AC:")
    story = make_item(description="AC: the card is charged once")
    ctx = EvaluationContext(today=date(2026, 11, 28), acceptance_markers=settings.acceptance_markers)
    assert Metrics(story, (), ctx)["has_acceptance_criteria"] is True
    default = EvaluationContext(today=date(2026, 11, 28))
    assert Metrics(story, (), default)["has_acceptance_criteria"] is False
