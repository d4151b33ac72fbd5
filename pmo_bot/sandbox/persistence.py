"""``--data FILE``: the site's state as JSON snapshots in SQLite, restored on start, saved after writes.

Writes are debounced: a background thread saves at most every half second while requests keep changing
the state, and ``close`` saves once more, so a demo survives a restart without slowing every request.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

from pmo_bot import logs
from pmo_bot.sandbox.confluence.state import ConfluenceState
from pmo_bot.sandbox.jira import snapshot as jira_snapshot
from pmo_bot.sandbox.site import Sandbox, SeedRequest

_SCHEMA = "CREATE TABLE IF NOT EXISTS snapshot (part TEXT PRIMARY KEY, data TEXT NOT NULL)"
_INTERVAL = 0.5

log = logs.get_logger(__name__)


class Persistence:
    def __init__(self, path: Path, sandbox: Sandbox) -> None:
        self.path = path
        self.sandbox = sandbox
        self._saved_changes = -1
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=10)

    def restore(self) -> bool:
        """Load the saved site; False when the file holds none (or one of another flavour)."""
        with self._connect() as db:
            rows = dict(db.execute("SELECT part, data FROM snapshot").fetchall())
        if "meta" not in rows:
            return False
        meta = json.loads(rows["meta"])
        if meta.get("flavor") != self.sandbox.flavor:
            log.warning("sandbox_snapshot_ignored", path=str(self.path), flavor=meta.get("flavor"))
            return False
        with self.sandbox.lock:
            jira_snapshot.restore(self.sandbox.jira, json.loads(rows["jira"]))
            self.sandbox.confluence = ConfluenceState.restore(json.loads(rows["confluence"]))
            self.sandbox.last_seed = SeedRequest(**meta["seed"])
            self._saved_changes = self.sandbox.changes
        log.info("sandbox_state_restored", path=str(self.path), issues=len(self.sandbox.jira.issues))
        return True

    def save(self) -> None:
        with self.sandbox.lock:
            changes = self.sandbox.changes
            seed = self.sandbox.last_seed
            parts = {
                "meta": json.dumps(
                    {
                        "flavor": self.sandbox.flavor,
                        "seed": {"profile": seed.profile, "issues": seed.issues, "seed": seed.seed},
                    }
                ),
                "jira": json.dumps(jira_snapshot.snapshot(self.sandbox.jira)),
                "confluence": json.dumps(self.sandbox.confluence.snapshot()),
            }
        with self._connect() as db:
            db.executemany("INSERT OR REPLACE INTO snapshot (part, data) VALUES (?, ?)", parts.items())
        self._saved_changes = changes

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="sandbox-persistence", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(_INTERVAL):
            if self.sandbox.changes != self._saved_changes:
                self.save()

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self.sandbox.changes != self._saved_changes:
            self.save()
