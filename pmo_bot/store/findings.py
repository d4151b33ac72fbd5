"""Findings with their lifecycle, and the lookups the comment planner, the rules and the report need."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date, datetime, tzinfo
from typing import Any

from sqlmodel import col, select

from pmo_bot.domain import Finding, Mode, Severity
from pmo_bot.store.db import Database, among, key_groups, upsert
from pmo_bot.store.lifecycle import Reconciliation, reconcile
from pmo_bot.store.models import FindingRow, table
from pmo_bot.store.records import FindingStatus, StoredFinding

_ACTIVE = (FindingStatus.OPEN.value, FindingStatus.WAIVED.value)


def _record(row: FindingRow) -> StoredFinding:
    finding = Finding(
        rule_id=row.rule_id,
        item_key=row.item_key,
        title=row.title,
        severity=Severity(row.severity),
        category=row.category,
        mode=Mode(row.mode),
        observed=row.observed,
        expected=row.expected,
        message=row.message,
        remediation=row.remediation,
        fingerprint=row.fingerprint,
        waiver=row.waiver,
    )
    return StoredFinding(
        finding=finding,
        status=FindingStatus(row.status),
        first_seen=row.first_seen,
        last_seen=row.last_seen,
        resolved_at=row.resolved_at,
        baseline=row.baseline,
    )


def _row(state: StoredFinding) -> dict[str, Any]:
    f = state.finding
    return {
        "rule_id": f.rule_id,
        "item_key": f.item_key,
        "title": f.title,
        "severity": f.severity.value,
        "category": f.category,
        "mode": f.mode.value,
        "status": state.status.value,
        "observed": f.observed,
        "expected": f.expected,
        "message": f.message,
        "remediation": f.remediation,
        "fingerprint": f.fingerprint,
        "waiver": f.waiver,
        "baseline": state.baseline,
        "first_seen": state.first_seen,
        "last_seen": state.last_seen,
        "resolved_at": state.resolved_at,
    }


class Findings:
    def __init__(self, db: Database) -> None:
        self._db = db

    def reconcile(
        self, current: Iterable[Finding], evaluated: Collection[str], now: datetime, *, baseline: bool = False
    ) -> Reconciliation:
        """Apply this run's findings (see ``lifecycle.reconcile``) and return what changed, in one transaction."""
        produced = list(current)
        keys = sorted(set(evaluated) | {f.item_key for f in produced})
        with self._db.session() as session:
            previous = [_record(row) for row in self._rows_for(session, keys)]
            result = reconcile(previous, produced, keys, now, baseline=baseline)
            upsert(session, table("findings"), [_row(s) for s in result.states], ["rule_id", "item_key"])
        return result

    @staticmethod
    def _rows_for(session: Any, keys: list[str]) -> list[FindingRow]:
        rows: list[FindingRow] = []
        for group in key_groups(session, keys):
            rows.extend(session.exec(select(FindingRow).where(among(session, col(FindingRow.item_key), group))))
        return rows

    def for_items(self, keys: Collection[str]) -> dict[str, list[StoredFinding]]:
        """Every stored finding (any status) of these items, by item key."""
        found: dict[str, list[StoredFinding]] = {}
        with self._db.session() as session:
            for row in self._rows_for(session, sorted(keys)):
                found.setdefault(row.item_key, []).append(_record(row))
        return found

    def all(self, statuses: Collection[FindingStatus] = (), *, since: datetime | None = None) -> list[StoredFinding]:
        """Findings with one of ``statuses`` (all when empty); ``since``: only those seen or resolved since then."""
        query = select(FindingRow).order_by(col(FindingRow.item_key), col(FindingRow.rule_id))
        if statuses:
            query = query.where(col(FindingRow.status).in_([s.value for s in statuses]))
        if since is not None:
            query = query.where((col(FindingRow.last_seen) >= since) | (col(FindingRow.resolved_at) >= since))
        with self._db.session() as session:
            return [_record(row) for row in session.exec(query)]

    def first_seen_dates(self, tz: tzinfo) -> dict[tuple[str, str], date]:
        """For the rules' grace periods: the local day each open or waived finding was first seen."""
        query = select(FindingRow.rule_id, FindingRow.item_key, FindingRow.first_seen)
        query = query.where(col(FindingRow.status).in_(_ACTIVE))
        with self._db.session() as session:
            return {(rule, key): seen.astimezone(tz).date() for rule, key, seen in session.exec(query)}

    def baselined(self) -> frozenset[tuple[str, str]]:
        """(rule id, item key) of active findings recorded by a baseline run: the comment planner skips them."""
        query = select(FindingRow.rule_id, FindingRow.item_key).where(col(FindingRow.baseline).is_(True))
        query = query.where(col(FindingRow.status).in_(_ACTIVE))
        with self._db.session() as session:
            return frozenset((rule, key) for rule, key in session.exec(query))
