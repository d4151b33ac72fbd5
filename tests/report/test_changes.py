"""'What changed' from two stored week states: every kind of change, deterministic order, empty parts left out."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

from pmo_bot.report import archive
from pmo_bot.report.changes import changes
from pmo_bot.report.context import WaiverRow
from pmo_bot.report.model import build
from pmo_bot.report.rag import Rag
from pmo_bot.report.render import render_storage
from pmo_bot.report.weekstate import EpicFacts, WeekState
from tests.report import builders

URL = "https://jira.example.com/browse"


def epic(**changed: object) -> EpicFacts:
    base = EpicFacts("Epic", at_risk=False, at_stake=0.0, eac=100.0, due_date=date(2026, 12, 1), overdue=False,
                     open_deliverable=True, done=False)  # fmt: skip
    return dataclasses.replace(base, **changed)  # type: ignore[arg-type]


BEFORE = WeekState(
    "2026-W47",
    {"CRM": Rag.GREEN, "PAY": Rag.AMBER, "OPS": Rag.GREEN},
    {
        "CRM-1": epic(),
        "CRM-2": epic(at_risk=True, at_stake=5_000.0),
        "PAY-1": epic(eac=1_000.0),
        "PAY-2": epic(),
        "OPS-1": epic(eac=500.0),
    },
    (("budget", "r1", "CRM-2"), ("deliverables", "r2", "PAY-2")),
)
AFTER = WeekState(
    "2026-W48",
    {"CRM": Rag.RED, "PAY": Rag.AMBER, "OPS": Rag.GREEN, "NEW": Rag.RED},
    {
        "CRM-1": epic(at_risk=True, at_stake=9_000.0, overdue=True),
        "CRM-2": epic(),
        "PAY-1": epic(eac=1_800.0),
        "PAY-2": epic(done=True, open_deliverable=False),
        "OPS-1": epic(eac=500.4),  # moved by less than one unit: not a movement
    },
    (("budget", "r1", "CRM-1"), ("budget", "r3", "CRM-1"), ("deliverables", "r2", "PAY-2")),
)


def test_every_kind_of_change_is_named_in_a_fixed_order() -> None:
    found = changes(BEFORE, AFTER, URL)
    assert found is not None
    assert found.since_week == "2026-W47"
    assert [(p.key, p.before, p.after) for p in found.projects] == [("CRM", Rag.GREEN, Rag.RED)]  # NEW had none
    assert [e.key for e in found.newly_at_risk] == ["CRM-1"]
    assert [e.key for e in found.back_in_line] == ["CRM-2"]
    assert [e.key for e in found.newly_overdue] == ["CRM-1"]
    assert [e.key for e in found.delivered] == ["PAY-2"]
    assert [(m.key, m.before, m.after, m.change) for m in found.forecasts] == [("PAY-1", 1_000.0, 1_800.0, 800.0)]
    assert [(c.category, c.opened, c.closed) for c in found.findings] == [("budget", 2, 1)]
    assert found.newly_at_risk[0].url == f"{URL}/CRM-1"
    assert changes(BEFORE, AFTER, URL) == found  # deterministic
    assert changes(None, AFTER, URL) is None  # the first published week has nothing to compare with


def test_nothing_changed_leaves_the_whole_section_out_and_empty_parts_are_omitted() -> None:
    same = changes(AFTER, dataclasses.replace(AFTER, week="2026-W49"), URL)
    assert same is not None
    assert same.empty
    report, _ = build(builders.inputs())
    assert "What changed" not in render_storage(dataclasses.replace(report, changes=same), {})
    only_one = dataclasses.replace(same, delivered=changes(BEFORE, AFTER, URL).delivered)  # type: ignore[union-attr]
    body = render_storage(dataclasses.replace(report, changes=only_one), {})
    assert "What changed since 2026-W48" in body
    assert "delivered" in body
    assert "newly at risk" not in body
    assert "Largest forecast" not in body


def test_a_week_state_survives_the_store_and_feeds_next_week() -> None:
    report, state = build(builders.inputs())
    stored = json.loads(json.dumps(archive.dump_state(state)))
    assert archive.load_state(stored, state.week) == state
    assert archive.load_report(json.loads(json.dumps(archive.dump_report(report))), report.week) == report
    # Next week, with this week's state as the previous one: nothing changed in the data, nothing to say.
    following, _ = build(builders.inputs(week="2026-W49", previous=archive.load_state(stored, state.week)))
    assert following.changes is not None
    assert following.changes.since_week == "2026-W48"
    assert following.changes.empty


def test_waiver_expiry_reads_as_words() -> None:
    def row(days: int) -> WaiverRow:
        return WaiverRow("r", ("A-1",), "why", "who", date(2026, 12, 1), days)

    assert [row(n).expiry for n in (9, 1, 0, -1, -16)] == [
        "expires in 9 days", "expires in 1 day", "expires today", "expired 1 day ago", "expired 16 days ago"
    ]  # fmt: skip
    body = render_storage(build(builders.inputs())[0], {})
    assert "expired 24 days ago" in body
    assert "expires in 5 days" in body
    assert "<th>Expiry</th>" in body
