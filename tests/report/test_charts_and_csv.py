"""Charts are deterministic PNGs; CSV attachments carry every row, safely; numbers read the way a PMO writes them."""

from __future__ import annotations

import csv
import dataclasses
import io
import struct

import pytest

from pmo_bot.report import charts, numbers
from pmo_bot.report.csvexport import cut_lists, to_csv
from pmo_bot.report.model import build_report
from pmo_bot.report.rag import Rag
from tests.report import builders


def png_chunks(data: bytes) -> list[bytes]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    found, at = [], 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        found.append(data[at + 4 : at + 8])
        at += 12 + length
    return found


def test_charts_are_deterministic_pngs_without_time_or_software_stamps() -> None:
    report = build_report(builders.inputs())
    first, second = charts.render_charts(report), charts.render_charts(build_report(builders.inputs()))
    assert sorted(first) == [charts.BUDGET_BY_GOAL, charts.BURN_VS_PROGRESS, charts.COMPLIANCE_TREND]
    assert first == second
    for data in first.values():
        kinds = png_chunks(data)
        assert b"tIME" not in kinds
        assert b"Software" not in data


def test_charts_change_with_the_data_and_survive_hostile_labels() -> None:
    plain = build_report(builders.inputs())
    other = build_report(builders.inputs(lambda text: text + " $\\frac{1}{0}$ \x00"))
    assert charts.budget_by_goal(plain) == charts.budget_by_goal(other)  # labels are goal ids, not names
    worse = dataclasses.replace(
        plain, trends=(*plain.trends[:-1], dataclasses.replace(plain.trends[-1], compliance_score=0.5))
    )
    assert charts.compliance_trend(worse) != charts.compliance_trend(plain)
    goals = tuple(dataclasses.replace(g, id=g.id + " $x^2$ \x01") for g in plain.alignment.goals)
    png_chunks(
        charts.budget_by_goal(dataclasses.replace(plain, alignment=dataclasses.replace(plain.alignment, goals=goals)))
    )


def test_csv_has_every_row_and_defuses_formulas() -> None:
    report = build_report(builders.inputs(builders.TEXT_FORMULA, top_n=1))
    files = cut_lists(report)
    assert set(files) == {"epics-at-risk.csv", "findings-aging.csv"}  # the lists longer than top-N
    text = files["findings-aging.csv"].decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["item_key"] for r in rows] == ["PAY-3", "OPS-1"]
    assert rows[0]["message"].startswith("'=")  # a spreadsheet shows it, never runs it
    assert rows[0]["first_seen"] == "2026-10-16"
    assert to_csv([]) == "\ufeff".encode()


@pytest.mark.parametrize(
    ("value", "currency", "expected"),
    [(1234567.8, "EUR", "€1,234,568"), (-950.0, "USD", "-$950"), (12.0, "CHF", "CHF12"), (None, "EUR", "–")],
)
def test_money(value: float | None, currency: str, expected: str) -> None:
    assert numbers.money(value, currency) == expected


def test_numbers() -> None:
    assert numbers.percent(0.8754) == "88%"
    assert numbers.percent(0.8754, 1) == "87.5%"
    assert numbers.percent(float("nan")) == "–"
    assert numbers.index(0.8333) == "0.83"
    assert numbers.count(12345) == "12,345"
    assert numbers.points(0.0123) == "+1.2 pts"
    assert numbers.points(-0.005) == "−0.5 pts"
    assert numbers.points(0.0001) == "±0 pts"
    assert numbers.compact_money(1_250_000, "EUR") == "€1.2M"
    assert numbers.compact_money(350_000, "GBP") == "£350k"
    assert numbers.plural(1, "finding") == "1 finding"
    assert numbers.plural(2, "entry", "entries") == "2 entries"
    assert numbers.clean("a\x00b\x0bc\td\ne\ud800f\x85") == "abc\td\nef"


def test_point_labels_never_overlap_even_when_projects_sit_on_top_of_each_other() -> None:
    report = build_report(builders.inputs())
    ops = report.projects[0]
    crowded = tuple(
        dataclasses.replace(ops, key=f"P{n}", progress=0.5 + n * 0.004, burn=0.5 + n * 0.003, rag=rag)
        for n, rag in enumerate([Rag.RED, Rag.AMBER, Rag.GREEN, Rag.RED, Rag.GREEN, Rag.AMBER])
    )
    figure = charts.burn_vs_progress_figure(dataclasses.replace(report, projects=crowded))
    (axes,) = [a for a in figure.axes if a.get_legend() is not None]
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    boxes = [t.get_window_extent(renderer) for t in axes.texts if t.get_text().startswith("P")]
    assert len(boxes) == 6
    assert not [(i, j) for i in range(6) for j in range(i + 1, 6) if boxes[i].overlaps(boxes[j])]
    # A legend that says what each colour means, in the order of severity.
    legend = [t.get_text() for t in axes.get_legend().get_texts()]
    assert legend == ["OFF TRACK", "AT RISK", "ON TRACK"]


def test_trend_weeks_are_real_weeks_and_week_one_is_at_the_left() -> None:
    labels, slots = charts.week_slots(["2026-W48"])
    assert (labels[0], labels[-1], slots) == ("2026-W48", "2027-W06", [0])
    labels, slots = charts.week_slots(["2026-W40", "2026-W41", "2026-W47", "2026-W48"])
    assert (labels[0], slots) == ("2026-W40", [0, 1, 7, 8])  # W42..W46 were not recorded: gaps, not squeezed
    labels, slots = charts.week_slots([f"2026-W{n:02d}" for n in range(20, 49)])
    assert (labels[0], labels[-1], slots[-1]) == ("2026-W37", "2026-W48", 11)  # the last twelve weeks
