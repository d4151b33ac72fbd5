"""Full lists as CSV attachments, for every list the page cuts at top-N ("… and N more").

Columns are the row's fields in order; dates are ISO, numbers unformatted (for spreadsheets), tuples joined
with spaces, nested findings summarised as "rule on KEY" lines. Text is cleaned of control characters, and a
cell that a spreadsheet would read as a formula (``=``, ``+``, ``-``, ``@`` first) is prefixed with ``'``.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Iterable
from datetime import date
from typing import Any

from pmo_bot.report.context import FindingRow, Listing, PortfolioReport
from pmo_bot.report.numbers import clean

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool | int):
        return str(int(value)) if isinstance(value, bool) else str(value)
    if isinstance(value, float):
        return f"{value:.6g}" if abs(value) < 1e6 else f"{value:.2f}"
    if isinstance(value, tuple):
        if value and isinstance(value[0], FindingRow):
            return "\n".join(f"{f.severity} {f.rule_id} on {f.item_key}" for f in value)
        return " ".join(_cell(v) for v in value)
    text = clean(str(value))
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(rows: Iterable[Any]) -> bytes:
    """Dataclass rows as CSV (UTF-8 with a byte-order mark, so spreadsheet programs read accents right)."""
    rows = list(rows)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if rows:
        names = [f.name for f in dataclasses.fields(rows[0])]
        writer.writerow(names)
        for row in rows:
            writer.writerow([_cell(getattr(row, name)) for name in names])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def cut_lists(report: PortfolioReport) -> dict[str, bytes]:
    """Filename -> CSV bytes for each list that was cut on the page."""
    found: dict[str, bytes] = {}
    for listing in report.listings():
        assert isinstance(listing, Listing)
        if listing.more:
            found[listing.csv] = to_csv(listing.rows)
    return found
