"""The request log: what clients sent, so tests and benchmarks can count exactly what happened."""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass
from typing import Any

_MAX_ENTRIES = 200_000


@dataclass(frozen=True, slots=True)
class LoggedRequest:
    id: int
    method: str
    path: str
    query: str
    status: int
    duration_ms: float
    # "429", "503", "drop-before", "drop-after", "latency", "search-lag" (an issue seen as before a write)...
    fault: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class RequestLog:
    """Append-only, bounded, thread-safe; ids increase from 1 so ``since`` works as a cursor."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[LoggedRequest] = []
        self._next_id = 1

    def next_id(self) -> int:
        with self._lock:
            value = self._next_id
            self._next_id += 1
            return value

    def append(self, entry: LoggedRequest) -> None:
        with self._lock:
            self._entries.append(entry)
            if len(self._entries) > _MAX_ENTRIES:
                del self._entries[: _MAX_ENTRIES // 10]

    def since(self, since_id: int = 0) -> list[LoggedRequest]:
        """Entries with an id greater than ``since_id``, in id order."""
        with self._lock:
            entries = [e for e in self._entries if e.id > since_id]
        # Entries are appended when responses finish, so ids can arrive slightly out of order.
        return sorted(entries, key=lambda e: e.id)

    def last_id(self) -> int:
        with self._lock:
            return self._next_id - 1
