"""The comment texts a project manager reads, in both flavours, pinned by golden files.

ADF (Jira Cloud) as indented JSON, wiki markup (Data Center) as text, for the moments that matter: findings in
people's words with a waiver in force and waiver request links, the all-clear with what was fixed, and the
"nothing to act on now" note while a finding in audit mode stays open. Regenerate after an intended change with
``PMO_UPDATE_GOLDEN=1 pytest tests/comments/test_golden.py`` and review the diff.
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import jsonschema
import pytest

from pmo_bot.comments.content import ShownWaiver
from pmo_bot.comments.fit import render
from pmo_bot.comments.plan import CommentPolicy, ExistingComment, IssueNotes, plan_comments
from pmo_bot.domain import Finding, Mode, Severity
from pmo_bot.wording import Numbers
from tests.factories import make_finding
from tests.specs import adf_schema

GOLDEN = Path(__file__).parent / "golden"
TODAY = date(2026, 12, 1)
POLICY = CommentPolicy(
    docs_url="https://wiki.example.com/pmo/rules",
    waiver_request_url="mailto:pmo@example.com?subject=Waiver%20request%3A%20{rule}%20on%20{issue}",
    numbers=Numbers("en", "EUR"),
    supersedes={"cost-within-budget": frozenset({"cpi-above-threshold", "forecast-within-budget"})},
)


def _overspent() -> list[Finding]:
    return [
        make_finding(
            "cost-within-budget",
            "CRM-28",
            title="Cost stays within budget",
            message="CRM-28 has cost €53,450 against a budget of €44,000 (121% spent).",
            observed="spent 121% of budget",
            expected="budget spent at most 100%",
            remediation="Stop and re-plan CRM-28 with the sponsor.",
        ),
        make_finding(
            "cpi-above-threshold",
            "CRM-28",
            title="Cost performance index not below the threshold",
            severity=Severity.WARNING,
            observed="earns €0.53 of value per €1 spent",
            expected="value earned per €1 spent at least €0.90",
        ),
        make_finding(
            "epic-not-overdue",
            "CRM-28",
            title="Epics are not overdue",
            message="CRM-28 was due on Nov 15, 2026 and is 16 days overdue.",
            observed="16 days overdue",
            expected="not overdue",
            remediation="Agree a realistic new date with the sponsor.",
        ),
        make_finding(
            "due-date-slips-limited",
            "CRM-28",
            title="Due dates do not keep slipping",
            severity=Severity.WARNING,
            waiver="assessor's calendar (approved by priya.raman, until 2027-01-31)",
        ),
    ]


SCENARIOS = {
    "open-with-waiver": (
        _overspent(),
        {
            "CRM-28": IssueNotes(
                waivers=(
                    ShownWaiver(
                        "due-date-slips-limited", "Due dates do not keep slipping", "priya.raman", date(2027, 1, 31)
                    ),
                )
            )
        },
    ),
    "all-clear": (
        [],
        {
            "CRM-28": IssueNotes(
                fixed=("Epics have a due date", "Epics in delivery have a budget"), fixed_since=date(2026, 11, 24)
            )
        },
    ),
    "nothing-to-act-on": (
        [make_finding("spi-above-threshold", "CRM-28", mode=Mode.AUDIT, severity=Severity.INFO)],
        {"CRM-28": IssueNotes(fixed=("Epics are not overdue",), fixed_since=date(2026, 11, 24))},
    ),
}


@pytest.fixture(scope="module")
def adf_validator() -> jsonschema.Draft7Validator:
    schema = adf_schema()
    return jsonschema.Draft7Validator({**schema, "$ref": "#/definitions/doc_node"})


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_every_golden_adf_comment_is_valid_against_the_official_schema(
    scenario: str, adf_validator: jsonschema.Draft7Validator
) -> None:
    doc = json.loads((GOLDEN / f"{scenario}.adf.json").read_text(encoding="utf-8"))
    assert not list(adf_validator.iter_errors(doc))


@pytest.mark.parametrize("flavor", ["cloud", "datacenter"])
@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_comment_text_matches_its_golden_file(scenario: str, flavor: str) -> None:
    findings, notes = SCENARIOS[scenario]
    existing = {"CRM-28": ExistingComment("CRM-28", "10000", "old.old", False, date(2026, 11, 24))}
    (planned,) = plan_comments({"CRM-28": findings}, existing, POLICY, today=TODAY, notes=notes)
    body = render(planned.content, flavor, TODAY)
    text = json.dumps(body, indent=1, ensure_ascii=False) + "\n" if flavor == "cloud" else body + "\n"
    path = GOLDEN / f"{scenario}.{'adf.json' if flavor == 'cloud' else 'wiki.txt'}"
    if os.environ.get("PMO_UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"missing {path}: run PMO_UPDATE_GOLDEN=1 pytest {__file__}"
    assert text == path.read_text(encoding="utf-8")
