"""One problem found in a rule, strategy, rates, waivers or fixture file, and how it is worded.

Every problem names its place as ``file:line:col: rule 'id' > key > path: what is wrong (did you mean ...?)``
so an admin can jump to it. Validation collects them all; ``RuleError`` carries their text.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Path = tuple[str | int, ...]


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    file: str
    line: int  # 1-based; 0 when the problem concerns the file as a whole
    column: int  # 1-based
    where: str  # "rule 'id' > check > field", or "" for file-level problems
    message: str
    warning: bool = False

    def __str__(self) -> str:
        place = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        kind = "warning: " if self.warning else ""
        where = f" {self.where}:" if self.where else ""
        return f"{place}:{where} {kind}{self.message}"


def did_you_mean(word: object, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest choice, or an empty string when nothing is close."""
    if not isinstance(word, str):
        return ""
    pool = list(choices)
    matches = difflib.get_close_matches(word, pool, n=1, cutoff=0.6)
    if not matches:
        lowered = {choice.casefold(): choice for choice in pool}
        matches = difflib.get_close_matches(word.casefold(), list(lowered), n=1, cutoff=0.6)
        matches = [lowered[match] for match in matches]
    return f" (did you mean '{matches[0]}'?)" if matches else ""


def describe_path(path: Sequence[str | int], label: str | None) -> str:
    """``rule 'id' > check > all > 2 > field``: where inside a document a problem sits.

    ``label`` names the enclosing element (``rule 'id'``, ``waiver 3``); ``path`` is what follows it.
    """
    parts = [label] if label else []
    parts.extend(str(part) for part in path)
    return " > ".join(parts)


def show(value: object, limit: int = 40) -> str:
    """A short, quoted rendering of a value found in a file, for messages."""
    text = repr(value) if isinstance(value, str) else str(value)
    if isinstance(value, bool | type(None)):
        text = {True: "true", False: "false", None: "null"}[value]
    return text if len(text) <= limit else text[: limit - 3] + "..."
