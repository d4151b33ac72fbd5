"""Stored search results, so a query is evaluated once and its pages are sliced from the stored order."""

from __future__ import annotations

import secrets
from collections import OrderedDict

STORED_RESULTS = 64


class ResultStore:
    """Evaluated searches: token id -> ordered issue ids (Cloud), (jql, generation) -> ids (DC)."""

    def __init__(self) -> None:
        self._by_token: OrderedDict[str, list[int]] = OrderedDict()
        self._by_query: OrderedDict[tuple[str, int], list[int]] = OrderedDict()

    def put_token(self, ids: list[int]) -> str:
        ident = secrets.token_hex(8)
        self._by_token[ident] = ids
        while len(self._by_token) > STORED_RESULTS:
            self._by_token.popitem(last=False)
        return ident

    def by_token(self, ident: str) -> list[int] | None:
        ids = self._by_token.get(ident)
        if ids is not None:
            self._by_token.move_to_end(ident)
        return ids

    def by_query(self, key: tuple[str, int]) -> list[int] | None:
        return self._by_query.get(key)

    def put_query(self, key: tuple[str, int], ids: list[int]) -> None:
        self._by_query[key] = ids
        while len(self._by_query) > STORED_RESULTS:
            self._by_query.popitem(last=False)
