"""Builders for domain objects in tests: sensible defaults, override what the test is about."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pmo_bot.domain import Finding, Item, Mode, Severity, StatusCategory

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def make_item(key: str = "PAY-1", **overrides: Any) -> Item:
    values: dict[str, Any] = {
        "key": key,
        "id": str(10000 + int(key.rsplit("-", 1)[-1])),
        "project": key.rsplit("-", 1)[0],
        "issue_type": "Story",
        "hierarchy_level": 0,
        "summary": f"Summary of {key}",
        "status": "In Progress",
        "status_category": StatusCategory.IN_PROGRESS,
        "created": T0,
        "updated": T0,
    }
    values.update(overrides)
    return Item(**values)


def make_finding(rule_id: str = "epic-has-budget", item_key: str = "PAY-1", **overrides: Any) -> Finding:
    values: dict[str, Any] = {
        "rule_id": rule_id,
        "item_key": item_key,
        "title": f"Title of {rule_id}",
        "severity": Severity.ERROR,
        "category": "budget",
        "mode": Mode.ENFORCE,
        "observed": "budget is empty",
        "expected": "a budget greater than 0",
        "message": f"{item_key} breaks {rule_id}.",
        "remediation": "Set the Budget field.",
        "fingerprint": f"fp-{rule_id}-{item_key}",
    }
    values.update(overrides)
    return Finding(**values)
