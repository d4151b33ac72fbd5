"""The one home of Jinja2 for the report: storage-format page, HTML preview and the index page.

Templates come from an admin's directory first (``templates_dir``), then from the packaged
``report_templates/``; ``default:NAME`` always names the packaged one, so an override can extend it and
replace a single block. Autoescaping is on for every template, undefined names raise (``StrictUndefined``), and
every value written is stripped of characters XML cannot carry. The documented context is
``docs/report.md``: ``report`` (a ``PortfolioReport``), ``charts`` (attached image filenames), ``images``
(HTML only: filename -> data URI) and ``format`` ("storage" or "html").
"""

from __future__ import annotations

import base64
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

from jinja2 import (
    ChoiceLoader,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    TemplateError,
    pass_context,
)
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from pmo_bot.errors import ConfigError
from pmo_bot.report import numbers
from pmo_bot.report.charts import render_charts
from pmo_bot.report.context import PortfolioReport
from pmo_bot.report.csvexport import cut_lists
from pmo_bot.report.publish import File, RenderedPage
from pmo_bot.wording import DEFAULT_LOCALE

STORAGE_PAGE = "storage/page.xml.j2"
HTML_PAGE = "html/page.html.j2"
INDEX_PAGE = "storage/index.xml.j2"


def packaged_dir() -> Path:
    """``report_templates/`` of a source checkout, else the copy installed inside the package."""
    source = Path(__file__).resolve().parents[2] / "report_templates"
    if source.is_dir():
        return source
    return Path(str(files("pmo_bot") / "_data" / "report_templates"))


def _nobreak(value: Any) -> Markup:
    """``numbers.nobreak`` on cleaned, escaped text: untrusted text loses its own invisible characters first."""
    escaped = Markup.escape(numbers.clean(str(value)))
    return Markup(numbers.nobreak(str(escaped)))  # noqa: S704 - escaped above; adds joiners and no-break spaces


def _finalize(value: Any) -> Any:
    if value is None:
        return numbers.DASH
    if isinstance(value, Markup):  # our filters' and macros' output: keeps the word joiners nobreak put there
        return Markup(numbers.clean_keeping_joiners(str(value)))  # noqa: S704 - removing characters adds no markup
    if isinstance(value, str):
        return numbers.clean(value)
    return value


def cdata(value: Any) -> Markup:
    """A CDATA section for ``ac:plain-text-*-body``: a ``]]>`` in the text is split across two sections."""
    text = numbers.clean(str(value)).replace("]]>", "]]]]><![CDATA[>")
    return Markup(f"<![CDATA[{text}]]>")  # noqa: S704 - the text is inside CDATA, ]]> split above


@pass_context
def _money(ctx: Context, value: object) -> str:
    return numbers.money(value, ctx["report"].currency, _locale(ctx))


def _locale(ctx: Context) -> str:
    report = ctx.get("report")
    return str(getattr(report, "locale", DEFAULT_LOCALE))


@pass_context
def _percent(ctx: Context, value: object, digits: int = 0) -> str:
    return numbers.percent(value, digits, _locale(ctx))


@pass_context
def _count(ctx: Context, value: object) -> str:
    return numbers.count(value, _locale(ctx))


@pass_context
def _day(ctx: Context, value: date | datetime | None) -> str:
    return numbers.day(value, _locale(ctx))


@pass_context
def _compact(ctx: Context, value: object) -> str:
    return numbers.compact_money(value, ctx["report"].currency)


@functools.lru_cache(maxsize=8)
def environment(templates_dir: Path | None = None) -> ImmutableSandboxedEnvironment:
    """Jinja's immutable sandbox: a template reads its documented context and nothing else (no attribute that
    starts with ``_``, no method that changes a value), so a ``templates_dir`` cannot run code or reach a secret."""
    packaged = FileSystemLoader(packaged_dir())
    loaders: list[Any] = []
    if templates_dir is not None:
        if not Path(templates_dir).is_dir():
            raise ConfigError(f"templates_dir {templates_dir} is not a directory: create it or unset templates_dir")
        loaders.append(FileSystemLoader(templates_dir))
    loaders += [PrefixLoader({"default": packaged}, delimiter=":"), packaged]
    env = ImmutableSandboxedEnvironment(
        loader=ChoiceLoader(loaders),
        autoescape=True,
        undefined=StrictUndefined,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        money=_money,
        compact=_compact,
        percent=_percent,
        index=numbers.index,
        count=_count,
        points=numbers.points,
        day=_day,
        cdata=cdata,
        nobreak=_nobreak,
    )
    env.globals["plural"] = numbers.plural
    return env


def _render(name: str, templates_dir: Path | None, **context: Any) -> str:
    try:
        return environment(templates_dir).get_template(name).render(**context)
    except TemplateError as error:  # SecurityError (the sandbox refused) is a TemplateError too
        where = f" (templates_dir {templates_dir})" if templates_dir else ""
        raise ConfigError(f"report template {name}{where} failed: {error}") from error


def render_storage(
    report: PortfolioReport,
    charts: Mapping[str, bytes],
    templates_dir: Path | None = None,
    *,
    fingerprinting: bool = False,
) -> str:
    """The weekly page body in Confluence storage format; charts are attachments shown with ``ac:image``.

    ``fingerprinting`` leaves out the volatile text (``ui.volatile``: "as of", the last check's time), giving
    what the publisher's fingerprint covers."""
    return _render(
        STORAGE_PAGE,
        templates_dir,
        report=report,
        charts=tuple(sorted(charts)),
        images={},
        format="storage",
        fingerprinting=fingerprinting,
    )


def render_html(report: PortfolioReport, charts: Mapping[str, bytes], templates_dir: Path | None = None) -> str:
    """A standalone HTML page with the charts embedded, for readers without Confluence and for the demo."""
    images = {name: "data:image/png;base64," + base64.b64encode(data).decode() for name, data in sorted(charts.items())}
    return _render(
        HTML_PAGE,
        templates_dir,
        report=report,
        charts=tuple(sorted(charts)),
        images=images,
        format="html",
        fingerprinting=False,
    )


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """One weekly page listed on the index (from the store's ``ReportPage`` records)."""

    week: str
    title: str
    published: date | None = None


def render_index(
    entries: Sequence[IndexEntry], latest: PortfolioReport | None, templates_dir: Path | None = None
) -> str:
    """The parent page: the latest headline and a link to every weekly page, newest first."""
    ordered = tuple(sorted(entries, key=lambda e: e.week, reverse=True))
    return _render(
        INDEX_PAGE,
        templates_dir,
        entries=ordered,
        report=latest,
        format="storage",
        charts=(),
        images={},
        fingerprinting=False,
    )


DEFAULT_TITLE = "Portfolio report — {year}-W{week:02d}"
DEFAULT_LABELS = ("pmo-report", "pmo-report-{year}-{week:02d}")


def week_parts(week: str) -> dict[str, int]:
    year, number = week.upper().split("-W")
    return {"year": int(year), "week": int(number)}


def rendered_page(
    report: PortfolioReport,
    *,
    title_pattern: str = DEFAULT_TITLE,
    label_patterns: Sequence[str] = DEFAULT_LABELS,
    templates_dir: Path | None = None,
) -> RenderedPage:
    """Everything the publisher writes for one week: title, storage body, charts and CSVs, labels."""
    parts = week_parts(report.week)
    charts = render_charts(report)
    files = [File(name, data, "image/png") for name, data in sorted(charts.items())]
    files += [File(name, data, "text/csv") for name, data in sorted(cut_lists(report).items())]
    return RenderedPage(
        title=title_pattern.format(**parts),
        body=render_storage(report, charts, templates_dir),
        content=render_storage(report, charts, templates_dir, fingerprinting=True),
        files=tuple(files),
        labels=tuple(pattern.format(**parts) for pattern in label_patterns),
    )
