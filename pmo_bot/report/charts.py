"""The one home of matplotlib: the report's three charts as deterministic PNG bytes.

Figures are built with the object API on the Agg canvas (no pyplot state, no display), at a fixed size and
dpi, under fixed style settings, and saved without the "Software" text chunk: the same report gives the same
bytes, so an unchanged chart is never re-uploaded.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import matplotlib as mpl
from adjustText import adjust_text
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter

from pmo_bot.report import numbers
from pmo_bot.report.context import PortfolioReport
from pmo_bot.report.rag import Rag

COMPLIANCE_TREND = "compliance-trend.png"
BUDGET_BY_GOAL = "budget-by-goal.png"
BURN_VS_PROGRESS = "burn-vs-progress.png"

SIZE = (8.0, 3.4)  # inches
TREND_SLOTS = 12
DPI = 100
COLOURS = {"envelope": "#c1c7d0", "committed": "#4c9aff", "spent": "#0747a6", "line": "#0052cc", "bars": "#dfe1e6"}
TEXT = {"amber": "#974f0c", "red": "#bf2600"}  # darker shades for text on white
RAG_COLOURS = {Rag.GREEN: "#36b37e", Rag.AMBER: "#ffab00", Rag.RED: "#de350b", Rag.GREY: "#97a0af"}
STYLE: dict[Any, Any] = {  # keys checked by matplotlib at run time
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "path.simplify": True,
}


def _label(text: str) -> str:
    """Chart text from data: no control characters, and ``$`` must not start mathtext."""
    return numbers.clean(text).replace("$", r"\$")


def _drawn(draw: Callable[[Figure], None]) -> Figure:
    figure = Figure(figsize=SIZE, dpi=DPI)
    FigureCanvasAgg(figure)
    draw(figure)
    figure.tight_layout()
    return figure


def _png(draw: Callable[[Figure], None]) -> bytes:
    with mpl.rc_context(STYLE):
        out = io.BytesIO()
        _drawn(draw).savefig(out, format="png", dpi=DPI, metadata={"Software": None})
    return out.getvalue()


def _monday(week: str) -> date:
    year, number = week.split("-W")
    return date.fromisocalendar(int(year), int(number), 1)


def week_slots(weeks: list[str]) -> tuple[list[str], list[int]]:
    """Twelve calendar weeks for the x axis, and the slot of each recorded week.

    The axis starts at the first recorded week (so week one is one point at the left and the chart fills in to
    the right) and, once more than twelve weeks are recorded, shows the last twelve. A week without a recorded
    check is an empty slot, never a squeezed axis."""
    last = _monday(weeks[-1])
    first = max(_monday(weeks[0]), last - timedelta(weeks=TREND_SLOTS - 1))
    axis = [first + timedelta(weeks=n) for n in range(TREND_SLOTS)]
    labels = [f"{d.isocalendar()[0]}-W{d.isocalendar()[1]:02d}" for d in axis]
    return labels, [(_monday(w) - first).days // 7 for w in weeks]


def compliance_trend(report: PortfolioReport) -> bytes:
    points = list(report.trends)
    labels, slots = week_slots([p.week for p in points])
    shown = [(slot, p) for slot, p in zip(slots, points, strict=True) if 0 <= slot < TREND_SLOTS]
    policy = report.policy

    def draw(figure: Figure) -> None:
        axes = figure.add_subplot()
        findings = axes.twinx()
        findings.bar([s for s, _ in shown], [p.open_findings or 0 for _, p in shown], color=COLOURS["bars"],
                     width=0.6, label="open findings (right axis)")  # fmt: skip
        findings.set_ylabel("open findings")
        findings.spines["top"].set_visible(False)
        axes.set_zorder(findings.get_zorder() + 1)
        axes.patch.set_visible(False)
        scores = [(s, math.nan if p.compliance_score is None else p.compliance_score * 100) for s, p in shown]
        axes.plot([s for s, _ in scores], [v for _, v in scores], marker="o", color=COLOURS["line"], linewidth=2,
                  label="compliance score (left axis)")  # fmt: skip
        for name, threshold, colour in (
            ("amber", policy.compliance_amber, RAG_COLOURS[Rag.AMBER]),
            ("red", policy.compliance_red, RAG_COLOURS[Rag.RED]),
        ):
            axes.axhline(threshold * 100, color=colour, linestyle="--", linewidth=1)
            axes.annotate(f"{name} below {threshold:.0%}", (TREND_SLOTS - 0.45, threshold * 100),
                          xytext=(0, 2), textcoords="offset points", ha="right", va="bottom", color=TEXT[name],
                          fontsize=8)  # fmt: skip
        low = min([v for _, v in scores if not math.isnan(v)] + [policy.compliance_red * 100])
        axes.set_ylim(max(0.0, low - 5), 100.5)
        axes.set_xlim(-0.6, TREND_SLOTS - 0.4)
        ticks = [label if i == 0 or label.endswith("-W01") else label.split("-")[1] for i, label in enumerate(labels)]
        axes.set_xticks(range(TREND_SLOTS), ticks)
        axes.set_xlabel("ISO week")
        axes.set_ylabel("compliance score")
        axes.yaxis.set_major_formatter(PercentFormatter(decimals=0))
        handles = axes.get_legend_handles_labels()[0] + findings.get_legend_handles_labels()[0]
        axes.legend(handles=handles, loc="lower left", frameon=False, fontsize=8)
        axes.set_title("Compliance score and open findings by week")

    return _png(draw)


def budget_by_goal(report: PortfolioReport) -> bytes:
    goals = report.alignment.goals
    names = [_label(g.id if g.active else f"{g.id} (retired)") for g in goals]

    def draw(figure: Figure) -> None:
        axes = figure.add_subplot()
        height = 0.26
        rows = range(len(goals))
        for offset, key, values in (
            (-height, "envelope", [g.envelope or 0.0 for g in goals]),
            (0.0, "committed", [g.committed for g in goals]),
            (height, "spent", [g.spent for g in goals]),
        ):
            axes.barh([r + offset for r in rows], values, height=height, color=COLOURS[key], label=key)
        axes.set_yticks(list(rows), names)
        axes.invert_yaxis()
        axes.xaxis.set_major_formatter(FuncFormatter(lambda v, _: _label(numbers.compact_money(v, report.currency))))
        axes.legend(loc="lower right", frameon=False)
        axes.set_xlabel(f"money ({report.currency})")
        axes.set_title("Budget envelope, committed and spent by strategic goal")

    return _png(draw)


def burn_vs_progress(report: PortfolioReport) -> bytes:
    return _png(_burn_drawing(report))


def burn_vs_progress_figure(report: PortfolioReport) -> Figure:
    """The drawn figure, for tests that measure where the labels landed."""
    with mpl.rc_context(STYLE):
        figure = _drawn(_burn_drawing(report))
        figure.canvas.draw()
    return figure


def _burn_drawing(report: PortfolioReport) -> Callable[[Figure], None]:
    projects = [p for p in report.projects if p.burn is not None and p.progress is not None]

    def draw(figure: Figure) -> None:
        axes = figure.add_subplot()
        top = max([1.0] + [max(p.burn or 0.0, p.progress or 0.0) for p in projects]) * 105
        axes.plot([0, top], [0, top], color="#97a0af", linestyle="--", linewidth=1)
        axes.annotate("dashed: spend in step with progress", (top * 0.2, top * 0.2), ha="left", va="top",
                      xytext=(8, -4), textcoords="offset points", color="#6b778c", fontsize=8)  # fmt: skip
        xs, ys = [(p.progress or 0.0) * 100 for p in projects], [(p.burn or 0.0) * 100 for p in projects]
        for status in (Rag.RED, Rag.AMBER, Rag.GREEN, Rag.GREY):
            mine = [i for i, p in enumerate(projects) if p.rag is status]
            if mine:
                axes.scatter([xs[i] for i in mine], [ys[i] for i in mine], s=60, color=RAG_COLOURS[status], zorder=3,
                             label=status.label)  # fmt: skip
        axes.set_xlim(0, top)
        axes.set_ylim(0, top)
        labels = [axes.text(x, y, _label(p.key), fontsize=9) for x, y, p in zip(xs, ys, projects, strict=True)]
        # adjustText moves overlapping labels apart (deterministically: no time limit) and draws a leader line.
        adjust_text(labels, x=xs, y=ys, ax=axes, time_lim=None, iter_lim=500, expand=(1.3, 1.6),
                    arrowprops={"arrowstyle": "-", "color": "#6b778c", "lw": 0.6})  # fmt: skip
        axes.xaxis.set_major_formatter(PercentFormatter(decimals=0))
        axes.yaxis.set_major_formatter(PercentFormatter(decimals=0))
        axes.set_xlabel("progress (earned value / budget)")
        axes.set_ylabel("budget burn (spent / budget)")
        axes.legend(loc="upper left", frameon=False, fontsize=8, title="project status", title_fontsize=8)
        axes.set_title("Budget burn against progress by project (above the line: spending ahead of delivery)")

    return draw


def render_charts(report: PortfolioReport) -> dict[str, bytes]:
    """Filename -> PNG bytes, for the charts that have data."""
    charts = {COMPLIANCE_TREND: compliance_trend(report)}
    if report.alignment.goals:
        charts[BUDGET_BY_GOAL] = budget_by_goal(report)
    if any(p.burn is not None and p.progress is not None for p in report.projects):
        charts[BURN_VS_PROGRESS] = burn_vs_progress(report)
    return charts
