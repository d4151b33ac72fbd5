"""One problem found in a rule, strategy, rates, waivers or fixture file, and how it is worded.

Every problem names its place as ``file:line:col: rule 'id' > key > path: what is wrong (did you mean ...?)``
so an admin can jump to it. Validation collects them all; ``RuleError`` carries their text.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Path = tuple[str | int, ...]

# Collections whose elements are named in messages: key -> (noun, key naming the element).
_NAMED_COLLECTIONS: Mapping[str, tuple[str, str]] = {
    "rules": ("rule", "id"),
    "goals": ("goal", "id"),
    "waivers": ("waiver", "rule"),
    "cases": ("case", "name"),
}


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


def element_label(data: Any, path: Path) -> tuple[str | None, Path]:
    """``("rule 'epic-has-budget'", rest_of_path)`` when ``path`` points inside a named element."""
    if len(path) >= 2 and isinstance(path[0], str) and isinstance(path[1], int) and path[0] in _NAMED_COLLECTIONS:
        noun, name_key = _NAMED_COLLECTIONS[path[0]]
        elements = data.get(path[0]) if isinstance(data, dict) else None
        element = elements[path[1]] if isinstance(elements, list) and path[1] < len(elements) else None
        name = element.get(name_key) if isinstance(element, dict) else None
        if isinstance(name, str) and name and noun != "waiver":
            return f"{noun} '{name}'", path[2:]
        return f"{noun} {path[1] + 1}", path[2:]
    return None, path
