"""The demo report as a PMO sees it in the sandbox's Confluence page view, screenshotted by headless Chromium.

The weekly page (body, charts, CSVs, labels) is written straight into a running sandbox's Confluence state, so
this checks the storage body against the sandbox's page renderer and image serving without the publisher (its
end-to-end tests live with the ``report`` command). Output, for people to look at: ``build/report/`` holds
``demo-report-page.png`` (the page view), ``demo-report.html`` (the standalone preview) and its screenshot.
Run it alone with ``make screenshot``.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from pmo_bot.report.inputs import ReportInputs
from pmo_bot.report.model import build, build_report
from pmo_bot.report.rag import Rag
from pmo_bot.report.render import render_html, rendered_page
from pmo_bot.report.weekstate import WeekState
from pmo_bot.sandbox.confluence.views import page_view_url
from pmo_bot.sandbox.running import start_sandbox
from pmo_bot.sandbox.seed.confluence import SPACE_KEY
from pmo_bot.store.records import WeeklySnapshot
from tests.report.demo_inputs import demo_inputs

BUILD = Path(__file__).resolve().parents[2] / "build" / "report"
CHROMIUM = next(
    (found for name in ("chromium", "chromium-browser", "google-chrome") if (found := shutil.which(name))), None
)


def screenshot(url: str, out: Path, height: int) -> None:
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--force-device-scale-factor=1",
         f"--window-size=1280,{height}", f"--screenshot={out}", url],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip


def with_last_weeks(inputs: ReportInputs) -> ReportInputs:
    """The demo as in its fifth published week: four recorded weeks of trend, and last week's stored state a little
    different, so the page shows "What changed" and a trend line."""
    _, state = build(inputs)
    risky = [k for k, e in state.epics.items() if e.at_risk]
    calm = next(k for k, e in state.epics.items() if not e.at_risk and e.eac is not None)
    epics = dict(state.epics)
    for key in risky[:2]:
        epics[key] = dataclasses.replace(epics[key], at_risk=False)
    epics[calm] = dataclasses.replace(epics[calm], at_risk=True, at_stake=12_000.0)
    moved = next(k for k in risky if epics[k].eac)
    epics[moved] = dataclasses.replace(epics[moved], eac=(epics[moved].eac or 0) * 0.7)
    previous = WeekState(
        "2026-W47",
        {**state.projects, "PAY": Rag.GREEN},
        epics,
        (*state.findings[3:], ("alignment", "goal-active", "OPS-1")),
    )
    recorded = {"2026-W44": (0.91, 61), "2026-W45": (0.93, 58), "2026-W46": (0.92, 57), "2026-W47": (0.95, 55)}
    history = tuple(
        WeeklySnapshot(week, "portfolio", {"compliance_score": score, "open_findings": found, "burn": 0.5,
                                           "overdue": 3}, datetime(2026, 11, 1, tzinfo=UTC))
        for week, (score, found) in recorded.items()
    )  # fmt: skip
    return dataclasses.replace(inputs, previous=previous, history={**inputs.history, "portfolio": history})


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed (apt-get install chromium)")
def test_demo_report_in_the_sandbox_page_view() -> None:
    report = build_report(with_last_weeks(demo_inputs()))
    page = rendered_page(report)
    BUILD.mkdir(parents=True, exist_ok=True)
    charts = {f.filename: f.data for f in page.files if f.media_type == "image/png"}
    preview = BUILD / "demo-report.html"
    preview.write_text(render_html(report, charts), encoding="utf-8")
    with start_sandbox("cloud") as site:
        state = site.sandbox.confluence
        created = state.create_page(SPACE_KEY, page.title, page.body, parent_id=None, by="pmo-bot")
        for f in page.files:
            state.add_attachment(created.id, f.filename, f.data, media_type=f.media_type, comment="", minor_edit=True,
                                 by="pmo-bot")  # fmt: skip
        state.add_labels(created.id, [("global", label) for label in page.labels])
        url = site.url + page_view_url(created.id)
        view = httpx.get(url).text
        assert '<div class="render-error">' not in view  # the sandbox's renderer accepted the body as storage format
        assert "Epics at risk" in view
        images = re.findall(r'<img[^>]+src="([^"]+)"', view)
        assert len(images) == len(charts)
        for src in images:
            assert httpx.get(site.url + src.replace("&amp;", "&")).content in charts.values()
        screenshot(url, BUILD / "demo-report-page.png", 9800)
    screenshot(preview.as_uri(), BUILD / "demo-report-html.png", 8200)
    assert (BUILD / "demo-report-page.png").stat().st_size > 50_000
