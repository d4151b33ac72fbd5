"""docs/report.md keeps up with the code: every context field, RAG setting, filter and section template."""

from __future__ import annotations

import dataclasses
import inspect
from pathlib import Path

from pmo_bot.report import context
from pmo_bot.report.rag import RagPolicy
from pmo_bot.report.render import environment, packaged_dir

DOC = (Path(__file__).resolve().parents[2] / "docs" / "report.md").read_text()


def test_every_context_field_is_documented() -> None:
    classes = [c for _, c in inspect.getmembers(context, inspect.isclass) if dataclasses.is_dataclass(c)]
    assert context.PortfolioReport in classes
    missing = sorted(
        f"{c.__name__}.{f.name}" for c in classes for f in dataclasses.fields(c) if f"`{f.name}`" not in DOC
    )
    assert missing == []


def test_every_rag_setting_is_documented_with_its_default() -> None:
    for field in dataclasses.fields(RagPolicy):
        value = field.default
        shown = f"{value:.2f}" if isinstance(value, float) else str(value)
        assert f"| `{field.name}` | {shown} |" in DOC, field.name


def test_every_filter_and_template_is_documented() -> None:
    env = environment()
    for name in ("money", "compact", "percent", "points", "index", "count", "day", "cdata"):
        assert name in env.filters
        assert f"`{name}`" in DOC
    for template in sorted(packaged_dir().rglob("*.j2")):
        relative = template.relative_to(packaged_dir()).as_posix()
        assert relative in DOC or f"`{template.stem}`" in DOC, relative
