"""What a metric computation reads: the seam between the catalogue (``metrics.py``) and the metric families.

``budget``, ``schedule``, ``deliverables`` and ``goals`` compute metrics from a ``MetricSource``; ``metrics.py``
lists them and provides the one implementation (``Metrics``). Both import this leaf module, so neither imports
the other's: no import circle.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from pmo_bot.domain import Item
from pmo_bot.rules.context import EvaluationContext


class MetricSource(Protocol):
    """One item's metrics: other metrics by name, the item, its direct children, its ancestors and context."""

    @property
    def item(self) -> Item: ...

    @property
    def children(self) -> Sequence[Item]: ...

    @property
    def ancestors(self) -> Sequence[Item]: ...

    @property
    def ctx(self) -> EvaluationContext: ...

    def __getitem__(self, name: str) -> Any: ...

    def memo(self, key: str, compute: Callable[[Any], Any]) -> Any: ...
