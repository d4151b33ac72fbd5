"""People's words: Babel-backed formatting and a label for every metric of the catalogue."""

from __future__ import annotations

from datetime import date

import pytest

from pmo_bot.rules.metrics import METRICS
from pmo_bot.wording import METRIC_WORDS, UNKNOWN, Numbers, check_locale, label_of, say


def test_every_metric_has_words_and_no_words_name_a_missing_metric() -> None:
    assert set(METRIC_WORDS) == set(METRICS)


def test_money_uses_whole_units_and_the_locales_grouping_and_symbol_position() -> None:
    assert Numbers("en", "EUR").money(53450) == "€53,450"
    assert Numbers("en", "EUR").money(-3000.4) == "-€3,000"
    assert Numbers("de_DE", "EUR").money(53450) == "53.450\xa0€"
    assert Numbers("en", "USD").money(0.53, cents=True) == "$0.53"


def test_percent_days_and_dates() -> None:
    n = Numbers("en")
    assert n.percent(1.21) == "121%"
    assert n.percent(0.125, digits=1) == "12.5%"
    assert (n.days(1), n.days(9)) == ("1 day", "9 days")
    assert n.date(date(2026, 11, 24)) == "Nov 24, 2026"
    assert n.date("2026-11-24") == "Nov 24, 2026"
    assert Numbers("de_DE").days(9) == "9 Tage"


@pytest.mark.parametrize("bad", [None, float("nan"), float("inf"), "12", True])
def test_missing_or_odd_values_read_not_known_never_zero(bad: object) -> None:
    n = Numbers()
    assert n.money(bad) == n.percent(bad) == n.days(bad) == UNKNOWN


def test_metric_phrases_read_like_people_write() -> None:
    n = Numbers("en", "EUR")
    assert say("burn_ratio", 1.21, n) == "spent 121% of budget"
    assert say("cpi", 0.53, n) == "earns €0.53 of value per €1 spent"
    assert say("days_overdue", 12, n) == "12 days overdue"
    assert say("has_assignee", False, n) == "no one is assigned"
    assert say("budget", None, n) == "no budget set"
    assert say("cost", None, n) == "cost so far: not known"
    assert label_of("eac_ratio") == "forecast against budget"


def test_unknown_locale_is_refused_with_examples() -> None:
    assert check_locale("en_GB") == "en_GB"
    with pytest.raises(ValueError, match="unknown locale 'xx_YY'"):
        check_locale("xx_YY")


def test_docs_metrics_lists_every_metric_in_peoples_words_as_the_code_says() -> None:
    from pathlib import Path

    from pmo_bot.wording import words_table

    doc = (Path(__file__).resolve().parents[2] / "docs" / "metrics.md").read_text(encoding="utf-8")
    assert words_table() in doc, "regenerate the table in docs/metrics.md from pmo_bot.wording.words_table()"
