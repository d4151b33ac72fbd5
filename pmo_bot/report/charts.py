"""The one home of matplotlib: the report's three charts as deterministic PNG bytes.

Figures are built with the object API on the Agg canvas (no pyplot state, no display), at a fixed size and
dpi, under fixed style settings, and saved without the "Software" text chunk: the same report gives the same
bytes, so an unchanged chart is never re-uploaded.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from typing import Any

import matplotlib as mpl
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


def _png(draw: Callable[[Figure], None]) -> bytes:
    with mpl.rc_context(STYLE):
        figure = Figure(figsize=SIZE, dpi=DPI)
        FigureCanvasAgg(figure)
        draw(figure)
        figure.tight_layout()
        out = io.BytesIO()
        figure.savefig(out, format="png", dpi=DPI, metadata={"Software": None})
    return out.getvalue()


def compliance_trend(report: PortfolioReport) -> bytes:
    """Always 12 week slots, filled from the right, so the first weeks do not stretch across the chart."""
    points = report.trends[-TREND_SLOTS:]
    slots = list(range(TREND_SLOTS - len(points), TREND_SLOTS))
    labels = [p.week if i == 0 else p.week.split("-")[-1] for i, p in enumerate(points)]
    policy = report.policy

    def draw(figure: Figure) -> None:
        axes = figure.add_subplot()
        findings = axes.twinx()
        findings.bar(slots, [p.open_findings or 0 for p in points], color=COLOURS["bars"], width=0.6)
        findings.set_ylabel("open findings")
        findings.spines["top"].set_visible(False)
        axes.set_zorder(findings.get_zorder() + 1)
        axes.patch.set_visible(False)
        scores = [math.nan if p.compliance_score is None else p.compliance_score * 100 for p in points]
        axes.plot(slots, scores, marker="o", color=COLOURS["line"], linewidth=2, label="compliance score")
        for threshold, colour in ((policy.compliance_amber, "ffab00"), (policy.compliance_red, "de350b")):
            axes.axhline(threshold * 100, color=f"#{colour}", linestyle="--", linewidth=1)
        low = min([s for s in scores if not math.isnan(s)] + [policy.compliance_red * 100])
        axes.set_ylim(max(0.0, low - 5), 100.5)
        axes.set_xlim(-0.6, TREND_SLOTS - 0.4)
        axes.set_xticks(slots, labels)
        axes.yaxis.set_major_formatter(PercentFormatter(decimals=0))
        axes.set_title("Compliance score (line) and open findings (bars), last 12 weeks")

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
        axes.set_title("Budget envelope, committed and spent by strategic goal")

    return _png(draw)


def burn_vs_progress(report: PortfolioReport) -> bytes:
    projects = [p for p in report.projects if p.burn is not None and p.progress is not None]

    def draw(figure: Figure) -> None:
        axes = figure.add_subplot()
        top = max([1.0] + [max(p.burn or 0.0, p.progress or 0.0) for p in projects]) * 105
        axes.plot([0, top], [0, top], color="#97a0af", linestyle="--", linewidth=1, label="spend in step with progress")
        for p in projects:
            x, y = (p.progress or 0.0) * 100, (p.burn or 0.0) * 100
            axes.scatter([x], [y], s=60, color=RAG_COLOURS[p.rag], zorder=3)
            axes.annotate(_label(p.key), (x, y), textcoords="offset points", xytext=(6, 4))
        axes.set_xlim(0, top)
        axes.set_ylim(0, top)
        axes.xaxis.set_major_formatter(PercentFormatter(decimals=0))
        axes.yaxis.set_major_formatter(PercentFormatter(decimals=0))
        axes.set_xlabel("progress (earned value / budget)")
        axes.set_ylabel("budget burn (spent / budget)")
        axes.legend(loc="upper left", frameon=False)
        axes.set_title("Budget burn against progress by project (above the line: spending ahead of delivery)")

    return _png(draw)


def render_charts(report: PortfolioReport) -> dict[str, bytes]:
    """Filename -> PNG bytes, for the charts that have data."""
    charts = {COMPLIANCE_TREND: compliance_trend(report)}
    if report.alignment.goals:
        charts[BUDGET_BY_GOAL] = budget_by_goal(report)
    if any(p.burn is not None and p.progress is not None for p in report.projects):
        charts[BURN_VS_PROGRESS] = burn_vs_progress(report)
    return charts
