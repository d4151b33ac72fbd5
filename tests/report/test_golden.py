"""The demo portfolio's report, pinned: structure (sections, macros, attachments) and key numbers.

When the report changes on purpose (a template, a definition, the demo data), regenerate and review the diff:

    PMO_UPDATE_GOLDEN=1 .venv/bin/pytest tests/report -k golden
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from pathlib import Path
from typing import Any

from pmo_bot.report.context import PortfolioReport
from pmo_bot.report.model import build_report
from pmo_bot.report.render import rendered_page
from tests.report.demo_inputs import demo_inputs

GOLDEN = Path(__file__).parent / "golden" / "demo_report.json"
UPDATE = os.environ.get("PMO_UPDATE_GOLDEN") == "1"  # read at import: the autouse fixture clears PMO_* later


def _num(value: Any) -> Any:
    return round(value, 4) if isinstance(value, float) else value


def digest(report: PortfolioReport, body: str, files: list[str]) -> dict[str, Any]:
    h = report.headline
    figures = ("compliance_score", "items", "governed", "items_with_errors", "open_findings", "new_findings",
               "waived_findings", "budget", "spent", "burn", "cpi", "spi", "eac", "vac", "overdue", "due_soon",
               "aligned_share")  # fmt: skip
    project_figures = ("compliance_score", "open_findings", "errors", "budget", "spent", "burn", "progress", "cpi",
                       "spi", "eac", "vac", "governed", "overdue", "due_soon")  # fmt: skip
    a, d = report.alignment, report.deliverables
    return {
        "week": report.week,
        "headline": {"rag": h.rag.value, "reasons": list(h.reasons), **{k: _num(getattr(h, k)) for k in figures},
                     "by_severity": {c.name: c.count for c in h.by_severity},
                     "by_category": {c.name: c.count for c in h.by_category},
                     "errors_by_type": {t.issue_type: [t.with_errors, t.total] for t in h.errors_by_type},
                     "projects_by_status": {g.rag.value: list(g.keys) for g in h.projects_by_status},
                     "unbudgeted": [[r.what, r.count, r.amount] for r in h.unbudgeted]},
        "projects": {p.key: {"rag": p.rag.value, **{k: _num(getattr(p, k)) for k in project_figures}}
                     for p in report.projects},
        "goals": {g.id: {"epics": g.epics, "committed": g.committed, "spent": g.spent, "share": _num(g.spend_share)}
                  for g in a.goals},
        "unaligned": [a.unaligned.count, a.unaligned.spent], "retired": [a.retired.count, a.retired.spent],
        "epics_at_risk": {"total": report.epics_at_risk.total,
                          "top": [[e.key, e.worst_severity, e.at_stake] for e in report.epics_at_risk.shown[:10]]},
        "deliverables": {name: [x.key for x in getattr(d, name).rows] for name in ("overdue", "due_soon", "slipped")},
        "aging": {b.name: b.count for b in report.aging_buckets},
        "waivers": [len(report.waivers.in_force), len(report.waivers.expiring), len(report.waivers.expired)],
        "rules": [r.id for r in report.rules],
        "structure": {
            "headings": re.findall(r"<h[23]>([^<(]*?)\s*[(<]", body),
            "macros": dict(sorted(Counter(re.findall(r'<ac:structured-macro ac:name="([a-z]+)"', body)).items())),
            "images": re.findall(r'<ac:image[^>]*><ri:attachment ri:filename="([^"]+)"', body),
            "files": files,
        },
    }  # fmt: skip


def test_golden_demo_report() -> None:
    report = build_report(demo_inputs())
    page = rendered_page(report)
    found = digest(report, page.body, [f.filename for f in page.files])
    if UPDATE:
        GOLDEN.write_text(json.dumps(found, indent=1, ensure_ascii=False) + "\n")
    assert GOLDEN.exists(), "no golden file yet: run PMO_UPDATE_GOLDEN=1 pytest tests/report -k golden"
    assert found == json.loads(GOLDEN.read_text()), "the demo report changed; if on purpose, regenerate (see above)"
